"""The visible sheets of a return: the front sheet and one sheet per catalogue section."""

from __future__ import annotations

import math

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import Indicator
from ..store import DatasetValue
from ..values import OK, label
from . import layout
from .anchor import CellPlace
from .context import ReturnContext, describe_date
from .validation import describe_rule

UNLOCKED = Protection(locked=False)
TOP = Alignment(vertical="top")
RIGHT = Alignment(vertical="top", horizontal="right")
SMALL = Font(size=9, color="595959")
STEPS = (
    "Type each figure in its yellow cell on the Profile and Local data sheets, in the unit "
    "shown: for £000 type 1234 for £1,234,000; for % type 45 for 45%.",
    "If a figure is not available, confidential or not applicable, leave it blank and choose "
    "the reason in its Status cell ([x], [c] or [z]). Choose 'estimated' for an estimate.",
    "Where a figure is very different from your previous one (shown in grey), explain why in "
    "its Notes cell, so the coordinator does not have to ask.",
    "The blue figures on the National data sheet come from NOMIS and are locked. If one looks "
    "wrong, say so in its comments cell.",
    "Please do not insert or delete rows, rename sheets, or save in another format: send this "
    ".xlsx file back by the deadline.",
    "When the return is complete, fill in the sign-off block below. A return without it is "
    "treated as provisional.",
)
COLOUR_KEY = (
    (layout.INPUT_FILL, "You type here"),
    (layout.NATIONAL_FILL, "Filled in by lednet from national data (locked)"),
    (layout.PREVIOUS_FILL, "Your previous return, for comparison (locked)"),
)
SIGNOFF_FIELDS = (("name", "Name"), ("role", "Role"), ("date", "Date"))


def write_front(sheet: Worksheet, ctx: ReturnContext) -> list[CellPlace]:
    """Who, what, when and how, the colour key, and the sign-off block; returns its places."""
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 92
    sheet["A1"] = "Economic development benchmarking return"
    sheet["A1"].font = layout.TITLE_FONT
    sheet["A2"] = ctx.network
    sheet["A2"].font = layout.BOLD

    member = ctx.member
    facts = [
        ("Authority", f"{member.name} ({member.gss})"),
        ("Period", f"{ctx.period}: {_period_words(ctx)}"),
        ("Deadline", describe_date(ctx.deadline) if ctx.deadline else "see the covering e-mail"),
        ("Coordinator", _contact(ctx)),
    ]
    row = 4
    for name, text in facts:
        _pair(sheet, row, name, text)
        row += 1

    row = _steps(sheet, row + 1)
    row = _colour_key(sheet, row + 1)
    places = _signoff(sheet, row + 1)

    footer = sheet.cell(row=sheet.max_row + 2, column=1,
                        value=f"Template {layout.TEMPLATE_ID} v{layout.TEMPLATE_VERSION}; "
                        f"catalogue {ctx.catalogue.version} "
                        f"({ctx.catalogue.short_fingerprint})")
    footer.font = SMALL
    _finish(sheet, print_titles=False)
    return places


def write_section(sheet: Worksheet, section: str, indicators: list[Indicator],
                  ctx: ReturnContext) -> list[CellPlace]:
    """One row per indicator: label, definition, unit, previous value, value, status, notes."""
    national = section == "national"
    _title_block(sheet, section, ctx)
    _header(sheet, _headings(national, ctx))

    places = []
    for offset, indicator in enumerate(indicators):
        row = layout.FIRST_ROW + offset
        _describe(sheet, row, indicator, ctx)
        if national:
            places.append(_national_row(sheet, row, indicator, ctx))
        else:
            places.append(_input_row(sheet, row, indicator))
    _finish(sheet, print_titles=True)
    return places


# -- front sheet ----------------------------------------------------------------------------


def _period_words(ctx: ReturnContext) -> str:
    year = ctx.period
    return (f"the financial year {year - 1}/{year % 100:02d} (1 April {year - 1} to 31 March "
            f"{year}). Each figure says exactly what it covers.")


def _contact(ctx: ReturnContext) -> str:
    person = ctx.coordinator
    parts = [person.name, person.email, person.phone]
    return ", ".join(p for p in parts if p) or "see the covering e-mail"


