"""Where each authority stands: ranks, quartiles and distributions for the network and groups.

Methods, as the report's method notes state them:

- Ranks follow the indicator's polarity (higher or lower is better) on values rounded as the
  report shows them, with competition ranking for ties ("1=, 1=, 3"). For a target band the
  rank is by distance outside the band, so every value inside the band ranks 1=. Neutral
  indicators (context such as population) are shown but never ranked.
- Missing, unavailable and excluded values are not ranked or averaged; they are counted.
- Fewer than MIN_VALUES comparable values: no rank and no quartile, and the report says so.
- Quartiles are the inclusive (linear interpolation) quartiles of Excel's QUARTILE.INC and
  numpy's default, from Python's ``statistics.quantiles(method="inclusive")``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import pandas as pd

from ..catalogue import Indicator
from .derive import Figure

MIN_VALUES = 3
BANDS = ("top quartile", "second quartile", "third quartile", "bottom quartile")


@dataclass(frozen=True)
class Distribution:
    """Summary of the comparable values in a group."""

    n: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float
    mean: float


@dataclass
class GroupBenchmark:
    """One indicator across one set of authorities: the network or a comparator group."""

    name: str
    members: list[str]
    values: dict[str, float]
    ranks: dict[str, int] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)
    distribution: Distribution | None = None
    missing: int = 0
    excluded: int = 0

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def too_few(self) -> bool:
        return self.n < MIN_VALUES

    def rank_label(self, gss: str) -> str:
        """'3' or '3=' when another authority shares the rank; '' when not ranked."""
        rank = self.ranks.get(gss)
        if rank is None:
            return ""
        shared = sum(1 for r in self.ranks.values() if r == rank) > 1
        return f"{rank}=" if shared else str(rank)


def score(ind: Indicator, value: float) -> float | None:
    """A number where larger is better, by polarity; None for neutral indicators."""
    value = round(value, ind.decimals)
    if ind.polarity == "higher":
        return value
    if ind.polarity == "lower":
        return -value
    if ind.polarity == "target":
        assert ind.target_low is not None and ind.target_high is not None
        return -max(ind.target_low - value, value - ind.target_high, 0.0)
    return None


def benchmark_group(ind: Indicator, name: str, members: list[str],
                    figures: dict[str, Figure]) -> GroupBenchmark:
    """Rank, band and summarise one indicator over ``members``."""
    chosen = [figures[gss] for gss in members if gss in figures]
    values = {f.authority: float(f.value) for f in chosen if f.comparable and f.value is not None}
    group = GroupBenchmark(name, members, values,
                           excluded=sum(1 for f in chosen if f.excluded),
                           missing=sum(1 for f in chosen if not f.comparable and not f.excluded))
    if ind.unit == "category" or not values:
        return group

    group.distribution = describe(list(values.values()))
    if group.too_few or ind.polarity == "neutral":
        return group

    scores = {gss: score(ind, v) for gss, v in values.items()}
    series = pd.Series(scores, dtype=float)
    group.ranks = {str(k): int(v) for k, v in series.rank(method="min", ascending=False).items()}
    group.bands = quartile_bands(scores)
    return group


def describe(values: list[float]) -> Distribution:
    """Minimum, quartiles, median, mean and maximum (inclusive quartiles)."""
    if len(values) == 1:
        only = values[0]
        return Distribution(1, only, only, only, only, only, only)
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Distribution(len(values), min(values), q1, q2, q3, max(values),
                        statistics.fmean(values))


def quartile_bands(scores: dict[str, float | None]) -> dict[str, str]:
    """Top quartile at or above the upper quartile of the scores, bottom at or below the lower."""
    known = {gss: s for gss, s in scores.items() if s is not None}
    q1, q2, q3 = statistics.quantiles(list(known.values()), n=4, method="inclusive")
    bands = {}
    for gss, s in known.items():
        if s >= q3:
            bands[gss] = BANDS[0]
        elif s <= q1:
            bands[gss] = BANDS[3]
        else:
            bands[gss] = BANDS[1] if s >= q2 else BANDS[2]
    return bands
