"""The workspace lock: one run at a time, and a lock left by a dead process does not block."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from lednet.batch import settled_files
from lednet.cli import main
from lednet.locking import LOCK_NAME, workspace_lock
from lednet.workspace import load_workspace

HOLD = """
import sys, time, filelock
lock = filelock.FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def hold_lock(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_run_exits_4_while_another_holds_the_lock(runner: CliRunner,
                                                         workspace_dir: Path) -> None:
    holder = hold_lock(workspace_dir / LOCK_NAME)
    try:
        result = runner.invoke(main, ["--config", str(workspace_dir), "run", "--period", "2012"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 4
    assert result.stderr == (f"Error: workspace {workspace_dir} is locked by another lednet "
                             "run; try later, or wait for it with --wait SECONDS\n")


def test_lock_left_by_a_killed_process_does_not_block(workspace_dir: Path) -> None:
    holder = hold_lock(workspace_dir / LOCK_NAME)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (workspace_dir / LOCK_NAME).exists()  # the file is still there, the lock is not

    workspace = load_workspace(workspace_dir)
    started = time.monotonic()
    with workspace_lock(workspace, timeout=0):
        pass
    assert time.monotonic() - started < 1


def test_files_still_being_written_are_left_for_the_next_run(tmp_path: Path) -> None:
    old, fresh = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    (tmp_path / "~$a.xlsx").write_bytes(b"owner file Excel leaves while a workbook is open")
    now = time.time()
    os.utime(old, (now - 60, now - 60))
    os.utime(fresh, (now - 1, now - 1))
    settled, arriving = settled_files(tmp_path, settle_seconds=5, now=now)
    assert settled == [old]
    assert arriving == [fresh]


def test_run_without_a_period_anywhere_is_a_configuration_error(runner: CliRunner,
                                                                workspace_dir: Path) -> None:
    config = workspace_dir / "lednet.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("deadlines:")[0] + "coordinator:" + text.split("coordinator:")[1],
                      encoding="utf-8")
    result = runner.invoke(main, ["--config", str(workspace_dir), "run"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: no period given: pass --period, or add the period to "
                             "'deadlines' in lednet.yaml\n")


def test_manual_ingest_waits_for_no_one_while_a_run_holds_the_lock(runner: CliRunner,
                                                                   workspace_dir: Path) -> None:
    (workspace_dir / "returns").mkdir()
    (workspace_dir / "returns" / "a.xlsx").write_bytes(b"not really")
    holder = hold_lock(workspace_dir / LOCK_NAME)
    try:
        result = runner.invoke(main, ["--config", str(workspace_dir), "ingest",
                                      str(workspace_dir / "returns")])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 4
    assert "is locked by another lednet run" in result.stderr
    assert not (workspace_dir / "archive").exists()  # nothing was touched
