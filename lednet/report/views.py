"""What a report shows, as text ready for the templates: figures formatted, ranks worded.

Templates only lay things out; every number is formatted here, once, so the HTML, the PDF
and the tests all see the same text.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from .. import values as status
from ..analysis.benchmark import BANDS, MIN_VALUES, Distribution, GroupBenchmark
from ..analysis.derive import Figure
from ..analysis.period import IndicatorBenchmark, PeriodBenchmark
from ..catalogue import Indicator
from ..workspace import Member
from .charts import LABELLED_MAX, Bar, Columns, column_chart, ranking_chart, strip_chart

NOMIS_ATTRIBUTION = ("Source: ONS / DWP, via Nomis (nomisweb.co.uk), "
                     "Open Government Licence v3.0")
NOMIS_API = "https://www.nomisweb.co.uk/api/v01"
NOMIS_DATASETS = {"NM_2002_1": "ONS mid-year population estimates",
                  "NM_17_5": "ONS Annual Population Survey",
                  "NM_30_1": "ONS Annual Survey of Hours and Earnings (resident analysis)",
                  "NM_99_1": "ONS Annual Survey of Hours and Earnings (workplace analysis)",
                  "NM_141_1": "ONS UK Business Counts (local units)",
                  "NM_162_1": "DWP claimant count", "NM_57_1": "ONS jobs density"}


def fmt(ind: Indicator, value: float | None, extra: int = 0) -> str:
    """A value as the report prints it, with the unit and the indicator's decimals.

    Rounding is half away from zero, as readers expect (94.5 -> 95), not Python's
    round-half-to-even (94.5 -> 94).
    """
    if value is None:
        return ""
    places = Decimal(1).scaleb(-(ind.decimals + extra))
    rounded = Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP)
    number = f"{rounded:,}"
    if number.startswith("-"):
        number = "−" + number[1:]
    if ind.unit == "gbp":
        return number.replace("−", "−£") if number.startswith("−") else "£" + number
    if ind.unit == "gbp_thousands":
        return ("£" + number + "k").replace("£−", "−£")
    if ind.unit == "percent":
        return number + "%"
    return number


def figure_text(ind: Indicator, figure: Figure) -> str:
    if figure.text:
        return figure.text
    if figure.value is None or figure.status not in status.WITH_VALUE:
        return status.label(figure.status) or "no value"
    text = fmt(ind, figure.value)
    return f"{text} (estimated)" if figure.status == status.ESTIMATED else text


def source_text(ind: Indicator, period: int) -> str:
    if ind.nomis is not None:
        dataset = ind.nomis.query_for(period).dataset
        name = NOMIS_DATASETS.get(dataset, "NOMIS dataset")
        return f"{name} ({dataset}). {NOMIS_ATTRIBUTION}."
    if ind.formula is not None:
        return f"Computed by lednet from members' figures: {ind.formula.text}."
    where = f" ({ind.statutory_source})" if ind.statutory_source else ""
    return f"The authority's return{where}."


def nomis_query_url(ind: Indicator, period: int, gss: str) -> str:
    """The public NOMIS query for one authority's figure, to show where a figure is missing.

    Built from the catalogue, not the stored URL, which may name a mirror or the local
    snapshot server the figures were actually fetched through.
    """
    from ..nomis.query import indicator_query, plan_requests

    [planned] = plan_requests([indicator_query(ind, period)], [gss])
    return planned.request.url(NOMIS_API)


def anonymous_labels(members: list[Member], keep: str | None) -> dict[str, str]:
    """Letters by GSS order over the whole member list, so a member keeps its letter."""
    labels = {}
    for index, member in enumerate(sorted(members, key=lambda m: m.gss)):
        labels[member.gss] = member.name if member.gss == keep else _letters(index)
    return labels


def _letters(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


@dataclass
class Stats:
    n: int
    members: int
    median: str = ""
    mean: str = ""
    minimum: str = ""
    maximum: str = ""
    lower_quartile: str = ""
    upper_quartile: str = ""
    missing: int = 0
    excluded: int = 0


@dataclass
class GroupLine:
    name: str
    rank: str
    note: str
    band: str
    stats: Stats


@dataclass
class Row:
    """One indicator in an authority's report."""

    ind: Indicator
    value: str
    period_text: str
    source: str
    rank: str = ""
    rank_note: str = ""
    band: str = ""
    network: Stats | None = None
    groups: list[GroupLine] = field(default_factory=list)
    previous: str = ""
    change: str = ""
    rank_change: int | None = None
    series_break: bool = False
    ci: str = ""
    ci_note: str = ""
    aggregate: str = ""
    query: str = ""
    excluded: str = ""
    note: str = ""
    target: str = ""
    chart: Markup = Markup("")


def stats(ind: Indicator, group: GroupBenchmark) -> Stats:
    result = Stats(group.n, len(group.members), missing=group.missing, excluded=group.excluded)
    dist: Distribution | None = group.distribution
    if dist is not None:
        result.median, result.mean = fmt(ind, dist.median), fmt(ind, dist.mean)
        result.minimum, result.maximum = fmt(ind, dist.minimum), fmt(ind, dist.maximum)
        result.lower_quartile = fmt(ind, dist.lower_quartile)
        result.upper_quartile = fmt(ind, dist.upper_quartile)
    return result


