"""The anchor: a very hidden, protected sheet that says what a return is and where its cells were.

It holds the template id and version, the catalogue fingerprint and version, the authority and
period, the national values as issued, and the address each input cell was given, so the reader
can tell an inserted row or a renamed sheet from a template that was never lednet's. A checksum
over that content shows whether anyone edited the sheet.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ReturnError
from . import layout

_FIELDS = ("template_id", "template_version", "catalogue_fingerprint", "catalogue_version",
           "authority", "authority_name", "period")
_NOTICE = "lednet return anchor: identifies this return and its cells. Do not edit."


@dataclass(frozen=True)
class Anchor:
    """What the template said about itself when it was issued."""

    template_id: str
    template_version: str
    catalogue_fingerprint: str
    catalogue_version: str
    authority: str
    period: int
    issued_national: dict[str, float | None]


@dataclass(frozen=True)
class CellPlace:
    """Where the template put one indicator's cells (or the sign-off block's)."""

    role: str  # input, national or signoff
    key: str  # indicator id, or name/role/date for the sign-off block
    sheet: str
    value: str
    status: str = ""
    note: str = ""
    label: str = ""


@dataclass
class AnchorRecord:
    """The anchor plus the cell map and the choice lists that validations point at."""

    anchor: Anchor
    authority_name: str
    places: list[CellPlace]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def checksum(self) -> str:
        content = {
            "fields": [str(v) for v in _field_values(self).values()],
            "national": sorted((k, _plain(v)) for k, v in self.anchor.issued_national.items()),
            "places": [[p.role, p.key, p.sheet, p.value, p.status, p.note, p.label]
                       for p in self.places],
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _plain(value: float | None) -> float | None:
    return None if value is None else float(value)


def write_anchor(workbook: Workbook, record: AnchorRecord) -> dict[str, str]:
    """Add the anchor sheet; return each choice list's range, for the validations to use."""
    sheet = workbook.create_sheet(layout.ANCHOR_SHEET)
    sheet.append([_NOTICE])
    sheet.append([])
    values = _field_values(record)
    for name in _FIELDS:
        sheet.append(["field", name, values[name]])
    sheet.append(["field", "checksum", record.checksum()])

    for place in record.places:
        # None rather than "" for absent cells: an empty string is not a value Excel expects.
        sheet.append(["cell", place.role, place.key, place.sheet, place.value,
                      place.status or None, place.note or None, place.label or None])
    for ident, value in record.anchor.issued_national.items():
        sheet.append(["national", ident, value])
    ranges = _write_lists(sheet, record.lists)

    # Very hidden: not listed by Excel's Unhide command, so an officer cannot stumble on it.
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
    workbook.defined_names[layout.ANCHOR_NAME] = DefinedName(
        layout.ANCHOR_NAME, attr_text=layout.reference(sheet.title, "A1"))
    return ranges


def _field_values(record: AnchorRecord) -> dict[str, Any]:
    anchor = record.anchor
    return {"template_id": anchor.template_id, "template_version": anchor.template_version,
            "catalogue_fingerprint": anchor.catalogue_fingerprint,
            "catalogue_version": anchor.catalogue_version, "authority": anchor.authority,
            "authority_name": record.authority_name, "period": anchor.period}


def _write_lists(sheet: Worksheet, lists: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Choice lists too long for an inline validation list, one row each."""
    ranges: dict[str, str] = {}
    for ident, choices in lists.items():
        sheet.append(["list", ident, *choices])
        row = sheet.max_row
        last = sheet.cell(row=row, column=2 + len(choices)).column_letter
        start, end = layout.reference(sheet.title, f"C{row}"), f"${last}${row}"
        ranges[ident] = f"{start}:{end}"
    return ranges


def find_anchor_sheet(workbook: Workbook) -> Worksheet | None:
    """The anchor sheet, by its defined name first and by its sheet name second."""
    name = workbook.defined_names.get(layout.ANCHOR_NAME)
    if name is not None:
        for title, _cell in name.destinations:
            if title in workbook.sheetnames:
                return workbook[title]
    if layout.ANCHOR_SHEET in workbook.sheetnames:
        return workbook[layout.ANCHOR_SHEET]
    return None


def read_anchor(workbook: Workbook, file_name: str) -> AnchorRecord:
    """Read and check the anchor; ReturnError when it is missing or was edited."""
    sheet = find_anchor_sheet(workbook)
    if sheet is None:
        if any(n.startswith(layout.NAME_PREFIX) for n in workbook.defined_names):
            raise ReturnError(f"{file_name}: the hidden lednet anchor sheet was removed, so the "
                              "return cannot be identified; send the template again",
                              code="anchor-damaged")
        raise ReturnError(f"{file_name}: a workbook, but not a lednet return (no lednet anchor)",
                          code="not-a-lednet-return")

    fields, places, national = _parse_rows(sheet)
    try:
        record = _build_record(fields, places, national)
    except (KeyError, ValueError) as exc:
        raise ReturnError(f"{file_name}: the hidden lednet anchor sheet is damaged ({exc}); "
                          "send the template again", code="anchor-damaged") from exc

    if fields.get("template_id") != layout.TEMPLATE_ID:
        raise ReturnError(f"{file_name}: a workbook, but not a lednet return (unknown template "
                          f"id {fields.get('template_id')!r})", code="not-a-lednet-return")
    if fields.get("checksum") != record.checksum():
        raise ReturnError(f"{file_name}: the hidden lednet anchor sheet was edited, so the return "
                          "cannot be trusted; send the template again", code="anchor-damaged")
    return record


def _parse_rows(sheet: Worksheet) -> tuple[dict[str, Any], list[CellPlace], dict[str, Any]]:
    fields: dict[str, Any] = {}
    places: list[CellPlace] = []
    national: dict[str, Any] = {}
    for cells in sheet.iter_rows(values_only=True):
        row = tuple(cells) + (None,) * 8  # another program may drop trailing empty cells
        kind = row[0]
        if kind == "field":
            fields[str(row[1])] = row[2]
        elif kind == "cell":
            text = ["" if v is None else str(v) for v in row[1:8]]
            places.append(CellPlace(*text))
        elif kind == "national":
            national[str(row[1])] = row[2]
    return fields, places, national


def _build_record(fields: dict[str, Any], places: list[CellPlace],
                  national: dict[str, Any]) -> AnchorRecord:
    issued = {k: _issued_value(v) for k, v in national.items()}
    anchor = Anchor(
        template_id=str(fields["template_id"]), template_version=str(fields["template_version"]),
        catalogue_fingerprint=str(fields["catalogue_fingerprint"]),
        catalogue_version=str(fields["catalogue_version"]), authority=str(fields["authority"]),
        period=int(fields["period"]), issued_national=issued)
    return AnchorRecord(anchor, str(fields.get("authority_name") or ""), places)


def _issued_value(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"issued national value {value!r} is not a number")
    return float(value)
