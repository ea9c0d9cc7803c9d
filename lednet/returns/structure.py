"""Find a return's cells by their defined names and say what the officer's edits moved.

Each cell the template made carries a defined name, and the anchor remembers where the template
put it. Comparing the two tells an inserted row from a deleted one, a renamed sheet from a
deleted one, and a cell cut and pasted elsewhere from a row that merely shifted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
)
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from ..findings import WARNING, Finding
from . import layout
from .anchor import AnchorRecord, CellPlace

KINDS = ("value", "status", "note")
_KIND_WORDS = {"value": "value", "status": "status", "note": "notes"}


@dataclass(frozen=True)
class Spot:
    """Where a cell is now: sheet title and A1 address."""

    sheet: str
    cell: str


Key = tuple[str, str, str]  # role, indicator id (or sign-off field), kind
Spots = dict[Key, Spot]


def name_for(place: CellPlace, kind: str) -> str:
    """The defined name the template gave one of a place's cells."""
    if place.role == "signoff":
        return layout.SIGNOFF_NAMES[place.key]
    return {"value": layout.value_name, "status": layout.status_name,
            "note": layout.note_name}[kind](place.key)


class Locator:
    """Resolves every place in the anchor to a cell, collecting structural findings."""

    def __init__(self, workbook: Workbook, record: AnchorRecord, file_name: str) -> None:
        self.workbook = workbook
        self.record = record
        self.file_name = file_name
        self.findings: list[Finding] = []
        self._missing: set[tuple[str, str]] = set()
        self._sheets_reported: set[tuple[str, str]] = set()
        self._labels = {p.key: p.label for p in record.places if p.label}
        self._titles = set(workbook.sheetnames)

    def locate(self) -> Spots:
        spots: Spots = {}
        for place in self.record.places:
            for kind in KINDS:
                if getattr(place, kind):
                    spot = self._resolve(place, kind)
                    if spot is not None:
                        spots[(place.role, place.key, kind)] = spot

        self._check_sheets(spots)
        self._check_rows(spots)
        return spots

    def check_cells(self, states: dict[Key, tuple[Spot, bool, bool]]) -> None:
        """Findings for input cells that are hidden or merged: (spot, hidden, merged) by key."""
        for (role, key, kind), (spot, hidden, merged) in states.items():
            if role == "national":
                continue
            what = f"the {_KIND_WORDS[kind]} cell for {self._label(role, key)}"
            if merged:
                self._add("cell-merged", f"{what} was merged with its neighbours; unmerge it",
                          spot, key)
            if hidden:
                self._add("cell-hidden", f"{what} is in a hidden row or column", spot, key)

    # -- resolving names ------------------------------------------------------------------

    def _resolve(self, place: CellPlace, kind: str) -> Spot | None:
        name = name_for(place, kind)
        defined = self.workbook.defined_names.get(name)
        original = Spot(place.sheet, getattr(place, kind))
        if defined is None:
            return self._fallback(place, kind, name, original)

        text = defined.attr_text or ""
        if text.startswith("#REF!"):
            # Excel writes a bare #REF! when the sheet went; LibreOffice also when only the
            # row did. If the template's sheet is still there, it was the row.
            if original.sheet in self._titles:
                self._cell_missing(place, kind, original)
            else:
                self._sheet_missing(original.sheet, place)
            return None
        destination = _destination(text)
        if "#REF!" in text or destination is None:
            self._cell_missing(place, kind, original)
            return None

        title, ref = destination
        if title not in self._titles:
            self._sheet_missing(title, place)
            return None
        return Spot(title, ref.replace("$", "").split(":")[0])

    def _fallback(self, place: CellPlace, kind: str, name: str, original: Spot) -> Spot | None:
        """A name was deleted (or dropped by another program): use the template's address."""
        if original.sheet not in self._titles:
            self._cell_missing(place, kind, original)
            return None
        self._add("anchor-damaged", f"the name {name} that marks the {_KIND_WORDS[kind]} cell "
                  f"for {self._label(place.role, place.key)} is missing; read "
                  f"{original.sheet}!{original.cell}, where the template put it",
                  original, place.key, severity=WARNING)
        return original

    def _cell_missing(self, place: CellPlace, kind: str, original: Spot) -> None:
        if (place.role, place.key) in self._missing:
            return
        self._missing.add((place.role, place.key))
        self._add("cell-missing", f"the {_KIND_WORDS[kind]} cell for "
                  f"{self._label(place.role, place.key)} was deleted (its row or column was "
                  "removed); use a fresh template or restore the row", original, place.key)

    def _sheet_missing(self, title: str, place: CellPlace) -> None:
        self._missing.add((place.role, place.key))
        if ("missing", title) in self._sheets_reported:
            return
        self._sheets_reported.add(("missing", title))
        self._add("sheet-missing", f"the sheet '{title}' was deleted; its values cannot be "
                  "read", Spot(title, ""), "")

    # -- comparing with the template ------------------------------------------------------

    def _check_sheets(self, spots: Spots) -> None:
        renamed: dict[str, str] = {}
        for place in self.record.places:
            spot = spots.get((place.role, place.key, "value"))
            if spot is not None and spot.sheet != place.sheet:
                renamed.setdefault(place.sheet, spot.sheet)
        for old, new in sorted(renamed.items()):
            self._add("sheet-renamed", f"the sheet '{old}' was renamed '{new}'; its values "
                      "were still found", Spot(new, ""), "")

        holding = {spot.sheet for (role, _k, _c), spot in spots.items() if role != "national"}
        for title in sorted(holding):
            if self.workbook[title].sheet_state != "visible":
                self._add("sheet-hidden", f"the sheet '{title}' holds input cells but was "
                          "hidden; unhide it", Spot(title, ""), "")

    def _check_rows(self, spots: Spots) -> None:
        """Per sheet, in template order: a change in row offset marks rows inserted or deleted."""
        offsets: dict[str, int] = {}
        for place in sorted(self.record.places, key=_template_order):
            spot = spots.get((place.role, place.key, "value"))
            if spot is None:
                continue
            old_col, old_row = _split(place.value)
            col, row = _split(spot.cell)
            if self._check_columns(place, spots, col - old_col):
                continue
            shown = self._label_beside(place, spot.sheet, row)
            if shown is not None:
                self._label_mismatch(place, spot, old_row, row, shown)
                continue

            offset = row - old_row
            previous = offsets.get(spot.sheet, 0)
            offsets[spot.sheet] = offset
            if offset != previous:
                self._rows_changed(place, spot, offset - previous)

    def _check_columns(self, place: CellPlace, spots: Spots, shift: int) -> bool:
        if shift == 0:
            return False
        spot = spots[(place.role, place.key, "value")]
        self._add("cell-moved", f"the value cell for {self._label(place.role, place.key)} "
                  f"moved from column {_column(place.value)} to column {_column(spot.cell)}",
                  spot, place.key)
        return True

    def _label_beside(self, place: CellPlace, title: str, row: int) -> str | None:
        """The label now shown beside the value cell, or None when it is the right one."""
        if not place.label:
            return None
        column = column_index_from_string(layout.LABEL_COL)
        found = str(self.workbook[title].cell(row=row, column=column).value or "").strip()
        return None if found == place.label.strip() else found

    def _label_mismatch(self, place: CellPlace, spot: Spot, old_row: int, row: int,
                        shown: str) -> None:
        """The value cell no longer sits beside its label: cut and pasted, or rows sorted."""
        label = self._label(place.role, place.key)
        if row != old_row:
            message = f"the cells for {label} were moved from row {old_row} to row {row}"
        else:
            message = (f"the row of the cells for {label} now shows the label '{shown}': were "
                       "the rows sorted or pasted over? Check that the figure is the right one")
        self._add("cell-moved", message, spot, place.key)

    def _rows_changed(self, place: CellPlace, spot: Spot, change: int) -> None:
        label = self._label(place.role, place.key)
        if change > 0:
            self._add("rows-inserted", f"{change} row(s) were inserted above {label} on "
                      f"'{spot.sheet}'; values were still found by indicator id", spot,
                      place.key)
        else:
            self._add("rows-deleted", f"{-change} row(s) were deleted above {label} on "
                      f"'{spot.sheet}'; values were still found by indicator id", spot,
                      place.key)

    # -- helpers --------------------------------------------------------------------------

    def _label(self, role: str, key: str) -> str:
        if role == "signoff":
            return f"the sign-off {key}"
        label = self._labels.get(key)
        return f"'{label}' ({key})" if label else key

    def _add(self, code: str, message: str, spot: Spot, indicator: str,
             severity: str = "") -> None:
        self.findings.append(Finding(
            code=code, message=message, severity=severity, authority=self.record.anchor.authority,
            file=self.file_name, sheet=spot.sheet, cell=spot.cell, indicator=indicator))


_CELL = r"\$?[A-Z]{1,3}\$?\d+"
_SIMPLE_REFERENCE = re.compile(rf"^(?:'((?:[^']|'')+)'|([^'!]+))!({_CELL}(?::{_CELL})?)$")


def _destination(text: str) -> tuple[str, str] | None:
    """Sheet and cell of a name such as ``'Local data'!$E$5``.

    A regular expression for the one shape Excel and lednet write; openpyxl's formula
    tokenizer, used for anything else, costs more than the rest of the reading together.
    """
    match = _SIMPLE_REFERENCE.match(text)
    if match:
        quoted, bare, ref = match.groups()
        return (quoted.replace("''", "'") if quoted else bare), ref
    destinations = list(DefinedName("x", attr_text=text).destinations)
    if not destinations or not destinations[0][1]:
        return None
    return destinations[0]


def _template_order(place: CellPlace) -> tuple[str, int]:
    return place.sheet, _split(place.value)[1]


def _split(address: str) -> tuple[int, int]:
    column, row = coordinate_from_string(address)
    return column_index_from_string(column), row


def _column(address: str) -> str:
    return get_column_letter(_split(address)[0])
