"""The catalogue loads into typed objects, and each kind of mistake names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lednet.catalogue import diff_catalogues, load_catalogue
from lednet.errors import CatalogueError

MINIMAL = """\
catalogue:
  name: Test network
  version: "1"
indicators:
  local:
    - id: spend
      label: Spend
      definition: Net spend.
      unit: gbp_thousands
      type: decimal
      polarity: neutral
      period: financial_year
      source: authority
    - id: jobs
      label: Jobs
      definition: Jobs created.
      unit: count
      type: integer
      polarity: higher
      period: financial_year
      source: authority
  derived:
    - id: jobs_per_spend
      label: Jobs per spend
      definition: Jobs per £000.
      unit: ratio
      type: decimal
      polarity: higher
      period: as_derived
      source: derived
      formula: jobs / spend
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    return str(caught.value).replace(str(path), "indicators.yaml")


def test_shipped_catalogue_has_thirty_indicators_across_sections() -> None:
    catalogue = load_catalogue()
    sections = {s: len(catalogue.section(s)) for s in ("profile", "national", "local")}
    assert sum(sections.values()) >= 30
    assert all(count >= 5 for count in sections.values())
    for indicator in catalogue:
        assert len(indicator.definition) > 20, indicator.id
        assert indicator.describe_period(2009)


def test_period_meanings_for_2009() -> None:
    catalogue = load_catalogue()
    assert catalogue["ed_revenue_spend"].describe_period(2009) == (
        "financial year 2008/09 (1 April 2008 to 31 March 2009)")
    assert catalogue["population"].describe_period(2009) == "mid-2008 estimate (30 June 2008)"
    assert catalogue["employment_rate"].describe_period(2009) == (
        "Annual Population Survey, January to December 2008")
    assert catalogue["business_local_units"].describe_period(2009) == "March 2009"


def test_national_indicators_name_real_datasets_with_evidence() -> None:
    catalogue = load_catalogue()
    datasets = {i.nomis.default.dataset for i in catalogue.section("national") if i.nomis}
    assert {"NM_2002_1", "NM_17_5", "NM_30_1", "NM_57_1", "NM_141_1"} <= datasets
    population = catalogue["population"].nomis
    assert population is not None
    assert population.query_for(2012).params == {"gender": "1,2", "c_age": "101...191"}
    assert population.query_for(2022).params == {"gender": "0", "c_age": "200"}
    bases = {e.basis for e in population.query_for(2012).evidence}
    assert bases == {"seen"}


def test_inferred_codes_produce_warnings() -> None:
    warnings = load_catalogue().warnings
    assert any("nvq2_plus_rate" in w and "variable=721" in w for w in warnings)


def test_derived_formula_evaluates_and_reads_its_inputs(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, MINIMAL))
    formula = catalogue["jobs_per_spend"].formula
    assert formula is not None
    assert formula.names == {"jobs", "spend"}
    assert formula.evaluate({"jobs": 30, "spend": 12}) == 2.5
    assert formula.evaluate({"jobs": 30, "spend": 0}) is None
    assert formula.evaluate({"jobs": None, "spend": 12}) is None


def test_fingerprint_ignores_comments_but_not_definitions(tmp_path: Path) -> None:
    base = load_catalogue(write(tmp_path, MINIMAL))
    commented = load_catalogue(write(tmp_path, "# a comment\n" + MINIMAL))
    changed = load_catalogue(write(tmp_path, MINIMAL.replace("Jobs created.", "Jobs made.")))
    assert base.fingerprint == commented.fingerprint
    assert base.fingerprint != changed.fingerprint
    changes = diff_catalogues(base, changed)
    assert [(c.indicator_id, c.kind) for c in changes] == [("jobs", "redefined")]


def test_wrong_type_names_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("type: integer", "type: 12")
    assert error_for(tmp_path, text) == (
        "indicators.yaml:18: 'type' must be one of integer, decimal, choice, not int 12")


