"""lednet's speed targets, each timed side by side with its baseline in one run.

    make benchmark                      (or: .venv/bin/python benchmarks/run.py)
    .venv/bin/python benchmarks/run.py --quick          a smoke run of a minute or two

Builds a SYNTHETIC network of every English district and unitary authority in a temporary
workspace, stores invented national values and 1,000 returns, then times make-templates,
ingest and report against the bare libraries and naive tools (see benchmarks/README.md).
Slow stages are timed on a sample and scaled to the whole network; every such line says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import network  # noqa: E402

PERIOD, LATER = 2022, 2023
TOTAL_RETURNS = 1_000


@dataclass(frozen=True)
class Sizes:
    """How much of each stage is timed; the rest is scaled."""

    templates: int  # workbooks lednet writes
    bare_templates: int  # of those, rewritten by bare openpyxl
    ingest: int  # returns lednet ingests (the rest are written to the store directly)
    frictionless: int  # of those, exported to CSV and validated by frictionless
    pdfs: int  # authority PDFs rendered (even: two cores)
    naive: int  # authorities rendered the naive way
    network_pdf: bool  # render the network report's PDF (minutes at this size)


FULL = Sizes(templates=40, bare_templates=10, ingest=30, frictionless=10, pdfs=4, naive=1,
             network_pdf=True)
QUICK = Sizes(templates=4, bare_templates=2, ingest=4, frictionless=2, pdfs=4, naive=1,
              network_pdf=False)


@dataclass
class Line:
    stage: str
    lednet: float
    baseline: float
    unit: str
    target: str
    ratio: float
    met: bool | None
    note: str = ""


def clock() -> float:
    return time.perf_counter()


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- setting up the synthetic network ---------------------------------------------------------

def setup(root: Path) -> Any:
    workspace = network.make_workspace(root, (PERIOD, LATER))
    rows = network.store_national_values(workspace, (PERIOD, LATER))
    say(f"synthetic network: {len(workspace.members)} authorities, {rows} national values")
    return workspace


def preload_returns(workspace: Any, skip: set[str]) -> int:
    """Write returns straight into the store (untimed set-up) so it holds 1,000 in all.

    Period 2022: every member except ``skip`` (those arrive through lednet's ingest in the
    timed stage). Period 2023: one return per member, then resubmissions (corrections) from
    the first members onwards until the store holds 1,000 returns with the timed ones.
    """
    from lednet.ingest import period_catalogue, refresh_network_findings
    from lednet.store import Store

    members = workspace.members_for(PERIOD)
    plan = [(PERIOD, m, 0) for m in members if m.gss not in skip]
    plan += [(LATER, m, 0) for m in members]
    version, extra = 1, TOTAL_RETURNS - len(skip) - len(plan)
    while extra > 0:
        for member in members[:extra]:
            plan.append((LATER, member, version))
        extra -= min(extra, len(members))
        version += 1

    catalogue = workspace.catalogue
    inputs = [i for i in catalogue if i.is_input]
    with Store(workspace.store_path) as store, store.transaction() as db:
        for number, (period, member, version) in enumerate(plan):
            sha = f"synthetic-{period}-{member.gss}-{version}-{number:04d}"
            store.record_file(db, sha, 1, "xlsx", "", f"{period}-06-{10 + version:02d}", "accepted")
            submission = store.insert_submission(db, {
                "sha256": sha, "authority": member.gss, "period": period,
                "catalogue": catalogue.fingerprint, "template_version": "synthetic",
                "received_at": f"{period}-06-{10 + version:02d}T09:00:00Z",
                "outcome": "accepted", "certified": 1, "signed_name": "Synthetic officer",
                "signed_role": "SYNTHETIC", "signed_date": f"{period}-06-10"})
            store.supersede(db, period, member.gss, submission)
            values = network.local_values(member, period, version)
            store.insert_values(db, submission, [_value_row(i, values.get(i.id)) for i in inputs])
    with Store(workspace.store_path) as store:
        store.record_catalogue(LATER, catalogue)
        # As earlier ingest sessions would have left it: network findings current, feedback
        # written. The timed session then refreshes and writes only what its returns change.
        for period in (PERIOD, LATER):
            refresh_network_findings(store, period_catalogue(workspace, store, period), period)
        with store.transaction() as db:
            db.execute("DELETE FROM feedback_due")
    return len(plan)


def _value_row(indicator: Any, value: Any) -> dict[str, Any]:
    number = isinstance(value, int | float)
    return {"indicator": indicator.id, "value": float(value) if number else None,
            "text_value": None if number else value, "status": "ok", "accepted": 1,
            "sheet": "synthetic", "cell": "", "raw": str(value), "note": ""}


# -- stage 1: make-templates ------------------------------------------------------------------

def bench_templates(workspace: Any, sizes: Sizes, work: Path) -> tuple[list[Line], list[Path]]:
    from lednet.returns.template import make_templates

    members = workspace.members_for(PERIOD)[:: max(1, len(workspace.members) // sizes.templates)]
    codes = [m.gss for m in members[: sizes.templates]]
    started = clock()
    result = make_templates(workspace, PERIOD, codes, force=True, guidance=False)
    lednet = (clock() - started) / len(result.written)

    specs = [baselines.workbook_spec(p) for p in result.written[: sizes.bare_templates]]
    bare_dir = work / "bare-templates"
    bare_dir.mkdir()
    started = clock()
    for index, spec in enumerate(specs):
        baselines.write_like(spec, bare_dir / f"{index}.xlsx")
    bare = (clock() - started) / len(specs)

    note = (f"lednet: {len(result.written)} workbooks; openpyxl: {len(specs)} of them "
            "(values, styles, validations, names)")
    ratio = lednet / bare
    return [Line("make-templates, per workbook", lednet, bare, "s", "<= 1.5x openpyxl", ratio,
                 ratio <= 1.5, note)], result.written


# -- stage 2: ingest --------------------------------------------------------------------------

def fill_returns(workspace: Any, templates: list[Path], count: int) -> list[Path]:
    inputs = {i.id for i in workspace.catalogue if i.is_input}
    filled = []
    for template in templates[:count]:
        member = workspace.member(template.stem.split("_")[1])
        target = workspace.returns_dir / str(PERIOD) / template.name
        filled.append(network.fill_return(template, target, member, PERIOD, 0, inputs))
    return filled


def ingest_worker(config: str, files: list[str]) -> None:
    """Run in a subprocess: one public ``ingest_paths`` session over ``files``.

    Prints the session's time, what its end (network findings, feedback) took, and peak
    memory as JSON. The refresh and feedback writer are wrapped only to time and count them.
    """
    import lednet.feedback
    from lednet.ingest import ingest_paths, pipeline
    from lednet.store import Store
    from lednet.workspace import load_workspace

    workspace = load_workspace(config)
    spent = {"refresh": 0.0, "feedback": 0.0, "feedback_files": 0}
    refresh, feedback = pipeline.refresh_network_findings, lednet.feedback.write_feedback

    def timed_refresh(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return refresh(*args, **kwargs)
        finally:
            spent["refresh"] += clock() - started

    def timed_feedback(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return feedback(*args, **kwargs)
        finally:
            spent["feedback"] += clock() - started
            spent["feedback_files"] += 1

    pipeline.refresh_network_findings = timed_refresh  # type: ignore[assignment]
    lednet.feedback.write_feedback = timed_feedback  # type: ignore[assignment]
    started = clock()
    result = ingest_paths(workspace, [Path(p) for p in files], period=PERIOD, dry_run=False)
    session = clock() - started
    for verdict in result.files:
        if verdict.outcome not in ("accepted", "accepted-with-warnings"):
            raise SystemExit(f"{verdict.source}: {verdict.outcome} {verdict.findings}")
    with Store(workspace.store_path) as store:
        current = len(store.current_submissions(PERIOD))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"session": session, "files": len(result.files), **spent,
                      "peak_mib": peak_kib / 1024, "current": current}))


def bench_ingest(workspace: Any, files: list[Path], sizes: Sizes, work: Path) -> list[Line]:
    command = [sys.executable, str(Path(__file__).resolve()), "--ingest-worker",
               str(workspace.config_path), *map(str, files)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    n = report["files"]
    lednet = report["session"] / n
    finish = report["refresh"] + report["feedback"]

    started = clock()
    for path in files:
        baselines.bare_load(path)
    bare = (clock() - started) / len(files)

    csv_dir = work / "csv"
    csv_dir.mkdir()
    sheets = [baselines.export_sheets(p, csv_dir) for p in files[: sizes.frictionless]]
    started = clock()
    for paths in sheets:
        baselines.frictionless_validate(paths)
    friction = (clock() - started) / len(sheets)

    written = report["feedback_files"]
    each = report["feedback"] / written if written else 0.0
    return [
        Line("ingest, per return (one ingest_paths session: read, validate, store, "
             "findings, feedback)", lednet, bare, "s",
             "<= 1.5x openpyxl load", lednet / bare, lednet / bare <= 1.5,
             f"one session of {n} returns into a store of {TOTAL_RETURNS}, "
             f"{report['session']:.1f}s / {n}; of which network findings "
             f"{report['refresh'] / n:.3f}s, feedback {report['feedback'] / n:.3f}s"),
        Line("ingest, per return, vs frictionless validate", lednet, friction, "s",
             ">= 3x faster", friction / lednet, friction / lednet >= 3,
             f"frictionless on the CSV of {len(sheets)} returns' sheets (exported untimed)"),
        Line("ingest peak memory (ru_maxrss, subprocess)", report["peak_mib"], 300, "MiB",
             "< 300 MB", report["peak_mib"] / 300, report["peak_mib"] < 300,
             f"one session of {n} returns into a store holding {TOTAL_RETURNS} returns"),
        Line("ingest: session end, findings + feedback (info)", finish, 0, "s", "-", 0, None,
             f"network findings refreshed once ({report['refresh']:.2f}s); feedback written "
             f"for {written} of {report['current']} current authorities ({each:.2f}s each), "
             "those whose return or findings changed"),
    ]


# -- stage 3: reports -------------------------------------------------------------------------

def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_reports(workspace: Any, sizes: Sizes, work: Path) -> list[Line]:
    from lednet.analysis.period import benchmark_period
    from lednet.report import build, views
    from lednet.store import Store

    say("  analysis and HTML ...")
    started = clock()
    with Store(workspace.store_path) as store:
        bench = benchmark_period(workspace, store, PERIOD)
        responses = build.response_rows(store, bench)
    analysis = clock() - started

    started = clock()
    footer = build.footer_context(workspace, bench)
    labels = {m.gss: m.name for m in workspace.members}
    shared = views.Shared(bench)
    pages = [build.authority_html(shared, m, labels, footer) for m in bench.members]
    network_page = build.network_html(bench, labels, footer, responses)
    html_time = clock() - started
    members = len(bench.members)

    say(f"  analysis {analysis:.1f}s, HTML {html_time:.1f}s; PDFs ...")
    step = max(1, members // sizes.pdfs)
    sample = pages[::step][: sizes.pdfs]
    lednet_dir, weasy_dir = work / "pdf-lednet", work / "pdf-weasy"
    lednet_dir.mkdir()
    weasy_dir.mkdir()
    # All sampled PDFs in one write_pdfs call: lednet maps them in chunks of two, so fewer
    # than four documents would all go to one worker (see README).
    seconds, spans = traced_write_pdfs(
        [(html, lednet_dir / f"{i}.pdf") for i, html in enumerate(sample)], work / "trace.txt")
    lednet_pdf = seconds
    at_once, processes = concurrency(spans)
    started = clock()
    baselines.weasy_many([(html, weasy_dir / f"{i}.pdf") for i, html in enumerate(sample)])
    weasy_pdf = clock() - started
    lednet_network = weasy_network = 0.0
    if sizes.network_pdf:
        # Each render is single-threaded: lednet's and WeasyPrint's run side by side, a core each.
        with ProcessPoolExecutor(max_workers=2) as pool:
            lednet_network, weasy_network = pool.map(baselines.timed_pdf, [
                ("lednet", network_page, lednet_dir / "network.pdf"),
                ("weasy", network_page, weasy_dir / "network.pdf")])

    scale = members / len(sample)
    lednet_total = analysis + html_time + lednet_pdf * scale + lednet_network
    weasy_total = weasy_pdf * scale + weasy_network

    say(f"  lednet PDF {lednet_pdf:.1f}s + network {lednet_network:.1f}s; WeasyPrint "
        f"{weasy_pdf:.1f}s + {weasy_network:.1f}s; naive ...")
    naive_rows = naive_inputs(bench)
    naive_dir = work / "naive"
    naive_dir.mkdir()
    charts = pdf = 0.0
    for member in bench.members[: sizes.naive]:
        rows = [{**r, "value": r["by"].get(member.gss)} for r in naive_rows]
        spent = baselines.naive_report(member.name, rows, naive_dir / f"{member.gss}.pdf")
        charts, pdf = charts + spent[0], pdf + spent[1]
    naive_each = (charts + pdf) / sizes.naive
    naive_total = naive_each * (members + 1)

    pages_note = f"{len(sample)} of {members} authority PDFs rendered, scaled x{scale:.1f}"
    if not sizes.network_pdf:
        pages_note += "; network PDF NOT rendered (--quick)"
    overhead = lednet_total / weasy_total
    return [
        Line("reports: all authority PDFs + network, vs WeasyPrint alone", lednet_total,
             weasy_total, "s", "<= 1.3x, both cores", overhead,
             overhead <= 1.3 and at_once >= 1.8,
             f"{pages_note}; analysis {analysis:.1f}s, HTML+SVG {html_time:.1f}s, "
             f"PDF {lednet_pdf * scale + lednet_network:.1f}s; lednet's own share "
             f"{(analysis + html_time) / lednet_total:.1%}; both cores: {at_once:.2f} PDFs "
             f"at once, {processes} worker processes"),
        Line("reports: vs naive matplotlib + WeasyPrint (serial)", lednet_total, naive_total,
             "s", ">= 20x faster", naive_total / lednet_total,
             naive_total / lednet_total >= 20,
             f"naive: {sizes.naive} authority timed ({naive_each:.1f}s: matplotlib "
             f"{charts / sizes.naive:.1f}s, WeasyPrint {pdf / sizes.naive:.1f}s), "
             f"x{members + 1}; lednet per authority {lednet_total / (members + 1):.1f}s"),
    ]


def traced_write_pdfs(jobs: list[tuple[str, Path]], trace: Path
                      ) -> tuple[float, list[tuple[int, float, float]]]:
    """Time lednet's ``write_pdfs`` and note when each PDF was rendered, in which process."""
    from lednet.report import pdf

    trace.unlink(missing_ok=True)
    os.environ["LEDNET_BENCH_TRACE"] = str(trace)
    pdf.original_write_pdf = pdf.write_pdf  # type: ignore[attr-defined]
    pdf.write_pdf = baselines.traced_write_pdf
    try:
        started = clock()
        pdf.write_pdfs(jobs)
        seconds = clock() - started
    finally:
        pdf.write_pdf = pdf.original_write_pdf  # type: ignore[attr-defined]
    spans = []
    for line in trace.read_text(encoding="utf-8").splitlines():
        pid, begin, end = line.split()
        spans.append((int(pid), float(begin), float(end)))
    return seconds, spans


