"""Read what an officer typed into one return cell, under one grammar per unit.

A cell's raw facts (type, value, formula, number format) become a number, a choice or an
explicit status, never a silent zero or blank. Every liberty lednet takes (text read as a
number, a percentage rescaled, ``n/a`` recorded as ``[x]``) is reported as an info finding, so
the authority sees what was assumed; anything that cannot be read safely is an error.

The grammar, by unit:

- every unit: surrounding and non-breaking spaces are ignored; UK thousands separators
  (``1,234,567``) and a decimal point are read; a number stored as text is read;
- ``gbp`` and ``gbp_thousands`` (money): a leading ``£``, a scale suffix ``k``, ``m`` or ``bn``
  (``£1,234k`` is £1,234,000, stored in the indicator's own unit) and accounting brackets for a
  negative ``(1,234)`` are read, each with an info finding;
- ``percent``: a trailing ``%`` is read; percentages are stored as percentage points, so
  ``45``, ``"45%"`` and a 0.45 in a %-formatted cell all store 45.0 (as NOMIS publishes them);
- any other unit: a ``£``, ``%`` or scale letter is an error (``unit-not-allowed``);
- placeholders ``n/a``, ``-``, ``..``, ``[x]``, ``[c]``, ``[z]`` become status codes, and the
  status cell's drop-down wins over a number (``[c]`` must never be published).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Protocol

from .catalogue import Indicator
from .findings import ERROR, WARNING, Finding
from .values import (
    CONFIDENTIAL,
    ESTIMATED,
    MISSING,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    OFFICER_CHOICES,
    OK,
    REJECTED,
    label,
)

MONEY_UNITS = ("gbp", "gbp_thousands")
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!")

# What officers type instead of a figure, and the status each means. "-" and ".." are the old
# ONS shorthand for "not available"; they are never read as zero.
PLACEHOLDERS = {
    "n/a": NOT_AVAILABLE, "na": NOT_AVAILABLE, "n.a.": NOT_AVAILABLE, "n.a": NOT_AVAILABLE,
    "-": NOT_AVAILABLE, "\u2013": NOT_AVAILABLE, "\u2014": NOT_AVAILABLE, "..": NOT_AVAILABLE,
    "...": NOT_AVAILABLE, "\u2026": NOT_AVAILABLE, "[x]": NOT_AVAILABLE, "x": NOT_AVAILABLE,
    "not available": NOT_AVAILABLE, "[c]": CONFIDENTIAL, "c": CONFIDENTIAL,
    "confidential": CONFIDENTIAL, "[z]": NOT_APPLICABLE, "z": NOT_APPLICABLE,
    "not applicable": NOT_APPLICABLE,
}

# The status cell: the drop-down texts, plus the short codes an officer may type instead.
STATUS_TEXTS = {
    **OFFICER_CHOICES, "[x]": NOT_AVAILABLE, "x": NOT_AVAILABLE, "not available": NOT_AVAILABLE,
    "n/a": NOT_AVAILABLE, "[c]": CONFIDENTIAL, "c": CONFIDENTIAL, "confidential": CONFIDENTIAL,
    "[z]": NOT_APPLICABLE, "z": NOT_APPLICABLE, "not applicable": NOT_APPLICABLE,
    "estimate": ESTIMATED, "e": ESTIMATED,
}

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_NUMBER = re.compile(
    r"^(?P<open>\()?(?P<sign>[-\u2212])?(?P<pound>£)?(?P<sign2>[-\u2212])?"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<scale>k|m|bn)?(?P<percent>%)?(?P<close>\))?$",
    re.IGNORECASE,
)
_SCALES = {"gbp": {"k": 1e3, "m": 1e6, "bn": 1e9},
           "gbp_thousands": {"k": 1.0, "m": 1e3, "bn": 1e6}}


class CellLike(Protocol):
    """The raw facts of one cell, as lednet.returns.reader.CellFacts gives them."""

    @property
    def sheet(self) -> str: ...
    @property
    def cell(self) -> str: ...
    @property
    def value(self) -> object: ...
    @property
    def data_type(self) -> str: ...
    @property
    def formula(self) -> str | None: ...
    @property
    def number_format(self) -> str: ...


class ReturnedLike(Protocol):
    """One indicator's cells in a return, as lednet.returns.reader.ReturnedIndicator."""

    @property
    def indicator(self) -> str: ...
    @property
    def value(self) -> CellLike: ...
    @property
    def status(self) -> CellLike | None: ...
    @property
    def note(self) -> CellLike | None: ...


