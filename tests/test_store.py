"""The store's schema, migrations and the merged dataset's rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lednet.errors import StoreError
from lednet.store import _MIGRATIONS, SCHEMA_VERSION, Store


def v1_store(path: Path) -> None:
    """A store as lednet 0.1 (schema 1) left it, with one return in it."""
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[1] + "PRAGMA user_version = 1;")
    db.execute("INSERT INTO files VALUES ('abc', 10, 'xlsx', 'archive/ab/abc', 't', 'accepted')")
    db.execute("INSERT INTO submissions (sha256, authority, period, catalogue, template_version, "
               "received_at, outcome) VALUES ('abc', 'E06000014', 2012, 'f', '1', 't', "
               "'accepted')")
    db.execute("INSERT INTO findings (sha256, severity, code, message) VALUES "
               "('abc', 'info', 'provisional', 'm')")
    db.commit()
    db.close()


def submit(store: Store, sha: str, authority: str, value: float | None, accepted: bool = True,
           after_close: bool = False, status: str = "ok") -> int:
    with store.transaction() as db:
        store.record_file(db, sha, 1, "xlsx", "", "t", "accepted")
        ident = store.insert_submission(db, {
            "sha256": sha, "authority": authority, "period": 2012, "catalogue": "f",
            "template_version": "1", "received_at": "t", "outcome": "accepted",
            "after_close": int(after_close)})
        store.insert_values(db, ident, [{
            "indicator": "dwellings", "value": value, "text_value": None, "status": status,
            "accepted": int(accepted), "sheet": "Profile", "cell": "E7", "raw": str(value),
            "note": ""}])
        if not after_close:
            store.supersede(db, 2012, authority, ident)
    return ident


def dwellings(store: Store) -> tuple[float | None, str]:
    [value] = [v for v in store.dataset(2012) if v.indicator == "dwellings"]
    return value.value, value.status


def test_a_new_store_is_at_the_current_schema_version(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert store.schema_version() == SCHEMA_VERSION == 4
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert {"closed_datasets", "network_stale"} <= tables


def test_a_period_marked_stale_stays_so_until_cleared(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        with store.transaction() as db:
            store.mark_network_stale(db, 2013)
            store.mark_network_stale(db, 2012)
            store.mark_network_stale(db, 2012)
        assert store.stale_network_periods() == [2012, 2013]
        with store.transaction() as db:
            store.clear_network_stale(db, 2012)
        assert store.stale_network_periods() == [2013]


def test_a_schema_1_store_is_migrated_in_place_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    v1_store(path)

    with Store(path) as store:
        scope = store.db.execute("SELECT scope FROM findings").fetchone()[0]
        assert (store.schema_version(), scope) == (4, "return")
        assert store.stale_network_periods() == []
        assert len(store.db.execute("SELECT * FROM submissions").fetchall()) == 1


def test_a_store_from_a_newer_lednet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(StoreError, match="newer than this lednet understands"):
        Store(path)


def test_a_later_return_supersedes_the_earlier_one(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        first = submit(store, "a", "E06000014", 85000)
        second = submit(store, "b", "E06000014", 86000)
        rows = store.history(2012, "E06000014")
        assert [r["superseded_by"] for r in rows] == [second, None]
        assert rows[0]["id"] == first
        assert dwellings(store) == (86000.0, "ok")


def test_a_rejected_value_is_in_the_dataset_without_its_figure(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        submit(store, "a", "E06000014", 5, accepted=False)
        assert dwellings(store) == (None, "rejected")


def test_a_required_figure_left_blank_is_missing_in_the_dataset(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        submit(store, "a", "E06000014", None, accepted=False, status="missing")
        assert dwellings(store) == (None, "missing")


def test_a_return_after_close_is_kept_out_of_the_dataset(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        submit(store, "a", "E06000014", 85000)
        submit(store, "b", "E06000014", 99000, after_close=True)
        assert dwellings(store) == (85000.0, "ok")
        assert len(store.after_close_submissions(2012)) == 1


def test_an_accept_decision_admits_only_the_figure_it_was_made_for(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        submit(store, "a", "E06000014", 5, accepted=False)
        store.add_decision(2012, "E06000014", "dwellings", "accept_value", 5.0, "ok", "me")
        assert dwellings(store) == (5.0, "ok")
        submit(store, "b", "E06000014", 6, accepted=False)
        assert dwellings(store) == (None, "rejected")


def test_a_correction_replaces_the_figure_and_records_why(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        submit(store, "a", "E06000014", 5, accepted=False)
        store.add_decision(2012, "E06000014", "dwellings", "correct_value", 85000.0,
                           "e-mailed", "me")
        [value] = [v for v in store.dataset(2012) if v.indicator == "dwellings"]
        assert (value.value, value.source, value.decision) == \
            (85000.0, "decision", "decision 1: e-mailed")


def test_a_decision_is_logged_with_who_made_it(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.add_decision(2012, "E06000014", "dwellings", "correct_value", 1.0, "why", "ann")
        event = store.db.execute("SELECT who, action FROM events").fetchone()
        assert tuple(event) == ("ann", "decision:correct_value")


def test_a_transaction_interrupted_by_ctrl_c_is_rolled_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(KeyboardInterrupt), store.transaction() as db:
            store.record_file(db, "a", 1, "xlsx", "", "t", "")
            raise KeyboardInterrupt
        assert store.known_file("a") is None
