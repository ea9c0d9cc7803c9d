"""The grammar for what officers type, one unit at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lednet.catalogue import load_catalogue
from lednet.parse import ParseProblem, is_percent_format, parse_number, parse_returned

CATALOGUE = load_catalogue()


@dataclass(frozen=True)
class Cell:
    value: object
    data_type: str = "n"
    formula: str | None = None
    number_format: str = "General"
    sheet: str = "Local data"
    cell: str = "E9"


@dataclass(frozen=True)
class Returned:
    indicator: str
    value: Cell
    status: Cell | None = None
    note: Cell | None = None


def parse(indicator: str, value: object, status: object = None, note: object = None,
          **facts: object):
    cell = Cell(value, **facts)  # type: ignore[arg-type]
    returned = Returned(indicator, cell, Cell(status, cell="F9"), Cell(note, cell="G9"))
    return parse_returned(CATALOGUE[indicator], returned, authority="E06000014", file="r.xlsx")


@pytest.mark.parametrize(("text", "unit", "expected"), [
    ("1234", "count", 1234.0),
    ("1,234,567", "count", 1234567.0),
    ("1,234.5", "hectares", 1234.5),
    (" 85000\u00a0", "count", 85000.0),
    ("£1,234", "gbp", 1234.0),
    ("£1,234k", "gbp", 1234000.0),
    ("£1,234k", "gbp_thousands", 1234.0),
    ("£1.2m", "gbp_thousands", 1200.0),
    ("(1,500)", "gbp_thousands", -1500.0),
    ("-£250", "gbp", -250.0),
    ("45%", "percent", 45.0),
    ("67.3", "percent", 67.3),
    (".5", "ratio", 0.5),
], ids=lambda v: repr(v))
def test_a_number_typed_as_text_is_read_under_its_unit(text: str, unit: str,
                                                        expected: float) -> None:
    assert parse_number(text.strip(), unit).value == expected


@pytest.mark.parametrize(("text", "unit", "code"), [
    ("about 300", "count", "not-a-number"),
    ("1,23", "count", "not-a-number"),
    ("12..5", "count", "not-a-number"),
    ("£300", "count", "unit-not-allowed"),
    ("45%", "gbp", "unit-not-allowed"),
    ("2k", "count", "unit-not-allowed"),
    ("(300)", "count", "not-a-number"),
    ("(300", "gbp", "not-a-number"),
])
def test_text_outside_the_units_grammar_is_refused_with_a_code(text: str, unit: str,
                                                               code: str) -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_number(text, unit)
    assert caught.value.code == code


def test_a_whole_number_is_stored_as_a_float() -> None:
    answer = parse("businesses_supported", 300)
    assert (answer.value, type(answer.value), answer.status) == (300.0, float, "ok")


def test_a_text_number_is_read_and_the_conversion_reported() -> None:
    answer = parse("businesses_supported", "1,234")
    assert answer.value == 1234.0
    assert [(f.code, f.severity, f.cell) for f in answer.findings] == \
        [("value-converted", "info", "E9")]


def test_a_fraction_in_a_percent_formatted_cell_is_stored_as_points() -> None:
    answer = parse("industrial_vacancy_rate", 0.075, number_format="0.0%")
    assert answer.value == 7.5
    assert [f.code for f in answer.findings] == ["percent-scaled"]


def test_a_percent_cell_with_a_literal_percent_sign_is_not_rescaled() -> None:
    answer = parse("industrial_vacancy_rate", 7.5, number_format='#,##0.0"%"')
    assert (answer.value, answer.findings) == (7.5, [])


@pytest.mark.parametrize(("number_format", "expected"), [
    ("0%", True), ("0.0%", True), ('0.0"%"', False), ("General", False), ("0\\%", False)])
def test_only_a_real_percent_format_counts_as_one(number_format: str, expected: bool) -> None:
    assert is_percent_format(number_format) is expected


@pytest.mark.parametrize(("typed", "status"), [
    ("n/a", "x"), ("N/A", "x"), ("-", "x"), ("..", "x"), ("[x]", "x"), ("[c]", "c"),
    ("[z]", "z"), (" [Z] ", "z")])
def test_a_placeholder_becomes_a_status_never_zero(typed: str, status: str) -> None:
    answer = parse("jobs_safeguarded", typed)
    assert (answer.value, answer.status, answer.accepted) == (None, status, True)
    assert [f.code for f in answer.findings] == ["status-recorded"]


def test_the_status_cell_records_a_status_for_a_blank_value() -> None:
    answer = parse("ed_staff_fte", None, status="[x] not available")
    assert (answer.value, answer.status, answer.accepted) == (None, "x", True)


def test_an_estimate_keeps_its_figure_and_says_so() -> None:
    answer = parse("ed_staff_fte", 12.5, status="estimated")
    assert (answer.value, answer.status) == (12.5, "estimated")


def test_a_required_blank_is_an_error_not_a_silent_blank() -> None:
    answer = parse("ed_staff_fte", None)
    assert (answer.status, answer.accepted) == ("missing", False)
    assert [(f.code, f.severity) for f in answer.findings] == [("missing-value", "error")]


def test_an_optional_blank_is_recorded_as_missing_with_an_info_finding() -> None:
    answer = parse("jobs_safeguarded", "   ")
    assert (answer.status, answer.accepted) == ("missing", True)
    assert [(f.code, f.severity) for f in answer.findings] == [("status-recorded", "info")]


def test_a_figure_with_a_confidential_status_keeps_the_figure_out() -> None:
    answer = parse("ed_capital_spend", 800, status="[c] confidential")
    assert (answer.value, answer.status) == (None, "c")
    assert [(f.code, f.cell) for f in answer.findings] == [("status-conflict", "E9")]


def test_an_unknown_status_is_a_warning_on_the_status_cell_and_is_ignored() -> None:
    answer = parse("ed_capital_spend", 800, status="see note")
    assert (answer.value, answer.status) == (800.0, "ok")
    assert [(f.code, f.severity, f.cell) for f in answer.findings] == \
        [("not-a-choice", "warning", "F9")]


def test_a_choice_is_matched_ignoring_case() -> None:
    answer = parse("has_economic_strategy", "Yes")
    assert (answer.text_value, answer.value, answer.status) == ("yes", None, "ok")


def test_an_excel_error_is_refused() -> None:
    answer = parse("jobs_safeguarded", "#REF!", data_type="e")
    assert [(f.code, f.raw) for f in answer.findings] == [("excel-error", "#REF!")]
    assert answer.accepted is False


def test_a_formula_with_a_saved_result_uses_the_result_and_says_so() -> None:
    answer = parse("jobs_safeguarded", 40, formula="=20*2")
    assert answer.value == 40.0
    assert [f.code for f in answer.findings] == ["formula-result-used"]


def test_a_date_made_by_excel_from_a_typed_number_is_refused() -> None:
    answer = parse("jobs_safeguarded", dt.datetime(2012, 1, 2))
    assert [f.code for f in answer.findings] == ["not-a-number"]


def test_a_boolean_is_not_a_figure() -> None:
    answer = parse("jobs_safeguarded", True)
    assert [f.code for f in answer.findings] == ["not-a-number"]


def test_a_finding_carries_the_officers_raw_text_and_location() -> None:
    [finding] = parse("businesses_supported", "about 300").findings
    assert (finding.authority, finding.file, finding.sheet, finding.cell, finding.indicator,
            finding.raw) == ("E06000014", "r.xlsx", "Local data", "E9",
                             "businesses_supported", "about 300")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_any_whole_number_with_uk_separators_reads_back_exactly(number: int) -> None:
    assert parse_number(f"{number:,}", "count").value == float(number)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["k", "K", "m", "M"]))
def test_money_with_a_scale_suffix_is_stored_in_thousands(number: int, suffix: str) -> None:
    expected = number * (1000 if suffix.lower() == "m" else 1)
    assert parse_number(f"£{number:,}{suffix}", "gbp_thousands").value == float(expected)


@given(st.decimals(min_value=0, max_value=100, places=1))
def test_a_percentage_typed_with_a_sign_is_stored_as_points(points: object) -> None:
    assert parse_number(f"{points}%", "percent").value == float(str(points))


def test_a_percentage_under_one_point_asks_whether_it_was_typed_with_a_percent_sign() -> None:
    """LibreOffice stores 16.2% typed into the template's literal-% cell as 0.162."""
    from lednet.catalogue import load_catalogue
    from lednet.parse import parse_returned
    from lednet.returns.reader import CellFacts, ReturnedIndicator

    indicator = load_catalogue()["industrial_vacancy_rate"]
    facts = CellFacts(sheet="Local data", cell="E20", value=0.162, data_type="n", formula=None,
                      number_format='#,##0.0\\%', hidden=False, merged=False)
    parsed = parse_returned(indicator, ReturnedIndicator(indicator.id, facts, None, None))
    assert parsed.value == 0.162
    assert [(f.code, f.severity, f.cell) for f in parsed.findings] == [
        ("percent-as-fraction", "warning", "E20")]


def test_more_decimals_than_asked_are_kept_and_reported() -> None:
    from lednet.catalogue import load_catalogue
    from lednet.parse import parse_returned
    from lednet.returns.reader import CellFacts, ReturnedIndicator

    indicator = load_catalogue()["ed_staff_fte"]  # one decimal place
    facts = CellFacts(sheet="Local data", cell="E8", value=60.987654, data_type="n",
                      formula=None, number_format="#,##0.0", hidden=False, merged=False)
    parsed = parse_returned(indicator, ReturnedIndicator(indicator.id, facts, None, None))
    assert parsed.value == 60.987654
    assert [(f.code, f.severity) for f in parsed.findings] == [("extra-decimals", "info")]
    assert parsed.findings[0].message == (
        "Economic development staff (FTE): 60.987654 has more than the 1 decimal place asked "
        "for; it is stored as given and printed rounded; check it is not a slip")