def concurrency(spans: list[tuple[int, float, float]]) -> tuple[float, int]:
    """How many PDFs were being rendered at once on average, and by how many processes."""
    busy = sum(end - begin for _, begin, end in spans)
    wall = max(end for _, _, end in spans) - min(begin for _, begin, _ in spans)
    return busy / wall, len({pid for pid, _, _ in spans})


def naive_inputs(bench: Any) -> list[dict[str, Any]]:
    """Per indicator: its title and every member's value (what a naive report charts)."""
    rows = []
    for item in bench.indicators.values():
        if item.indicator.unit == "category":
            continue
        by = {gss: f.value for gss, f in item.figures.items() if f.comparable}
        rows.append({"title": item.indicator.label, "by": by, "values": list(by.values())})
    return rows


# -- the table ---------------------------------------------------------------------------------

def table(lines: list[Line]) -> str:
    head = "| stage | lednet | baseline | ratio | target | met | how measured |"
    out = [head, "|---|---|---|---|---|---|---|"]
    for line in lines:
        met = {True: "met", False: "MISSED", None: "-"}[line.met]
        base = f"{line.baseline:.3f} {line.unit}" if line.baseline else "-"
        ratio = f"{line.ratio:.2f}x" if line.ratio else "-"
        out.append(f"| {line.stage} | {line.lednet:.3f} {line.unit} | {base} | {ratio} | "
                   f"{line.target} | {met} | {line.note} |")
    return "\n".join(out)