def test_unknown_key_names_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("      polarity: higher\n",
                           "      polarity: higher\n      colour: red\n")
    assert error_for(tmp_path, text) == (
        "indicators.yaml:20: unknown key 'colour' in indicator at line 14; allowed keys are "
        "aggregate, change_tolerance, changed, choices, decimals, definition, formula, id, "
        "label, ni, nomis, period, polarity, range, rate_per, required, source, "
        "statutory_source, target, type, unit")


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    text = MINIMAL.replace("id: jobs\n", "id: spend\n")
    assert error_for(tmp_path, text) == (
        "indicators.yaml:14: duplicate indicator id 'spend' (first defined at line 6); "
        "give each a unique id")


def test_missing_period_meaning(tmp_path: Path) -> None:
    text = MINIMAL.replace("      period: financial_year\n      source: authority\n    - id: jobs",
                           "      source: authority\n    - id: jobs")
    message = error_for(tmp_path, text)
    assert message.startswith("indicators.yaml:6: indicator 'spend' has no 'period': say what a "
                              "period means for it, one of financial_year, at_31_march, ")


def test_formula_naming_unknown_indicator(tmp_path: Path) -> None:
    text = MINIMAL.replace("formula: jobs / spend", "formula: jobs / spending")
    assert error_for(tmp_path, text) == (
        "indicators.yaml:23: formula of 'jobs_per_spend' names unknown indicator 'spending'; "
        "use an id defined in the catalogue")


def test_formula_cycle(tmp_path: Path) -> None:
    extra = """\
    - id: spend_per_job
      label: Spend per job
      definition: Spend per job.
      unit: ratio
      type: decimal
      polarity: lower
      period: as_derived
      source: derived
      formula: spend / jobs_per_spend
"""
    text = (MINIMAL + extra).replace("formula: jobs / spend", "formula: jobs / spend_per_job")
    assert error_for(tmp_path, text) == (
        "indicators.yaml:23: formulas form a cycle: jobs_per_spend -> spend_per_job -> "
        "jobs_per_spend; break it")


def test_formula_with_function_call_is_refused_not_evaluated(tmp_path: Path) -> None:
    text = MINIMAL.replace("formula: jobs / spend", "formula: __import__('os').getcwd()")
    message = error_for(tmp_path, text)
    assert message.startswith("indicators.yaml:31: formula of 'jobs_per_spend': ")
    assert "is not allowed; use numbers, ids, + - * / and ()" in message


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("      label: Jobs\n", "      label: [Jobs\n")
    message = error_for(tmp_path, text)
    assert message.startswith("indicators.yaml:")
    assert "YAML syntax" in message


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.replace("      label: Jobs\n", "      label: Jobs\n      label: Work\n")
    message = error_for(tmp_path, text)
    assert message.startswith("indicators.yaml:16: YAML syntax: duplicate key 'label'")


def test_nomis_code_without_evidence(tmp_path: Path) -> None:
    extra = """\
  national:
    - id: pop
      label: Population
      definition: Mid-year population estimate.
      unit: count
      type: integer
      polarity: neutral
      period: mid_year_previous
      source: nomis
      nomis:
        dataset: NM_2002_1
        date: "{P-1}"
        params: {c_age: "200"}
        measures: "20100"
        combine: single
        evidence:
          dataset: "seen: recorded"
          measures=20100: "seen: recorded"
"""
    message = error_for(tmp_path, MINIMAL + extra)
    assert message == ("indicators.yaml:47: 'pop' has no evidence for 'c_age=200': add "
                       "'c_age=200: seen|documented|inferred: <where>' under evidence")


def test_cross_check_with_unknown_indicator(tmp_path: Path) -> None:
    extra = "checks:\n  - id: sum\n    rule: jobs + spend == total\n"
    assert error_for(tmp_path, MINIMAL + extra) == (
        "indicators.yaml:34: check 'sum' names unknown indicator 'total'")