class ParseProblem(ValueError):
    """Text that cannot be read as a figure of the indicator's unit."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Reading:
    """A number read from text, with the conversions made to read it (code, message)."""

    value: float
    conversions: tuple[tuple[str, str], ...] = ()


@dataclass
class Parsed:
    """One indicator's answer from a return: a value or a status, and what was found."""

    indicator: str
    value: float | None
    text_value: str | None
    status: str
    raw: str
    sheet: str
    cell: str
    note: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def has_error(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    @property
    def accepted(self) -> bool:
        """True when the answer passed every hard check so far."""
        return not self.has_error

    @property
    def number(self) -> float | None:
        """The figure, when the answer is a figure that passed; else None."""
        return self.value if self.accepted and self.status in (OK, ESTIMATED) else None


def parse_number(text: str, unit: str) -> Reading:
    """Read a figure typed as text under the grammar for ``unit``; raise ParseProblem if not."""
    compact = _SPACES.sub("", text)
    match = _NUMBER.match(compact)
    if not match:
        raise ParseProblem("not-a-number", f"'{text}' is not a number")
    conversions: list[tuple[str, str]] = []

    if compact != text:
        conversions.append(("value-converted", "spaces in the figure were ignored"))
    digits = match["digits"]
    value = float(digits.replace(",", ""))
    if "," in digits:
        conversions.append(("value-converted", "commas were read as thousands separators"))

    value = _apply_sign(match, value, unit, conversions)
    value = _apply_pound(match, value, unit, conversions)
    value = _apply_scale(match, value, unit, conversions)
    if match["percent"]:
        if unit != "percent":
            raise ParseProblem("unit-not-allowed", f"'{text}' has a % sign, but this figure "
                               "is not a percentage")
        conversions.append(("value-converted", f"'{text}' was read as {_fmt(value)} "
                            "percentage points"))
    return Reading(value, tuple(conversions))


def _apply_sign(match: re.Match[str], value: float, unit: str,
                conversions: list[tuple[str, str]]) -> float:
    if bool(match["open"]) != bool(match["close"]):
        raise ParseProblem("not-a-number", "a bracket is not closed")
    if match["open"]:
        if unit not in MONEY_UNITS:
            raise ParseProblem("not-a-number", "brackets are only read as minus for money")
        conversions.append(("value-converted", "accounting brackets were read as a minus"))
        value = -value
    if match["sign"] or match["sign2"]:
        value = -value
    return value


def _apply_pound(match: re.Match[str], value: float, unit: str,
                 conversions: list[tuple[str, str]]) -> float:
    if not match["pound"]:
        return value
    if unit not in MONEY_UNITS:
        raise ParseProblem("unit-not-allowed", "a £ sign was typed, but this figure is not "
                           "money")
    where = "in £ thousands" if unit == "gbp_thousands" else "in £"
    conversions.append(("value-converted", f"the £ sign was dropped; the figure is read {where}"))
    return value


def _apply_scale(match: re.Match[str], value: float, unit: str,
                 conversions: list[tuple[str, str]]) -> float:
    scale = (match["scale"] or "").lower()
    if not scale:
        return value
    if unit not in MONEY_UNITS:
        raise ParseProblem("unit-not-allowed", f"the letter '{match['scale']}' after the figure "
                           "is a money scale, but this figure is not money")
    scaled = value * _SCALES[unit][scale]
    target = "£000" if unit == "gbp_thousands" else "£"
    conversions.append(("value-converted", f"'{_fmt(value)}{match['scale']}' was read as "
                        f"{_fmt(scaled)} {target}"))
    return scaled


def parse_status(text: object) -> str | None:
    """The status an officer chose in the status cell, or None for blank; KeyError if unknown."""
    if text is None:
        return None
    words = _SPACES.sub(" ", str(text)).strip().lower()
    if not words:
        return None
    return STATUS_TEXTS[words]


def is_percent_format(number_format: str | None) -> bool:
    """True for Excel's percent format (0.45 shows as 45%), not a literal "%" in quotes.

    The templates show percentage points with a quoted "%" (45 shows as 45%); an officer who
    types 45% into such a cell makes Excel store 0.45 and switch the format to a real percent.
    """
    unquoted = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in unquoted


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.10g}"


