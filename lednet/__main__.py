"""``python -m lednet`` runs the command line, as the ``lednet`` script does."""

from .cli import main

main()