def _pair(sheet: Worksheet, row: int, name: str, text: str) -> None:
    caption = sheet.cell(row=row, column=1, value=name)
    caption.font = layout.BOLD
    caption.alignment = layout.WRAP
    cell = sheet.cell(row=row, column=2, value=text)
    cell.alignment = layout.WRAP
    _fit_height(sheet, row, text, 92)


def _steps(sheet: Worksheet, row: int) -> int:
    sheet.cell(row=row, column=1, value="How to fill in this return").font = layout.BOLD
    for number, step in enumerate(STEPS, start=1):
        row += 1
        sheet.cell(row=row, column=1, value=f"Step {number}").alignment = layout.WRAP
        cell = sheet.cell(row=row, column=2, value=step)
        cell.alignment = layout.WRAP
        _fit_height(sheet, row, step, 92)
    return row + 1


def _colour_key(sheet: Worksheet, row: int) -> int:
    sheet.cell(row=row, column=1, value="What the colours mean").font = layout.BOLD
    for fill, meaning in COLOUR_KEY:
        row += 1
        swatch = sheet.cell(row=row, column=1)
        swatch.fill = fill
        swatch.border = layout.BOX
        sheet.cell(row=row, column=2, value=meaning)
    return row + 1


def _signoff(sheet: Worksheet, row: int) -> list[CellPlace]:
    sheet.cell(row=row, column=1, value="Sign-off").font = layout.BOLD
    note = "Signed off by the officer responsible for this return."
    sheet.cell(row=row, column=2, value=note)
    places = []
    for field, caption in SIGNOFF_FIELDS:
        row += 1
        sheet.cell(row=row, column=1, value=caption)
        cell = sheet.cell(row=row, column=2)
        _input(cell)
        if field == "date":
            cell.number_format = "dd/mm/yyyy"
        places.append(CellPlace("signoff", field, sheet.title, cell.coordinate))
    return places


# -- data sheets ----------------------------------------------------------------------------


def _title_block(sheet: Worksheet, section: str, ctx: ReturnContext) -> None:
    title = layout.SECTION_SHEETS[section]
    sheet.cell(row=layout.TITLE_ROW, column=1,
               value=f"{title}: {ctx.member.name} ({ctx.member.gss}), period {ctx.period}"
               ).font = layout.TITLE_FONT
    if section == "national":
        text = ("Filled in by lednet from NOMIS and locked. If a figure looks wrong, say so in "
                "its comments cell.")
    else:
        text = ("Type each figure in its yellow cell in the unit shown. If you cannot give a "
                "figure, leave it blank and choose a reason in its Status cell.")
    sheet.cell(row=layout.SUBTITLE_ROW, column=1, value=text)


def _headings(national: bool, ctx: ReturnContext) -> list[str]:
    previous = (f"Your {ctx.previous_period} figure" if ctx.previous_period
                else "Previous figure")
    if national:
        previous = previous.replace("Your ", "")
        return ["Indicator", "Definition", "Unit", previous, "Figure", "Status", "Source",
                "Your comments"]
    return ["Indicator", "What to enter", "Unit", previous, "Your figure", "Status",
            "Notes / explanation"]


def _header(sheet: Worksheet, headings: list[str]) -> None:
    for column, text in enumerate(headings, start=1):
        cell = sheet.cell(row=layout.HEADER_ROW, column=column, value=text)
        cell.font = layout.HEADER_FONT
        cell.fill = layout.HEADER_FILL
        cell.alignment = layout.WRAP
        cell.border = layout.BOX
    for letter, width in layout.COLUMN_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    if len(headings) > len(layout.COLUMN_WIDTHS):
        sheet.column_dimensions[layout.SOURCE_COL].width = layout.SOURCE_WIDTH
        sheet.column_dimensions[layout.COMMENT_COL].width = layout.COMMENT_WIDTH
    sheet.row_dimensions[layout.HEADER_ROW].height = 30


