"""Closing a period: freeze its dataset so every later report of it shows the same figures.

Closing stores a snapshot of the merged dataset (with category answers, exclusions and the
member list) and its fingerprint. Returns that arrive later are still kept by ingest, flagged
as after close, but reports read the snapshot. Reopening is explicit, needs a reason and is
written to the store's event log; the next close takes a fresh snapshot.
"""

from __future__ import annotations

from .analysis.dataset import live_period_data, load_exclusions
from .errors import PeriodClosedError
from .store import Store, now
from .workspace import Workspace


def close_period(workspace: Workspace, period: int, reopen: bool = False,
                 reason: str = "") -> str:
    """Close (or, with ``reopen``, reopen) a period; return one line saying what was done."""
    with Store(workspace.store_path) as store:
        if reopen:
            return reopen_period(store, period, reason)
        return freeze_period(workspace, store, period, reason)


def freeze_period(workspace: Workspace, store: Store, period: int, reason: str) -> str:
    if store.is_closed(period):
        raise PeriodClosedError(f"period {period} is already closed; reopen it first with "
                                f"'lednet close --period {period} --reopen --reason ...'")
    if period not in store.periods():
        raise PeriodClosedError(f"the store holds nothing for period {period}, so there is "
                                "nothing to close; check the period")
    store.record_catalogue(period, workspace.catalogue)
    exclusions = load_exclusions(workspace.exclusions_path, period)
    members = [m.gss for m in workspace.members_for(period)]
    data = live_period_data(store, period, exclusions, members)
    fingerprint = data.fingerprint
    stamp = now()

    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO closed_datasets (period, fingerprint, snapshot, "
                   "closed_at) VALUES (?, ?, ?, ?)", (period, fingerprint, data.to_json(), stamp))
        db.execute("UPDATE periods SET closed_at = ?, dataset_fingerprint = ? WHERE period = ?",
                   (stamp, fingerprint, period))
        store.log_event("close", {"fingerprint": fingerprint, "values": len(data.values),
                                  "reason": reason}, period)
    return (f"closed period {period}: {len(data.values)} values, dataset fingerprint "
            f"{fingerprint}")


def reopen_period(store: Store, period: int, reason: str) -> str:
    if not store.is_closed(period):
        raise PeriodClosedError(f"period {period} is not closed, so there is nothing to reopen")
    if not reason.strip():
        raise PeriodClosedError("reopening a period needs --reason, which goes in the event log")
    with store.transaction() as db:
        db.execute("UPDATE periods SET closed_at = NULL WHERE period = ?", (period,))
        store.log_event("reopen", {"reason": reason}, period)
    return f"reopened period {period}; reports now follow the live dataset until it is closed"
