"""Find the files lednet ships: the default catalogue, report templates, reference data."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Path of a shipped resource, whether lednet is installed or run from a checkout.

    A wheel carries ``indicators.yaml`` and ``templates/`` under ``lednet/_resources``; in a
    source checkout (or an editable install) they sit at the top of the repository.
    """
    for base in (_PACKAGE / "_resources", _PACKAGE.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    return _PACKAGE / "_resources" / name


def data_path(name: str) -> Path:
    """Path of a data file inside the package (``lednet/data``)."""
    return _PACKAGE / "data" / name