def _describe(sheet: Worksheet, row: int, indicator: Indicator, ctx: ReturnContext) -> None:
    """Label, definition (with what the period covers and the rule) and unit."""
    text = definition_text(indicator, ctx.period)
    cells = [
        sheet.cell(row=row, column=1, value=indicator.label),
        sheet.cell(row=row, column=2, value=text),
        sheet.cell(row=row, column=3, value=indicator.unit_label),
    ]
    for cell in cells:
        cell.alignment = layout.WRAP
        cell.border = layout.BOX
    cells[0].font = layout.BOLD
    _fit_height(sheet, row, text, layout.COLUMN_WIDTHS["B"])

    previous = sheet.cell(row=row, column=4)
    _previous(previous, indicator, ctx.previous.get(indicator.id))


def definition_text(indicator: Indicator, period: int, with_rule: bool = True) -> str:
    """The definition, what the figure covers for the period, the rule, and where to find it."""
    lines = [" ".join(indicator.definition.split()),
             f"For {period}: {indicator.describe_period(period)}."]
    if indicator.is_input and with_rule:
        required = "Required" if indicator.required else "Optional"
        lines.append(f"{required}: {describe_rule(indicator)}.")
    if indicator.statutory_source:
        lines.append(f"Source: {indicator.statutory_source}.")
    return "\n".join(lines)


def _previous(cell: Cell, indicator: Indicator, value: DatasetValue | None) -> None:
    cell.fill = layout.PREVIOUS_FILL
    cell.border = layout.BOX
    cell.alignment = layout.WRAP
    if value is None:
        cell.value = "none held"
        cell.font = SMALL
    elif value.text_value:
        cell.value = value.text_value
    elif value.value is None:
        cell.value = label(value.status)
        cell.font = SMALL
    else:
        cell.value = value.value
        cell.number_format = layout.number_format(indicator)


def _input_row(sheet: Worksheet, row: int, indicator: Indicator) -> CellPlace:
    value = sheet[f"{layout.VALUE_COL}{row}"]
    status = sheet[f"{layout.STATUS_COL}{row}"]
    note = sheet[f"{layout.NOTE_COL}{row}"]
    for cell in (value, status, note):
        _input(cell)
    value.number_format = layout.number_format(indicator)
    note.alignment = layout.WRAP
    return CellPlace("input", indicator.id, sheet.title, value.coordinate, status.coordinate,
                     note.coordinate, indicator.label)


def _national_row(sheet: Worksheet, row: int, indicator: Indicator,
                  ctx: ReturnContext) -> CellPlace:
    figure = ctx.national_figure(indicator.id)
    value = sheet[f"{layout.VALUE_COL}{row}"]
    status = sheet[f"{layout.STATUS_COL}{row}"]
    source = sheet[f"{layout.SOURCE_COL}{row}"]
    comment = sheet[f"{layout.COMMENT_COL}{row}"]

    if figure.value is None:
        # A marker, never a blank or a zero that could be mistaken for a figure.
        value.value = "[x]"
        value.alignment = RIGHT
        status.value = f"[x] not available: {label(figure.status)}"
    else:
        value.value = figure.value
        value.number_format = layout.number_format(indicator)
        value.alignment = TOP
        status.value = "as published" if figure.status == OK else label(figure.status)
    source.value = figure.source
    for cell in (value, status, source):
        cell.fill = layout.NATIONAL_FILL
        cell.border = layout.BOX
    status.alignment = source.alignment = layout.WRAP
    _input(comment)
    comment.alignment = layout.WRAP
    return CellPlace("national", indicator.id, sheet.title, value.coordinate, status.coordinate,
                     comment.coordinate, indicator.label)


# -- shared ---------------------------------------------------------------------------------


def _input(cell: Cell) -> None:
    cell.protection = UNLOCKED
    cell.fill = layout.INPUT_FILL
    cell.border = layout.BOX
    cell.alignment = TOP


def _fit_height(sheet: Worksheet, row: int, text: str, width: float) -> None:
    """Excel does not grow a row for wrapped text it did not type itself, so estimate it."""
    per_line = max(int(width * 1.2), 10)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    height = max(15.0, 13.0 * lines + 4)
    current = sheet.row_dimensions[row].height or 0
    sheet.row_dimensions[row].height = max(height, current)


def _finish(sheet: Worksheet, *, print_titles: bool) -> None:
    """Protection, frozen header, and printing: landscape A4, one page wide."""
    sheet.protection.sheet = True
    # Officers may still widen columns and rows to read long text.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if print_titles:
        sheet.freeze_panes = f"B{layout.FIRST_ROW}"
        sheet.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
