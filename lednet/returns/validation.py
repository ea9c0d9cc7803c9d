"""Excel data validation for a return's input cells: help for the officer, never relied on.

Value cells use warning-style rules, so an officer who types "n/a" or "1,234k" is warned but
not blocked, and ingest sees and reports what was typed. The status cell is a drop-down of the
statuses an officer may choose. Every title and message is cut to Excel's limits, which openpyxl
does not enforce and which Excel punishes by calling the file corrupt.
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation

from ..catalogue import Indicator
from ..values import OFFICER_CHOICES
from . import layout

MAX_NOTE = 2000


def inline_list(choices: tuple[str, ...] | list[str]) -> str | None:
    """An inline list formula such as ``"yes,no"``, or None when Excel cannot hold it inline."""
    if any("," in c or '"' in c for c in choices):
        return None
    formula = '"' + ",".join(choices) + '"'
    return formula if len(formula) <= layout.LIST_LIMIT else None


def status_choices() -> tuple[str, ...]:
    return tuple(OFFICER_CHOICES)


def describe_rule(indicator: Indicator) -> str:
    """The catalogue's rule in words an officer reads: "a whole number from 0 to 5,000"."""
    if indicator.type == "choice":
        return "one of: " + ", ".join(indicator.choices)
    kind = "a whole number" if indicator.type == "integer" else "a number"
    low, high = indicator.minimum, indicator.maximum
    if low is not None and high is not None:
        return f"{kind} from {_words(low)} to {_words(high)}"
    if low is not None:
        return f"{kind} of at least {_words(low)}"
    if high is not None:
        return f"{kind} of at most {_words(high)}"
    return kind


def value_rule(indicator: Indicator, list_range: str | None = None) -> DataValidation:
    """The rule for an indicator's value cell, matching the catalogue's type and range."""
    if indicator.type == "choice":
        formula = inline_list(indicator.choices) or list_range
        if formula is None:
            raise ValueError(f"no list for the choices of {indicator.id}")
        rule = DataValidation(type="list", formula1=formula)
    else:
        rule = _number_rule(indicator)

    hint = _unit_hint(indicator)
    _explain(rule, title=indicator.label, prompt=f"Enter {describe_rule(indicator)}{hint}. "
             "If you cannot give it, leave it blank and choose a reason in the Status cell.",
             error=f"This should be {describe_rule(indicator)}{hint}. Keep it only if you "
             "are sure; otherwise press No and correct it.")
    return rule


def status_rule(list_range: str | None = None) -> DataValidation:
    formula = inline_list(status_choices()) or list_range
    rule = DataValidation(type="list", formula1=formula, errorStyle="stop")
    _explain(rule, title="Status (optional)",
             prompt="Leave blank for an ordinary figure. Choose 'estimated' for an estimate, "
             "or [x] not available, [c] confidential, [z] not applicable.",
             error="Choose a status from the list, or leave the cell blank.")
    return rule


def note_rule() -> DataValidation:
    rule = DataValidation(type="textLength", operator="lessThanOrEqual",
                          formula1=str(MAX_NOTE))
    _explain(rule, title="Notes", prompt="Explain big changes from the previous figure, "
             "estimates, or anything unusual about this figure.",
             error=f"Please keep notes under {MAX_NOTE:,} characters.")
    return rule


def signoff_rule(field: str) -> DataValidation:
    if field == "date":
        # Any date after 1 January 2000 (Excel serial 36526); text is warned about, not blocked.
        rule = DataValidation(type="date", operator="greaterThan", formula1="36526")
        _explain(rule, title="Date signed off", prompt="The date you signed off this return, "
                 "e.g. 29/06/2012.", error="Type a date such as 29/06/2012.")
        return rule
    rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200")
    _explain(rule, title=f"Your {field}", prompt=f"Your {field}, as the officer signing off "
             "this return.", error="Please keep this under 200 characters.")
    return rule


def _number_rule(indicator: Indicator) -> DataValidation:
    kind = "whole" if indicator.type == "integer" else "decimal"
    low, high = indicator.minimum, indicator.maximum
    if low is not None and high is not None:
        return DataValidation(type=kind, operator="between", formula1=_formula(low),
                              formula2=_formula(high))
    if low is not None:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_formula(low))
    if high is not None:
        return DataValidation(type=kind, operator="lessThanOrEqual", formula1=_formula(high))
    return DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15")


def _explain(rule: DataValidation, *, title: str, prompt: str, error: str) -> None:
    """Titles, prompts and messages, cut to Excel's limits; value rules only warn."""
    rule.allow_blank = True
    rule.showInputMessage = True
    rule.showErrorMessage = True
    if rule.errorStyle is None:
        rule.errorStyle = "warning"
    rule.promptTitle = layout.limit(title, layout.TITLE_LIMIT)
    rule.prompt = layout.limit(prompt, layout.MESSAGE_LIMIT)
    rule.errorTitle = layout.limit(title, layout.TITLE_LIMIT)
    rule.error = layout.limit(error, layout.MESSAGE_LIMIT)


def _unit_hint(indicator: Indicator) -> str:
    if indicator.unit == "gbp_thousands":
        return " in £ thousands (type 1234 for £1,234,000)"
    if indicator.unit == "percent":
        return " as a percentage (type 45 for 45%)"
    if indicator.unit == "gbp":
        return " in pounds"
    return ""


def _formula(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _words(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:,}"
