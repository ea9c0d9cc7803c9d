"""status brings outlier findings up to date when an interrupted ingest left them behind."""

from __future__ import annotations

from pathlib import Path

from lednet.ingest import ingest_paths
from lednet.status import period_status
from lednet.store import Store
from lednet.workspace import Workspace
from tests.test_ingest_support import PERIOD, valid_return

pytest_plugins = ("tests.test_ingest_support",)


def test_status_refreshes_a_stale_period(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path / "in")], period=PERIOD)
    with Store(ws.store_path) as store, store.transaction() as db:
        store.mark_network_stale(db, PERIOD)

    report = period_status(ws, PERIOD)

    assert [m for m in report.members if m.gss == "E06000014"][0].state.startswith("accepted")
    with Store(ws.store_path) as store:
        assert store.stale_network_periods() == []
