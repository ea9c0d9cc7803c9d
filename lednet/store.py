"""The workspace's SQLite store: national values, returns, findings, decisions and periods.

The schema carries a version number and is brought up to date by numbered migrations, each in
its own transaction, so an older store is upgraded in place and a newer one is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import StoreError

SCHEMA_VERSION = 4

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    -- Each catalogue version used by some period, kept whole so old periods stay explainable.
    CREATE TABLE catalogues (
        fingerprint TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        first_used TEXT NOT NULL
    );

    CREATE TABLE periods (
        period INTEGER PRIMARY KEY,
        catalogue TEXT NOT NULL REFERENCES catalogues(fingerprint),
        closed_at TEXT,
        dataset_fingerprint TEXT
    );

    -- An append-only log of acts a coordinator should be able to account for.
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        period INTEGER,
        detail TEXT NOT NULL DEFAULT ''
    );

    CREATE TABLE national_values (
        period INTEGER NOT NULL,
        authority TEXT NOT NULL,
        indicator TEXT NOT NULL,
        value REAL,
        status TEXT NOT NULL,
        ci_low REAL,
        ci_high REAL,
        date_label TEXT NOT NULL DEFAULT '',
        query_url TEXT NOT NULL DEFAULT '',
        retrieved_at TEXT NOT NULL,
        PRIMARY KEY (period, authority, indicator)
    );

    -- Every file ever given to ingest, by content. The bytes live in the archive folder.
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        kind TEXT NOT NULL,
        archived_path TEXT NOT NULL,
        first_received TEXT NOT NULL,
        verdict TEXT NOT NULL DEFAULT ''
    );

    CREATE TABLE receipts (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        original_name TEXT NOT NULL,
        source_path TEXT NOT NULL,
        received_at TEXT NOT NULL
    );

    -- One row per file that was identified as a lednet return.
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE REFERENCES files(sha256),
        authority TEXT NOT NULL,
        period INTEGER NOT NULL,
        catalogue TEXT NOT NULL,
        template_version TEXT NOT NULL,
        received_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        certified INTEGER NOT NULL DEFAULT 0,
        signed_name TEXT NOT NULL DEFAULT '',
        signed_role TEXT NOT NULL DEFAULT '',
        signed_date TEXT NOT NULL DEFAULT '',
        superseded_by INTEGER REFERENCES submissions(id),
        after_close INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX submissions_by_period ON submissions (period, authority);

    CREATE TABLE submitted_values (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        indicator TEXT NOT NULL,
        value REAL,
        text_value TEXT,
        status TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        sheet TEXT NOT NULL,
        cell TEXT NOT NULL,
        raw TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (submission_id, indicator)
    );

    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        submission_id INTEGER REFERENCES submissions(id),
        authority TEXT NOT NULL DEFAULT '',
        period INTEGER,
        severity TEXT NOT NULL,
        code TEXT NOT NULL,
        file TEXT NOT NULL DEFAULT '',
        sheet TEXT NOT NULL DEFAULT '',
        cell TEXT NOT NULL DEFAULT '',
        indicator TEXT NOT NULL DEFAULT '',
        raw TEXT NOT NULL DEFAULT '',
        parsed TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL
    );
    CREATE INDEX findings_by_file ON findings (sha256);

    -- Coordinator decisions outlive re-ingest: they are keyed by what they are about.
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        period INTEGER NOT NULL,
        authority TEXT NOT NULL,
        indicator TEXT NOT NULL,
        kind TEXT NOT NULL,
        value REAL,
        reason TEXT NOT NULL,
        who TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 2: findings computed across the network (outliers) are kept apart from a return's own, so
    # they can be recomputed whenever the set of current returns changes; a file is received
    # from a given place once.
    2: """
    ALTER TABLE findings ADD COLUMN scope TEXT NOT NULL DEFAULT 'return';
    CREATE INDEX findings_by_submission ON findings (submission_id);
    CREATE INDEX findings_by_period ON findings (period, authority);
    CREATE UNIQUE INDEX receipts_once ON receipts (sha256, source_path);
    CREATE INDEX submitted_by_indicator ON submitted_values (indicator);
    """,
    # 3: a closed period's frozen dataset, so its reports stay the same to the figure. IF NOT
    # EXISTS because early stores created this table outside the migrations.
    3: """
    CREATE TABLE IF NOT EXISTS closed_datasets (
        period INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        closed_at TEXT NOT NULL
    );
    """,
    # 4: periods whose network (outlier) findings may not match the current returns: a merge
    # marks its period in its own transaction, and the refresh that follows clears the mark in
    # its, so a crash between the two is repaired by the next refresh. Likewise authorities
    # whose feedback files are out of date (a new return, changed outliers), until written.
    4: """
    CREATE TABLE network_stale (
        period INTEGER PRIMARY KEY,
        since TEXT NOT NULL
    );
    CREATE TABLE feedback_due (
        period INTEGER NOT NULL,
        authority TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (period, authority)
    );
    """,
}


def _statements(script: str) -> list[str]:
    """Split a migration into statements; comments go first, as they may hold semicolons.

    (executescript would split for us, but it commits on its own and so cannot sit inside the
    migration's transaction.)
    """
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def now() -> str:
    """UTC time stamp, to the second, in ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class DatasetValue:
    """One merged figure for an authority, indicator and period, with where it came from."""

    authority: str
    indicator: str
    value: float | None
    status: str
    source: str  # nomis, return, decision
    provenance: str
    note: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    text_value: str | None = None
    sha256: str = ""
    sheet: str = ""
    cell: str = ""
    received_at: str = ""
    certified: bool | None = None
    decision: str = ""


def _status(row: sqlite3.Row) -> str:
    """A returned figure's status in the dataset: a figure that failed says 'rejected'."""
    if row["accepted"] or row["status"] == "missing":
        return str(row["status"])
    return "rejected"


class Store:
    """A connection to the workspace store; use as a context manager or call close()."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        self.migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing unit of work; an exception (or Ctrl-C) rolls it back."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: the store is schema {current}, newer than this "
                             f"lednet understands ({SCHEMA_VERSION}); upgrade lednet")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as db:
                for statement in _statements(_MIGRATIONS[version]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")

    # -- catalogues and periods -------------------------------------------------------------

    def record_catalogue(self, period: int, catalogue: Any) -> None:
        """Remember which catalogue version a period uses (first use wins, unless reopened)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO catalogues (fingerprint, version, name, text, first_used) "
                "VALUES (?, ?, ?, ?, ?)",
                (catalogue.fingerprint, catalogue.version, catalogue.name, catalogue.text, now()),
            )
            row = db.execute("SELECT catalogue, closed_at FROM periods WHERE period = ?",
                             (period,)).fetchone()
            if row is None:
                db.execute("INSERT INTO periods (period, catalogue) VALUES (?, ?)",
                           (period, catalogue.fingerprint))
            elif row["catalogue"] != catalogue.fingerprint and row["closed_at"] is None:
                db.execute("UPDATE periods SET catalogue = ? WHERE period = ?",
                           (catalogue.fingerprint, period))

    def period_catalogue_text(self, period: int) -> str | None:
        row = self.db.execute(
            "SELECT c.text FROM periods p JOIN catalogues c ON c.fingerprint = p.catalogue "
            "WHERE p.period = ?", (period,)).fetchone()
        return row["text"] if row else None

    def periods(self) -> list[int]:
        rows = self.db.execute(
            "SELECT period FROM periods UNION SELECT DISTINCT period FROM national_values "
            "UNION SELECT DISTINCT period FROM submissions ORDER BY 1").fetchall()
        return [int(r[0]) for r in rows]

    def previous_period(self, period: int) -> int | None:
        """The latest earlier period the store holds any value for (not necessarily P-1)."""
        earlier = [p for p in self.periods() if p < period and self._has_values(p)]
        return max(earlier) if earlier else None

    def _has_values(self, period: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM national_values WHERE period = ? AND value IS NOT NULL "
            "UNION ALL SELECT 1 FROM submissions WHERE period = ? LIMIT 1",
            (period, period)).fetchone()
        return row is not None

    def is_closed(self, period: int) -> bool:
        row = self.db.execute("SELECT closed_at FROM periods WHERE period = ?",
                              (period,)).fetchone()
        return bool(row and row["closed_at"])

    def log_event(self, action: str, detail: dict[str, Any] | str, period: int | None = None,
                  who: str = "") -> None:
        import getpass

        text = detail if isinstance(detail, str) else json.dumps(detail, sort_keys=True)
        self.db.execute("INSERT INTO events (at, who, action, period, detail) VALUES (?,?,?,?,?)",
                        (now(), who or getpass.getuser(), action, period, text))

    # -- national values --------------------------------------------------------------------

    def national_values(self, period: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM national_values WHERE period = ? ORDER BY authority, indicator",
            (period,)).fetchall()

    # -- the merged dataset -----------------------------------------------------------------

    def current_submissions(self, period: int) -> list[sqlite3.Row]:
        """Each authority's latest return for the period (the others are history).

        A return that arrived after the period was closed is kept but is not current: it
        must not change a closed dataset.
        """
        return self.db.execute(
            "SELECT * FROM submissions WHERE period = ? AND superseded_by IS NULL "
            "AND after_close = 0 ORDER BY authority", (period,)).fetchall()

    def current_submission(self, period: int, authority: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT * FROM submissions WHERE period = ? AND authority = ? "
            "AND superseded_by IS NULL AND after_close = 0", (period, authority)).fetchone()

    def dataset(self, period: int) -> list[DatasetValue]:
        """The merged figures for a period: NOMIS values, accepted return values, decisions.

        A coordinator's correction replaces the returned value; an accept decision admits a
        value that failed a hard check, as long as it is still the value the coordinator saw.
        Values that failed and were not accepted are left out (their status says why), so
        nothing unchecked reaches a report.
        """
        merged: dict[tuple[str, str], DatasetValue] = {}
        for row in self.national_values(period):
            merged[(row["authority"], row["indicator"])] = DatasetValue(
                row["authority"], row["indicator"], row["value"], row["status"], "nomis",
                row["query_url"], "", row["ci_low"], row["ci_high"],
                received_at=row["retrieved_at"])

        for row in self.current_values(period):
            provenance = f"{row['sha256'][:12]} {row['sheet']}!{row['cell']}"
            merged[(row["authority"], row["indicator"])] = DatasetValue(
                row["authority"], row["indicator"], row["value"] if row["accepted"] else None,
                _status(row), "return", provenance,
                row["note"], text_value=row["text_value"] if row["accepted"] else None,
                sha256=row["sha256"], sheet=row["sheet"], cell=row["cell"],
                received_at=row["received_at"], certified=bool(row["certified"]))

        for decision in self.decisions(period):
            self._apply_decision(merged, decision)
        return [merged[k] for k in sorted(merged)]

    def _apply_decision(self, merged: dict[tuple[str, str], DatasetValue],
                        decision: sqlite3.Row) -> None:
        key = (decision["authority"], decision["indicator"])
        current = merged.get(key)
        why = f"decision {decision['id']}: {decision['reason']}"
        if decision["kind"] == "correct_value":
            base = current or DatasetValue(key[0], key[1], None, "ok", "decision", "")
            merged[key] = replace(base, value=decision["value"], status="ok", source="decision",
                                  provenance=why, decision=why)
        elif decision["kind"] == "accept_value" and current is not None:
            submitted = self._submitted_row(decision["period"], *key)
            if submitted is None or submitted["value"] is None:
                return
            # An acceptance is of the figure the coordinator saw; a resubmitted different figure
            # must be checked afresh.
            if decision["value"] is not None and submitted["value"] != decision["value"]:
                return
            merged[key] = replace(current, value=submitted["value"], status="ok",
                                  source="decision", decision=why,
                                  provenance=f"{current.provenance}; {why}")

    def current_values(self, period: int) -> list[sqlite3.Row]:
        """Every value of every current return for a period, with its submission's facts."""
        return self.db.execute(
            "SELECT s.authority, s.sha256, s.received_at, s.certified, v.* "
            "FROM submitted_values v JOIN submissions s ON s.id = v.submission_id "
            "WHERE s.period = ? AND s.superseded_by IS NULL AND s.after_close = 0 "
            "ORDER BY s.authority, v.indicator", (period,)).fetchall()

    def _submitted_row(self, period: int, authority: str, indicator: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT v.* FROM submitted_values v JOIN submissions s ON s.id = v.submission_id "
            "WHERE s.period = ? AND s.authority = ? AND v.indicator = ? "
            "AND s.superseded_by IS NULL AND s.after_close = 0",
            (period, authority, indicator)).fetchone()

    def _submitted_value(self, period: int, authority: str, indicator: str) -> float | None:
        row = self._submitted_row(period, authority, indicator)
        return row["value"] if row else None

    def decisions(self, period: int, authority: str | None = None) -> list[sqlite3.Row]:
        if authority is None:
            return self.db.execute("SELECT * FROM decisions WHERE period = ? ORDER BY id",
                                   (period,)).fetchall()
        return self.db.execute("SELECT * FROM decisions WHERE period = ? AND authority = ? "
                               "ORDER BY id", (period, authority)).fetchall()

    def add_decision(self, period: int, authority: str, indicator: str, kind: str,
                     value: float | None, reason: str, who: str) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO decisions (period, authority, indicator, kind, value, reason, who, "
                "at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (period, authority, indicator, kind, value, reason, who, now()))
            self.log_event(f"decision:{kind}", {"authority": authority, "indicator": indicator,
                                                "value": value, "reason": reason},
                           period, who)
        return int(cursor.lastrowid or 0)

    # -- files, receipts and submissions (written by ingest) --------------------------------

    def known_file(self, sha256: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()

    def record_file(self, db: sqlite3.Connection, sha256: str, size: int, kind: str,
                    archived_path: str, received_at: str, verdict: str) -> None:
        db.execute("INSERT OR IGNORE INTO files (sha256, size, kind, archived_path, "
                   "first_received, verdict) VALUES (?, ?, ?, ?, ?, ?)",
                   (sha256, size, kind, archived_path, received_at, verdict))

    def record_receipt(self, db: sqlite3.Connection, sha256: str, source: Path,
                       received_at: str) -> None:
        """Note where and when the bytes came from; the same place twice is noted once."""
        db.execute("INSERT OR IGNORE INTO receipts (sha256, original_name, source_path, "
                   "received_at) VALUES (?, ?, ?, ?)",
                   (sha256, source.name, str(source), received_at))

    def receipts(self, sha256: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM receipts WHERE sha256 = ? ORDER BY id",
                               (sha256,)).fetchall()

    def insert_submission(self, db: sqlite3.Connection, fields: dict[str, Any]) -> int:
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        cursor = db.execute(f"INSERT INTO submissions ({names}) VALUES ({marks})",
                            tuple(fields.values()))
        return int(cursor.lastrowid or 0)

    def supersede(self, db: sqlite3.Connection, period: int, authority: str,
                  new_id: int) -> int | None:
        """Mark the authority's current return for the period as replaced by ``new_id``."""
        row = db.execute(
            "SELECT id FROM submissions WHERE period = ? AND authority = ? AND id != ? "
            "AND superseded_by IS NULL AND after_close = 0",
            (period, authority, new_id)).fetchone()
        if row is None:
            return None
        db.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (new_id, row["id"]))
        return int(row["id"])

    def insert_values(self, db: sqlite3.Connection, submission_id: int,
                      rows: list[dict[str, Any]]) -> None:
        db.executemany(
            "INSERT INTO submitted_values (submission_id, indicator, value, text_value, status, "
            "accepted, sheet, cell, raw, note) VALUES (:submission_id, :indicator, :value, "
            ":text_value, :status, :accepted, :sheet, :cell, :raw, :note)",
            [{**row, "submission_id": submission_id} for row in rows])

    def insert_findings(self, db: sqlite3.Connection, sha256: str, submission_id: int | None,
                        period: int | None, findings: list[Any], scope: str = "return") -> None:
        db.executemany(
            "INSERT INTO findings (sha256, submission_id, authority, period, severity, code, "
            "file, sheet, cell, indicator, raw, parsed, message, scope) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(sha256, submission_id, f.authority, period, f.severity, f.code, f.file, f.sheet,
              f.cell, f.indicator, f.raw, f.parsed, f.message, scope) for f in findings])

    def findings_for_submission(self, submission_id: int) -> list[sqlite3.Row]:
        """A return's own findings, then those computed across the network, in order."""
        return self.db.execute(
            "SELECT * FROM findings WHERE submission_id = ? ORDER BY scope DESC, id",
            (submission_id,)).fetchall()

    def file_rejections(self, period: int, authority: str) -> list[sqlite3.Row]:
        """Findings of files from an authority that were refused before becoming a return."""
        return self.db.execute(
            "SELECT * FROM findings WHERE period = ? AND authority = ? "
            "AND submission_id IS NULL ORDER BY id", (period, authority)).fetchall()

    def network_findings(self, period: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM findings WHERE period = ? AND scope = 'network' "
                               "ORDER BY id", (period,)).fetchall()

    def mark_network_stale(self, db: sqlite3.Connection, period: int) -> None:
        """Note, inside the caller's transaction, that a period's network findings are due."""
        db.execute("INSERT OR IGNORE INTO network_stale (period, since) VALUES (?, ?)",
                   (period, now()))

    def clear_network_stale(self, db: sqlite3.Connection, period: int) -> None:
        db.execute("DELETE FROM network_stale WHERE period = ?", (period,))

    def stale_network_periods(self) -> list[int]:
        """Periods whose network findings have not been recomputed since a merge."""
        return [int(r[0]) for r in self.db.execute(
            "SELECT period FROM network_stale ORDER BY period").fetchall()]

    def mark_feedback_due(self, db: sqlite3.Connection, period: int, authority: str) -> None:
        """Note, inside the caller's transaction, that an authority's feedback is out of date."""
        db.execute("INSERT OR IGNORE INTO feedback_due (period, authority, since) "
                   "VALUES (?, ?, ?)", (period, authority, now()))

    def clear_feedback_due(self, period: int, authority: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM feedback_due WHERE period = ? AND authority = ?",
                       (period, authority))

    def feedback_due(self) -> list[tuple[int, str]]:
        """(period, authority) whose feedback files have not been written since they changed."""
        return [(int(r[0]), str(r[1])) for r in self.db.execute(
            "SELECT period, authority FROM feedback_due ORDER BY period, authority").fetchall()]

    def submission_values(self, submission_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM submitted_values WHERE submission_id = ? "
                               "ORDER BY indicator", (submission_id,)).fetchall()

    def after_close_submissions(self, period: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM submissions WHERE period = ? AND after_close = 1 "
                               "ORDER BY id", (period,)).fetchall()

    def history(self, period: int, authority: str) -> list[sqlite3.Row]:
        """Every return the authority sent for the period, oldest first."""
        return self.db.execute("SELECT * FROM submissions WHERE period = ? AND authority = ? "
                               "ORDER BY id", (period, authority)).fetchall()
