"""Hard and soft checks on a return's answers, and outliers across members."""

from __future__ import annotations

from dataclasses import dataclass

from lednet.catalogue import load_catalogue
from lednet.checks import Context, MemberFigure, check_return, outlier_findings
from tests.test_ingest_support import VALID

CATALOGUE = load_catalogue()
LOCAL_ROWS = {ind.id: row for row, ind in enumerate(CATALOGUE.section("local"), start=5)}
PROFILE_ROWS = {ind.id: row for row, ind in enumerate(CATALOGUE.section("profile"), start=5)}


@dataclass(frozen=True)
class Cell:
    value: object
    sheet: str
    cell: str
    data_type: str = "n"
    formula: str | None = None
    number_format: str = "General"


@dataclass(frozen=True)
class Returned:
    indicator: str
    value: Cell
    status: Cell | None
    note: Cell | None


def returned(values: dict[str, object], notes: dict[str, str] | None = None
             ) -> dict[str, Returned]:
    out = {}
    for ident, value in values.items():
        sheet, row = (("Local data", LOCAL_ROWS[ident]) if ident in LOCAL_ROWS
                      else ("Profile", PROFILE_ROWS[ident]))
        note = (notes or {}).get(ident)
        out[ident] = Returned(ident, Cell(value, sheet, f"E{row}"), Cell(None, sheet, f"F{row}"),
                              Cell(note, sheet, f"G{row}"))
    return out


def check(changes: dict[str, object] | None = None, *, notes: dict[str, str] | None = None,
          previous: dict[str, float | None] | None = None,
          national: dict[str, object] | None = None,
          issued: dict[str, float | None] | None = None):
    national_cells = {k: Returned(k, Cell(v, "National data", "E5"), None, None)
                      for k, v in (national or {}).items()}
    return check_return(CATALOGUE, returned({**VALID, **(changes or {})}, notes),
                        national_cells, issued or {},
                        Context("E06000014", "r.xlsx", previous=previous or {}))


def codes(checked) -> list[tuple[str, str]]:
    return [(f.code, f.cell) for f in checked.findings]


def test_a_valid_return_has_no_findings() -> None:
    assert codes(check()) == []


def test_a_value_outside_the_range_is_rejected() -> None:
    checked = check({"business_satisfaction": 101})
    assert codes(checked) == [("out-of-range", "E22")]
    assert checked.rejected == {"business_satisfaction"}


def test_a_failed_cross_field_rule_rejects_every_figure_it_names() -> None:
    checked = check({"jobs_created_total": 151})
    assert codes(checked) == [("cross-check-failed", "E13")]
    assert checked.rejected == {"jobs_created_full_time", "jobs_created_part_time",
                                "jobs_created_total"}


def test_a_warning_rule_asks_but_rejects_nothing() -> None:
    checked = check({"business_startups_supported": 400})
    assert [(f.code, f.severity) for f in checked.findings] == [("cross-check-failed",
                                                                 "warning")]
    assert checked.rejected == set()


def test_a_cross_field_rule_is_skipped_when_a_figure_is_not_available() -> None:
    assert codes(check({"jobs_created_part_time": "[x]"})) == [("status-recorded", "E12")]


def test_a_change_beyond_both_thresholds_asks_for_an_explanation() -> None:
    # dwellings: absolute 2000 and relative 5%; 85000 against 80000 is +5000 and +6.25%
    assert codes(check(previous={"dwellings": 80000})) == [("large-change", "E7")]


def test_a_change_beyond_only_the_absolute_threshold_is_not_flagged() -> None:
    # +2500 is beyond 2000 but only 3% of 82500
    assert codes(check(previous={"dwellings": 82500})) == []


def test_a_change_beyond_only_the_relative_threshold_is_not_flagged() -> None:
    assert codes(check({"dwellings": 1500}, previous={"dwellings": 1000})) == []


def test_an_explanation_in_the_notes_cell_satisfies_a_soft_finding() -> None:
    checked = check(previous={"dwellings": 80000}, notes={"dwellings": "New estate built"})
    assert [(f.code, f.severity) for f in checked.findings] == [("explained", "info")]
    assert "New estate built" in checked.findings[0].message


def test_zero_in_a_required_figure_is_questioned() -> None:
    assert codes(check({"businesses_supported": 0, "business_startups_supported": 0})) == \
        [("unexpected-zero", "E9")]


def test_an_unchanged_national_figure_passes() -> None:
    assert codes(check(national={"population": 200000},
                       issued={"population": 200000.0})) == []


def test_an_overtyped_national_figure_is_compared_with_what_was_issued() -> None:
    checked = check(national={"population": 201000}, issued={"population": 200000.0})
    [finding] = checked.findings
    assert (finding.code, finding.sheet, finding.cell, finding.raw, finding.parsed) == \
        ("national-value-changed", "National data", "E5", "201000", "200000")


def test_a_national_status_marker_matches_an_issued_blank() -> None:
    assert codes(check(national={"population": "[x]"}, issued={"population": None})) == []


def figures(values: dict[str, float], note: str = "") -> list[MemberFigure]:
    return [MemberFigure(gss, "businesses_supported", value, "Local data", "E9", note)
            for gss, value in values.items()]


SPREAD = {"A": 300, "B": 320, "C": 280, "D": 310, "E": 295, "F": 305}


def test_a_figure_far_from_the_other_members_is_an_outlier() -> None:
    found = outlier_findings(CATALOGUE, figures({**SPREAD, "G": 30000}))
    assert {a: [f.code for f in fs] for a, fs in found.items()} == {"G": ["outlier"]}


def test_outliers_need_at_least_five_members() -> None:
    assert outlier_findings(CATALOGUE, figures({"A": 300, "B": 310, "C": 30000})) == {}


def test_outliers_do_not_depend_on_the_order_of_the_figures() -> None:
    forward = figures({**SPREAD, "G": 30000})
    assert outlier_findings(CATALOGUE, forward) == \
        outlier_findings(CATALOGUE, list(reversed(forward)))


def test_an_explained_outlier_is_info() -> None:
    found = outlier_findings(CATALOGUE, figures({**SPREAD, "G": 30000}, note="Big programme"))
    assert [(f.code, f.severity) for f in found["G"]] == [("explained", "info")]


def test_a_large_change_names_the_period_it_is_compared_with() -> None:
    checked = check_return(CATALOGUE, returned(VALID, None), {}, {},
                           Context("E06000014", "r.xlsx", previous={"dwellings": 80000},
                                   previous_period=2009))
    [finding] = checked.findings
    assert finding.message == (
        "Dwellings on the valuation list: 85,000 against 80,000 in 2009, a change of +5,000 "
        "(+6%); please explain it in the notes cell")
