"""Closing a period freezes its figures; reopening is explicit and logged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lednet.closing import close_period
from lednet.errors import PeriodClosedError
from lednet.report.build import build_reports
from lednet.store import Store
from lednet.workspace import Workspace
from tests import golden_workspace

RICHMONDSHIRE = "E07000166"


def figures(workspace: Workspace, out: Path) -> str:
    """York's report without the generation time, which is the one thing allowed to change."""
    result = build_reports(workspace, 2012, authorities=["E06000014"], formats=["html"],
                           out_dir=out)
    return re.sub(r"Generated \S+", "", result.paths[0].read_text(encoding="utf-8"))


def late_return(workspace: Workspace) -> None:
    """Richmondshire's jobs figure arrives after close, as ingest would store it."""
    with Store(workspace.store_path) as store:
        store.db.execute("UPDATE submissions SET superseded_by = NULL")
        submission = golden_workspace.submission_for(store, 2012, RICHMONDSHIRE)
        store.db.execute(
            "INSERT INTO submitted_values (submission_id, indicator, value, status, accepted, "
            "sheet, cell) VALUES (?, 'jobs_created_total', 900, 'ok', 1, 'Local', 'C5')",
            (submission,))


def test_a_closed_period_reports_the_same_figures_after_a_late_return(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    message = close_period(workspace, 2012, reason="agreed at the validation meeting")
    assert message.startswith("closed period 2012: ")
    before = figures(workspace, tmp_path / "a")

    late_return(workspace)
    after = figures(workspace, tmp_path / "b")
    assert after == before
    assert "rank 2= of 7" in after


def test_reopening_is_logged_and_follows_the_live_data(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    close_period(workspace, 2012)
    late_return(workspace)
    close_period(workspace, 2012, reopen=True, reason="Richmondshire's late return accepted")

    with Store(workspace.store_path) as store:
        assert not store.is_closed(2012)
        events = [(r["action"], r["detail"]) for r in
                  store.db.execute("SELECT action, detail FROM events ORDER BY id")]
    assert [a for a, _ in events] == ["close", "reopen"]
    assert "Richmondshire's late return accepted" in events[1][1]
    # Richmondshire's 900 now leads the ranking, so York drops to 3=.
    assert "rank 3= of 8" in figures(workspace, tmp_path / "c")


def test_reopening_needs_a_reason_and_a_closed_period(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    with pytest.raises(PeriodClosedError, match="not closed"):
        close_period(workspace, 2012, reopen=True, reason="x")
    close_period(workspace, 2012)
    with pytest.raises(PeriodClosedError, match="needs --reason"):
        close_period(workspace, 2012, reopen=True)
    with pytest.raises(PeriodClosedError, match="already closed"):
        close_period(workspace, 2012)


def test_footer_shows_the_frozen_fingerprint(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    message = close_period(workspace, 2012)
    fingerprint = message.rsplit(" ", 1)[1]
    html = figures(workspace, tmp_path / "d")
    assert f'class="fingerprint">{fingerprint}<' in html
    assert "these figures are frozen" in html
