"""Read a returned workbook by its anchor: raw cell facts for every indicator, no judgement.

The reader finds each indicator's cells by the defined names the template gave them, so an
inserted row, a renamed sheet or a moved block does not shift any answer. It reports what the
officer's edits did to the structure as findings, and hands back each cell's raw facts (stored
type, value, formula, cached result, number format, hidden, merged); interpreting the values is
ingest's job.

A script can fill a template the same way: look up ``LEDNET_V_<id>`` in
``workbook.defined_names`` (see ``lednet.returns.layout``) and write to that cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ReturnError
from ..findings import Finding
from . import preflight
from .anchor import Anchor, AnchorRecord, CellPlace, read_anchor
from .structure import Locator, Spot, Spots

__all__ = ["Anchor", "CellFacts", "ReadReturn", "ReturnedIndicator", "read_return"]


@dataclass(frozen=True)
class CellFacts:
    """Raw facts of one cell, with no interpretation."""

    sheet: str
    cell: str  # A1 address, e.g. "E12"
    value: object  # stored value; for a formula cell its cached result
    data_type: str  # openpyxl's: 'n', 's', 'b', 'd', 'e' (Excel error) or 'f' (formula)
    formula: str | None
    number_format: str
    hidden: bool  # row or column hidden
    merged: bool


@dataclass(frozen=True)
class ReturnedIndicator:
    indicator: str
    value: CellFacts
    status: CellFacts | None
    note: CellFacts | None


@dataclass
class ReadReturn:
    path: Path
    anchor: Anchor
    inputs: dict[str, ReturnedIndicator]  # every authority-input indicator found, by id
    national: dict[str, ReturnedIndicator]  # locked national value cells as found now
    signoff: dict[str, str]  # "name", "role", "date" -> text ('' if blank)
    findings: list[Finding]  # structural findings (rows inserted, sheet renamed...)
    authority_name: str = ""


def read_return(path: Path, *, max_bytes: int = 20_000_000) -> ReadReturn:
    """Read a return's anchor and cells; ReturnError (with ``code``) if it is not one."""
    path = Path(path)
    preflight.check_file(path, max_bytes)
    if not preflight.mentions_lednet(path):
        raise ReturnError(f"{path.name}: a workbook, but not a lednet return (no lednet "
                          "anchor)", code="not-a-lednet-return")
    workbook = _load(path)
    record = read_anchor(workbook, path.name)

    locator = Locator(workbook, record, path.name)
    spots = locator.locate()
    facts = _cell_facts(workbook, spots)
    locator.check_cells({key: (spot, facts[spot].hidden, facts[spot].merged)
                         for key, spot in spots.items()})
    _fill_cached_results(path, facts)

    inputs, national, signoff = _assemble(record, spots, facts)
    return ReadReturn(path=path, anchor=record.anchor, inputs=inputs, national=national,
                      signoff=signoff, findings=locator.findings,
                      authority_name=record.authority_name)


def _load(path: Path) -> Workbook:
    # A file object, not a path: openpyxl refuses paths without an Excel extension, and ingest
    # reads archived copies named by their hash.
    try:
        with open(path, "rb") as stream:
            return openpyxl.load_workbook(stream, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise ReturnError(f"{path.name}: the workbook is damaged and cannot be read "
                          f"({type(exc).__name__}: {exc})", code="unreadable-workbook") from exc


def _cell_facts(workbook: Workbook, spots: Spots) -> dict[Spot, CellFacts]:
    facts: dict[Spot, CellFacts] = {}
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    hidden_columns = {title: _hidden_columns(sheet) for title, sheet in sheets.items()}
    for spot in spots.values():
        facts[spot] = _facts(sheets[spot.sheet], spot.cell, hidden_columns[spot.sheet])
    return facts


def _facts(sheet: Worksheet, address: str, hidden_columns: set[int]) -> CellFacts:
    column, row_number = coordinate_from_string(address)
    cell = sheet.cell(row=row_number, column=column_index_from_string(column))
    formula = None
    value = cell.value
    if cell.data_type == "f":
        formula = getattr(value, "text", None) or str(value)
        value = None  # the cached result is read separately, see _fill_cached_results
    row = sheet.row_dimensions.get(cell.row)
    hidden = bool(row is not None and row.hidden) or cell.column in hidden_columns
    merged = any(address in span for span in sheet.merged_cells.ranges)
    return CellFacts(sheet=sheet.title, cell=address, value=value, data_type=cell.data_type,
                     formula=formula, number_format=cell.number_format, hidden=hidden,
                     merged=merged)


def _hidden_columns(sheet: Worksheet) -> set[int]:
    """Column numbers hidden on a sheet; openpyxl keeps hidden spans as min..max ranges."""
    hidden: set[int] = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min and dimension.max:
            hidden.update(range(dimension.min, dimension.max + 1))
    return hidden


def _fill_cached_results(path: Path, facts: dict[Spot, CellFacts]) -> None:
    """Add the cached result of formula cells, from a second, read-only, values-only pass.

    Formulas are rare in returns, so the second pass costs nothing for most files.
    """
    wanted: dict[str, dict[str, Spot]] = {}
    for spot, fact in facts.items():
        if fact.formula is not None:
            wanted.setdefault(spot.sheet, {})[spot.cell] = spot
    if not wanted:
        return

    with open(path, "rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        _copy_results(workbook, wanted, facts)
        workbook.close()


def _copy_results(workbook: Workbook, wanted: dict[str, dict[str, Spot]],
                  facts: dict[Spot, CellFacts]) -> None:
    for title, cells in wanted.items():
        for row in workbook[title].iter_rows():
            for cell in row:
                found = cells.get(getattr(cell, "coordinate", ""))
                if found is not None:
                    old = facts[found]
                    facts[found] = CellFacts(old.sheet, old.cell, cell.value, old.data_type,
                                             old.formula, old.number_format, old.hidden,
                                             old.merged)


def _assemble(record: AnchorRecord, spots: Spots,
              facts: dict[Spot, CellFacts]
              ) -> tuple[dict[str, ReturnedIndicator], dict[str, ReturnedIndicator],
                         dict[str, str]]:
    inputs: dict[str, ReturnedIndicator] = {}
    national: dict[str, ReturnedIndicator] = {}
    signoff: dict[str, str] = {}
    for place in record.places:
        found = _returned(place, spots, facts)
        if place.role == "signoff":
            signoff[place.key] = _text(found.value.value) if found else ""
        elif found is not None:
            (inputs if place.role == "input" else national)[place.key] = found
    return inputs, national, signoff


def _returned(place: CellPlace, spots: Spots,
              facts: dict[Spot, CellFacts]) -> ReturnedIndicator | None:
    def fact(kind: str) -> CellFacts | None:
        spot = spots.get((place.role, place.key, kind)) if getattr(place, kind) else None
        return facts[spot] if spot is not None else None

    value = fact("value")
    if value is None:
        return None
    return ReturnedIndicator(place.key, value, fact("status"), fact("note"))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
