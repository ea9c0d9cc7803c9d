"""Everything one authority's return template shows, gathered before any cell is written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from ..catalogue import Catalogue
from ..store import DatasetValue, Store
from ..values import NO_DATA, label
from ..workspace import Contact, Member, Workspace


@dataclass(frozen=True)
class NationalFigure:
    """A national value as it will be issued: the number, or None with a status."""

    value: float | None
    status: str
    source: str


@dataclass(frozen=True)
class ReturnContext:
    network: str
    member: Member
    period: int
    deadline: str
    coordinator: Contact
    catalogue: Catalogue
    national: dict[str, NationalFigure]
    previous_period: int | None
    previous: dict[str, DatasetValue]

    def national_figure(self, indicator_id: str) -> NationalFigure:
        missing = NationalFigure(None, NO_DATA, "no figure held for this period")
        return self.national.get(indicator_id, missing)


@dataclass(frozen=True)
class PeriodData:
    """What the store holds for a period, for all members at once."""

    national: dict[str, dict[str, NationalFigure]]  # authority -> indicator -> figure
    previous_period: int | None
    previous: dict[str, dict[str, DatasetValue]]  # authority -> indicator -> value


def load_period_data(store: Store, catalogue: Catalogue, period: int) -> PeriodData:
    national: dict[str, dict[str, NationalFigure]] = {}
    for row in store.national_values(period):
        indicator = row["indicator"]
        if indicator not in catalogue:
            continue
        figure = NationalFigure(row["value"], row["status"],
                                _source(catalogue, indicator, period, row))
        national.setdefault(row["authority"], {})[indicator] = figure

    previous_period = store.previous_period(period)
    previous: dict[str, dict[str, DatasetValue]] = {}
    if previous_period is not None:
        for value in store.dataset(previous_period):
            previous.setdefault(value.authority, {})[value.indicator] = value
    return PeriodData(national, previous_period, previous)


def context_for(workspace: Workspace, member: Member, period: int,
                data: PeriodData) -> ReturnContext:
    return ReturnContext(
        network=workspace.network, member=member, period=period,
        deadline=workspace.deadline(period), coordinator=workspace.coordinator,
        catalogue=workspace.catalogue, national=data.national.get(member.gss, {}),
        previous_period=data.previous_period, previous=data.previous.get(member.gss, {}))


def _source(catalogue: Catalogue, indicator: str, period: int, row: sqlite3.Row) -> str:
    """E.g. "NOMIS NM_2002_1, 2011 (retrieved 2024-05-01)"; from the stored row only."""
    nomis = catalogue[indicator].nomis
    dataset = nomis.query_for(period).dataset if nomis is not None else ""
    date_label = row["date_label"]
    retrieved = str(row["retrieved_at"] or "")[:10]
    parts = [f"NOMIS {dataset}".strip(), date_label]
    text = ", ".join(p for p in parts if p)
    if retrieved:
        text += f" (retrieved {retrieved})"
    status = row["status"]
    if row["value"] is None:
        text += f"; {label(status)}"
    return text


def describe_date(text: str) -> str:
    """A configured deadline such as 2012-06-29 in words: 29 June 2012."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"
