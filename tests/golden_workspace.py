"""Build the golden workspace of tests/data/golden in a temporary folder, straight into a store.

Values go into the store's own tables (national_values; files, submissions and
submitted_values with accepted=1), as ingest and fetch would leave them, so the report tests
depend on nothing but the store schema.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from lednet.catalogue import load_catalogue
from lednet.store import Store
from lednet.workspace import Workspace, load_workspace

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
NATIONAL = {"population_16_64", "employment_rate"}
# The 2011 catalogue defined the vacancy rate differently: a break in series for that figure.
OLD_DEFINITION = "Vacant industrial floorspace as a percentage of all such floorspace."
NEW_DEFINITION = "Vacant industrial and warehouse floorspace as a percentage of all floorspace."


def build(tmp_path: Path) -> Workspace:
    folder = tmp_path / "golden"
    shutil.copytree(GOLDEN, folder)
    workspace = load_workspace(folder / "lednet.yaml")
    catalogue_path = folder / "indicators.yaml"
    text = catalogue_path.read_text(encoding="utf-8")
    with Store(workspace.store_path) as store:
        store.record_catalogue(2012, load_catalogue(catalogue_path, text=text))
        old = text.replace(OLD_DEFINITION, NEW_DEFINITION)
        store.record_catalogue(2011, load_catalogue(catalogue_path, text=old))
        with open(GOLDEN / "values.csv", encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                add_value(store, row)
    return workspace


def add_value(store: Store, row: dict[str, str]) -> None:
    period, gss, indicator = int(row["period"]), row["authority"], row["indicator"]
    value = float(row["value"]) if row["value"] else None
    if indicator in NATIONAL:
        store.db.execute(
            "INSERT INTO national_values (period, authority, indicator, value, status, ci_low, "
            "ci_high, retrieved_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2012-05-01T00:00:00+00:00')",
            (period, gss, indicator, value, row["status"], _number(row["ci_low"]),
             _number(row["ci_high"])))
        return
    submission = submission_for(store, period, gss)
    store.db.execute(
        "INSERT INTO submitted_values (submission_id, indicator, value, status, accepted, sheet, "
        "cell, note) VALUES (?, ?, ?, ?, 1, 'Local', 'C5', ?)",
        (submission, indicator, value, row["status"], row["note"]))


def submission_for(store: Store, period: int, gss: str, after_close: int = 0) -> int:
    row = store.db.execute("SELECT id FROM submissions WHERE period = ? AND authority = ? AND "
                           "superseded_by IS NULL AND after_close = ?",
                           (period, gss, after_close)).fetchone()
    if row is not None:
        return int(row["id"])
    sha = f"{period}{gss}{after_close}".ljust(64, "0")
    store.db.execute("INSERT INTO files (sha256, size, kind, archived_path, first_received) "
                     "VALUES (?, 1, 'xlsx', 'archive/x.xlsx', '2012-06-01T00:00:00+00:00')",
                     (sha,))
    cursor = store.db.execute(
        "INSERT INTO submissions (sha256, authority, period, catalogue, template_version, "
        "received_at, outcome, after_close) VALUES (?, ?, ?, 'golden', '1', "
        "'2012-06-01T00:00:00+00:00', 'accepted', ?)", (sha, gss, period, after_close))
    return int(cursor.lastrowid or 0)


def _number(text: str) -> float | None:
    return float(text) if text else None
