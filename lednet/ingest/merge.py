"""Write one file's verdict into the store, all of it in one transaction.

A return's submission row, its values with provenance, its findings and the superseding of the
authority's earlier return are committed together or not at all, so a crash or Ctrl-C halfway
leaves the store as it was before that return. The merge also marks its period's network
(outlier) findings stale; the session recomputes them once, after all its files, and clears the
mark in the same transaction, so a crash in between is repaired by the next refresh.
``LEDNET_TEST_CRASH_AT`` names a point at which
the process kills itself, so tests can prove that without timing tricks.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..store import Store

CRASH_ENV = "LEDNET_TEST_CRASH_AT"
CRASH_POINTS = ("merge:after-submission", "merge:after-values", "merge:after-findings",
                "merge:before-commit", "ingest:between-files", "network:after-delete")


def crash_point(name: str) -> None:
    """Kill this process, as an operator's ``kill -9`` would, when the test hook names ``name``."""
    if os.environ.get(CRASH_ENV) != name:
        return
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(137)


@dataclass
class FileRecord:
    """A received file as the store keeps it."""

    sha256: str
    size: int
    kind: str
    archived_path: str
    source: Path
    received_at: str
    verdict: str


@dataclass
class SubmissionRecord:
    """A return that was read: its submission fields, values and findings."""

    authority: str
    period: int
    catalogue: str
    template_version: str
    outcome: str
    certified: bool
    signoff: dict[str, str]
    after_close: bool
    values: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def record_refusal(store: Store, record: FileRecord, findings: list[Finding],
                   period: int | None, authority: str = "") -> None:
    """Keep a file that is not a usable return: the file, where it came from, and why."""
    with store.transaction() as db:
        _file(store, db, record)
        located = [f if f.authority else _with_authority(f, authority) for f in findings]
        store.insert_findings(db, record.sha256, None, period, located)
        store.log_event("ingest:refused", {"sha256": record.sha256, "file": record.source.name,
                                           "verdict": record.verdict}, period)


def merge_submission(store: Store, record: FileRecord, submission: SubmissionRecord
                     ) -> tuple[int, int | None]:
    """Store a return and supersede the authority's earlier one: (new id, superseded id).

    The set of current returns changes, so the period's findings that compare members are
    marked stale in the same transaction; the caller refreshes them (once per session).
    """
    with store.transaction() as db:
        _file(store, db, record)
        submission_id = store.insert_submission(db, {
            "sha256": record.sha256, "authority": submission.authority,
            "period": submission.period, "catalogue": submission.catalogue,
            "template_version": submission.template_version,
            "received_at": record.received_at, "outcome": submission.outcome,
            "certified": int(submission.certified),
            "signed_name": submission.signoff.get("name", ""),
            "signed_role": submission.signoff.get("role", ""),
            "signed_date": submission.signoff.get("date", ""),
            "after_close": int(submission.after_close),
        })
        crash_point("merge:after-submission")

        store.insert_values(db, submission_id, submission.values)
        crash_point("merge:after-values")

        # A return that arrived after the period closed is kept, but must not replace the
        # return the closed dataset was built from.
        superseded = None
        if not submission.after_close:
            superseded = store.supersede(db, submission.period, submission.authority,
                                         submission_id)
        store.insert_findings(db, record.sha256, submission_id, submission.period,
                              submission.findings)
        if superseded is not None:
            _note_superseded(store, db, superseded, submission_id, record)
        crash_point("merge:after-findings")
        if not submission.after_close:
            store.mark_network_stale(db, submission.period)
            store.mark_feedback_due(db, submission.period, submission.authority)

        store.log_event("ingest:return", {
            "sha256": record.sha256, "authority": submission.authority,
            "submission": submission_id, "supersedes": superseded,
            "outcome": submission.outcome}, submission.period)
        crash_point("merge:before-commit")
    return submission_id, superseded


def _file(store: Store, db: sqlite3.Connection, record: FileRecord) -> None:
    store.record_file(db, record.sha256, record.size, record.kind, record.archived_path,
                      record.received_at, record.verdict)
    store.record_receipt(db, record.sha256, record.source, record.received_at)


def _note_superseded(store: Store, db: sqlite3.Connection, old_id: int, new_id: int,
                     record: FileRecord) -> None:
    old = db.execute("SELECT sha256, authority, period FROM submissions WHERE id = ?",
                     (old_id,)).fetchone()
    finding = Finding("superseded", f"replaced by the return received {record.received_at} "
                      f"({record.source.name}, submission {new_id})", authority=old["authority"])
    store.insert_findings(db, old["sha256"], old_id, old["period"], [finding])


def _with_authority(finding: Finding, authority: str) -> Finding:
    return replace(finding, authority=authority)


def record_receipt_only(store: Store, sha256: str, source: Path, received_at: str) -> None:
    """A known file from a new place: note where it came from, nothing else."""
    with store.transaction() as db:
        store.record_receipt(db, sha256, source, received_at)


def replace_network_findings(store: Store, db: sqlite3.Connection, period: int,
                             by_submission: dict[int, tuple[str, list[Finding]]]) -> None:
    """Swap a period's cross-member findings for a fresh set, inside the caller's transaction.

    The period is no longer stale once this commits.
    """
    db.execute("DELETE FROM findings WHERE period = ? AND scope = 'network'", (period,))
    crash_point("network:after-delete")
    for submission_id, (sha256, findings) in sorted(by_submission.items()):
        store.insert_findings(db, sha256, submission_id, period, findings, scope="network")
    store.clear_network_stale(db, period)
