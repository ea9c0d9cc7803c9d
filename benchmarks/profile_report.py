"""Profile the report stage for one authority: analysis, HTML/SVG, and the WeasyPrint PDF.

    .venv/bin/python benchmarks/run.py --quick --keep /tmp/lednet-bench   (builds the network)
    .venv/bin/python benchmarks/profile_report.py /tmp/lednet-bench [TOP]

Runs each step of ``build_reports`` for one authority under cProfile, in one process, and
prints the time of each step and the functions with the largest cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PERIOD = 2022


def profiled(title: str, top: int, call: Any, *args: Any) -> Any:
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    result = call(*args)
    profile.disable()
    print(f"\n=== {title}: {time.perf_counter() - started:.2f}s")
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(top)
    print("\n".join(line for line in text.getvalue().splitlines()[6:] if line.strip()))
    return result


def main(argv: list[str]) -> int:
    from lednet.analysis.period import benchmark_period
    from lednet.report import build, views
    from lednet.report.pdf import write_pdf
    from lednet.store import Store
    from lednet.workspace import load_workspace

    workspace = load_workspace(Path(argv[1]) / "lednet.yaml")
    top = int(argv[2]) if len(argv) > 2 else 30
    with Store(workspace.store_path) as store:
        bench = profiled("analysis: benchmark_period", top, benchmark_period, workspace, store,
                         PERIOD)
    footer = build.footer_context(workspace, bench)
    labels = {m.gss: m.name for m in workspace.members}
    shared = views.Shared(bench)
    member = bench.members[0]
    html = profiled(f"HTML+SVG: authority_html ({member.name})", top, build.authority_html,
                    shared, member, labels, footer)
    print(f"HTML {len(html):,} characters, {html.count('<svg'):,} SVG charts, "
          f"{html.count('<rect'):,} rects, {html.count('<text'):,} SVG texts, "
          f"{html.count('<tr'):,} table rows")
    with tempfile.TemporaryDirectory() as temp:
        profiled("PDF: write_pdf (WeasyPrint)", top, write_pdf, (html, Path(temp) / "a.pdf"))
    print("\n=== WeasyPrint steps, unprofiled")
    steps(html, "as lednet writes it")
    steps(re.sub(r"<svg.*?</svg>", "", html, flags=re.S), "with every SVG chart removed")
    return 0


def steps(html: str, title: str) -> None:
    """Seconds WeasyPrint spends parsing, laying out and writing one document."""
    from weasyprint import HTML

    started = time.perf_counter()
    document = HTML(string=html)
    parsed = time.perf_counter()
    rendered = document.render()
    laid_out = time.perf_counter()
    rendered.write_pdf()
    done = time.perf_counter()
    print(f"{title}: parse {parsed - started:.1f}s, styles+layout {laid_out - parsed:.1f}s, "
          f"draw+PDF {done - laid_out:.1f}s; {len(rendered.pages)} pages, "
          f"total {done - started:.1f}s")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
