"""Shared helpers for the ingest tests: a workspace with real generated return templates.

Templates are generated once per test session with ``make_templates`` (national figures
issued from a seeded store), then each test gets its own copy of the workspace, so returns
are always real lednet templates filled the way an officer would, through the defined names.
This module holds fixtures and helpers only; it defines no tests.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from lednet.returns import editing, layout
from lednet.returns.template import make_templates
from lednet.store import Store, now
from lednet.workspace import Workspace, load_workspace

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "yorkshire"
PERIOD = 2012
YORK = "E06000014"
LEEDS = "E08000035"

# National figures issued in every 2012 template (seeded into the store before generating).
ISSUED = {"population": 200000.0, "population_16_64": 130000.0, "employment_rate": 72.5}

# A complete return that passes every check; faults change one thing at a time.
VALID: dict[str, Any] = {
    "authority_type": "unitary", "area_hectares": 27200, "dwellings": 85000,
    "net_revenue_expenditure": 120000, "has_economic_strategy": "yes",
    "ed_revenue_spend": 1500, "ed_capital_spend": 800, "ed_external_funding": 2000,
    "ed_staff_fte": 12.5, "businesses_supported": 300, "business_startups_supported": 120,
    "jobs_created_full_time": 100, "jobs_created_part_time": 50, "jobs_created_total": 150,
    "jobs_safeguarded": 40, "inward_investment_enquiries": 60,
    "inward_investment_successes": 12, "major_planning_decisions": 45,
    "major_planning_decisions_13_weeks": 30, "employment_land_available": 55.5,
    "industrial_vacancy_rate": 7.5, "town_centre_vacancy_rate": 9.0,
    "business_satisfaction": 78,
}
SIGNED = {"name": "A. Officer", "role": "Economic development manager", "date": "2012-06-01"}
TABLES = ("files", "receipts", "submissions", "submitted_values", "findings", "decisions",
          "events", "catalogues", "periods", "national_values")


def _seed_national(store_path: Path, members: list[str]) -> None:
    with Store(store_path) as store, store.transaction() as db:
        for gss in members:
            for indicator, value in ISSUED.items():
                db.execute("INSERT INTO national_values (period, authority, indicator, value, "
                           "status, retrieved_at) VALUES (?, ?, ?, ?, 'ok', ?)",
                           (PERIOD, gss, indicator, value, now()))


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace folder with 2012 templates for every member and a 2011 one for York."""
    root = tmp_path_factory.mktemp("ingest-templates")
    for name in ("lednet.yaml", "members.yaml", "exclusions.yaml"):
        shutil.copy(EXAMPLE / name, root / name)
    workspace = load_workspace(root)
    _seed_national(workspace.store_path, [m.gss for m in workspace.members_for(PERIOD)])
    make_templates(workspace, PERIOD, guidance=False)
    make_templates(workspace, PERIOD - 1, authorities=[YORK],
                   out_dir=root / "templates-2011", guidance=False)
    return root


@pytest.fixture
def ws(template_workspace: Path, tmp_path: Path) -> Workspace:
    """A private copy of the template workspace (config, store, templates)."""
    target = tmp_path / "ws"
    shutil.copytree(template_workspace, target)
    return load_workspace(target)


def template(workspace: Workspace, gss: str = YORK, period: int = PERIOD) -> Path:
    folder = workspace.templates_dir if period == PERIOD else workspace.root / "templates-2011"
    return next(folder.glob(f"{period}_{gss}_*.xlsx"))


def open_template(workspace: Workspace, gss: str = YORK, period: int = PERIOD) -> Workbook:
    return openpyxl.load_workbook(template(workspace, gss, period))


def fill_valid(workbook: Workbook, values: Mapping[str, Any] | None = None,
               signed: bool = True) -> None:
    """Type the valid return, with ``values`` overriding, and sign it off."""
    editing.fill(workbook, {**VALID, **(values or {})}, signoff=SIGNED if signed else None)


def save(workbook: Workbook, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    workbook.save(path)
    return path


def valid_return(workspace: Workspace, folder: Path, gss: str = YORK,
                 values: Mapping[str, Any] | None = None, name: str = "",
                 notes: Mapping[str, str] | None = None, signed: bool = True) -> Path:
    workbook = open_template(workspace, gss)
    fill_valid(workbook, values, signed)
    if notes:
        editing.fill(workbook, {}, notes=notes)
    return save(workbook, folder, name or f"{gss}.xlsx")


def rename_sheet(workbook: Workbook, old: str, new: str) -> None:
    """Rename a sheet as Excel does: defined names that point at it follow the new name."""
    workbook[old].title = new
    for name, defined in list(workbook.defined_names.items()):
        text = defined.attr_text or ""
        for quoted in (f"'{old}'!", f"{old}!"):
            if text.startswith(quoted):
                rest = text[len(quoted):]
                workbook.defined_names[name] = DefinedName(
                    name, attr_text=f"{layout.reference(new, 'A1').split('!')[0]}!{rest}")


def row_counts(store_path: Path) -> dict[str, int]:
    with sqlite3.connect(store_path) as db:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def stored_values(store_path: Path, gss: str = YORK) -> dict[str, sqlite3.Row]:
    """The authority's current submitted values by indicator."""
    db = sqlite3.connect(store_path)
    db.row_factory = sqlite3.Row
    rows = db.execute(
        "SELECT v.* FROM submitted_values v JOIN submissions s ON s.id = v.submission_id "
        "WHERE s.authority = ? AND s.superseded_by IS NULL AND s.after_close = 0",
        (gss,)).fetchall()
    db.close()
    return {row["indicator"]: row for row in rows}


def archived(workspace: Workspace) -> Iterator[Path]:
    return (p for p in workspace.archive_dir.rglob("*") if p.is_file())
