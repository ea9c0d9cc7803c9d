"""The benchmark of a whole period: every indicator for the network and comparator groups.

Comparator groups are the authority's type (districts with districts) and, where the member
list gives one, its family group. The previous period is the latest earlier period the store
holds; a change of an indicator's definition between the two is a break in series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogue import Catalogue, Indicator, load_catalogue
from ..store import Store
from ..workspace import Member, Workspace
from .benchmark import GroupBenchmark, benchmark_group
from .dataset import PeriodData, load_exclusions, period_data
from .derive import Aggregate, Figure, Figures, merge_figures, network_aggregate

TYPE_GROUP_NAMES = {
    "district": "District councils",
    "unitary": "Unitary authorities",
    "metropolitan district": "Metropolitan districts",
    "London borough": "London boroughs",
    "county": "County councils",
}


@dataclass
class IndicatorBenchmark:
    """One indicator in one period: figures, the network, each comparator group, the trend."""

    indicator: Indicator
    figures: dict[str, Figure]
    network: GroupBenchmark
    groups: dict[str, GroupBenchmark]
    aggregate: Aggregate | None = None
    previous: dict[str, Figure] = field(default_factory=dict)
    previous_network: GroupBenchmark | None = None
    series_break: bool = False

    def change(self, gss: str) -> float | None:
        now, before = self.figures[gss], self.previous.get(gss)
        if before is None or not now.comparable or not before.comparable:
            return None
        assert now.value is not None and before.value is not None
        return now.value - before.value

    def rank_change(self, gss: str) -> int | None:
        """Places moved up the network ranking since the previous period (negative: down)."""
        if self.previous_network is None:
            return None
        now, before = self.network.ranks.get(gss), self.previous_network.ranks.get(gss)
        if now is None or before is None:
            return None
        return before - now


@dataclass
class PeriodBenchmark:
    period: int
    catalogue: Catalogue
    members: list[Member]
    data: PeriodData
    indicators: dict[str, IndicatorBenchmark]
    group_members: dict[str, list[str]]
    previous_period: int | None = None

    def groups_of(self, member: Member) -> list[str]:
        """Names of the comparator groups an authority belongs to: type, then family."""
        names = [TYPE_GROUP_NAMES.get(member.type, member.type)]
        if member.group and member.group in self.group_members:
            names.append(member.group)
        return names


def period_catalogue(workspace: Workspace, store: Store, period: int) -> Catalogue:
    """The catalogue the period was collected with, or the workspace's when none is recorded."""
    text = store.period_catalogue_text(period)
    if text is None:
        return workspace.catalogue
    return load_catalogue(workspace.catalogue_path, text=text)


def load_period(workspace: Workspace, store: Store, period: int) -> tuple[PeriodData,
                                                                          list[Member]]:
    expected = workspace.members_for(period)
    exclusions = load_exclusions(workspace.exclusions_path, period)
    data = period_data(store, period, exclusions, [m.gss for m in expected])
    if data.closed_at is not None:
        # A closed period keeps the member list it was closed with.
        frozen = set(data.members)
        expected = [m for m in workspace.members if m.gss in frozen]
    return data, expected


def benchmark_period(workspace: Workspace, store: Store, period: int) -> PeriodBenchmark:
    """Everything the reports of a period show, computed once."""
    catalogue = period_catalogue(workspace, store, period)
    data, members = load_period(workspace, store, period)
    codes = [m.gss for m in members]
    figures = merge_figures(data, catalogue, codes)
    group_members = comparator_groups(members)

    previous_period = store.previous_period(period)
    before: Figures = {}
    before_catalogue = None
    before_codes: list[str] = []
    if previous_period is not None:
        before_catalogue = period_catalogue(workspace, store, previous_period)
        before_data, before_members = load_period(workspace, store, previous_period)
        before_codes = [m.gss for m in before_members]
        before = merge_figures(before_data, before_catalogue, before_codes)

    indicators = {}
    for ind in catalogue:
        by_gss = {gss: figures[(gss, ind.id)] for gss in codes}
        bench = IndicatorBenchmark(
            indicator=ind, figures=by_gss,
            network=benchmark_group(ind, "Network", codes, by_gss),
            groups={name: benchmark_group(ind, name, gsss, by_gss)
                    for name, gsss in group_members.items()},
            aggregate=network_aggregate(ind, figures, codes))
        if before_catalogue is not None and ind.id in before_catalogue:
            old = before_catalogue[ind.id]
            bench.previous = {gss: before[(gss, ind.id)] for gss in before_codes}
            bench.previous_network = benchmark_group(old, "Network", before_codes,
                                                     bench.previous)
            bench.series_break = old.fingerprint() != ind.fingerprint()
        indicators[ind.id] = bench

    return PeriodBenchmark(period, catalogue, members, data, indicators, group_members,
                           previous_period)


def comparator_groups(members: list[Member]) -> dict[str, list[str]]:
    """Type groups for every member, and family groups from the member list."""
    groups: dict[str, list[str]] = {}
    for member in members:
        groups.setdefault(TYPE_GROUP_NAMES.get(member.type, member.type), []).append(member.gss)
    for member in members:
        if member.group:
            groups.setdefault(member.group, []).append(member.gss)
    return groups
