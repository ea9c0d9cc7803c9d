"""Check a return's answers against the catalogue: hard checks reject, soft checks ask.

Hard checks (type and unit are settled by ``lednet.parse``; here: range, required, choices,
cross-field rules, locked national figures) keep a value out of the dataset. Soft checks (a big
change from the previous period, an unexpected zero or sign, an outlier against the other
members) accept the value but ask for an explanation; an explanation in the notes cell
satisfies them. Outliers are computed over all current returns at once, so the outcome never
depends on the order in which returns arrived.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .catalogue import Catalogue, Change, CrossCheck, Indicator
from .findings import ERROR, INFO, WARNING, Finding, count
from .formula import compare
from .parse import (
    CellLike,
    Parsed,
    ParseProblem,
    ReturnedLike,
    parse_number,
    parse_returned,
    raw_text,
)
from .values import MISSING

SOFT_CODES = ("large-change", "unexpected-zero", "unexpected-sign", "outlier",
              "percent-as-fraction", "cross-check-failed")
# A robust z-score (median and MAD) beyond this is an outlier; 3.5 is the usual cut-off.
OUTLIER_Z = 3.5
OUTLIER_MIN_MEMBERS = 5
OUTLIER_FACTOR = 5.0
_SCALE_UNITS = ("count", "gbp", "gbp_thousands", "hectares")


@dataclass
class CheckedReturn:
    """Every input answer of one return, parsed and checked, with all findings in order."""

    answers: dict[str, Parsed]
    findings: list[Finding] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)

    @property
    def errors(self) -> int:
        return count(self.findings, ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, WARNING)

    def accepted(self, indicator: str) -> bool:
        return indicator not in self.rejected

    def numbers(self) -> dict[str, float | None]:
        """Accepted figures by indicator id, for cross-field rules."""
        return {k: (a.number if self.accepted(k) else None) for k, a in self.answers.items()}


@dataclass(frozen=True)
class Context:
    """What a check needs besides the return: where it came from and what came before."""

    authority: str
    file: str
    previous: Mapping[str, float | None] = field(default_factory=dict)
    changes: Mapping[str, Change] = field(default_factory=dict)
    missing_cells: frozenset[str] = frozenset()
    previous_period: int | None = None  # named in messages: "last period" may be years ago


def check_return(catalogue: Catalogue, inputs: Mapping[str, ReturnedLike],
                 national: Mapping[str, ReturnedLike], issued: Mapping[str, float | None],
                 context: Context) -> CheckedReturn:
    """Parse and check every input of a return; national cells against what was issued."""
    checked = CheckedReturn(answers={})
    for indicator in catalogue:
        if indicator.is_input:
            _check_input(checked, indicator, inputs.get(indicator.id), context)

    for rule in catalogue.checks:
        _cross_check(checked, catalogue, rule, context)
    for ident, returned in sorted(national.items()):
        if ident in catalogue:
            _national_check(checked, catalogue[ident], returned, issued, context)

    _explain(checked)
    checked.rejected |= {f.indicator for f in checked.findings
                         if f.severity == ERROR and f.indicator in checked.answers}
    return checked


def _check_input(checked: CheckedReturn, indicator: Indicator,
                 returned: ReturnedLike | None, context: Context) -> None:
    change = context.changes.get(indicator.id)
    if returned is None:
        checked.answers[indicator.id] = Parsed(indicator.id, None, None, MISSING, "", "", "")
        checked.rejected.add(indicator.id)
        _absent(checked, indicator, change, context)
        return

    answer = parse_returned(indicator, returned, authority=context.authority, file=context.file)
    checked.answers[indicator.id] = answer
    checked.findings.extend(answer.findings)
    if change is not None and change.kind == "redefined":
        checked.findings.append(_finding(
            "indicator-changed", indicator, answer, context, severity=ERROR,
            message=f"this figure was redefined after your template was made "
                    f"({change.detail}); it was not used. Send it on the current template"))
        return
    if answer.number is not None:
        _range(checked, indicator, answer, context)
        _soft(checked, indicator, answer, context)


def _absent(checked: CheckedReturn, indicator: Indicator, change: Change | None,
            context: Context) -> None:
    """An input the return does not have: new since its template, or its cell was lost."""
    if change is not None and change.kind == "added":
        checked.findings.append(Finding(
            "indicator-changed", f"{indicator.label}: this figure was added to the catalogue "
            "after your template was made; please send it on the current template",
            authority=context.authority, file=context.file, indicator=indicator.id))
        return
    if indicator.id in context.missing_cells:
        return  # the reader has already said which cell or sheet was deleted
    checked.findings.append(Finding(
        "cell-missing", f"{indicator.label}: the return has no cell for this figure; use a "
        "fresh template", authority=context.authority, file=context.file,
        indicator=indicator.id))


def _finding(code: str, indicator: Indicator, answer: Parsed, context: Context, *,
             message: str, severity: str = "", parsed: object = "") -> Finding:
    return Finding(code=code, message=f"{indicator.label}: {message}", severity=severity,
                   authority=context.authority, file=context.file, sheet=answer.sheet,
                   cell=answer.cell, indicator=indicator.id, raw=answer.raw,
                   parsed=_text(parsed if parsed != "" else answer.value))


def _text(value: object) -> str:
    if value is None:
        return ""
    return raw_text(value)


def _range(checked: CheckedReturn, indicator: Indicator, answer: Parsed,
           context: Context) -> None:
    value = answer.number
    assert value is not None
    low, high = indicator.minimum, indicator.maximum
    if (low is None or value >= low) and (high is None or value <= high):
        return
    allowed = _describe_range(low, high)
    checked.findings.append(_finding(
        "out-of-range", indicator, answer, context,
        message=f"{_number(value)} is outside the allowed range ({allowed}); check the figure "
                "and its unit"))


def _describe_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_number(low)} to {_number(high)}"
    if low is not None:
        return f"at least {_number(low)}"
    return f"at most {_number(high or 0)}"


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _soft(checked: CheckedReturn, indicator: Indicator, answer: Parsed,
          context: Context) -> None:
    value = answer.number
    assert value is not None
    previous = context.previous.get(indicator.id)
    if previous is not None and _changed_a_lot(indicator, previous, value):
        checked.findings.append(_finding(
            "large-change", indicator, answer, context,
            message=f"{_number(value)} against {_number(previous)} in "
                    f"{context.previous_period or 'the previous period'}, a change of "
                    f"{_change_words(previous, value)}; please explain it in the notes cell"))
    if value == 0 and (indicator.required or previous):
        checked.findings.append(_finding(
            "unexpected-zero", indicator, answer, context,
            message="the figure is 0; please confirm it in the notes cell, or choose [x] if "
                    "the figure is not available"))
    if value < 0 and indicator.minimum is None:
        checked.findings.append(_finding(
            "unexpected-sign", indicator, answer, context,
            message=f"the figure is negative ({_number(value)}); please confirm it in the "
                    "notes cell"))


def _changed_a_lot(indicator: Indicator, previous: float, value: float) -> bool:
    """Beyond BOTH thresholds the catalogue sets (one alone, if only one is set)."""
    absolute, relative = indicator.change_absolute, indicator.change_relative
    if absolute is None and relative is None:
        return False
    difference = abs(value - previous)
    ratio = math.inf if previous == 0 else difference / abs(previous)
    beyond_absolute = absolute is None or difference > absolute
    beyond_relative = relative is None or ratio > relative
    return difference > 0 and beyond_absolute and beyond_relative


def _change_words(previous: float, value: float) -> str:
    difference = value - previous
    if previous == 0:
        return f"{difference:+,.6g}"
    return f"{difference:+,.6g} ({difference / abs(previous):+.0%})"


def _cross_check(checked: CheckedReturn, catalogue: Catalogue, rule: CrossCheck,
                 context: Context) -> None:
    numbers = checked.numbers()
    left = rule.rule.left.evaluate(numbers)
    right = rule.rule.right.evaluate(numbers)
    if left is None or right is None:
        return  # a figure the rule needs is missing or failed; that has its own finding
    if compare(rule.rule.op, left, right, rule.tolerance):
        return

    names = sorted(rule.rule.names)
    where = _rule_cell(rule, names)
    answer = checked.answers[where]
    cells = ", ".join(f"{checked.answers[n].cell} = {_number(numbers[n] or 0)}" for n in names
                      if checked.answers[n].cell)
    checked.findings.append(Finding(
        "cross-check-failed", f"{rule.message} ({rule.rule.text}: {cells})",
        severity=rule.severity, authority=context.authority, file=context.file,
        sheet=answer.sheet, cell=answer.cell, indicator=where, raw=answer.raw,
        parsed=_text(answer.value)))
    if rule.severity == ERROR:
        checked.rejected.update(names)


def _rule_cell(rule: CrossCheck, names: list[str]) -> str:
    """The cell a failed rule is reported at: the right-hand figure (often a total)."""
    right = sorted(rule.rule.right.names)
    return right[0] if len(right) == 1 else names[0]


def _national_check(checked: CheckedReturn, indicator: Indicator, returned: ReturnedLike,
                    issued: Mapping[str, float | None], context: Context) -> None:
    """A locked national figure must still be what lednet issued in this very template."""
    facts = returned.value
    sent = issued.get(indicator.id)
    found = _cell_number(facts, indicator.unit)
    if sent is None and found is None:
        return
    if sent is not None and found is not None and math.isclose(found, sent, rel_tol=1e-9,
                                                               abs_tol=1e-9):
        return
    issued_text = "no figure" if sent is None else _number(sent)
    checked.findings.append(Finding(
        "national-value-changed", f"{indicator.label}: this national figure was issued as "
        f"{issued_text} but the cell now reads '{raw_text(facts.value)}'. National figures come "
        "from ONS via NOMIS and are locked; put the figure back and write any comment in the "
        "notes cell", authority=context.authority, file=context.file, sheet=facts.sheet,
        cell=facts.cell, indicator=indicator.id, raw=raw_text(facts.value),
        parsed=_text(sent)))


def _cell_number(facts: CellLike, unit: str) -> float | None:
    value = facts.value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return parse_number(str(value).strip(), unit).value
    except ParseProblem:
        return None


def _explain(checked: CheckedReturn) -> None:
    """A soft finding whose cell has an explanation in its notes is satisfied: info."""
    for index, finding in enumerate(checked.findings):
        if finding.code not in SOFT_CODES or finding.severity != WARNING:
            continue
        answer = checked.answers.get(finding.indicator)
        if answer is not None and answer.note:
            checked.findings[index] = explained(finding, answer.note)


def explained(finding: Finding, note: str) -> Finding:
    """The info finding that replaces a soft finding once the officer has explained it."""
    return replace(finding, code="explained", severity=INFO,
                   message=f"{finding.message} - explained: \u201c{note}\u201d")


@dataclass(frozen=True)
class MemberFigure:
    """One member's accepted figure for an indicator, located, for network-wide checks."""

    authority: str
    indicator: str
    value: float
    sheet: str
    cell: str
    note: str
    file: str = ""


