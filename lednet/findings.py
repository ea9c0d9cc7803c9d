"""Findings: what ingest has to say about a return, as data rather than printed text.

Every finding has a severity, a stable code from the fixed list below, and a location (file,
sheet, A1 cell, indicator), so it can be shown in a table, written as JSON, or sent back to
the authority in its feedback file. Codes are a contract: add, never rename.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# code -> (default severity, what it means)
CODES: dict[str, tuple[str, str]] = {
    # the file as a whole
    "duplicate-file": (INFO, "the same bytes were ingested before; nothing new was done"),
    "not-a-workbook": (ERROR, "the file is not an Excel workbook (e.g. PDF, CSV, HTML, text)"),
    "legacy-xls": (ERROR, "an Excel 97-2003 .xls file; re-save it as .xlsx"),
    "encrypted-workbook": (ERROR, "the workbook is password-protected for opening"),
    "file-too-large": (ERROR, "the file, or a part inside it, is far larger than a return"),
    "unreadable-workbook": (ERROR, "the workbook is damaged and cannot be read"),
    "not-a-lednet-return": (ERROR, "a workbook, but not a lednet return template"),
    "unknown-authority": (ERROR, "the return names an authority that is not a member"),
    "wrong-period": (ERROR, "the return is for another period than the one being collected"),
    "not-expected": (ERROR, "the authority is not a member for this period"),
    "older-catalogue": (WARNING, "the return was made from an earlier catalogue version"),
    "indicator-changed": (WARNING, "the indicator was redefined since the return was issued"),
    "after-close": (WARNING, "the return arrived after the period was closed"),
    "superseded": (INFO, "a later return from the same authority replaces this one"),
    "provisional": (INFO, "the sign-off block is incomplete, so the return is provisional"),
    # structure
    "anchor-damaged": (ERROR, "the hidden identification sheet was changed or removed"),
    "sheet-renamed": (INFO, "a sheet was renamed; values were still found by indicator id"),
    "sheet-hidden": (WARNING, "a sheet holding input cells was hidden"),
    "sheet-missing": (ERROR, "a sheet holding input cells was deleted"),
    "rows-inserted": (INFO, "rows were inserted; values were still found by indicator id"),
    "rows-deleted": (WARNING, "rows were deleted; values were still found by indicator id"),
    "cell-missing": (ERROR, "an input cell cannot be found (its row was deleted)"),
    "cell-moved": (WARNING, "an input cell is not where the template put it"),
    "cell-merged": (ERROR, "an input cell was merged with its neighbours"),
    "cell-hidden": (WARNING, "an input cell's row or column was hidden"),
    # values
    "missing-value": (ERROR, "a required value is blank and has no status"),
    "not-a-number": (ERROR, "the text cannot be read as a number"),
    "not-whole-number": (ERROR, "a count must be a whole number"),
    "unit-not-allowed": (ERROR, "a unit symbol (£, %, k, m) that this indicator's unit forbids"),
    "out-of-range": (ERROR, "the value is outside the catalogue's allowed range"),
    "not-a-choice": (ERROR, "the answer is not one of the allowed choices"),
    "excel-error": (ERROR, "the cell holds an Excel error such as #REF! or #DIV/0!"),
    "formula-no-result": (ERROR, "the cell holds a formula with no saved result"),
    "national-value-changed": (ERROR, "a locked national value differs from the value issued"),
    "cross-check-failed": (ERROR, "a rule relating several values does not hold"),
    "status-conflict": (WARNING, "both a value and a 'not available' status were given"),
    # soft checks
    "large-change": (WARNING, "a big change from the previous period; please explain"),
    "unexpected-zero": (WARNING, "zero where a value is expected; please confirm"),
    "extra-decimals": (INFO, "more decimal places than the catalogue asks for"),
    "percent-as-fraction": (WARNING, "a percentage under 1 that may have been typed with %"),
    "outlier": (WARNING, "far from the other members' values; please confirm"),
    "unexpected-sign": (WARNING, "a negative figure where one is not expected; please confirm"),
    "explained": (INFO, "a soft finding is satisfied by the explanation given"),
    # conversions lednet made
    "value-converted": (INFO, "lednet read the text as a number; check it is what you meant"),
    "percent-scaled": (INFO, "a percentage typed as a fraction or with % was converted"),
    "status-recorded": (INFO, "a placeholder or status was recorded instead of a value"),
    "formula-result-used": (INFO, "the cell's formula result was used as its value"),
    # coordinator
    "decision-applied": (INFO, "a coordinator decision applies to this value"),
}


def count(findings: Iterable[Finding], severity: str) -> int:
    """How many of ``findings`` have this severity."""
    return sum(1 for finding in findings if finding.severity == severity)


@dataclass(frozen=True)
class Finding:
    """One thing ingest found about a return, located as precisely as it can be."""

    code: str
    message: str
    severity: str = ""
    authority: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    raw: str = ""
    parsed: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code][0])
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
