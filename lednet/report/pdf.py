"""PDF from the report HTML through WeasyPrint, on both cores, with no network access."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..fsutil import atomic_path

WORKERS = 2


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Reports are self-contained; anything that tries to load a URL is a bug, not a feature.
    raise ValueError(f"report tried to load {url}; reports must be self-contained")


def watch_parent() -> None:
    """Pool initializer: end this worker if the process that started it dies.

    A killed run (cron's timeout, kill -9) would otherwise leave its workers waiting on a
    pipe for ever, each holding a couple of hundred megabytes.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="lednet-parent-watch").start()


def write_pdf(job: tuple[str, Path]) -> Path:
    """Render one HTML document to ``target`` atomically; A4 and headers come from the CSS."""
    from weasyprint import HTML

    html, target = job
    with atomic_path(target) as temp:
        HTML(string=html, url_fetcher=_refuse).write_pdf(temp)
    return target


def write_pdfs(jobs: list[tuple[str, Path]], workers: int = WORKERS) -> list[Path]:
    """Render many PDFs; WeasyPrint is single-threaded, so use one process per core.

    WeasyPrint's time grows with the length of the HTML, so the longest documents (the network
    report) start first and the rest are handed out one at a time: no core sits idle while
    the other finishes a long tail. Paths come back in the order of ``jobs``.
    """
    workers = max(1, min(workers, os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        return [write_pdf(job) for job in jobs]
    order = sorted(jobs, key=lambda job: -len(job[0]))
    with ProcessPoolExecutor(max_workers=workers, initializer=watch_parent) as pool:
        done = dict(zip((target for _, target in order), pool.map(write_pdf, order),
                        strict=True))
    return [done[target] for _, target in jobs]
