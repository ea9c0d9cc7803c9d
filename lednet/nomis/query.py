"""How an indicator and a period become a NOMIS data request, and how requests are merged.

A request is normalised: dimension codes are expanded, sorted and written back one canonical
way, so the same question always produces the same URL (and the same cache key). Indicators
that ask the same dataset for the same date and differ in one dimension only (APS variables,
age bands, size bands) share one request for every member at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from ..catalogue import Indicator, NomisQuery
from ..periods import nomis_date

DATA_PATH = "dataset/{dataset}.data.csv"

# Columns lednet reads; asking for these alone keeps pages small (NOMIS caps cells, not bytes).
_LEADING_COLUMNS = ("DATE", "DATE_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME",
                    "GEOGRAPHY_TYPECODE")
_TRAILING_COLUMNS = ("MEASURES", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME",
                     "RECORD_OFFSET", "RECORD_COUNT")


def expand_codes(text: str) -> tuple[str, ...]:
    """Codes written NOMIS's way as a tuple: ``1,2`` -> 1, 2; ``117...120`` -> 117 ... 120."""
    codes: list[str] = []
    for part in str(text).split(","):
        part = part.strip()
        if "..." in part:
            low, high = (end.strip() for end in part.split("...", 1))
            if not (low.isdigit() and high.isdigit()) or int(low) > int(high):
                raise ValueError(f"code range {part!r} must be two numbers, low...high")
            codes.extend(str(code) for code in range(int(low), int(high) + 1))
        elif part:
            codes.append(part)
    return tuple(dict.fromkeys(codes))


def compress_codes(codes: Iterable[str]) -> str:
    """One canonical spelling of a set of codes: sorted, runs of three or more as ``a...b``."""
    unique = set(codes)
    numbers = sorted(int(code) for code in unique if _is_number(code))
    others = sorted(code for code in unique if not _is_number(code))

    parts: list[str] = []
    for run in _consecutive_runs(numbers):
        parts.extend([f"{run[0]}...{run[-1]}"] if len(run) >= 3 else [str(n) for n in run])
    return ",".join(parts + others)


def _is_number(code: str) -> bool:
    # "007" is a label, not the number 7: only plainly written numbers take part in ranges.
    return code.isdigit() and code == str(int(code))


def _consecutive_runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


@dataclass(frozen=True)
class DataRequest:
    """One normalised NOMIS data request, without paging and without the API key."""

    dataset: str
    date: str
    dimensions: tuple[tuple[str, str], ...]  # (name, canonical codes), sorted by name
    measures: str
    geography: tuple[str, ...]  # GSS codes, sorted

    def columns(self) -> list[str]:
        """The ``select=`` list: what lednet reads, with each dimension's code column."""
        dims = [name.upper() for name, _ in self.dimensions]
        return [*_LEADING_COLUMNS, *dims, *_TRAILING_COLUMNS]

    def params(self) -> list[tuple[str, str]]:
        """Query parameters in a fixed order, so the URL is the same every time."""
        params = [("geography", ",".join(self.geography))] if self.geography else []
        params.append(("date", self.date))
        params.extend(self.dimensions)
        params.append(("measures", self.measures))
        params.append(("select", ",".join(self.columns())))
        return params

    def url(self, base_url: str) -> str:
        """The request's URL under ``base_url``; safe to log, store and share (no uid)."""
        path = DATA_PATH.format(dataset=self.dataset)
        return f"{base_url.rstrip('/')}/{path}?{urlencode(self.params(), safe=',.')}"

    def describe(self) -> str:
        dims = " ".join(f"{name}={codes}" for name, codes in self.dimensions)
        return f"{self.dataset} date={self.date} {dims} measures={self.measures}"


@dataclass(frozen=True)
class IndicatorQuery:
    """What one indicator asks NOMIS for in one period, with its codes expanded."""

    indicator: str
    query: NomisQuery
    date: str
    codes: tuple[tuple[str, tuple[str, ...]], ...]  # per dimension, sorted by name
    measure: str
    confidence: str | None

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.measure, self.confidence) if self.confidence else (self.measure,)

    def code_sets(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(codes) for name, codes in self.codes}

    def request(self, geography: Sequence[str]) -> DataRequest:
        """This indicator's own request, as it would be sent were it not merged."""
        return _request(self.query.dataset, self.date, dict(self.codes), self.measures,
                        geography)


@dataclass(frozen=True)
class PlannedRequest:
    """A request and the indicators whose values its rows hold."""

    request: DataRequest
    queries: tuple[IndicatorQuery, ...]

    @property
    def indicators(self) -> list[str]:
        return [q.indicator for q in self.queries]


def indicator_query(indicator: Indicator, period: int) -> IndicatorQuery:
    """The query an indicator makes for ``period``: its variant, date rule and codes applied."""
    if indicator.nomis is None:
        raise ValueError(f"{indicator.id} is not a NOMIS indicator")
    query = indicator.nomis.query_for(period)
    codes = tuple(sorted((name, expand_codes(text)) for name, text in query.params.items()))
    return IndicatorQuery(indicator=indicator.id, query=query,
                          date=nomis_date(query.date, period), codes=codes,
                          measure=query.measures, confidence=query.confidence_measures)


def plan_requests(queries: Iterable[IndicatorQuery],
                  geography: Sequence[str]) -> list[PlannedRequest]:
    """Group indicator queries into as few requests as possible, each for every geography."""
    groups: dict[tuple[object, ...], list[IndicatorQuery]] = defaultdict(list)
    for query in queries:
        names = tuple(name for name, _ in query.codes)
        groups[(query.query.dataset, query.date, query.measures, names)].append(query)

    planned: list[PlannedRequest] = []
    for members in groups.values():
        for subgroup in _split_on_one_dimension(members):
            planned.append(_merge(subgroup, geography))
    return planned


def _split_on_one_dimension(queries: list[IndicatorQuery]) -> list[list[IndicatorQuery]]:
    """Sub-groups whose queries differ in at most one dimension, so a union is exact."""
    varying = [name for name, _ in queries[0].codes
               if len({q.code_sets()[name] for q in queries}) > 1]
    if len(varying) <= 1:
        return [queries]

    # Let the dimension with most distinct values vary; the others must then agree exactly.
    free = max(varying, key=lambda name: len({q.code_sets()[name] for q in queries}))
    subgroups: dict[tuple[object, ...], list[IndicatorQuery]] = defaultdict(list)
    for query in queries:
        fixed = tuple(sorted((n, c) for n, c in query.code_sets().items() if n != free))
        subgroups[fixed].append(query)
    return list(subgroups.values())


def _merge(queries: list[IndicatorQuery], geography: Sequence[str]) -> PlannedRequest:
    codes: dict[str, set[str]] = defaultdict(set)
    for query in queries:
        for name, values in query.codes:
            codes[name].update(values)
    first = queries[0]
    request = _request(first.query.dataset, first.date, codes, first.measures, geography)
    return PlannedRequest(request=request, queries=tuple(queries))


def _request(dataset: str, date: str, codes: dict[str, set[str]] | dict[str, tuple[str, ...]],
             measures: Iterable[str], geography: Sequence[str]) -> DataRequest:
    dimensions = tuple(sorted((name, compress_codes(values)) for name, values in codes.items()))
    return DataRequest(dataset=dataset, date=date, dimensions=dimensions,
                       measures=compress_codes(measures), geography=tuple(sorted(geography)))
