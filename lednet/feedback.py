"""Feedback for one authority: its own workbook with the problem cells marked, and a query list.

Files are named for sending, e.g. ``output/feedback/2012/2012_E06000014_York_feedback.xlsx``
(a copy of the return as received, problem cells filled and commented, plus a "lednet
feedback" sheet listing every query) and the same name ending ``.html`` (the query list on its
own, for a mail body or a browser). The archived original is never touched.

Officer text echoed into a workbook or CSV is escaped so it can never become a live formula:
openpyxl writes any string starting with ``=`` as one. Numbers are written as numbers.
"""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from .decisions import finding_from_row, submission_findings
from .findings import ERROR, INFO, WARNING, Finding
from .fsutil import atomic_path, atomic_write_text
from .store import Store
from .workspace import Workspace

FEEDBACK_SHEET = "lednet feedback"
_FILLS = {ERROR: PatternFill("solid", fgColor="F4B6B6"),
          WARNING: PatternFill("solid", fgColor="FFD966")}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def escape_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert; numbers left alone.

    A leading apostrophe is what Excel itself uses to mark "this is text"; text such as
    "-12.5" that is just a number is left as it is, so figures are not mangled.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def set_text(cell: Any, value: object) -> None:
    """Write a value to an openpyxl cell; text always stays text, whatever it starts with.

    openpyxl turns a string starting with "=" into a formula as it is assigned; setting the
    type back to string afterwards, with Excel's quote prefix, keeps the officer's text exactly
    as typed and inert.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True


def feedback_paths(workspace: Workspace, period: int, authority: str, name: str
                   ) -> tuple[Path, Path]:
    """Where an authority's feedback files go: (workbook, HTML query list)."""
    safe = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "authority"
    stem = f"{period}_{authority}_{safe}_feedback"
    folder = workspace.outputs_dir / "feedback" / str(period)
    return folder / f"{stem}.xlsx", folder / f"{stem}.html"


def write_feedback(workspace: Workspace, store: Store, period: int, authority: str,
                   submission_id: int | None = None) -> list[Path]:
    """Write the authority's feedback for the period; return the files written.

    The feedback is about the authority's current return, or about ``submission_id`` when
    given (a return that arrived after the period closed is kept but is not current).
    """
    if period in store.stale_network_periods():  # an interrupted ingest left outliers due
        from .ingest import period_catalogue, refresh_network_findings

        refresh_network_findings(store, period_catalogue(workspace, store, period), period)
    member = workspace.member(authority)
    name = member.name if member is not None else authority
    workbook_path, html_path = feedback_paths(workspace, period, authority, name)
    submission = (store.current_submission(period, authority) if submission_id is None else
                  store.db.execute("SELECT * FROM submissions WHERE id = ?",
                                   (submission_id,)).fetchone())
    findings, history = _gather(store, period, authority, submission)

    written = []
    archived = _archived_copy(workspace, store, submission)
    if archived is not None:
        _write_workbook(archived, workbook_path, findings)
        written.append(workbook_path)
    atomic_write_text(html_path, render_html(name, authority, period, submission, findings,
                                             history, workspace.deadline(period)))
    written.append(html_path)
    if submission_id is None:
        store.clear_feedback_due(period, authority)
    return written


def _gather(store: Store, period: int, authority: str, submission: sqlite3.Row | None
            ) -> tuple[list[Finding], list[sqlite3.Row]]:
    """The current return's findings, or, with none, the reasons its files were refused."""
    history = store.history(period, authority)
    if submission is not None:
        return submission_findings(store, submission), history
    return [finding_from_row(r) for r in store.file_rejections(period, authority)], history


def _archived_copy(workspace: Workspace, store: Store,
                   submission: sqlite3.Row | None) -> Path | None:
    if submission is None:
        return None
    row = store.known_file(submission["sha256"])
    if row is None or not row["archived_path"]:
        return None
    path = Path(row["archived_path"])
    path = path if path.is_absolute() else workspace.root / path
    return path if path.exists() else None


def _write_workbook(original: Path, target: Path, findings: list[Finding]) -> None:
    """Their own workbook, problem cells filled and commented, plus a query-list sheet."""
    workbook = openpyxl.load_workbook(original)
    _mark_cells(workbook, findings)
    _query_sheet(workbook, findings)
    with atomic_path(target) as temp:
        workbook.save(temp)


