"""Feedback is written for the authorities whose return or findings changed, and only them."""

from __future__ import annotations

from pathlib import Path

from lednet.decisions import record_decision
from lednet.ingest import ingest_paths
from lednet.store import Store
from lednet.workspace import Workspace
from tests.test_ingest_support import LEEDS, PERIOD, YORK, valid_return

pytest_plugins = ("tests.test_ingest_support",)

MEMBERS = ("E06000014", "E07000163", "E07000164", "E07000165", "E07000166", "E07000167",
           "E07000168")
OTHER = MEMBERS[1]


def feedback_files(ws: Workspace, gss: str) -> dict[str, tuple[int, int, bytes]]:
    """An authority's feedback files: name -> (inode, mtime in ns, bytes)."""
    folder = ws.outputs_dir / "feedback" / str(PERIOD)
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.glob(f"{PERIOD}_{gss}_*"))}


def network(ws: Workspace) -> list[tuple[str, str]]:
    with Store(ws.store_path) as store:
        return [(r["authority"], r["message"]) for r in store.network_findings(PERIOD)]


def leeds_the_outlier(ws: Workspace, folder: Path) -> None:
    """Seven ordinary returns (median 335 with Leeds) and Leeds far out: Leeds is the outlier."""
    paths = [valid_return(ws, folder, gss, {"businesses_supported": 300 + i * 10})
             for i, gss in enumerate(MEMBERS)]
    paths.append(valid_return(ws, folder, LEEDS, {"businesses_supported": 30000}))
    ingest_paths(ws, paths, period=PERIOD)
    assert [a for a, _ in network(ws)] == [LEEDS]


def test_a_new_return_from_york_leaves_leeds_feedback_alone(ws: Workspace,
                                                            tmp_path: Path) -> None:
    leeds_the_outlier(ws, tmp_path / "1")
    leeds, outliers = feedback_files(ws, LEEDS), network(ws)
    york_before = feedback_files(ws, YORK)
    assert len(leeds) == 2

    # 300 -> 305 moves no median: Leeds' outlier finding reads exactly as before.
    york = valid_return(ws, tmp_path / "2", YORK, {"businesses_supported": 305})
    [verdict] = ingest_paths(ws, [york], period=PERIOD).files

    assert network(ws) == outliers
    assert feedback_files(ws, LEEDS) == leeds
    assert len(verdict.feedback) == 2
    assert feedback_files(ws, YORK) != york_before


def test_a_return_that_moves_leeds_outlier_finding_rewrites_leeds_feedback(
        ws: Workspace, tmp_path: Path) -> None:
    leeds_the_outlier(ws, tmp_path / "1")
    leeds, outliers, york = feedback_files(ws, LEEDS), network(ws), feedback_files(ws, YORK)

    # 310 -> 400 moves the median from 335 to 345, which Leeds' finding quotes.
    other = valid_return(ws, tmp_path / "2", OTHER, {"businesses_supported": 400})
    ingest_paths(ws, [other], period=PERIOD)

    assert network(ws) != outliers
    rewritten = feedback_files(ws, LEEDS)
    assert rewritten.keys() == leeds.keys()
    assert all(rewritten[name][:2] != leeds[name][:2] for name in leeds)
    page = next(v[2] for k, v in rewritten.items() if k.endswith(".html")).decode()
    assert "median 345" in page
    assert feedback_files(ws, YORK) == york  # no outlier, nothing new for York


def test_feedback_a_decision_left_out_of_date_is_written_by_the_next_ingest(
        ws: Workspace, tmp_path: Path) -> None:
    leeds_the_outlier(ws, tmp_path / "1")
    leeds = feedback_files(ws, LEEDS)

    # Correcting York's figure to 400 moves the median Leeds' finding quotes; the decision
    # rewrites York's feedback only, and leaves Leeds' due.
    record_decision(ws, PERIOD, YORK, "businesses_supported", "correct_value", 400.0,
                    "phoned", "coordinator")
    with Store(ws.store_path) as store:
        assert store.feedback_due() == [(PERIOD, LEEDS)]
    assert feedback_files(ws, LEEDS) == leeds

    # Any later session writes it, even one that only sees files it has had before.
    again = ingest_paths(ws, [tmp_path / "1"], period=PERIOD)

    assert {v.outcome for v in again.files} == {"duplicate"}

    with Store(ws.store_path) as store:
        assert store.feedback_due() == []
    assert feedback_files(ws, LEEDS) != leeds


def test_the_html_query_list_says_a_rejected_return_is_rejected() -> None:
    from lednet.feedback import render_html

    submission = {"certified": 1, "outcome": "rejected"}
    page = render_html("York", YORK, PERIOD, submission, [], [], "")  # type: ignore[arg-type]
    assert "<p>Status: rejected, certified. 0 error(s) to correct" in page