def versions() -> list[str]:
    from importlib.metadata import version

    names = ("lednet", "openpyxl", "weasyprint", "pydyf", "matplotlib", "pandas", "jinja2",
             "frictionless")
    return [f"{name} {version(name)}" for name in names]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples: a smoke run")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--ingest-worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ingest_worker:
        ingest_worker(args.ingest_worker[0], args.ingest_worker[1:])
        return 0

    sizes = QUICK if args.quick else FULL
    started = clock()
    with tempfile.TemporaryDirectory(prefix="lednet-bench-") as temp:
        root = args.keep or Path(temp) / "network"
        work = Path(temp) / "work"
        work.mkdir()
        workspace = setup(root)

        say("make-templates ...")
        lines, templates = bench_templates(workspace, sizes, work)
        say(table(lines) + f"\n  [{clock() - started:.0f}s]")
        say("filling and storing returns (set-up, untimed) ...")
        files = fill_returns(workspace, templates, sizes.ingest)
        skip = {f.stem.split("_")[1] for f in files}
        stored = preload_returns(workspace, skip)
        say(f"  {stored} returns written to the store, {len(files)} to ingest")
        say("ingest ...")
        lines += bench_ingest(workspace, files, sizes, work)
        say(table(lines[1:]) + f"\n  [{clock() - started:.0f}s]")
        say("reports ...")
        lines += bench_reports(workspace, sizes, work)

    print(table(lines))
    print(f"\nPython {sys.version.split()[0]}; " + ", ".join(versions()) +
          f"; load average at the end {os.getloadavg()[0]:.2f}")
    print(f"\n{len(workspace.members)} synthetic authorities, {TOTAL_RETURNS} returns; "
          f"{os.cpu_count()} cores; {'quick' if args.quick else 'full'} run took "
          f"{clock() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
