"""What a period means for each kind of figure, and the NOMIS date a period maps to.

A network period is named by a year: ``period 2009`` is the financial year 2008/09, the year the
returns describe. Each indicator says what its figure is *for* that period (the mid-2008
population estimate, the APS year to December 2008, business counts in March 2009...).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Each meaning takes the period year and says in words what the figure covers.
PERIOD_MEANINGS: dict[str, Callable[[int], str]] = {
    "financial_year": lambda p: (
        f"financial year {p - 1}/{p % 100:02d} (1 April {p - 1} to 31 March {p})"),
    "at_31_march": lambda p: f"as at 31 March {p}",
    "mid_year_previous": lambda p: f"mid-{p - 1} estimate (30 June {p - 1})",
    "aps_year_to_december_previous": lambda p: (
        f"Annual Population Survey, January to December {p - 1}"),
    "march": lambda p: f"March {p}",
    "march_count": lambda p: f"count for March {p}",
    "ashe_april_previous": lambda p: f"Annual Survey of Hours and Earnings, April {p - 1}",
    "calendar_year_previous": lambda p: f"calendar year {p - 1}",
    "jobs_year_two_before": lambda p: f"jobs in {p - 2} (published with a two-year lag)",
    "as_derived": lambda p: "as the figures it is computed from",
}

_DATE_TOKEN = re.compile(r"\{P(?:([+-])(\d+))?\}")
_DATE_PATTERN = re.compile(r"^[A-Za-z0-9\-{}+P,]+$")


def describe_period(meaning: str, period: int) -> str:
    """Plain-English description of what a figure covers for this period."""
    return PERIOD_MEANINGS[meaning](period)


def check_date_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` is a NOMIS date with optional ``{P}``/``{P-n}``."""
    if not isinstance(pattern, str) or not _DATE_PATTERN.match(pattern):
        raise ValueError("a date rule looks like '{P-1}' or '{P-1}-12'")
    leftover = _DATE_TOKEN.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        raise ValueError("a date rule may only use {P}, {P-n} or {P+n}")


def nomis_date(pattern: str, period: int) -> str:
    """Apply a period-to-date rule such as ``{P-1}-12`` to a period: 2009 -> ``2008-12``."""

    def substitute(match: re.Match[str]) -> str:
        sign, amount = match.group(1), match.group(2)
        if not sign:
            return str(period)
        offset = int(amount) if sign == "+" else -int(amount)
        return str(period + offset)

    return _DATE_TOKEN.sub(substitute, pattern)


def parse_period(text: str | int) -> int:
    """A period is a four-digit year between 2000 and 2100."""
    try:
        period = int(str(text).strip())
    except ValueError as exc:
        raise ValueError(f"a period is a year such as 2012, not {text!r}") from exc
    if not 2000 <= period <= 2100:
        raise ValueError(f"a period is a year between 2000 and 2100, not {period}")
    return period


class PeriodRange:
    """An inclusive range of periods written ``2009..2020``, ``..2020``, ``2021..`` or ``2012``."""

    def __init__(self, text: str | int) -> None:
        text = str(text).strip()
        if ".." in text:
            low, high = text.split("..", 1)
            self.first = parse_period(low) if low else None
            self.last = parse_period(high) if high else None
        else:
            self.first = self.last = parse_period(text)
        self.text = text

    def __contains__(self, period: int) -> bool:
        if self.first is not None and period < self.first:
            return False
        return not (self.last is not None and period > self.last)

    def __repr__(self) -> str:
        return f"PeriodRange({self.text!r})"
