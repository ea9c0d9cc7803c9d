"""``lednet run``: the unattended job a coordinator schedules during the collection window.

One run takes the workspace lock, then: fetches national data if the period has none, makes
return templates for members that have none, ingests new files that have finished arriving,
and rebuilds reports only when the data behind them changed. A second run with nothing new
changes nothing, so the store and every output stay byte-identical.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import EXIT_OK, EXIT_REJECTED, ConfigError, LednetError
from .freshness import mark_reports_current, reports_current
from .fsutil import sha256_file
from .locking import workspace_lock
from .store import Store
from .workspace import Workspace

log = logging.getLogger("lednet.batch")

# Files an editor or a copy leaves beside the real one; never returns.
_IGNORED_PREFIXES = ("~$", ".", "._")
_IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass
class RunSummary:
    """What one run did, for the terminal, for --json and for the exit code."""

    period: int
    files_seen: int = 0
    files_new: int = 0
    files_waiting: list[str] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    rejected_files: list[str] = field(default_factory=list)
    national_fetched: bool = False
    templates_written: int = 0
    reports_written: int = 0
    duration_seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED if self.rejected else EXIT_OK

    @property
    def changed(self) -> bool:
        return bool(self.files_new or self.national_fetched or self.templates_written
                    or self.reports_written)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data

    def lines(self, quiet: bool = False) -> list[str]:
        problems = [f"rejected: {name}" for name in self.rejected_files]
        if quiet:
            return problems
        if not self.changed and not self.files_waiting:
            return []
        lines = [f"period {self.period}: {self.files_new} new file(s) of {self.files_seen} "
                 f"seen; {self.accepted} accepted, {self.rejected} rejected; "
                 f"{self.templates_written} template(s), {self.reports_written} report file(s) "
                 f"written in {self.duration_seconds:.1f} s"]
        lines += [f"still arriving, left for the next run: {name}" for name in self.files_waiting]
        return lines + problems


def run_batch(workspace: Workspace, period: int | None = None, wait: float | None = None,
              quiet: bool = False) -> RunSummary:
    """Run every step for one period under the workspace lock."""
    period = period or _configured_period(workspace)
    started = time.monotonic()
    timeout = workspace.lock_timeout if wait is None else wait

    with workspace_lock(workspace, timeout), _log_to_workspace(workspace):
        log.info("run started for period %s", period)
        summary = RunSummary(period=period)

        summary.national_fetched = _fetch_if_missing(workspace, period)
        summary.templates_written = _make_missing_templates(workspace, period)
        touched = _ingest_new_returns(workspace, period, summary)
        summary.reports_written = _rebuild_reports_if_changed(workspace, period)
        for late in sorted(touched - {period}):
            try:
                summary.reports_written += _rebuild_reports_if_changed(workspace, late)
            except LednetError as exc:
                # A late return for an old period must not stop this period's run.
                log.warning("reports for period %s not rebuilt: %s", late, exc)

        summary.duration_seconds = round(time.monotonic() - started, 2)
        log.info("run finished: %s", json.dumps(summary.to_json(), sort_keys=True))
    return summary


def _configured_period(workspace: Workspace) -> int:
    if workspace.deadlines:
        return max(workspace.deadlines)
    raise ConfigError("no period given: pass --period, or add the period to 'deadlines' in "
                      "lednet.yaml")


@contextmanager
def _log_to_workspace(workspace: Workspace) -> Iterator[None]:
    """Leave a trail in logs/lednet.log (rotated) for runs nobody watched."""
    folder = workspace.root / "logs"
    folder.mkdir(exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(folder / "lednet.log", maxBytes=1_000_000,
                                                   backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger("lednet")
    previous_level = root.level
    root.addHandler(handler)
    # The file gets INFO even when the terminal is --quiet; each handler filters for itself.
    for existing in root.handlers:
        if existing is not handler and existing.level == logging.NOTSET:
            existing.setLevel(previous_level or logging.WARNING)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()


def _fetch_if_missing(workspace: Workspace, period: int) -> bool:
    """Fetch national data only when the store holds none for the period."""
    with Store(workspace.store_path) as store:
        if store.national_values(period):
            return False

    from .nomis.fetch import fetch_national

    summary = fetch_national(workspace, period, authorities=[], refresh=False,
                             offline=workspace.nomis.offline)
    for line in summary.lines():
        log.info("fetch: %s", line)
    return True


def _make_missing_templates(workspace: Workspace, period: int) -> int:
    """Make return templates only for members that have none; never overwrite.

    Nothing is written, not even the guidance, when every member already has its template:
    a quiet night must leave every output byte-identical.
    """
    from .returns.template import make_templates, template_name

    folder = workspace.templates_dir
    missing = [m.gss for m in workspace.members_for(period)
               if not (folder / template_name(period, m)).exists()]
    if not missing:
        return 0

    has_guidance = any(folder.glob(f"{period}_guidance.*"))
    result = make_templates(workspace, period, authorities=missing, out_dir=None, force=False,
                            guidance=not has_guidance)
    log.info("made %d return template(s)", len(result.written))
    return len(result.written)


def settled_files(folder: Path, settle_seconds: float, now: float | None = None
                  ) -> tuple[list[Path], list[Path]]:
    """Split the files in ``folder`` into (settled, still arriving).

    A file modified within the last ``settle_seconds`` may still be being copied in; it is
    left for the next run rather than ingested half-written and rejected.
    """
    now = time.time() if now is None else now
    settled: list[Path] = []
    arriving: list[Path] = []
    if not folder.is_dir():
        return settled, arriving
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.startswith(_IGNORED_PREFIXES) or path.name.endswith(_IGNORED_SUFFIXES):
            continue
        stat = path.stat()
        if now - stat.st_mtime < settle_seconds:
            arriving.append(path)
        else:
            settled.append(path)
    return settled, arriving


def _ingest_new_returns(workspace: Workspace, period: int, summary: RunSummary) -> set[int]:
    """Ingest files not seen before; return the periods whose returns changed.

    Each return goes to the period its template was made for, not only the run's period: a
    corrected return for last year that arrives during this year's collection is a late
    return to take, not a wrong one to reject.
    """
    settled, arriving = settled_files(workspace.returns_dir, workspace.settle_seconds)
    summary.files_seen = len(settled) + len(arriving)
    summary.files_waiting = [str(p.relative_to(workspace.returns_dir)) for p in arriving]

    with Store(workspace.store_path) as store:
        known = {row[0] for row in store.db.execute("SELECT sha256 FROM files")}
    new = [p for p in settled if sha256_file(p) not in known]
    summary.files_new = len(new)
    if not new:
        return set()

    from .ingest import ingest_paths

    result = ingest_paths(workspace, new, period=None, dry_run=False)
    outcome = _outcomes(result)
    summary.accepted = outcome["accepted"]
    summary.rejected = outcome["rejected"]
    summary.rejected_files = [_relative(name, workspace.returns_dir)
                              for name in outcome["rejected_files"]]
    log.info("ingested %d file(s): %d accepted, %d rejected", len(new), summary.accepted,
             summary.rejected)
    return outcome["periods"]


def _relative(name: str, folder: Path) -> str:
    """A file's name as the coordinator knows it: relative to the returns folder."""
    path = Path(name)
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else name


def _outcomes(result: Any) -> dict[str, Any]:
    """Counts from an ingest result's JSON form, which is its stable public shape."""
    data = result.to_json()
    files = data.get("files", [])
    rejected = [f for f in files if f.get("outcome") in ("rejected", "not-a-return")]
    accepted = [f for f in files if str(f.get("outcome", "")).startswith("accepted")]
    periods = {int(f["period"]) for f in files
               if f.get("period") and f.get("outcome") not in ("not-a-return", "duplicate")}
    return {"accepted": len(accepted), "rejected": len(rejected),
            "rejected_files": [str(f.get("file", "")) for f in rejected], "periods": periods}


def _rebuild_reports_if_changed(workspace: Workspace, period: int) -> int:
    if reports_current(workspace, period):
        return 0

    from .report.build import build_reports

    result = build_reports(workspace, period, authorities=[], formats=list(workspace.run_formats),
                           anonymise=False, out_dir=None)
    mark_reports_current(workspace, period)
    written = len(getattr(result, "paths", []))
    log.info("rebuilt %d report file(s)", written)
    return written
