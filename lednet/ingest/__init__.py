"""``lednet ingest``: keep every file received, check each return cell by cell, merge it.

``identify`` tells files apart by content, ``archive`` keeps their bytes, ``pipeline`` runs
the steps for each file, ``merge`` writes a return to the store in one transaction, and
``result`` holds the verdicts. Parsing and checking live in ``lednet.parse`` and
``lednet.checks``; feedback files in ``lednet.feedback``.
"""

from .merge import CRASH_ENV
from .pipeline import (
    collect_files,
    ingest_paths,
    period_catalogue,
    refresh_network_findings,
)
from .result import FileVerdict, IngestResult

__all__ = ["CRASH_ENV", "FileVerdict", "IngestResult", "collect_files", "ingest_paths",
           "period_catalogue", "refresh_network_findings"]
