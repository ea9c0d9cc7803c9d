"""lednet: run a performance network for local economic development.

The package is a library first; :mod:`lednet.cli` is a thin command-line layer over it.
"""

__version__ = "0.1.0"
