"""Write a period's merged dataset, with provenance, as CSV, Excel or Parquet.

Each row is one authority's figure for one indicator: the value or its status, where it came
from (NOMIS, a return, a coordinator decision), and for returned figures the archived file's
SHA-256, the sheet and cell, and when it was received. A CSV comes with a Frictionless data
package descriptor (``.datapackage.json``) giving its schema.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font

from .errors import LednetError
from .feedback import escape_formula, set_text
from .fsutil import atomic_path, atomic_write_text
from .store import DatasetValue, Store
from .workspace import Workspace

FORMATS = ("csv", "xlsx", "parquet")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless field type
    description: str


COLUMNS = (
    Column("period", "integer", "period year: 2012 means financial year 2011/12"),
    Column("authority", "string", "GSS code of the authority"),
    Column("authority_name", "string", "name of the authority"),
    Column("indicator", "string", "indicator id in the catalogue"),
    Column("label", "string", "indicator label"),
    Column("unit", "string", "unit; percentages are percentage points"),
    Column("value", "number", "the figure; empty when the status says why there is none"),
    Column("text_value", "string", "the answer for a choice indicator"),
    Column("status", "string", "ok, estimated, x, c, z, suppressed, no-data, rejected, missing"),
    Column("source", "string", "nomis, return or decision"),
    Column("certified", "boolean", "for returned figures: whether the return was signed off"),
    Column("archive_sha256", "string", "SHA-256 of the archived return file"),
    Column("sheet", "string", "sheet of the return the figure was read from"),
    Column("cell", "string", "cell of the return the figure was read from"),
    Column("received_at", "string", "when the return was received (NOMIS: retrieved)"),
    Column("decision", "string", "the coordinator decision that applies, if any"),
    Column("note", "string", "the authority's note on the figure"),
    Column("ci_low", "number", "lower 95% confidence limit (survey figures)"),
    Column("ci_high", "number", "upper 95% confidence limit (survey figures)"),
    Column("provenance", "string", "where the figure came from, in words"),
)


def export_dataset(workspace: Workspace, period: int, fmt: str, out: Path | None) -> Path:
    """Write the period's merged dataset in ``fmt``; return the file written."""
    if fmt not in FORMATS:
        raise LednetError(f"unknown format {fmt!r}; use csv, xlsx or parquet")
    target = out or workspace.outputs_dir / f"dataset_{period}.{fmt}"
    with Store(workspace.store_path) as store:
        rows = dataset_rows(workspace, period, store.dataset(period))
    if not rows:
        raise LednetError(f"the store holds no figures for period {period}; run 'lednet "
                          "fetch' and 'lednet ingest' first")
    {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}[fmt](target, rows)
    if fmt == "csv":
        _write_datapackage(target, period)
    return target


def dataset_rows(workspace: Workspace, period: int,
                 values: list[DatasetValue]) -> list[dict[str, Any]]:
    """The dataset as plain rows, one per authority and indicator, with provenance."""
    catalogue = workspace.catalogue
    rows = []
    for value in values:
        member = workspace.member(value.authority)
        indicator = catalogue.indicators.get(value.indicator)
        rows.append({
            "period": period, "authority": value.authority,
            "authority_name": member.name if member else "",
            "indicator": value.indicator, "label": indicator.label if indicator else "",
            "unit": indicator.unit if indicator else "", "value": value.value,
            "text_value": value.text_value or "", "status": value.status,
            "source": value.source, "certified": value.certified,
            "archive_sha256": value.sha256, "sheet": value.sheet, "cell": value.cell,
            "received_at": value.received_at, "decision": value.decision, "note": value.note,
            "ci_low": value.ci_low, "ci_high": value.ci_high, "provenance": value.provenance,
        })
    return rows


def _write_csv(target: Path, rows: list[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in COLUMNS], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
    atomic_write_text(target, buffer.getvalue())


def _csv_value(value: object) -> object:
    """Officer text made inert for spreadsheets; numbers and empties as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_formula(value)


def _write_xlsx(target: Path, rows: list[dict[str, Any]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "dataset"
    for column, spec in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column)
        set_text(cell, spec.name)
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, spec in enumerate(COLUMNS, start=1):
            set_text(sheet.cell(row=number, column=column), row[spec.name])
    sheet.freeze_panes = "A2"
    with atomic_path(target) as temp:
        workbook.save(temp)


def _write_parquet(target: Path, rows: list[dict[str, Any]]) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise LednetError("Parquet export needs pyarrow: pip install 'lednet[parquet]'") from exc
    import pandas as pd

    frame = pd.DataFrame(rows, columns=[c.name for c in COLUMNS])
    frame["value"] = frame["value"].astype("float64")
    frame["certified"] = frame["certified"].astype("boolean")
    with atomic_path(target) as temp:
        frame.to_parquet(temp, index=False)


def _write_datapackage(target: Path, period: int) -> None:
    """A Frictionless data package descriptor beside the CSV, so its schema travels with it."""
    descriptor = {
        "name": f"lednet-dataset-{period}",
        "resources": [{
            "name": f"dataset-{period}", "path": target.name, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [{"name": c.name, "type": c.type, "description": c.description}
                                  for c in COLUMNS],
                       "missingValues": [""],
                       "primaryKey": ["period", "authority", "indicator"]},
        }],
    }
    path = target.with_name(target.stem + ".datapackage.json")
    atomic_write_text(path, json.dumps(descriptor, indent=2) + "\n")
