"""The status a figure can carry instead of (or beside) a number, shared by every stage.

Statuses follow the GSS shorthand where one exists, so an officer's ``[x]`` in a return, a
suppressed NOMIS cell and a report footnote all mean the same thing.
"""

from __future__ import annotations

OK = "ok"
ESTIMATED = "estimated"  # a value is present, but the authority says it is an estimate
NOT_AVAILABLE = "x"  # [x] not available
CONFIDENTIAL = "c"  # [c] confidential
NOT_APPLICABLE = "z"  # [z] not applicable
SUPPRESSED = "suppressed"  # NOMIS withheld or flagged the figure as unreliable
NO_DATA = "no-data"  # NOMIS has no figure for this authority and period
REJECTED = "rejected"  # a returned value failed a hard check and was not accepted
MISSING = "missing"  # no value was returned at all

WITH_VALUE = (OK, ESTIMATED)

LABELS = {
    OK: "",
    ESTIMATED: "estimated",
    NOT_AVAILABLE: "[x] not available",
    CONFIDENTIAL: "[c] confidential",
    NOT_APPLICABLE: "[z] not applicable",
    SUPPRESSED: "suppressed by the source",
    NO_DATA: "no data for this period",
    REJECTED: "failed validation",
    MISSING: "not returned",
}

# What an officer may choose in a return's status cell, and the status each choice records.
OFFICER_CHOICES = {
    "estimated": ESTIMATED,
    "[x] not available": NOT_AVAILABLE,
    "[c] confidential": CONFIDENTIAL,
    "[z] not applicable": NOT_APPLICABLE,
}


def label(status: str) -> str:
    """Words for a status, for templates, feedback and reports."""
    return LABELS.get(status, status)
