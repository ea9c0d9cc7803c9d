"""Rows of a NOMIS answer become one figure per authority for one indicator.

The rules that keep a prefilled number trustworthy:

- a row is counted once even when NOMIS lists the authority under two geography types (the
  mid-2021 population answer has every unitary under both TYPE432 and TYPE431); when the two
  disagree, no figure is stored and the disagreement is reported;
- a sum needs every part: a missing size band or age is "no data", never a smaller total;
- a suppressed or unavailable cell becomes a status, never a zero or a blank;
- where the catalogue asks for a confidence measure, the interval is value -/+ confidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..values import NO_DATA, OK, SUPPRESSED
from .query import IndicatorQuery

_UNAVAILABLE_WORDS = ("missing", "not available", "unavailable")


@dataclass(frozen=True)
class NationalValue:
    """One authority's figure for one indicator, or the status saying why there is none."""

    authority: str
    indicator: str
    value: float | None
    status: str
    ci_low: float | None = None
    ci_high: float | None = None
    date_label: str = ""
    problem: str = ""  # set when something is wrong, not merely absent


@dataclass(frozen=True)
class _Cell:
    value: str
    status: str
    status_name: str
    geography_type: str
    date_label: str


def combine_rows(rows: Iterable[Mapping[str, str]], query: IndicatorQuery,
                 authority_of: Mapping[str, str],
                 authorities: Iterable[str]) -> list[NationalValue]:
    """One NationalValue per authority in ``authorities`` from the rows of an answer.

    ``authority_of`` maps each GSS code NOMIS may answer with (current or former) to the
    member's code.
    """
    cells = _cells_by_authority(rows, query, authority_of)
    return [_combine_one(authority, cells.get(authority, {}), query)
            for authority in authorities]


def _cells_by_authority(rows: Iterable[Mapping[str, str]], query: IndicatorQuery,
                        authority_of: Mapping[str, str],
                        ) -> dict[str, dict[tuple[str, ...], list[_Cell]]]:
    """Rows that belong to this query, grouped by authority and by their dimension codes."""
    wanted = query.code_sets()
    names = [name for name, _ in query.codes]
    cells: dict[str, dict[tuple[str, ...], list[_Cell]]] = defaultdict(lambda: defaultdict(list))

    for row in rows:
        authority = authority_of.get(row.get("GEOGRAPHY_CODE", "").strip().upper())
        measure = row.get("MEASURES", query.measure).strip() or query.measure
        codes = tuple(row.get(name.upper(), "").strip() for name in names)
        if authority is None or measure not in query.measures:
            continue
        if any(code not in wanted[name] for name, code in zip(names, codes, strict=True)):
            continue
        cell = _Cell(value=row.get("OBS_VALUE", "").strip(),
                     status=row.get("OBS_STATUS", "").strip().upper(),
                     status_name=row.get("OBS_STATUS_NAME", "").strip(),
                     geography_type=row.get("GEOGRAPHY_TYPECODE", "").strip(),
                     date_label=row.get("DATE_NAME", "").strip())
        cells[authority][(measure, *codes)].append(cell)
    return cells


def _combine_one(authority: str, cells: Mapping[tuple[str, ...], list[_Cell]],
                 query: IndicatorQuery) -> NationalValue:
    def result(value: float | None, status: str, problem: str = "", label: str = "",
               ci: tuple[float | None, float | None] = (None, None)) -> NationalValue:
        return NationalValue(authority, query.indicator, value, status, ci[0], ci[1],
                             label, problem)

    single, problem = _once_each(authority, cells)
    if problem:
        return result(None, NO_DATA, problem)

    values = {key[1:]: cell for key, cell in single.items() if key[0] == query.measure}
    if not values:
        return result(None, NO_DATA)
    label = next(iter(values.values())).date_label
    problem = _incomplete(authority, len(values), query)
    if problem:
        return result(None, NO_DATA, problem, label)

    statuses = {_status(cell) for cell in values.values()}
    if statuses != {OK}:
        return result(None, SUPPRESSED if SUPPRESSED in statuses else NO_DATA, label=label)
    total = sum(float(cell.value) for cell in values.values())

    ci: tuple[float | None, float | None] = (None, None)
    if query.confidence and len(values) == 1:
        ci = _interval(total, single, query, next(iter(values)))
    return result(total, OK, label=label, ci=ci)


def _once_each(authority: str, cells: Mapping[tuple[str, ...], list[_Cell]],
               ) -> tuple[dict[tuple[str, ...], _Cell], str]:
    """Each cell once, however many geography types list it; a problem if they disagree."""
    single: dict[tuple[str, ...], _Cell] = {}
    for key, listed in cells.items():
        if len({(c.value, c.status) for c in listed}) > 1:
            types = ", ".join(f"TYPE{c.geography_type}: {c.value or c.status_name}"
                              for c in listed)
            return {}, (f"NOMIS gives {authority} different figures under two geography "
                        f"types ({types}); none stored, check with NOMIS")
        single[key] = listed[0]
    return single, ""


def _incomplete(authority: str, parts: int, query: IndicatorQuery) -> str:
    """Why the cells cannot make the figure: too many for one value, too few for a sum."""
    if query.query.combine == "single" and parts > 1:
        return (f"NOMIS sent {parts} rows for {authority} where the catalogue expects one "
                "(combine: single); check its codes")
    expected = math.prod(len(codes) for _, codes in query.codes)
    if query.query.combine == "sum" and parts < expected:
        return (f"NOMIS sent {parts} of the {expected} parts to add up for {authority}; no "
                "partial total stored")
    return ""


def _interval(value: float, cells: Mapping[tuple[str, ...], _Cell], query: IndicatorQuery,
              codes: tuple[str, ...]) -> tuple[float | None, float | None]:
    """value -/+ the confidence NOMIS gives for the same cell, when it gives a usable one."""
    assert query.confidence is not None
    cell = cells.get((query.confidence, *codes))
    if cell is None or _status(cell) != OK:
        return (None, None)
    margin = float(cell.value)
    return (value - margin, value + margin)


def _status(cell: _Cell) -> str:
    """OK for a normal number; otherwise what NOMIS says about the cell, as a status."""
    if cell.status in ("A", "") and _is_number(cell.value):
        return OK
    if any(word in cell.status_name.lower() for word in _UNAVAILABLE_WORDS):
        return NO_DATA
    return SUPPRESSED


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
