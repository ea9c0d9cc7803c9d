"""A process killed inside a merge leaves the store exactly as before that return.

The test hook LEDNET_TEST_CRASH_AT makes the ingest process SIGKILL itself at a named point
inside the merge transaction, between files, or inside the network refresh that follows the
merges: deterministic, no timers. A merge marks its period's network findings stale, so a kill
after it and before the refresh is repaired by the next session.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lednet.ingest import CRASH_ENV, period_catalogue, refresh_network_findings
from lednet.store import Store
from lednet.workspace import Workspace, load_workspace
from tests.test_ingest_support import LEEDS, PERIOD, YORK, row_counts, valid_return

pytest_plugins = ("tests.test_ingest_support",)

MEMBERS = ("E06000014", "E07000163", "E07000164", "E07000165", "E07000166")


def run_ingest(ws: Workspace, path: Path, crash_at: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    command = [sys.executable, "-m", "lednet", "--config", str(ws.config_path), "ingest",
               str(path), "--period", str(PERIOD)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def integrity(store_path: Path) -> str:
    with sqlite3.connect(store_path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.parametrize("point", ["merge:after-submission", "merge:after-values",
                                   "merge:after-findings", "merge:before-commit"])
def test_a_kill_inside_a_merge_leaves_the_store_as_before_that_return(
        point: str, ws: Workspace, tmp_path: Path) -> None:
    assert run_ingest(ws, valid_return(ws, tmp_path / "1", LEEDS), None).returncode == 0
    before = row_counts(ws.store_path)

    killed = run_ingest(ws, valid_return(ws, tmp_path / "2", YORK), point)

    assert killed.returncode == -signal.SIGKILL
    assert integrity(ws.store_path) == "ok"
    assert row_counts(ws.store_path) == before


def network_state(ws: Workspace) -> tuple[list[tuple[str, str, str]], list[int],
                                          list[tuple[int, str]]]:
    """(network findings, periods marked stale, feedback due)."""
    with Store(ws.store_path) as store:
        found = sorted((r["authority"], r["indicator"], r["message"])
                       for r in store.network_findings(PERIOD))
        return found, store.stale_network_periods(), store.feedback_due()


def outlier_returns(ws: Workspace, folder: Path) -> list[Path]:
    """Five ordinary returns and Leeds' far-out one: Leeds is the network's outlier."""
    paths = [valid_return(ws, folder, gss, {"businesses_supported": 300 + i * 10})
             for i, gss in enumerate(MEMBERS)]
    return [*paths, valid_return(ws, folder, LEEDS, {"businesses_supported": 30000})]


def test_a_kill_during_the_network_refresh_keeps_the_merges_and_marks_the_period_stale(
        ws: Workspace, tmp_path: Path) -> None:
    *others, extreme = outlier_returns(ws, tmp_path / "1")
    assert run_ingest(ws, tmp_path / "1", None).returncode == 0
    findings_before, _, _ = network_state(ws)
    assert [a for a, _, _ in findings_before] == [LEEDS]
    before = row_counts(ws.store_path)
    york = valid_return(ws, tmp_path / "2", YORK, {"businesses_supported": 345})

    killed = run_ingest(ws, york, "network:after-delete")

    assert killed.returncode == -signal.SIGKILL
    assert integrity(ws.store_path) == "ok"
    after = row_counts(ws.store_path)
    assert after["submissions"] == before["submissions"] + 1  # the merge committed
    assert network_state(ws) == (findings_before, [PERIOD], [(PERIOD, YORK)])

    # The next session (here: the same file again, a duplicate) repairs the period first.
    rerun = run_ingest(ws, york, None)

    assert rerun.returncode == 0, rerun.stderr
    found, stale, due = network_state(ws)
    assert (stale, due) == ([], [])
    assert [a for a, _, _ in found] == [LEEDS] and found != findings_before  # median moved
    with Store(ws.store_path) as store:
        assert refresh_network_findings(store, period_catalogue(ws, store, PERIOD),
                                        PERIOD) == set()  # nothing left to change


def test_a_kill_between_files_is_repaired_by_the_next_session(ws: Workspace,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    paths = outlier_returns(ws, folder)
    control = tmp_path / "control"
    shutil.copytree(ws.root, control)
    control_ws = load_workspace(control)
    assert run_ingest(control_ws, folder, None).returncode == 0

    killed = run_ingest(ws, folder, "ingest:between-files")

    assert killed.returncode == -signal.SIGKILL
    assert row_counts(ws.store_path)["submissions"] == 1
    assert network_state(ws)[1:] == ([PERIOD], [(PERIOD, YORK)])

    rerun = run_ingest(ws, folder, None)

    assert rerun.returncode == 0, rerun.stderr
    assert network_state(ws) == network_state(control_ws)
    assert network_state(ws)[1:] == ([], [])
    feedback = sorted(p.name for p in (ws.outputs_dir / "feedback" / str(PERIOD)).iterdir())
    assert len(feedback) == 2 * len(paths)  # the first file's feedback too


def test_a_rerun_after_a_kill_completes_the_merge(ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK)
    run_ingest(ws, path, "merge:after-values")
    before = row_counts(ws.store_path)

    rerun = run_ingest(ws, path, None)

    assert rerun.returncode == 0, rerun.stderr
    after = row_counts(ws.store_path)
    assert after["submissions"] == before["submissions"] + 1
    assert after["submitted_values"] == before["submitted_values"] + 23
    assert integrity(ws.store_path) == "ok"
