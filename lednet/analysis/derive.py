"""Figures per authority and indicator, with derived indicators computed from the catalogue.

A derived figure (spend per head, jobs per £1m) is the catalogue formula applied to one
authority's inputs. For the network as a whole there are two honest answers: the ratio of the
summed inputs (what the network achieved together) and the mean of the authorities' ratios
(what a typical member achieved); the report states both where they differ.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .. import values as status
from ..catalogue import Catalogue, Indicator
from .dataset import PeriodData


@dataclass(frozen=True)
class Figure:
    """One authority's figure for one indicator, as a report shows it."""

    authority: str
    indicator: str
    value: float | None
    status: str
    source: str = ""
    note: str = ""
    text: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    excluded: str = ""  # the network's reason for leaving it out of the comparison

    @property
    def comparable(self) -> bool:
        """True when the figure takes part in ranks and averages."""
        return self.value is not None and self.status in status.WITH_VALUE and not self.excluded


@dataclass(frozen=True)
class Aggregate:
    """A derived indicator for the whole network, both ways, over the same authorities."""

    ratio_of_sums: float | None
    mean_of_ratios: float | None
    authorities: int
    headline: str  # ratio_of_sums or mean

    def differ(self, decimals: int) -> bool:
        if self.ratio_of_sums is None or self.mean_of_ratios is None:
            return False
        return round(self.ratio_of_sums, decimals) != round(self.mean_of_ratios, decimals)


Figures = dict[tuple[str, str], Figure]


def merge_figures(data: PeriodData, catalogue: Catalogue, members: list[str]) -> Figures:
    """Every member's figure for every catalogue indicator, derived ones included."""
    held = {(v.authority, v.indicator): v for v in data.values}
    excluded = {(e.authority, e.indicator): e.reason for e in data.exclusions}
    figures: Figures = {}
    for gss in members:
        for ind in catalogue:
            if ind.section == "derived":
                continue
            key = (gss, ind.id)
            value = held.get(key)
            if value is None:
                figures[key] = Figure(gss, ind.id, None, status.MISSING,
                                      text=data.texts.get(key, ""),
                                      excluded=excluded.get(key, ""))
                continue
            figures[key] = Figure(gss, ind.id, value.value, value.status, value.source,
                                  value.note, data.texts.get(key, ""), value.ci_low,
                                  value.ci_high, excluded.get(key, ""))

    for ind in catalogue.derived_order():
        for gss in members:
            figures[(gss, ind.id)] = derive_figure(ind, gss, figures, excluded)
    return figures


def derive_figure(ind: Indicator, gss: str, figures: Figures,
                  excluded: dict[tuple[str, str], str]) -> Figure:
    """Apply the formula to one authority's inputs; an excluded input excludes the result."""
    assert ind.formula is not None
    inputs = [figures[(gss, name)] for name in sorted(ind.formula.names)]
    own_reason = excluded.get((gss, ind.id), "")
    inherited = "; ".join(f"{f.indicator}: {f.excluded}" for f in inputs if f.excluded)
    reason = own_reason or (f"an input is excluded ({inherited})" if inherited else "")

    usable = {f.indicator: f.value for f in inputs if f.status in status.WITH_VALUE}
    value = ind.formula.evaluate(usable)
    if value is None:
        return Figure(gss, ind.id, None, status.MISSING, "derived", excluded=reason)
    estimated = any(f.status == status.ESTIMATED for f in inputs)
    return Figure(gss, ind.id, value, status.ESTIMATED if estimated else status.OK, "derived",
                  excluded=reason)


def network_aggregate(ind: Indicator, figures: Figures, members: list[str]) -> Aggregate | None:
    """Ratio of sums and mean of ratios over the members whose derived figure is comparable."""
    if ind.formula is None:
        return None
    counted = [gss for gss in members if figures[(gss, ind.id)].comparable]
    if not counted:
        return Aggregate(None, None, 0, ind.aggregate)

    sums: dict[str, float | None] = {}
    for name in ind.formula.names:
        inputs = [figures[(gss, name)].value for gss in counted]
        sums[name] = sum(v for v in inputs if v is not None)
    ratios = [figures[(gss, ind.id)].value for gss in counted]
    mean = statistics.fmean(v for v in ratios if v is not None)
    return Aggregate(ind.formula.evaluate(sums), mean, len(counted), ind.aggregate)