def raw_text(value: object) -> str:
    """The cell's content as text, for findings and the audit trail."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


class _CellParser:
    """Parses one ReturnedIndicator; collects findings as it goes."""

    def __init__(self, indicator: Indicator, returned: ReturnedLike, authority: str,
                 file: str) -> None:
        self.ind = indicator
        self.returned = returned
        self.facts = returned.value
        self.authority = authority
        self.file = file
        self.findings: list[Finding] = []
        self.placeholder_status: str | None = None

    def find(self, code: str, message: str, severity: str = "", parsed: object = "",
             facts: CellLike | None = None) -> None:
        where = facts or self.facts
        self.findings.append(Finding(
            code=code, message=f"{self.ind.label}: {message}", severity=severity,
            authority=self.authority, file=self.file, sheet=where.sheet, cell=where.cell,
            indicator=self.ind.id, raw=raw_text(where.value),
            parsed=raw_text(parsed)))

    def result(self, value: float | None, text_value: str | None, status: str) -> Parsed:
        note_facts = self.returned.note
        note = raw_text(note_facts.value).strip() if note_facts is not None else ""
        if any(f.severity == ERROR for f in self.findings) and status not in (MISSING,):
            status = REJECTED
        return Parsed(self.ind.id, value, text_value, status, raw_text(self.facts.value),
                      self.facts.sheet, self.facts.cell, note, self.findings)

    def status_choice(self) -> str | None:
        facts = self.returned.status
        if facts is None:
            return None
        try:
            return parse_status(facts.value)
        except KeyError:
            self.find("not-a-choice", f"the status cell says '{raw_text(facts.value)}', which "
                      "is not one of its choices, so it was ignored; choose from the drop-down "
                      "(estimated, [x], [c], [z]) or leave it blank", severity=WARNING,
                      facts=facts)
            return None

    def parse(self) -> Parsed:
        status = self.status_choice()
        value = self.cached_value()
        if value is _FAILED:
            return self.result(None, None, REJECTED)
        if isinstance(value, str) and not _SPACES.sub("", value):
            value = None

        if value is None:
            return self.blank(status)
        if status in (NOT_AVAILABLE, CONFIDENTIAL, NOT_APPLICABLE):
            self.find("status-conflict", f"a figure ({raw_text(value)}) and the status "
                      f"'{label(status)}' were both given; the status was recorded and the "
                      "figure left out. Clear one of them", parsed=status)
            return self.result(None, None, status)
        if self.ind.type == "choice":
            return self.choice(value, status)
        return self.number(value, status)

    def cached_value(self) -> object:
        """The cell's value, or its formula's saved result; _FAILED after an error finding."""
        facts = self.facts
        value = facts.value
        if facts.data_type == "e" or (isinstance(value, str) and value.strip() in EXCEL_ERRORS):
            self.find("excel-error", f"the cell shows the Excel error {raw_text(value)}; "
                      "type the figure itself")
            return _FAILED
        if facts.formula:
            if value is None:
                self.find("formula-no-result", f"the cell holds the formula {facts.formula} "
                          "with no saved result; type the figure itself, or open and save the "
                          "file in Excel")
                return _FAILED
            self.find("formula-result-used", f"the cell holds the formula {facts.formula}; its "
                      f"saved result {raw_text(value)} was used", parsed=raw_text(value))
        return value

    def blank(self, status: str | None) -> Parsed:
        if status in (NOT_AVAILABLE, CONFIDENTIAL, NOT_APPLICABLE):
            self.find("status-recorded", f"recorded as '{label(status)}'", parsed=status)
            return self.result(None, None, status)
        if status == ESTIMATED:
            self.find("missing-value", "marked as estimated but no figure was given; type the "
                      "estimate")
            return self.result(None, None, MISSING)
        if self.ind.required:
            self.find("missing-value", "this figure is required but the cell is blank; type "
                      "it, or choose [x], [c] or [z] in the status cell to say why not")
            return self.result(None, None, MISSING)
        self.find("status-recorded", "left blank, recorded as not returned; if it is not "
                  "available choose [x] in the status cell", parsed=MISSING)
        return self.result(None, None, MISSING)

    def choice(self, value: object, status: str | None) -> Parsed:
        text = _SPACES.sub(" ", str(value)).strip()
        for choice in self.ind.choices:
            if text.lower() == choice.lower():
                if text != choice:
                    self.find("value-converted", f"'{text}' was read as the choice "
                              f"'{choice}'", parsed=choice)
                return self.result(None, choice, status or OK)
        placeholder = PLACEHOLDERS.get(text.lower())
        if placeholder is not None:
            return self.placeholder(text, placeholder)
        choices = ", ".join(self.ind.choices)
        self.find("not-a-choice", f"'{text}' is not one of the allowed answers ({choices})")
        return self.result(None, None, REJECTED)

    def placeholder(self, text: str, status: str) -> Parsed:
        self.placeholder_status = status
        self.find("status-recorded", f"'{text}' was recorded as '{label(status)}', not as a "
                  "figure; if that is wrong, type the figure", parsed=status)
        return self.result(None, None, status)

    def number(self, value: object, status: str | None) -> Parsed:
        figure = self.figure(value)
        if figure is None:
            return self.result(None, None, self.placeholder_status or REJECTED)
        if self.ind.type == "integer" and not _whole(figure):
            self.find("not-whole-number", f"{_fmt(figure)} is not a whole number; this figure "
                      "is a count", parsed=figure)
            return self.result(figure, None, REJECTED)
        asked = any(f.code == "percent-as-fraction" for f in self.findings)  # one query is enough
        if (self.ind.type == "decimal" and not asked
                and abs(round(figure, self.ind.decimals) - figure) > 1e-9):
            places = f"{self.ind.decimals} decimal place{'s' if self.ind.decimals != 1 else ''}"
            self.find("extra-decimals", f"{_fmt(figure)} has more than the {places} asked for; "
                      "it is stored as given and printed rounded; check it is not a slip",
                      parsed=figure)
        if status == ESTIMATED:
            self.find("status-recorded", "recorded as an estimate", parsed=ESTIMATED)
        return self.result(float(figure), None, status or OK)

    def figure(self, value: object) -> float | None:
        """The number in the cell, converted to the indicator's unit; None after a finding."""
        if isinstance(value, bool):
            self.find("not-a-number", f"the cell holds {str(value).upper()}, not a figure")
            return None
        if isinstance(value, dt.datetime | dt.date | dt.time):
            self.find("not-a-number", "Excel has turned what was typed into a date or time; "
                      "format the cell as a number and type the figure again")
            return None
        if isinstance(value, int | float):
            return self.stored_number(float(value))
        return self.text_number(str(value))

    def stored_number(self, value: float) -> float | None:
        if not math.isfinite(value):
            self.find("not-a-number", "the cell does not hold a finite number")
            return None
        if self.ind.unit == "percent" and is_percent_format(self.facts.number_format):
            scaled = round(value * 100, 10)
            self.find("percent-scaled", f"the cell is formatted as a percentage, so "
                      f"{raw_text(value)} was stored as {_fmt(scaled)} percentage points",
                      parsed=scaled)
            return scaled
        if self.ind.unit == "percent" and 0 < abs(value) < 1:
            # LibreOffice keeps the template's literal-% format when 16.2% is typed and
            # stores 0.162, so the fraction cannot be told from a real 0.162%: ask.
            self.find("percent-as-fraction", f"{raw_text(value)} is less than 1%; if 16.2% was "
                      f"meant, type 16.2 (percentages are typed as points, e.g. 45 for 45%), "
                      "or confirm the figure in the notes cell", parsed=value)
        return value

    def text_number(self, text: str) -> float | None:
        stripped = _SPACES.sub(" ", text).strip()
        placeholder = PLACEHOLDERS.get(stripped.lower())
        if placeholder is not None:
            self.placeholder(stripped, placeholder)
            return None
        try:
            reading = parse_number(stripped, self.ind.unit)
        except ParseProblem as problem:
            hint = (" Type the figure as digits, e.g. 1234 or 1,234.5, or choose [x] in the "
                    "status cell if it is not available")
            self.find(problem.code, f"{problem.message}.{hint}")
            return None
        details = "".join(f"; {message}" for _code, message in reading.conversions)
        self.find("value-converted", f"the cell held text '{stripped}'; it was read as the "
                  f"number {_fmt(reading.value)}{details}", parsed=reading.value)
        return reading.value


_FAILED = object()


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def parse_returned(indicator: Indicator, returned: ReturnedLike, *, authority: str = "",
                   file: str = "") -> Parsed:
    """Parse one returned indicator (value cell, status cell, note) into a Parsed answer."""
    return _CellParser(indicator, returned, authority, file).parse()
