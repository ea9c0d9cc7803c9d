"""The baselines lednet is compared with: the bare libraries doing the same job, naively."""

from __future__ import annotations

import copy
import csv
import html as htmlmod
import io
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

STYLE_ATTRS = ("font", "fill", "border", "alignment", "number_format", "protection")


# -- make-templates: openpyxl writing the same cells ------------------------------------------

def workbook_spec(path: Path) -> dict[str, Any]:
    """Everything a lednet template holds, read once so the baseline can write it again."""
    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                styles = {a: copy.copy(getattr(cell, a)) for a in STYLE_ATTRS} \
                    if cell.has_style else {}
                cells.append((cell.coordinate, cell.value, styles))
        sheets.append({
            "title": sheet.title, "state": sheet.sheet_state, "cells": cells,
            "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.width},
            "heights": {k: d.height for k, d in sheet.row_dimensions.items() if d.height},
            "merged": [str(r) for r in sheet.merged_cells.ranges],
            "validations": [copy.copy(v) for v in sheet.data_validations.dataValidation],
            "protected": sheet.protection.sheet, "freeze": sheet.freeze_panes,
        })
    names = [(n, d.attr_text) for n, d in book.defined_names.items()]
    return {"sheets": sheets, "names": names}


def write_like(spec: dict[str, Any], target: Path) -> None:
    """Write the spec's cells, styles, validations and names with bare openpyxl."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for item in spec["sheets"]:
        sheet = book.create_sheet(item["title"])
        sheet.sheet_state = item["state"]
        for coordinate, value, styles in item["cells"]:
            cell = sheet[coordinate]
            cell.value = value
            for attr, style in styles.items():
                setattr(cell, attr, style)
        for key, width in item["widths"].items():
            sheet.column_dimensions[key].width = width
        for key, height in item["heights"].items():
            sheet.row_dimensions[key].height = height
        for span in item["merged"]:
            sheet.merge_cells(span)
        for rule in item["validations"]:
            sheet.add_data_validation(copy.copy(rule))
        sheet.protection.sheet = item["protected"]
        sheet.freeze_panes = item["freeze"]
    for name, text in spec["names"]:
        book.defined_names[name] = DefinedName(name, attr_text=text)
    book.save(target)


# -- ingest: openpyxl loading the file, frictionless validating its sheets ---------------------

def bare_load(path: Path) -> None:
    """What lednet's reader must do at least: load the whole workbook, formulas kept."""
    with open(path, "rb") as stream:
        openpyxl.load_workbook(stream, data_only=False)


def export_sheets(path: Path, folder: Path) -> list[Path]:
    """Each sheet of a return as a CSV file, for frictionless (done outside the timing)."""
    book = openpyxl.load_workbook(path, data_only=True)
    written = []
    for index, sheet in enumerate(book.worksheets):
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        width = max((len(r) for r in rows), default=0)
        if not rows or not width:
            continue
        target = folder / f"{path.stem}_sheet{index}.csv"
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"column_{i + 1}" for i in range(width)])
            writer.writerows(rows)
        written.append(target)
    return written


def frictionless_validate(paths: list[Path]) -> int:
    """``frictionless validate`` of each CSV, through its library API (no process start-up)."""
    import frictionless

    errors = 0
    for path in paths:
        report = frictionless.validate(str(path))
        errors += len(report.flatten(["type"]))
    return errors


# -- reports: WeasyPrint on the same HTML; a naive matplotlib + WeasyPrint report -------------

def weasy_one(job: tuple[str, Path]) -> Path:
    from weasyprint import HTML

    html, target = job
    HTML(string=html).write_pdf(target)
    return target


def weasy_many(jobs: list[tuple[str, Path]], workers: int = 2) -> None:
    """WeasyPrint alone on the same HTML lednet produced, one process per core."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(weasy_one, jobs))


def traced_write_pdf(job: tuple[str, Path]) -> Path:
    """lednet's own ``write_pdf``, noting when and in which process it ran (for 'cores used').

    The benchmark puts this in place of ``lednet.report.pdf.write_pdf`` while it times
    ``write_pdfs``, so lednet's own process pool runs it; the trace goes to $LEDNET_BENCH_TRACE.
    """
    import os
    import time

    from lednet.report import pdf

    started = time.monotonic()
    path = pdf.original_write_pdf(job)  # type: ignore[attr-defined]
    with open(os.environ["LEDNET_BENCH_TRACE"], "a", encoding="utf-8") as trace:
        trace.write(f"{os.getpid()} {started} {time.monotonic()}\n")
    return path


def timed_pdf(job: tuple[str, str, Path]) -> float:
    """Seconds to render one PDF through lednet's writer or through WeasyPrint alone."""
    import time

    from lednet.report.pdf import write_pdf

    kind, html, target = job
    started = time.perf_counter()
    (write_pdf if kind == "lednet" else weasy_one)((html, target))
    return time.perf_counter() - started


def naive_report(name: str, rows: list[dict[str, Any]], target: Path) -> tuple[float, float]:
    """One authority's report the straightforward way: a matplotlib chart per indicator.

    ``rows`` holds, per indicator: title, the authority's value, and every member's value.
    Charts are PNGs embedded as data URIs; WeasyPrint renders the page serially. Returns the
    seconds spent on charts and on the PDF.
    """
    import base64
    import time

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from weasyprint import HTML

    started = time.perf_counter()
    parts = [f"<h1>{htmlmod.escape(name)}: benchmark report (SYNTHETIC)</h1>"]
    for row in rows:
        values = sorted(v for v in row["values"] if v is not None)
        figure, axes = plt.subplots(figsize=(7, 2.4), dpi=96)
        colours = ["#c0392b" if v == row["value"] else "#7f8c8d" for v in values]
        axes.bar(range(len(values)), values, color=colours, width=1.0)
        axes.set_title(row["title"], fontsize=9)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
        image = base64.b64encode(buffer.getvalue()).decode()
        median = values[len(values) // 2] if values else None
        parts.append(
            f"<h2>{htmlmod.escape(row['title'])}</h2><table><tr><th>Value</th><th>Median</th>"
            f"<th>Members</th></tr><tr><td>{row['value']}</td><td>{median}</td>"
            f"<td>{len(values)}</td></tr></table>"
            f'<img style="width:100%" src="data:image/png;base64,{image}">')
    page = ("<html><head><style>@page{size:A4;margin:15mm} body{font-family:sans-serif;"
            "font-size:9pt} table{border-collapse:collapse} td,th{border:1px solid #999;"
            "padding:2px 6px}</style></head><body>" + "".join(parts) + "</body></html>")
    charted = time.perf_counter()
    HTML(string=page).write_pdf(target)
    return charted - started, time.perf_counter() - charted