def _mark_cells(workbook: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.severity != INFO and finding.sheet in workbook.sheetnames and finding.cell:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    for (sheet, address), found in by_cell.items():
        cell = _writable(workbook[sheet], address)
        worst = ERROR if any(f.severity == ERROR for f in found) else WARNING
        cell.fill = _FILLS[worst]
        text = "\n".join(f"{f.severity.upper()} ({f.code}): {f.message}" for f in found)
        comment = Comment(text[:30000], "lednet")
        comment.width, comment.height = 320, 160
        cell.comment = comment


def _writable(sheet: Any, address: str) -> Any:
    """The cell to mark: a merged cell's comment and fill live on its range's first cell."""
    for span in sheet.merged_cells.ranges:
        if address in span:
            return sheet.cell(row=span.min_row, column=span.min_col)
    return sheet[address]


def _query_sheet(workbook: Workbook, findings: list[Finding]) -> None:
    if FEEDBACK_SHEET in workbook.sheetnames:
        del workbook[FEEDBACK_SHEET]  # a resubmitted feedback copy carries the old list
    sheet = workbook.create_sheet(FEEDBACK_SHEET, 0)
    headings = ("Severity", "Code", "Sheet", "Cell", "Indicator", "You entered", "lednet read",
                "What to do")
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=1, column=column)
        set_text(cell, heading)
        cell.font = Font(bold=True)
    for row, finding in enumerate(_ordered(findings), start=2):
        values = (finding.severity, finding.code, finding.sheet, finding.cell,
                  finding.indicator, finding.raw, finding.parsed, finding.message)
        for column, value in enumerate(values, start=1):
            set_text(sheet.cell(row=row, column=column), value)
    for letter, width in zip("ABCDEFGH", (9, 22, 14, 7, 26, 18, 14, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def _ordered(findings: list[Finding]) -> list[Finding]:
    rank = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(findings, key=lambda f: (rank[f.severity], f.sheet, _row_of(f.cell), f.cell))


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def render_html(name: str, authority: str, period: int, submission: sqlite3.Row | None,
                findings: list[Finding], history: list[sqlite3.Row], deadline: str) -> str:
    """The query list as a small self-contained HTML page; every text is escaped."""
    e = html.escape
    counts = {s: sum(1 for f in findings if f.severity == s) for s in (ERROR, WARNING, INFO)}
    signed = "" if submission is None else (
        "certified" if submission["certified"] else "provisional (sign-off incomplete)")
    outcome = "" if submission is None else str(submission["outcome"]).replace("-", " ")
    state = ("no usable return received yet" if submission is None
             else f"{outcome}, {signed}")
    rows = "\n".join(
        f"<tr class='{e(f.severity)}'><td>{e(f.severity)}</td><td>{e(f.code)}</td>"
        f"<td>{e(f.location)}</td><td>{e(f.indicator)}</td><td>{e(f.raw)}</td>"
        f"<td>{e(f.parsed)}</td><td>{e(f.message)}</td></tr>" for f in _ordered(findings))
    files = "\n".join(
        f"<li>{e(r['received_at'])}: submission {r['id']}, {e(r['outcome'])}"
        f"{', replaced' if r['superseded_by'] else ''}"
        f"{', after the period closed' if r['after_close'] else ''}</li>" for r in history)
    due = f"<p>Deadline: {e(deadline)}</p>" if deadline else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(name)} {period}: queries on your return</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #aaa;padding:.3em;vertical-align:top}}
tr.error td{{background:#f4b6b6}}tr.warning td{{background:#ffe699}}</style></head>
<body><h1>{e(name)} ({e(authority)}), period {period}: queries on your return</h1>
<p>Status: {e(state)}. {counts[ERROR]} error(s) to correct, {counts[WARNING]} warning(s) to
explain in the notes cell, {counts[INFO]} note(s) on how lednet read your figures.</p>{due}
<table><thead><tr><th>Severity</th><th>Code</th><th>Where</th><th>Indicator</th>
<th>You entered</th><th>lednet read</th><th>What to do</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>Returns received</h2><ul>
{files}
</ul></body></html>
"""