def too_few(group: GroupBenchmark) -> str:
    return f"too few values to compare ({group.n}; at least {MIN_VALUES} needed)"


def rank_text(ind: Indicator, group: GroupBenchmark, gss: str) -> tuple[str, str]:
    """'3= of 7' and, when there is no rank, why not."""
    if ind.unit == "category":
        return "", "a category, not compared"
    if ind.polarity == "neutral":
        return "", "context figure, not ranked"
    if group.too_few:
        return "", too_few(group)
    label = group.rank_label(gss)
    if not label:
        return "", "not ranked: no comparable value"
    return f"{label} of {group.n}", ""


class Shared:
    """Work that is the same in every authority's report of a period, done once."""

    def __init__(self, bench: PeriodBenchmark) -> None:
        self.bench = bench
        self._stats: dict[tuple[str, str], Stats] = {}
        self._order: dict[str, list[Figure]] = {}
        self._columns: dict[str, Columns] = {}

    def stats(self, item: IndicatorBenchmark, group: GroupBenchmark) -> Stats:
        key = (item.indicator.id, group.name)
        if key not in self._stats:
            self._stats[key] = stats(item.indicator, group)
        return self._stats[key]

    def order(self, item: IndicatorBenchmark) -> list[Figure]:
        """Figures with a value, best first, as the chart draws them."""
        ind = item.indicator
        if ind.id not in self._order:
            shown = [f for f in item.figures.values()
                     if f.value is not None and f.status in status.WITH_VALUE]
            self._order[ind.id] = sorted(shown, key=lambda f: chart_order(ind, f.value or 0.0))
        return self._order[ind.id]

    def columns(self, item: IndicatorBenchmark) -> Columns:
        ind = item.indicator
        if ind.id not in self._columns:
            order, dist = self.order(item), item.network.distribution
            self._columns[ind.id] = Columns(
                tuple(f.value or 0.0 for f in order), tuple(bool(f.excluded) for f in order),
                dist.median if dist else None, target_band(ind), ind.label)
        return self._columns[ind.id]


def target_band(ind: Indicator) -> tuple[float, float] | None:
    if ind.polarity != "target" or ind.target_low is None or ind.target_high is None:
        return None
    return (ind.target_low, ind.target_high)


def authority_row(shared: Shared, item: IndicatorBenchmark, member: Member,
                  labels: dict[str, str]) -> Row:
    bench = shared.bench
    ind, gss = item.indicator, member.gss
    figure = item.figures[gss]
    row = Row(ind, figure_text(ind, figure), ind.describe_period(bench.period),
              source_text(ind, bench.period), excluded=figure.excluded, note=figure.note,
              network=shared.stats(item, item.network), series_break=item.series_break)
    row.rank, row.rank_note = rank_text(ind, item.network, gss)
    row.band = item.network.bands.get(gss, "")
    for name in bench.groups_of(member):
        group = item.groups[name]
        rank, _ = rank_text(ind, group, gss)
        if group.too_few:
            row.groups.append(GroupLine(name, "", too_few(group), "",
                                        Stats(group.n, len(group.members))))
            continue
        row.groups.append(GroupLine(name, rank, "", group.bands.get(gss, ""),
                                    shared.stats(item, group)))
    if ind.polarity == "target":
        row.target = (f"Target band {fmt(ind, ind.target_low)} to {fmt(ind, ind.target_high)} "
                      "(shaded in the chart): ranked by distance outside the band")
    if ind.nomis is not None and figure.value is None:
        row.query = nomis_query_url(ind, bench.period, gss)
    trend(row, item, gss)
    confidence(row, item, figure)
    row.aggregate = aggregate_text(item)
    row.chart = member_chart(shared, item, gss, labels)
    return row


def trend(row: Row, item: IndicatorBenchmark, gss: str) -> None:
    ind = item.indicator
    before = item.previous.get(gss)
    if before is not None and (before.value is not None or before.status != status.MISSING):
        row.previous = figure_text(ind, before)
    change = item.change(gss)
    if change is not None:
        sign = "+" if change > 0 else ""
        if ind.unit == "percent":
            # A change in a percentage is in points, not a percentage of itself.
            points = fmt(ind, change).removesuffix("%")
            row.change = f"{sign}{points} percentage points"
        else:
            row.change = sign + fmt(ind, change)
    row.rank_change = item.rank_change(gss)


def confidence(row: Row, item: IndicatorBenchmark, figure: Figure) -> None:
    """The survey's 95% interval, and whether the median lies inside it."""
    if figure.ci_low is None or figure.ci_high is None or not figure.comparable:
        return
    ind = item.indicator
    row.ci = f"{fmt(ind, figure.ci_low)} to {fmt(ind, figure.ci_high)}"
    dist = item.network.distribution
    if dist is None:
        return
    if figure.ci_low <= dist.median <= figure.ci_high:
        row.ci_note = ("the network median lies within this interval: the difference from "
                       "the median may be sampling error")
    else:
        row.ci_note = "the network median lies outside this interval"