def outlier_findings(catalogue: Catalogue,
                     figures: list[MemberFigure]) -> dict[str, list[Finding]]:
    """Outliers among all current returns, by authority; independent of arrival order."""
    by_indicator: dict[str, list[MemberFigure]] = {}
    for figure in figures:
        by_indicator.setdefault(figure.indicator, []).append(figure)

    found: dict[str, list[Finding]] = {}
    for ident in sorted(by_indicator):
        if ident not in catalogue:
            continue
        indicator = catalogue[ident]
        median = _median(by_indicator[ident])
        for figure, z in _robust_scores(indicator, by_indicator[ident]):
            if abs(z) <= OUTLIER_Z or not _far_from(indicator, figure.value, median):
                continue
            finding = Finding(
                "outlier", f"{indicator.label}: {_number(figure.value)} is far "
                f"{'above' if z > 0 else 'below'} the other members' figures (median "
                f"{_number(median)}); please confirm it in the notes "
                "cell", authority=figure.authority, file=figure.file, sheet=figure.sheet,
                cell=figure.cell, indicator=ident, raw=_number(figure.value),
                parsed=_number(figure.value))
            if figure.note:
                finding = explained(finding, figure.note)
            found.setdefault(figure.authority, []).append(finding)
    return found


def _far_from(indicator: Indicator, value: float, median: float) -> bool:
    """Sizes must also differ from the median by a large factor to be worth asking about.

    Members differ in size (a city and a rural district), so counts and money spread widely;
    a robust score alone would question every small district on every count.
    """
    if indicator.unit not in _SCALE_UNITS or value <= 0 or median <= 0:
        return True
    return max(value / median, median / value) >= OUTLIER_FACTOR


def _median(figures: list[MemberFigure]) -> float:
    return statistics.median(f.value for f in figures)


def _robust_scores(indicator: Indicator,
                   figures: list[MemberFigure]) -> list[tuple[MemberFigure, float]]:
    """Median/MAD z-scores; on a log scale for sizes, where big and small members differ."""
    if len(figures) < OUTLIER_MIN_MEMBERS:
        return []
    ordered = sorted(figures, key=lambda f: (f.authority, f.value))
    values = [f.value for f in ordered]
    if indicator.unit in _SCALE_UNITS and all(v > 0 for v in values):
        values = [math.log(v) for v in values]
    centre = statistics.median(values)
    spread = statistics.median(abs(v - centre) for v in values)
    if spread == 0:
        return []
    return [(f, 0.6745 * (v - centre) / spread) for f, v in zip(ordered, values, strict=True)]
