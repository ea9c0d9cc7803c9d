"""Change a return workbook from a script: fill it by indicator id, or edit it as Excel would.

``fill`` writes figures, statuses, notes and the sign-off block through the defined names, so a
demo or a test can make a return without knowing the layout. ``insert_rows`` and
``delete_rows`` do what Excel does and openpyxl does not: move the defined names, data
validations and merged cells with the rows, and turn names of deleted cells into ``#REF!``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

from . import layout


def cell_for(workbook: Workbook, name: str) -> Cell | None:
    """The cell a defined name points at, or None if the name is missing or broken."""
    defined = workbook.defined_names.get(name)
    if defined is None or "#REF!" in (defined.attr_text or ""):
        return None
    destinations = list(defined.destinations)
    if not destinations or destinations[0][0] not in workbook.sheetnames:
        return None
    title, ref = destinations[0]
    cell = workbook[title][ref.replace("$", "").split(":")[0]]
    return cell if isinstance(cell, Cell) else None


def fill(workbook: Workbook, values: Mapping[str, Any], *,
         statuses: Mapping[str, str] | None = None, notes: Mapping[str, str] | None = None,
         signoff: Mapping[str, Any] | None = None) -> None:
    """Type values (by indicator id), statuses, notes and the sign-off (name, role, date)."""
    cells = [(layout.value_name, values), (layout.status_name, statuses or {}),
             (layout.note_name, notes or {})]
    for naming, given in cells:
        for ident, value in given.items():
            _set(workbook, naming(ident), value)
    for key, value in (signoff or {}).items():
        _set(workbook, layout.SIGNOFF_NAMES[key], value)


def _set(workbook: Workbook, name: str, value: Any) -> None:
    cell = cell_for(workbook, name)
    if cell is None:
        raise KeyError(f"the workbook has no cell named {name}")
    cell.value = value


def insert_rows(workbook: Workbook, title: str, index: int, amount: int = 1) -> None:
    """Insert ``amount`` rows before row ``index`` of a sheet, the way Excel does."""
    sheet = workbook[title]
    sheet.insert_rows(index, amount)
    _shift_names(workbook, title, index, amount)
    _shift_validations(sheet, index, amount)
    _shift_merged(sheet, index, amount)


def delete_rows(workbook: Workbook, title: str, index: int, amount: int = 1) -> None:
    """Delete rows ``index`` to ``index + amount - 1`` of a sheet, the way Excel does."""
    sheet = workbook[title]
    sheet.delete_rows(index, amount)
    _shift_names(workbook, title, index, -amount)
    _shift_validations(sheet, index, -amount)
    _shift_merged(sheet, index, -amount)


def _shift_names(workbook: Workbook, title: str, index: int, amount: int) -> None:
    for name, defined in list(workbook.defined_names.items()):
        destinations = list(defined.destinations)
        if len(destinations) != 1 or destinations[0][0] != title or not destinations[0][1]:
            continue
        area = CellRange(destinations[0][1].replace("$", ""))
        moved = _moved(area, index, amount)
        if moved is None:
            text = f"{layout.reference(title, 'A1').split('!')[0]}!#REF!"
        else:
            text = _absolute(title, moved)
        workbook.defined_names[name] = DefinedName(name, attr_text=text)


def _shift_validations(sheet: Any, index: int, amount: int) -> None:
    for rule in list(sheet.data_validations.dataValidation):
        kept = [r for r in (_moved(r, index, amount) for r in rule.sqref.ranges) if r]
        if kept:
            rule.sqref = MultiCellRange([r.coord for r in kept])
        else:
            sheet.data_validations.dataValidation.remove(rule)


def _shift_merged(sheet: Any, index: int, amount: int) -> None:
    spans = list(sheet.merged_cells.ranges)
    for span in spans:
        sheet.merged_cells.remove(span)
    for span in spans:
        moved = _moved(span, index, amount)
        if moved is not None:
            sheet.merged_cells.add(moved)


def _moved(area: CellRange, index: int, amount: int) -> CellRange | None:
    """Where a range goes when rows are inserted (amount > 0) or deleted (amount < 0)."""
    low, high = area.min_row, area.max_row
    if amount > 0:
        low = low + amount if low >= index else low
        high = high + amount if high >= index else high
    else:
        gone = range(index, index - amount)
        if low in gone and high in gone:
            return None
        low = index if low in gone else (low + amount if low > index else low)
        high = index - 1 if high in gone else (high + amount if high > index else high)
    return CellRange(min_col=area.min_col, min_row=low, max_col=area.max_col, max_row=high)


def _absolute(title: str, area: CellRange) -> str:
    start = layout.reference(title, f"{get_column_letter(area.min_col)}{area.min_row}")
    if area.min_row == area.max_row and area.min_col == area.max_col:
        return start
    return f"{start}:${get_column_letter(area.max_col)}${area.max_row}"