def aggregate_text(item: IndicatorBenchmark) -> str:
    agg, ind = item.aggregate, item.indicator
    if agg is None or agg.ratio_of_sums is None:
        return ""
    total = f"{fmt(ind, agg.ratio_of_sums)} for the network as a whole (ratio of sums)"
    if not agg.differ(ind.decimals):
        return f"{total}; the mean of members' figures is the same"
    return (f"{total}; {fmt(ind, agg.mean_of_ratios)} as the mean of members' figures "
            f"(over {agg.authorities} members)")


def member_chart(shared: Shared, item: IndicatorBenchmark, gss: str,
                 labels: dict[str, str]) -> Markup:
    ind = item.indicator
    order = shared.order(item)
    if ind.unit == "category" or not order:
        return Markup("")
    if len(order) > LABELLED_MAX:
        mine = next((i for i, f in enumerate(order) if f.authority == gss), None)
        text = fmt(ind, order[mine].value) if mine is not None else ""
        return column_chart(shared.columns(item), mine, labels.get(gss, gss), text)
    bars = [Bar(labels.get(f.authority, f.authority), f.value or 0.0, fmt(ind, f.value),
                f.authority == gss, bool(f.excluded)) for f in order]
    dist = item.network.distribution
    return ranking_chart(bars, dist.median if dist else None, target_band(ind), ind.label)


def chart_order(ind: Indicator, value: float) -> float:
    """Best first: ascending for lower-is-better and target distance, descending otherwise."""
    if ind.polarity == "lower":
        return value
    if ind.polarity == "target" and ind.target_low is not None and ind.target_high is not None:
        return max(ind.target_low - value, value - ind.target_high, 0.0)
    return -value


@dataclass
class Summary:
    strong: list[Row]
    weak: list[Row]
    movers: list[Row]


def summarise(rows: list[Row]) -> Summary:
    """Top- and bottom-quartile indicators, and the biggest moves in rank."""
    def order(row: Row) -> int:
        return int(row.rank.split()[0].rstrip("=")) if row.rank else 0

    strong = sorted((r for r in rows if r.band == BANDS[0]), key=order)
    weak = sorted((r for r in rows if r.band == BANDS[3]), key=order, reverse=True)
    moved = [r for r in rows if r.rank_change and not r.series_break]
    moved.sort(key=lambda r: -abs(r.rank_change or 0))
    return Summary(strong, weak, moved[:6])


@dataclass
class NetworkCell:
    text: str
    rank: str = ""
    footnote: int | None = None


@dataclass
class NetworkTable:
    indicators: list[Indicator]
    rows: list[tuple[str, list[NetworkCell]]]
    medians: list[str]
    means: list[str]
    aggregates: list[str]


def network_tables(bench: PeriodBenchmark, section: str, labels: dict[str, str],
                   footnotes: list[str], width: int = 5) -> list[NetworkTable]:
    """A section's figures for every member, in tables of ``width`` indicators."""
    inds = [i for i in bench.catalogue.section(section)]
    tables = []
    for start in range(0, len(inds), width):
        chunk = inds[start:start + width]
        rows = []
        for member in sorted(bench.members, key=lambda m: labels[m.gss]):
            cells = [network_cell(bench.indicators[i.id], member.gss, footnotes) for i in chunk]
            rows.append((labels[member.gss], cells))
        items = [bench.indicators[i.id] for i in chunk]
        tables.append(NetworkTable(
            chunk, rows,
            [stats(i.indicator, i.network).median for i in items],
            [stats(i.indicator, i.network).mean for i in items],
            [fmt(i.indicator, i.aggregate.ratio_of_sums) if i.aggregate else "" for i in items]))
    return tables


SHORT_STATUS = {status.MISSING: "–", status.NO_DATA: "n/a", status.NOT_AVAILABLE: "[x]",
                status.CONFIDENTIAL: "[c]", status.NOT_APPLICABLE: "[z]",
                status.SUPPRESSED: "[u]", status.REJECTED: "[f]"}


def network_cell(item: IndicatorBenchmark, gss: str, footnotes: list[str]) -> NetworkCell:
    figure = item.figures[gss]
    text = figure_text(item.indicator, figure)
    if figure.status in SHORT_STATUS and figure.value is None and not figure.text:
        text = SHORT_STATUS[figure.status]
    elif figure.status == status.ESTIMATED:
        text = fmt(item.indicator, figure.value) + " (e)"
    cell = NetworkCell(text, item.network.rank_label(gss))
    if figure.excluded:
        footnotes.append(f"{figure.excluded}")
        cell.footnote = len(footnotes)
    return cell


def distribution_chart(item: IndicatorBenchmark) -> Markup:
    dist = item.network.distribution
    if dist is None:
        return Markup("")
    values = list(item.network.values.values())
    return strip_chart(values, (dist.lower_quartile, dist.median, dist.upper_quartile),
                       title=item.indicator.label)
