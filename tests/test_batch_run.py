"""``lednet run`` end to end: what it does, that it is idempotent, safe to kill and to race."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lednet.cli import main
from lednet.nomis.snapshot import SnapshotServer
from lednet.workspace import load_workspace

from .test_ingest_support import fill_valid

MEMBERS = """\
members:
  - {gss: E06000014, joined: 2009, contact: {name: York officer, email: york@example.org}}
  - {gss: E08000035, joined: 2009, contact: {name: Leeds officer, email: leeds@example.org}}
  - {gss: E07000169, joined: 2009, contact: {name: Selby officer, email: selby@example.org}}
"""
CONFIG = """\
network: Run test network
members: members.yaml
deadlines: {2012: "2012-06-29"}
settle_seconds: 0
nomis: {retries: 0, timeout: 5}
run: {formats: [html]}
"""
CLI = [sys.executable, "-m", "lednet"]


@pytest.fixture
def server() -> Iterator[SnapshotServer]:
    with SnapshotServer() as snapshot:
        yield snapshot


@pytest.fixture
def ws(tmp_path: Path, server: SnapshotServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "lednet.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    monkeypatch.setenv("LEDNET_NOMIS_BASE_URL", server.base_url)
    monkeypatch.delenv("LEDNET_CONFIG", raising=False)
    return root


def run(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--config", str(root), *extra, "run"], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=600)


def manifest(root: Path) -> dict[str, str]:
    """SHA-256 of every file in the workspace except the run log and the lock."""
    hashes = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith("logs/") and ".lednet.lock" not in relative:
            hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def drop_return(root: Path, gss: str, name: str, values: dict[str, object] | None = None) -> Path:
    template = next((root / "output" / "templates").glob(f"2012_{gss}_*.xlsx"))
    workbook = openpyxl.load_workbook(template)
    fill_valid(workbook, values)
    returns = root / "returns"
    returns.mkdir(exist_ok=True)
    path = returns / name
    workbook.save(path)
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


def table_rows(root: Path) -> dict[str, list[tuple[object, ...]]]:
    """The store's content that a run decides, without time stamps and row ids."""
    db = sqlite3.connect(root / "store" / "lednet.sqlite")
    try:
        return {
            "national": db.execute("SELECT period, authority, indicator, value, status FROM "
                                   "national_values ORDER BY 1, 2, 3").fetchall(),
            "files": db.execute("SELECT sha256, size, kind FROM files ORDER BY 1").fetchall(),
            "submissions": db.execute("SELECT sha256, authority, period, outcome, "
                                      "superseded_by IS NULL FROM submissions "
                                      "ORDER BY 1").fetchall(),
            "values": db.execute("SELECT s.sha256, v.indicator, v.value, v.status, v.accepted "
                                 "FROM submitted_values v JOIN submissions s "
                                 "ON s.id = v.submission_id ORDER BY 1, 2").fetchall(),
        }
    finally:
        db.close()


def test_first_run_fetches_makes_templates_and_reports(ws: Path) -> None:
    result = run(ws, "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""

    templates = sorted(p.name for p in (ws / "output" / "templates").glob("*.xlsx"))
    assert templates == ["2012_E06000014_York.xlsx", "2012_E07000169_Selby.xlsx",
                         "2012_E08000035_Leeds.xlsx"]
    reports = sorted(p.name for p in (ws / "output" / "reports" / "2012").iterdir())
    assert "2012_E06000014_York.html" in reports and "2012_network.html" in reports
    york = (ws / "output" / "reports" / "2012" / "2012_E06000014_York.html").read_text("utf-8")
    assert "197,783" in york  # York's mid-2011 population, from the recorded NOMIS file
    log = (ws / "logs" / "lednet.log").read_text(encoding="utf-8")
    assert "run started for period 2012" in log and "run finished" in log


def test_second_run_with_no_new_files_changes_nothing_and_says_nothing(ws: Path) -> None:
    assert run(ws).returncode == 0
    before = manifest(ws)

    second = run(ws)
    assert second.returncode == 0, second.stderr
    assert (second.stdout, second.stderr) == ("", "")
    assert manifest(ws) == before


def test_json_summary_counts_what_the_run_did(ws: Path) -> None:
    assert run(ws).returncode == 0
    drop_return(ws, "E06000014", "york.xlsx")

    result = subprocess.run([*CLI, "--config", str(ws), "run", "--json"], capture_output=True,
                            text=True, env=os.environ.copy(), timeout=600)
    summary = json.loads(result.stdout)
    assert (summary["files_seen"], summary["files_new"], summary["accepted"],
            summary["rejected"], summary["exit_code"]) == (1, 1, 1, 0, 0)
    assert summary["reports_written"] == 4  # 3 authority reports and the network's, HTML only
    assert summary["duration_seconds"] > 0


def test_a_rejected_return_gives_exit_3_and_names_the_file(ws: Path) -> None:
    assert run(ws).returncode == 0
    drop_return(ws, "E06000014", "york.xlsx")
    drop_return(ws, "E08000035", "leeds.xlsx", {"jobs_created_total": 999})

    result = run(ws, "--quiet")
    assert result.returncode == 3
    assert result.stdout == "rejected: leeds.xlsx\n"
    feedback = sorted(p.name for p in (ws / "output" / "feedback" / "2012").iterdir())
    assert "2012_E08000035_Leeds_feedback.xlsx" in feedback


def test_a_file_still_arriving_is_left_for_the_next_run(ws: Path) -> None:
    assert run(ws).returncode == 0
    config = ws / "lednet.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds: 0",
                                                                 "settle_seconds: 30"))
    path = drop_return(ws, "E06000014", "york.xlsx")
    os.utime(path, None)  # just modified: still being copied

    result = run(ws)
    assert result.returncode == 0
    assert "still arriving, left for the next run: york.xlsx" in result.stdout
    db = sqlite3.connect(ws / "store" / "lednet.sqlite")
    assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
    db.close()


