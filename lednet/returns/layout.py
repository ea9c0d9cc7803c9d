"""The shape of a return workbook, in one place for the writer and the reader.

Sheet names, columns, colours, number formats and the defined-name scheme live here so that
``template`` (which writes returns) and ``reader`` (which reads them back) cannot drift apart.

Defined names are the contract for finding cells. Every input cell carries a workbook-level
name built from the indicator id: ``LEDNET_V_<id>`` (value), ``LEDNET_S_<id>`` (status) and
``LEDNET_N_<id>`` (notes); national cells carry ``LEDNET_V_`` and ``LEDNET_S_`` names too;
the sign-off block is ``LEDNET_SIGN_NAME``, ``LEDNET_SIGN_ROLE`` and ``LEDNET_SIGN_DATE``.
Excel moves names with their cells when rows are inserted or sheets renamed, so a reader that
looks cells up by name finds them wherever the officer's edits have put them.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import quote_sheetname

from ..catalogue import Indicator

TEMPLATE_ID = "lednet-return"
TEMPLATE_VERSION = "1"

FRONT_SHEET = "Front"
SECTION_SHEETS = {"profile": "Profile", "national": "National data", "local": "Local data"}
INPUT_SECTIONS = ("profile", "local")
ANCHOR_SHEET = "lednet_anchor"

# Data sheets: a title block, then one row per indicator from FIRST_ROW down.
TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 4
FIRST_ROW = 5
LABEL_COL = "A"
DEFINITION_COL = "B"
UNIT_COL = "C"
PREVIOUS_COL = "D"
VALUE_COL = "E"
STATUS_COL = "F"
NOTE_COL = "G"
SOURCE_COL = "G"  # national sheet: where the figure came from
COMMENT_COL = "H"  # national sheet: the officer's comments
COMMENT_WIDTH = 30
SOURCE_WIDTH = 46
COLUMN_WIDTHS = {"A": 30, "B": 58, "C": 10, "D": 14, "E": 16, "F": 22, "G": 40}

# Excel's own limits, which openpyxl does not enforce; going over makes Excel call the file
# corrupt and offer to "repair" it by deleting the validations.
SHEET_NAME_LIMIT = 31
TITLE_LIMIT = 32
MESSAGE_LIMIT = 255
LIST_LIMIT = 255

NAME_PREFIX = "LEDNET_"
ANCHOR_NAME = "LEDNET_ANCHOR"
SIGNOFF_NAMES = {"name": "LEDNET_SIGN_NAME", "role": "LEDNET_SIGN_ROLE",
                 "date": "LEDNET_SIGN_DATE"}

# Colours: pale yellow for what the officer types, pale blue for figures lednet filled in.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NATIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
PREVIOUS_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def value_name(indicator_id: str) -> str:
    return f"{NAME_PREFIX}V_{indicator_id}"


def status_name(indicator_id: str) -> str:
    return f"{NAME_PREFIX}S_{indicator_id}"


def note_name(indicator_id: str) -> str:
    return f"{NAME_PREFIX}N_{indicator_id}"


def reference(sheet: str, cell: str) -> str:
    """An absolute reference such as ``'Local data'!$E$12``, as a defined name holds it."""
    column = "".join(ch for ch in cell if ch.isalpha())
    row = "".join(ch for ch in cell if ch.isdigit())
    return f"{quote_sheetname(sheet)}!${column}${row}"


def number_format(indicator: Indicator) -> str:
    """The Excel number format for an indicator's unit and decimals.

    Percentages are typed as percentage points (45 means 45%), as the catalogue stores them,
    so the format appends a literal "%" rather than using Excel's percent format, which would
    show 45 as 4500%. An officer who types "45%" gets 0.45 stored; ingest reports that.
    """
    if indicator.type == "choice":
        return "@"
    digits = "0" * indicator.decimals
    number = "#,##0" + (f".{digits}" if digits else "")
    if indicator.unit == "gbp":
        return f'"£"{number}'
    if indicator.unit == "gbp_thousands":
        return f'"£"{number}"k"'
    if indicator.unit == "percent":
        return f'{number}"%"'
    return number


def limit(text: str, size: int) -> str:
    """Cut text to ``size`` characters, ending with an ellipsis when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    return text[: size - 1].rstrip() + "…"


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\ characters and at most 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip("' ")
    return limit(cleaned, SHEET_NAME_LIMIT) or "Sheet"
