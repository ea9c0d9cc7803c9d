"""A process killed inside a merge leaves the store exactly as before that return.

The test hook LEDNET_TEST_CRASH_AT makes the ingest process SIGKILL itself at a named point
inside the merge transaction: deterministic, no timers.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lednet.ingest import CRASH_ENV
from lednet.workspace import Workspace
from tests.test_ingest_support import LEEDS, PERIOD, YORK, row_counts, valid_return

pytest_plugins = ("tests.test_ingest_support",)


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
                                   "merge:after-findings", "network:after-delete",
                                   "merge:before-commit"])
def test_a_kill_inside_a_merge_leaves_the_store_as_before_that_return(
        point: str, ws: Workspace, tmp_path: Path) -> None:
    assert run_ingest(ws, valid_return(ws, tmp_path / "1", LEEDS), None).returncode == 0
    before = row_counts(ws.store_path)

    killed = run_ingest(ws, valid_return(ws, tmp_path / "2", YORK), point)

    assert killed.returncode == -signal.SIGKILL
    assert integrity(ws.store_path) == "ok"
    assert row_counts(ws.store_path) == before


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
