"""Closing a period freezes its figures; reopening is explicit and logged."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    html = result.paths[0].read_text(encoding="utf-8")
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "<time>", html)


def late_return(workspace: Workspace, after_close: int = 1) -> None:
    """Richmondshire's jobs figure arrives, after close (as ingest flags it) or while open."""
    with Store(workspace.store_path) as store:
        submission = golden_workspace.submission_for(store, 2012, RICHMONDSHIRE, after_close)
        store.db.execute(
            "INSERT INTO submitted_values (submission_id, indicator, value, status, accepted, "
            "sheet, cell) VALUES (?, 'jobs_created_total', 900, 'ok', 1, 'Local', 'C5')",
            (submission,))


def revised_nomis_figure(workspace: Workspace) -> None:
    """NOMIS revises York's employment rate after the network has closed the period."""
    with Store(workspace.store_path) as store:
        store.db.execute("UPDATE national_values SET value = 79.0 WHERE period = 2012 AND "
                         "authority = 'E06000014' AND indicator = 'employment_rate'")


def new_exclusion(workspace: Workspace) -> None:
    with open(workspace.exclusions_path, "a", encoding="utf-8") as stream:
        stream.write("  - {authority: E08000035, indicator: jobs_created_total, period: 2012,"
                     " reason: late change of mind}\n")


@pytest.mark.parametrize("change", [late_return, revised_nomis_figure, new_exclusion],
                         ids=["late return", "NOMIS revision", "new exclusion"])
def test_a_closed_period_reports_the_same_figures(change: Callable[[Workspace], None],
                                                  tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    message = close_period(workspace, 2012, reason="agreed at the validation meeting")
    assert message.startswith("closed period 2012: ")
    before = figures(workspace, tmp_path / "a")

    change(workspace)
    after = figures(workspace, tmp_path / "b")
    assert after == before
    assert "rank 2= of 7" in after


def test_the_same_changes_do_show_in_an_open_period(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    before = figures(workspace, tmp_path / "a")
    revised_nomis_figure(workspace)
    new_exclusion(workspace)
    after = figures(workspace, tmp_path / "b")
    assert "rank 1 of 8" in after and "rank 1 of 8" not in before  # employment rate, 79.0%
    assert "rank 1= of 6" in after  # jobs created, with Leeds now excluded


def test_reopening_is_logged_and_follows_the_live_data(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    close_period(workspace, 2012)
    close_period(workspace, 2012, reopen=True, reason="Richmondshire's late return accepted")
    late_return(workspace, after_close=0)

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


def test_the_network_report_flags_a_return_after_close(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    close_period(workspace, 2012)
    late_return(workspace)
    result = build_reports(workspace, 2012, formats=["html"], out_dir=tmp_path / "out")
    network = next(p for p in result.paths if p.name == "2012_network.html")
    text = re.sub(r"<[^>]+>|\s+", " ", network.read_text(encoding="utf-8"))
    assert re.search(r"Richmondshire +2012-06-01; provisional; a return arrived after close", text)


def test_a_period_with_nothing_in_the_store_cannot_be_closed(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    with pytest.raises(PeriodClosedError, match="the store holds nothing for period 2099"):
        close_period(workspace, 2099, reason="typo")
