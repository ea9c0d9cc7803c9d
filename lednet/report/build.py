"""``lednet report``: benchmark the period once, render each report, write HTML and PDF.

Files are named so they sort by period, then authority code: ``2012_E06000014_York.html`` and
``2012_network.html``, with ``_anonymised`` added in anonymised mode. Each is written to a
temporary name first and renamed, so a half-written report never appears.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.period import PeriodBenchmark, benchmark_period
from ..errors import LednetError
from ..fsutil import atomic_write_text
from ..store import Store, now
from ..workspace import Member, Workspace
from . import views
from .pdf import write_pdfs
from .render import render

SECTION_TITLES = {"profile": "Profile", "national": "National statistics (Nomis)",
                  "local": "Economic development activity", "derived": "Performance ratios"}


@dataclass
class ReportResult:
    """What was written, for the command to list."""

    period: int
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    fingerprint: str = ""

    def lines(self) -> list[str]:
        count = len(self.paths)
        summary = (f"{count} report file{'' if count == 1 else 's'} for period {self.period} in "
                   f"{self.seconds:.1f}s (dataset {self.fingerprint})")
        return [str(p) for p in self.paths] + [summary]


def build_reports(workspace: Workspace, period: int, authorities: list[str] | None = None,
                  formats: list[str] | tuple[str, ...] = ("html", "pdf"),
                  anonymise: bool = False, out_dir: Path | None = None) -> ReportResult:
    """Write the period's reports: each chosen authority's, and the network's when none chosen."""
    started = time.perf_counter()
    with Store(workspace.store_path) as store:
        bench = benchmark_period(workspace, store, period)
        responses = response_rows(store, bench)
    if not bench.data.values:
        raise LednetError(f"the store holds no figures for period {period}; run 'lednet fetch' "
                          "and 'lednet ingest' for it first")
    folder = out_dir or workspace.outputs_dir / "reports" / str(period)
    suffix = "_anonymised" if anonymise else ""
    footer = footer_context(workspace, bench)

    documents: list[tuple[str, Path]] = []
    shared = views.Shared(bench)
    for member in chosen_members(workspace, bench, authorities or []):
        labels = (views.anonymous_labels(workspace.members, member.gss) if anonymise
                  else {m.gss: m.name for m in workspace.members})
        html = authority_html(shared, member, labels, footer)
        name = f"{period}_{member.gss}_{slug(member.name)}{suffix}"
        documents.append((html, folder / name))
    if not authorities:
        labels = (views.anonymous_labels(workspace.members, None) if anonymise
                  else {m.gss: m.name for m in workspace.members})
        html = network_html(bench, labels, footer, responses, anonymise)
        # The network report is the longest job; write_pdfs starts the longest first.
        documents.insert(0, (html, folder / f"{period}_network{suffix}"))

    result = ReportResult(period, fingerprint=footer["fingerprint"])
    if "html" in formats:
        for html, stem in documents:
            atomic_write_text(stem.with_suffix(".html"), html)
            result.paths.append(stem.with_suffix(".html"))
    if "pdf" in formats:
        result.paths += write_pdfs([(html, stem.with_suffix(".pdf")) for html, stem in documents])
    result.paths.sort()
    result.seconds = time.perf_counter() - started
    return result


def chosen_members(workspace: Workspace, bench: PeriodBenchmark,
                   codes: list[str]) -> list[Member]:
    if not codes:
        return list(bench.members)
    chosen = workspace.select_members(bench.period, codes)
    return [m for m in chosen if m in bench.members]


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def footer_context(workspace: Workspace, bench: PeriodBenchmark) -> dict[str, Any]:
    catalogue = bench.catalogue
    return {
        "network": workspace.network,
        "period": bench.period,
        "previous_period": bench.previous_period,
        "fingerprint": bench.data.fingerprint,
        "catalogue": f"{catalogue.name}, version {catalogue.version} "
                     f"({catalogue.short_fingerprint})",
        "generated": now(),
        "closed_at": bench.data.closed_at,
        "attribution": views.NOMIS_ATTRIBUTION,
    }


def sections(bench: PeriodBenchmark) -> list[tuple[str, str]]:
    return [(s, SECTION_TITLES[s]) for s in SECTION_TITLES if bench.catalogue.section(s)]


def authority_html(shared: views.Shared, member: Member, labels: dict[str, str],
                   footer: dict[str, Any]) -> str:
    bench = shared.bench
    rows = {s: [views.authority_row(shared, bench.indicators[i.id], member, labels)
                for i in bench.catalogue.section(s)] for s, _ in sections(bench)}
    everything = [row for section in rows.values() for row in section]
    return render("report/authority.html.j2", member=member, rows=rows,
                  sections=sections(bench), summary=views.summarise(everything),
                  groups=bench.groups_of(member), members=len(bench.members), **footer)


def network_html(bench: PeriodBenchmark, labels: dict[str, str], footer: dict[str, Any],
                 responses: list[dict[str, Any]], anonymise: bool = False) -> str:
    footnotes: list[str] = []
    tables = {s: views.network_tables(bench, s, labels, footnotes) for s, _ in sections(bench)}
    if anonymise:
        # A reason is free text from the validation meeting and may name the authority.
        footnotes = ["reason withheld in the anonymised report"] * len(footnotes)
    charts = {s: [(bench.indicators[i.id], views.stats(i, bench.indicators[i.id].network),
                   views.distribution_chart(bench.indicators[i.id]))
                  for i in bench.catalogue.section(s) if i.unit != "category"]
              for s, _ in sections(bench)}
    for row in responses:
        row["name"] = labels.get(row["gss"], row["gss"])
    responses.sort(key=lambda r: r["name"])
    return render("report/network.html.j2", tables=tables, charts=charts, footnotes=footnotes,
                  sections=sections(bench), responses=responses, members=len(bench.members),
                  **footer)


def response_rows(store: Store, bench: PeriodBenchmark) -> list[dict[str, Any]]:
    """Who returned, and how many input values are missing, flagged or accepted by decision."""
    current = {row["authority"]: row for row in store.current_submissions(bench.period)}
    # Returns that arrived after close are kept by ingest but stay out of the dataset.
    late = {row["authority"] for row in store.after_close_submissions(bench.period)}
    inputs = [i for i in bench.catalogue if i.is_input]
    rows = []
    for member in bench.members:
        submission = current.get(member.gss)
        missing = sum(1 for i in inputs
                      if not bench.indicators[i.id].figures[member.gss].comparable
                      and not bench.indicators[i.id].figures[member.gss].text)
        flagged = decided = errors = 0
        if submission is not None:
            flagged = store.db.execute(
                "SELECT COUNT(*) FROM findings WHERE submission_id = ? AND severity IN "
                "('warning', 'error')", (submission["id"],)).fetchone()[0]
            errors = store.db.execute(
                "SELECT COUNT(*) FROM findings WHERE submission_id = ? AND severity = 'error'",
                (submission["id"],)).fetchone()[0]
        decided = store.db.execute(
            "SELECT COUNT(*) FROM decisions WHERE period = ? AND authority = ? AND kind IN "
            "('accept_value', 'correct_value', 'accept_explanation')",
            (bench.period, member.gss)).fetchone()[0]
        rows.append({"gss": member.gss,
                     "returned": submission["received_at"][:10] if submission else "",
                     "after_close": member.gss in late,
                     "rejected": submission is not None and submission["outcome"] == "rejected",
                     "errors": errors,
                     "certified": submission is not None and bool(submission["certified"]),
                     "inputs": len(inputs), "missing": missing, "flagged": flagged,
                     "accepted": decided})
    return rows
