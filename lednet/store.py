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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError

SCHEMA_VERSION = 1

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

    -- Every file ever given to ingest, by content; the bytes live in the archive folder.
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
}


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
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
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
        """Each authority's latest return for the period (the others are history)."""
        return self.db.execute(
            "SELECT * FROM submissions WHERE period = ? AND superseded_by IS NULL "
            "ORDER BY authority", (period,)).fetchall()

    def dataset(self, period: int) -> list[DatasetValue]:
        """The merged figures for a period: NOMIS values, accepted return values, decisions.

        A coordinator's correction replaces the returned value; an accept decision admits a
        value that failed a hard check. Values that failed and were not accepted are left out
        (their status says why), so nothing unchecked reaches a report.
        """
        merged: dict[tuple[str, str], DatasetValue] = {}
        for row in self.national_values(period):
            merged[(row["authority"], row["indicator"])] = DatasetValue(
                row["authority"], row["indicator"], row["value"], row["status"], "nomis",
                row["query_url"], "", row["ci_low"], row["ci_high"])

        rows = self.db.execute(
            "SELECT s.authority, s.sha256, v.* FROM submitted_values v "
            "JOIN submissions s ON s.id = v.submission_id "
            "WHERE s.period = ? AND s.superseded_by IS NULL", (period,)).fetchall()
        for row in rows:
            provenance = f"{row['sha256'][:12]} {row['sheet']}!{row['cell']}"
            value = row["value"] if row["accepted"] else None
            status = row["status"] if row["accepted"] else "rejected"
            merged[(row["authority"], row["indicator"])] = DatasetValue(
                row["authority"], row["indicator"], value, status, "return", provenance,
                row["note"])

        for decision in self.decisions(period):
            key = (decision["authority"], decision["indicator"])
            current = merged.get(key)
            if decision["kind"] == "correct_value":
                merged[key] = DatasetValue(key[0], key[1], decision["value"], "ok", "decision",
                                           f"decision {decision['id']}: {decision['reason']}",
                                           current.note if current else "")
            elif decision["kind"] == "accept_value" and current is not None:
                accepted = self._submitted_value(period, *key)
                if accepted is not None:
                    merged[key] = DatasetValue(key[0], key[1], accepted, "ok", "decision",
                                               f"decision {decision['id']}: "
                                               f"{decision['reason']}", current.note)
        return [merged[k] for k in sorted(merged)]

    def _submitted_value(self, period: int, authority: str, indicator: str) -> float | None:
        row = self.db.execute(
            "SELECT v.value FROM submitted_values v JOIN submissions s ON s.id = v.submission_id "
            "WHERE s.period = ? AND s.authority = ? AND v.indicator = ? "
            "AND s.superseded_by IS NULL", (period, authority, indicator)).fetchone()
        return row["value"] if row else None

    def decisions(self, period: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM decisions WHERE period = ? ORDER BY id",
                               (period,)).fetchall()
