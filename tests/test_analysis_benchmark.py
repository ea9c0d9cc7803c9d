"""Ranks, quartile bands and distributions, with expectations worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lednet.analysis.benchmark import MIN_VALUES, benchmark_group, describe, score
from lednet.analysis.derive import Figure
from lednet.catalogue import load_catalogue

CATALOGUE = load_catalogue()
JOBS = CATALOGUE["jobs_created_total"]  # higher is better, no decimals
VACANCY = CATALOGUE["industrial_vacancy_rate"]  # target band 5-10, one decimal
SPEND = CATALOGUE["ed_revenue_spend"]  # neutral


def figures(indicator: str, values: dict[str, float | None]) -> dict[str, Figure]:
    return {gss: Figure(gss, indicator, v, "ok" if v is not None else "missing")
            for gss, v in values.items()}


def test_competition_ranking_shares_a_rank_and_skips_the_next() -> None:
    group = benchmark_group(JOBS, "n", list("ABCDE"),
                            figures("jobs_created_total", dict(A=10, B=30, C=30, D=20, E=5)))
    assert group.ranks == {"B": 1, "C": 1, "D": 3, "A": 4, "E": 5}
    assert [group.rank_label(g) for g in "BCDAE"] == ["1=", "1=", "3", "4", "5"]


def test_lower_is_better_ranks_ascending() -> None:
    town = CATALOGUE["town_centre_vacancy_rate"]
    group = benchmark_group(town, "n", list("ABC"),
                            figures(town.id, dict(A=12.0, B=4.5, C=8.0)))
    assert group.ranks == {"B": 1, "C": 2, "A": 3}


def test_ties_are_judged_on_the_printed_value() -> None:
    assert score(JOBS, 10.4) == score(JOBS, 9.6) == 10
    # 7.04, 6.96 and 5.0 are inside the 5-10 band, so all three rank 1=; 11.0 is 1.0 outside.
    group = benchmark_group(VACANCY, "n", list("ABCD"),
                            figures(VACANCY.id, dict(A=7.04, B=6.96, C=5.0, D=11.0)))
    assert group.ranks == {"A": 1, "B": 1, "C": 1, "D": 4}


def test_target_band_distance() -> None:
    assert score(VACANCY, 7.5) == 0
    assert score(VACANCY, 3.0) == -2.0
    assert score(VACANCY, 12.5) == -2.5


def test_missing_and_excluded_values_are_counted_not_ranked() -> None:
    given = figures("jobs_created_total", dict(A=10, B=None, C=30, D=20))
    given["D"] = replace(given["D"], excluded="counted differently")
    group = benchmark_group(JOBS, "n", list("ABCD"), given)
    assert group.values == {"A": 10, "C": 30}
    assert (group.missing, group.excluded) == (1, 1)
    assert group.too_few and group.ranks == {}
    assert MIN_VALUES == 3


def test_neutral_indicators_have_a_distribution_but_no_rank() -> None:
    group = benchmark_group(SPEND, "n", list("ABCD"),
                            figures(SPEND.id, dict(A=100, B=200, C=300, D=400)))
    assert group.ranks == {} and group.bands == {}
    assert group.distribution is not None and group.distribution.median == 250


def test_inclusive_quartiles() -> None:
    # Sorted 1 2 3 4 5 6 7 8: Q1 at position 1.75 = 2.75; Q3 at 5.25 = 6.25 (QUARTILE.INC).
    dist = describe([8, 1, 7, 2, 6, 3, 5, 4])
    assert (dist.lower_quartile, dist.median, dist.upper_quartile) == (2.75, 4.5, 6.25)
    assert (dist.minimum, dist.maximum, dist.mean) == (1, 8, 4.5)


@pytest.mark.parametrize(("value", "band"), [(90, "top quartile"), (70, "top quartile"),
                                             (50, "second quartile"), (40, "third quartile"),
                                             (30, "bottom quartile"), (10, "bottom quartile")])
def test_quartile_bands(value: float, band: str) -> None:
    # Sorted 10 30 40 50 70 90: Q1 at position 1.25 = 32.5, median 45, Q3 at 3.75 = 65.
    values = dict(A=10, B=30, C=40, D=50, E=70, F=90)
    group = benchmark_group(JOBS, "n", list(values), figures(JOBS.id, values))
    probe = next(g for g, v in values.items() if v == value)
    assert group.bands[probe] == band