def test_nomis_unreachable_with_no_cache_is_a_runtime_error(ws: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("LEDNET_NOMIS_BASE_URL", "http://127.0.0.1:9/api/v01")
    result = run(ws)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr


def test_a_broken_config_is_exit_2(ws: Path) -> None:
    (ws / "members.yaml").write_text("members:\n  - gss: E99999999\n", encoding="utf-8")
    result = run(ws)
    assert result.returncode == 2
    assert result.stderr == (f"Error: {ws / 'members.yaml'}:2: E99999999 is not a known local "
                             "authority GSS code; check the code against the ONS list\n")


BARRIER = """
import os, sys, time
barrier = sys.argv[1]
while not os.path.exists(barrier):
    time.sleep(0.01)
from lednet.cli import main
main(sys.argv[2:])
"""


def test_two_runs_released_together_leave_the_same_store_as_one(ws: Path,
                                                                tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    import shutil

    assert run(ws).returncode == 0
    drop_return(ws, "E06000014", "york.xlsx")
    drop_return(ws, "E08000035", "leeds.xlsx", {"jobs_created_total": 999})
    shutil.copytree(ws, reference)

    barrier = tmp_path / "go"
    racers = [subprocess.Popen([sys.executable, "-c", BARRIER, str(barrier), "--config",
                                str(ws), "run", "--wait", "300"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=os.environ.copy())
              for _ in range(2)]
    time.sleep(1.0)
    barrier.touch()
    codes = sorted(p.wait(timeout=600) for p in racers)

    single = run(reference)
    assert single.returncode == 3
    assert codes == [0, 3]  # one run ingested (a rejection), the other found nothing new
    assert table_rows(ws) == table_rows(reference)


def test_a_run_killed_mid_ingest_is_completed_by_the_next(ws: Path) -> None:
    assert run(ws).returncode == 0
    drop_return(ws, "E06000014", "york.xlsx")
    drop_return(ws, "E08000035", "leeds.xlsx")

    env = {**os.environ, "LEDNET_TEST_CRASH_AT": "merge:after-values"}
    killed = subprocess.run([*CLI, "--config", str(ws), "run"], capture_output=True, text=True,
                            env=env, timeout=600)
    assert killed.returncode == -9

    db = sqlite3.connect(ws / "store" / "lednet.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    db.close()

    rerun = run(ws)
    assert rerun.returncode == 0, rerun.stderr
    rows = table_rows(ws)
    assert [(s[1], s[3]) for s in sorted(rows["submissions"], key=lambda s: str(s[1]))] == [
        ("E06000014", "accepted"), ("E08000035", "accepted")]
    per_submission = {s[0]: 0 for s in rows["submissions"]}
    for value in rows["values"]:
        per_submission[value[0]] += 1
    assert len(set(per_submission.values())) == 1  # nothing duplicated, nothing half-stored
    archive = [p for p in (ws / "archive").rglob("*") if p.is_file()]
    assert len(archive) == 2


def test_configured_period_is_used_without_an_option(ws: Path) -> None:
    workspace = load_workspace(ws)
    assert workspace.run_formats == ("html",)
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(ws), "run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["period"] == 2012


def test_a_change_to_the_previous_period_rebuilds_this_periods_reports(ws: Path) -> None:
    from lednet.freshness import inputs_fingerprint
    from lednet.store import Store, now

    workspace = load_workspace(ws)
    with Store(workspace.store_path) as store, store.transaction() as db:
        db.execute("INSERT INTO national_values (period, authority, indicator, value, status, "
                   "retrieved_at) VALUES (2011, 'E06000014', 'population', 190000, 'ok', ?)",
                   (now(),))
    before = inputs_fingerprint(workspace, 2012)
    with Store(workspace.store_path) as store, store.transaction() as db:
        db.execute("UPDATE national_values SET value = 191000 WHERE period = 2011")
    assert inputs_fingerprint(workspace, 2012) != before


def test_a_late_return_for_an_earlier_period_is_taken_into_that_period(ws: Path) -> None:
    from lednet.returns.template import make_templates

    assert run(ws).returncode == 0
    workspace = load_workspace(ws)
    earlier = make_templates(workspace, 2011, authorities=["E06000014"],
                             out_dir=ws / "old-templates", guidance=False)
    workbook = openpyxl.load_workbook(earlier.paths[0])
    fill_valid(workbook)
    late = ws / "returns" / "york-2011.xlsx"
    late.parent.mkdir(exist_ok=True)
    workbook.save(late)
    os.utime(late, (time.time() - 60, time.time() - 60))

    result = run(ws)
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(ws / "store" / "lednet.sqlite")
    rows = db.execute("SELECT authority, period, outcome FROM submissions").fetchall()
    db.close()
    assert rows == [("E06000014", 2011, "accepted")]
