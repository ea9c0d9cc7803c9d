"""``lednet fetch``: every national indicator for every member for a period, into the store.

One request per dataset and query shape covers all members at once (all of them, even when
only some are to be stored, so one cached answer serves every fetch of the period). Answers
come from the cache when there is one (so a second fetch asks nothing), from NOMIS otherwise;
``refresh`` asks again and ``offline`` never asks. Nothing is written until every answer is
in, so a failed fetch leaves the store as it was (the answers already fetched stay cached).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import ConfigError, NomisError, OfflineDataMissing, PeriodClosedError
from ..store import Store
from ..values import NO_DATA, OK, SUPPRESSED
from ..workspace import Member, Workspace
from .cache import ResponseCache
from .client import Answer, NomisClient
from .combine import NationalValue, combine_rows
from .query import PlannedRequest, indicator_query, plan_requests

log = logging.getLogger("lednet.nomis.fetch")

Answered = tuple[PlannedRequest, Answer, str]  # a request, its answer and its public URL
Stored = tuple[NationalValue, Answer, str]

# Overrides lednet.yaml's nomis.base_url, e.g. to point a run at the snapshot server.
BASE_URL_ENV = "LEDNET_NOMIS_BASE_URL"


@dataclass
class FetchSummary:
    """What a fetch did, in numbers and in the few lines a coordinator needs to read."""

    period: int
    authorities: int
    indicators: int
    stored: int = 0
    suppressed: int = 0
    no_data: int = 0
    requests: int = 0
    fetched: int = 0
    cached: int = 0
    empty: list[str] = field(default_factory=list)  # indicators whose query matched nothing
    gaps: dict[str, list[str]] = field(default_factory=dict)  # authority -> indicators
    problems: list[str] = field(default_factory=list)
    offline_missing: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        empty_note = " (NOMIS answered nothing for their query)" if self.empty else ""
        lines = [
            f"period {self.period}: {_count(self.authorities, 'authority', 'authorities')}, "
            f"{self.indicators} indicators: {self.stored} values stored, "
            f"{self.suppressed} suppressed, "
            f"{self.no_data} no data",
            f"NOMIS: {self.requests} HTTP requests, {self.fetched} answers fetched, "
            f"{self.cached} from the cache",
        ]
        if self.empty:
            lines.append(f"no data for any authority{empty_note}: " + ", ".join(self.empty))
        lines.extend(f"no data for {who}: {', '.join(names)}" for who, names in
                     self.gaps.items())
        lines.extend(f"problem: {text}" for text in self.problems)
        lines.extend(f"offline, not cached (kept what the store had): {text}"
                     for text in self.offline_missing)
        return lines


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def fetch_national(workspace: Workspace, period: int, authorities: Sequence[str] = (),
                   refresh: bool = False, offline: bool = False,
                   client: NomisClient | None = None) -> FetchSummary:
    """Fetch and store every national indicator for the members expected in ``period``."""
    offline = offline or workspace.nomis.offline
    if refresh and offline:
        raise ConfigError("--refresh asks NOMIS again and --offline forbids it; use one")
    members = workspace.select_members(period, list(authorities))
    if not members:
        raise ConfigError(f"no member is expected in period {period}; check members.yaml")
    indicators = workspace.catalogue.section("national")
    # Ask for the whole network even when storing a few members: it costs NOMIS nothing more,
    # and one cached answer then serves any later fetch of the period, online or offline.
    authority_of = geography_codes(workspace.members_for(period))
    plans = plan_requests([indicator_query(i, period) for i in indicators], sorted(authority_of))

    client = client or NomisClient(workspace.nomis, base_url=os.environ.get(BASE_URL_ENV))
    cache = ResponseCache(workspace.cache_dir)
    summary = FetchSummary(period, len(members), len(indicators))

    with Store(workspace.store_path) as store:
        if store.is_closed(period):
            raise PeriodClosedError(f"period {period} is closed, so its national values are "
                                    "frozen; reopen it with 'lednet close --reopen' first")
        answers = _collect(plans, client, cache, refresh, offline, summary)
        if offline and not answers:
            raise OfflineDataMissing(f"no cached NOMIS answers for period {period}; run "
                                     f"'lednet fetch --period {period}' online first")

        values = _values(answers, authority_of, members, summary)
        summary.requests = client.requests_made
        with store.transaction() as db:
            _write(db, period, values)
            store.log_event("fetch", {"stored": summary.stored, "no_data": summary.no_data,
                                      "suppressed": summary.suppressed,
                                      "requests": summary.requests}, period)
        store.record_catalogue(period, workspace.catalogue)
    return summary


def geography_codes(members: Sequence[Member]) -> dict[str, str]:
    """Every GSS code NOMIS may answer for each member (current and former) -> member code."""
    codes: dict[str, str] = {}
    for member in members:
        for code in (member.gss, *member.authority.former_gss):
            codes[code] = member.gss
    return codes


def _collect(plans: Sequence[PlannedRequest], client: NomisClient, cache: ResponseCache,
             refresh: bool, offline: bool, summary: FetchSummary,
             ) -> list[Answered]:
    """The answer to each planned request, from the cache or from NOMIS, with its URL."""
    answers: list[Answered] = []
    for plan in plans:
        url = plan.request.url(client.base_url)
        cached = None if refresh else cache.get(url)
        if cached is not None:
            log.debug("cached (%s): %s", cached.retrieved_at, plan.request.describe())
            summary.cached += 1
            answers.append((plan, cached, url))
            continue
        if offline:
            log.debug("offline, not cached: %s", plan.request.describe())
            summary.offline_missing.append(f"{', '.join(plan.indicators)} ({url})")
            continue

        try:
            answer = client.fetch(plan.request)
        except NomisError as exc:
            raise NomisError(f"fetching {', '.join(plan.indicators)}: {exc}; nothing was "
                             "stored") from exc
        try:
            cache.put(answer)
        except OSError as exc:  # a full disk costs the next fetch a request, not this one
            log.warning("could not cache the NOMIS answer in %s: %s", cache.folder, exc)
        log.debug("fetched %d rows in %d page(s): %s", len(answer.rows), answer.pages,
                  plan.request.describe())
        summary.fetched += 1
        answers.append((plan, answer, url))
    return answers


def _values(answers: list[Answered], authority_of: dict[str, str], members: Sequence[Member],
            summary: FetchSummary) -> list[Stored]:
    """Combine each answer into one value per member and indicator; tally the summary."""
    names = {m.gss: f"{m.name} ({m.gss})" for m in members}
    values: list[Stored] = []
    for plan, answer, url in answers:
        for query in plan.queries:
            combined = combine_rows(answer.rows, query, authority_of, [m.gss for m in members])
            values.extend((value, answer, url) for value in combined)
            _tally(summary, query.indicator, combined, names)
    return values


def _tally(summary: FetchSummary, indicator: str, values: list[NationalValue],
           names: dict[str, str]) -> None:
    statuses = [v.status for v in values]
    summary.stored += statuses.count(OK)
    summary.suppressed += statuses.count(SUPPRESSED)
    summary.no_data += statuses.count(NO_DATA)
    if all(s == NO_DATA for s in statuses) and not any(v.problem for v in values):
        summary.empty.append(indicator)
        return
    for value in values:
        if value.problem:
            summary.problems.append(f"{indicator}: {value.problem}")
        elif value.status == NO_DATA:
            summary.gaps.setdefault(names[value.authority], []).append(indicator)


def _write(db: sqlite3.Connection, period: int,
           values: list[Stored]) -> None:
    rows = [(period, v.authority, v.indicator, v.value, v.status, v.ci_low, v.ci_high,
             v.date_label, url, answer.retrieved_at) for v, answer, url in values]
    db.executemany(
        "INSERT OR REPLACE INTO national_values (period, authority, indicator, value, status, "
        "ci_low, ci_high, date_label, query_url, retrieved_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows)
