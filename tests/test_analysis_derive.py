"""Derived figures from the catalogue formulas, and the network's two ways of adding them up."""

from __future__ import annotations

from lednet.analysis.dataset import Exclusion, PeriodData
from lednet.analysis.derive import merge_figures, network_aggregate
from lednet.catalogue import load_catalogue
from lednet.store import DatasetValue

CATALOGUE = load_catalogue()


def data(values: dict[tuple[str, str], float | None], exclusions: list[Exclusion] = (),
         status: str = "ok") -> PeriodData:
    rows = [DatasetValue(a, i, v, status if v is not None else "x", "return", "")
            for (a, i), v in values.items()]
    return PeriodData(2012, rows, exclusions=list(exclusions))


def test_spend_per_head_from_the_formula() -> None:
    merged = merge_figures(data({("A", "ed_revenue_spend"): 500.0,
                                 ("A", "population_16_64"): 40_000.0}), CATALOGUE, ["A"])
    # £500k * 1000 / 40,000 residents = £12.50 a head.
    assert merged[("A", "ed_spend_per_head")].value == 12.5


def test_a_missing_input_leaves_the_derived_figure_missing() -> None:
    merged = merge_figures(data({("A", "ed_revenue_spend"): 500.0,
                                 ("A", "population_16_64"): None}), CATALOGUE, ["A"])
    assert merged[("A", "ed_spend_per_head")].value is None
    assert merged[("A", "ed_spend_per_head")].status == "missing"


def test_an_excluded_input_excludes_the_derived_figure() -> None:
    reason = Exclusion("A", "jobs_created_total", 2012, "counted differently")
    merged = merge_figures(data({("A", "jobs_created_total"): 10.0,
                                 ("A", "ed_revenue_spend"): 100.0}, [reason]), CATALOGUE, ["A"])
    derived = merged[("A", "jobs_created_per_million")]
    assert derived.value == 100.0 and not derived.comparable
    assert "counted differently" in derived.excluded


def test_ratio_of_sums_and_mean_of_ratios() -> None:
    values = {("A", "jobs_created_total"): 10.0, ("A", "ed_revenue_spend"): 100.0,
              ("B", "jobs_created_total"): 90.0, ("B", "ed_revenue_spend"): 900.0,
              ("C", "jobs_created_total"): 30.0, ("C", "ed_revenue_spend"): 100.0}
    merged = merge_figures(data(values), CATALOGUE, ["A", "B", "C"])
    aggregate = network_aggregate(CATALOGUE["jobs_created_per_million"], merged,
                                  ["A", "B", "C"])
    assert aggregate is not None
    # Ratios 100, 100 and 300 per £1m: mean 166.67; together 130 jobs / £1.1m = 118.18.
    assert round(aggregate.mean_of_ratios or 0, 2) == 166.67
    assert round(aggregate.ratio_of_sums or 0, 2) == 118.18
    assert aggregate.differ(1)


def test_an_estimated_input_makes_an_estimated_result() -> None:
    merged = merge_figures(data({("A", "ed_revenue_spend"): 500.0,
                                 ("A", "population_16_64"): 40_000.0}, status="estimated"),
                           CATALOGUE, ["A"])
    assert merged[("A", "ed_spend_per_head")].status == "estimated"
