"""``lednet export``: the merged dataset with provenance, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from lednet.cli import main
from lednet.errors import LednetError
from lednet.export import export_dataset
from lednet.feedback import escape_formula, set_text
from lednet.ingest import ingest_paths
from lednet.returns import editing
from lednet.workspace import Workspace
from tests.test_ingest_support import PERIOD, YORK, fill_valid, open_template, save

pytest_plugins = ("tests.test_ingest_support",)

NOTE = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def merged(ws: Workspace, tmp_path: Path) -> Workspace:
    """York's return with notes an officer typed as text (Excel's quote prefix)."""
    workbook = open_template(ws, YORK)
    fill_valid(workbook)
    set_text(editing.cell_for(workbook, "LEDNET_N_dwellings"), NOTE)
    set_text(editing.cell_for(workbook, "LEDNET_N_ed_staff_fte"), "-12")
    ingest_paths(ws, [save(workbook, tmp_path, "york.xlsx")], period=PERIOD)
    return ws


def york_row(rows: list[dict[str, str]], indicator: str) -> dict[str, str]:
    return next(r for r in rows if r["authority"] == YORK and r["indicator"] == indicator)


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("-12", "-12"),
    ("-12.5", "-12.5"), ("- see note", "'- see note"), ("plain", "plain"), (-12.0, -12.0),
    (None, None)])
def test_formula_escaping_makes_text_inert_but_leaves_numbers_alone(value: object,
                                                                    expected: object) -> None:
    assert escape_formula(value) == expected


def test_csv_rows_carry_provenance(merged: Workspace, tmp_path: Path) -> None:
    path = export_dataset(merged, PERIOD, "csv", tmp_path / "out.csv")

    row = york_row(list(csv.DictReader(path.open(encoding="utf-8"))), "dwellings")
    assert (row["value"], row["status"], row["source"], row["sheet"], row["cell"],
            row["certified"]) == ("85000.0", "ok", "return", "Profile", "E7", "true")
    assert len(row["archive_sha256"]) == 64 and row["received_at"]


def test_csv_escapes_officer_text_that_looks_like_a_formula(merged: Workspace,
                                                             tmp_path: Path) -> None:
    path = export_dataset(merged, PERIOD, "csv", tmp_path / "out.csv")

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert york_row(rows, "dwellings")["note"] == "'" + NOTE
    assert york_row(rows, "ed_staff_fte")["note"] == "-12"


def test_csv_comes_with_a_data_package_schema(merged: Workspace, tmp_path: Path) -> None:
    export_dataset(merged, PERIOD, "csv", tmp_path / "out.csv")

    descriptor = json.loads((tmp_path / "out.datapackage.json").read_text())
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields][:4] == ["period", "authority", "authority_name",
                                               "indicator"]


def test_xlsx_keeps_officer_text_as_text(merged: Workspace, tmp_path: Path) -> None:
    path = export_dataset(merged, PERIOD, "xlsx", tmp_path / "out.xlsx")

    sheet = openpyxl.load_workbook(path)["dataset"]
    header = [c.value for c in sheet[1]]
    notes = [row[header.index("note")] for row in sheet.iter_rows(min_row=2)]
    evil = [cell for cell in notes if cell.value == NOTE]
    assert len(evil) == 1 and evil[0].data_type == "s"


def test_parquet_holds_the_same_figures(merged: Workspace, tmp_path: Path) -> None:
    path = export_dataset(merged, PERIOD, "parquet", tmp_path / "out.parquet")

    frame = pd.read_parquet(path)
    row = frame[(frame.authority == YORK) & (frame.indicator == "ed_staff_fte")].iloc[0]
    assert (row.value, row.cell) == (12.5, "E8")


def test_an_empty_period_is_refused_with_what_to_do(ws: Workspace) -> None:
    with pytest.raises(LednetError, match="no figures for period 2030"):
        export_dataset(ws, 2030, "csv", None)


def test_export_command_prints_the_file_written(merged: Workspace) -> None:
    result = CliRunner().invoke(main, ["--config", str(merged.config_path), "export",
                                       "--period", "2012"])

    assert result.exit_code == 0
    assert result.output == f"{merged.outputs_dir / 'dataset_2012.csv'}\n"
