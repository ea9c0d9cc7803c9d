"""read_return: verdicts for files that are not returns, and structural findings for edited ones."""

from __future__ import annotations

import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from lednet.errors import ReturnError
from lednet.returns import editing
from lednet.returns.reader import read_return
from lednet.returns.template import make_templates
from lednet.workspace import load_workspace
from tests.conftest import DATA, EXAMPLE
from tests.test_returns_template import PERIOD, YORK, national_value, seed_store

REFERENCE = DATA / "reference"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reader")
    for name in ("lednet.yaml", "members.yaml", "exclusions.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    workspace = load_workspace(folder)
    seed_store(workspace)
    return make_templates(workspace, PERIOD, authorities=[YORK], guidance=False).paths[0]


@pytest.fixture
def edit(template: Path, tmp_path: Path) -> Callable[[Callable[[openpyxl.Workbook], None]], Path]:
    """Apply an edit to a copy of the template, save it, and return the new file."""

    def apply(change: Callable[[openpyxl.Workbook], None]) -> Path:
        workbook = openpyxl.load_workbook(template)
        change(workbook)
        target = tmp_path / "edited.xlsx"
        workbook.save(target)
        return target

    return apply


def codes(path: Path) -> list[tuple[str, str, str]]:
    return [(f.code, f.sheet, f.cell) for f in read_return(path).findings]


# -- files that are not returns -------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zipped(tmp_path: Path, name: str, parts: dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            package.writestr(part, data)
    return path


def corrupt(path: Path) -> Path:
    """Flip bytes in the middle of the first compressed part, as a damaged download would."""
    data = bytearray(path.read_bytes())
    for offset in range(60, 80):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
VERDICTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("pdf", lambda d: write(d, "r.xlsx", b"%PDF-1.7\n..."), "not-a-workbook"),
    ("csv", lambda d: write(d, "r.xlsx", b"indicator,value\ndwellings,1234\n"), "not-a-workbook"),
    ("html", lambda d: write(d, "r.xlsx", b"<html><body>x</body></html>"), "not-a-workbook"),
    ("legacy-xls", lambda d: shutil.copy(REFERENCE / "cipfa-librarydata__example_09.xls",
                                         d / "r.xlsx"), "legacy-xls"),
    ("encrypted", lambda d: write(d, "r.xlsx", OLE + b"\0" * 500
                                  + "EncryptionInfo".encode("utf-16-le")), "encrypted-workbook"),
    ("other-ole", lambda d: write(d, "r.doc", OLE + b"\0" * 500), "not-a-workbook"),
    ("word-docx", lambda d: zipped(d, "r.xlsx", {"word/document.xml": b"<w/>"}),
     "not-a-workbook"),
    ("empty", lambda d: write(d, "r.xlsx", b""), "not-a-workbook"),
    ("folder", lambda d: (d / "r.xlsx").mkdir() or d / "r.xlsx", "not-a-workbook"),
    ("corrupt-workbook-part", lambda d: corrupt(zipped(d, "r.xlsx", {
        "xl/workbook.xml": b"<workbook>" + b"LEDNET_" * 500 + b"</workbook>"})),
     "unreadable-workbook"),
    ("truncated-zip", lambda d: write(d, "r.xlsx", b"PK\x03\x04" + b"\0" * 100),
     "unreadable-workbook"),
    ("other-workbook", lambda d: shutil.copy(REFERENCE / "cipfa-librarydata__Bolton.xlsx",
                                             d / "r.xlsx"), "not-a-lednet-return"),
    ("boundary-commission", lambda d: shutil.copy(
        REFERENCE / "openregister__lgbce_english-councils.xlsx", d / "r.xlsx"),
     "not-a-lednet-return"),
]


@pytest.mark.parametrize(("make", "code"), [(m, c) for _n, m, c in VERDICTS],
                         ids=[n for n, _m, _c in VERDICTS])
def test_files_that_are_not_returns_get_a_verdict(tmp_path: Path, make: Callable[[Path], Path],
                                                  code: str) -> None:
    path = Path(make(tmp_path))
    with pytest.raises(ReturnError) as caught:
        read_return(path)
    assert caught.value.code == code
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(path.name + ": ")


def test_a_file_over_the_size_limit_is_not_opened(template: Path) -> None:
    with pytest.raises(ReturnError) as caught:
        read_return(template, max_bytes=1000)
    assert caught.value.code == "file-too-large"


def test_a_part_that_unpacks_far_too_large_is_refused(tmp_path: Path) -> None:
    bomb = zipped(tmp_path, "bomb.xlsx", {"xl/workbook.xml": b"<workbook/>",
                                          "xl/worksheets/sheet1.xml": b"\0" * 2_000_000})
    assert bomb.stat().st_size < 20_000
    with pytest.raises(ReturnError) as caught:
        read_return(bomb, max_bytes=100_000)
    assert caught.value.code == "file-too-large"
    assert "xl/worksheets/sheet1.xml" in str(caught.value)


def test_an_edited_anchor_is_reported_as_damaged(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["lednet_anchor"]
        for row in sheet.iter_rows():
            if row[0].value == "field" and row[1].value == "authority":
                row[2].value = "E08000035"

    with pytest.raises(ReturnError) as caught:
        read_return(edit(change))
    assert caught.value.code == "anchor-damaged"


def test_a_deleted_anchor_sheet_is_reported_as_damaged(edit: Callable[..., Path]) -> None:
    path = edit(lambda wb: wb.remove(wb["lednet_anchor"]))
    with pytest.raises(ReturnError) as caught:
        read_return(path)
    assert caught.value.code == "anchor-damaged"


# -- an untouched template --------------------------------------------------------------------


def test_a_blank_template_reads_back_with_no_findings(template: Path) -> None:
    result = read_return(template)
    assert result.findings == []
    assert result.anchor.authority == YORK
    assert len(result.inputs) == 23
    assert len(result.national) == 18
    assert result.signoff == {"name": "", "role": "", "date": ""}
    assert result.inputs["dwellings"].value.value is None
    assert result.inputs["dwellings"].value.sheet == "Profile"


def test_national_cells_hold_the_issued_values(template: Path) -> None:
    result = read_return(template)
    assert result.national["population"].value.value == national_value(YORK, 0)
    assert result.anchor.issued_national["population"] == national_value(YORK, 0)


def test_filled_values_are_read_raw(edit: Callable[..., Path]) -> None:
    path = edit(lambda wb: editing.fill(
        wb, {"dwellings": "1,234", "ed_staff_fte": 3.5, "business_satisfaction": None},
        statuses={"business_satisfaction": "[x] not available"},
        notes={"ed_staff_fte": "two posts vacant"},
        signoff={"name": "A Officer", "role": "Head of ED", "date": "2012-06-15"}))
    result = read_return(path)
    dwellings = result.inputs["dwellings"].value
    assert (dwellings.value, dwellings.data_type) == ("1,234", "s")
    assert result.inputs["ed_staff_fte"].value.value == 3.5
    assert result.inputs["ed_staff_fte"].note.value == "two posts vacant"  # type: ignore[union-attr]
    status = result.inputs["business_satisfaction"].status
    assert status is not None and status.value == "[x] not available"
    assert result.signoff == {"name": "A Officer", "role": "Head of ED", "date": "2012-06-15"}


def test_excel_error_and_formula_are_reported_as_stored(edit: Callable[..., Path]) -> None:
    path = edit(lambda wb: editing.fill(wb, {"dwellings": "#REF!",
                                             "jobs_created_total": "=E11+E12"}))
    result = read_return(path)
    assert result.inputs["dwellings"].value.data_type == "e"
    total = result.inputs["jobs_created_total"].value
    assert (total.data_type, total.formula) == ("f", "=E11+E12")
    assert total.value is None  # openpyxl saves no cached result


# -- structural edits, made as Excel makes them ------------------------------------------------


def test_a_renamed_sheet_is_reported_and_values_still_found(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        editing.fill(workbook, {"dwellings": 50000})
        workbook["Profile"].title = "Our profile"
        # Excel rewrites every name that points at the sheet
        for defined in list(workbook.defined_names.values()):
            defined.attr_text = defined.attr_text.replace("'Profile'!", "'Our profile'!")
            defined.attr_text = defined.attr_text.replace("Profile!", "'Our profile'!")

    result = read_return(edit(change))
    assert [(f.code, f.sheet) for f in result.findings] == [("sheet-renamed", "Our profile")]
    assert result.inputs["dwellings"].value.value == 50000


def test_a_hidden_sheet_is_reported(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        workbook["Local data"].sheet_state = "hidden"

    assert codes(edit(change)) == [("sheet-hidden", "Local data", "")]


def test_an_inserted_row_is_reported_and_values_still_found(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        editing.fill(workbook, {"dwellings": 50000, "net_revenue_expenditure": 123456})
        editing.insert_rows(workbook, "Profile", 7, 2)  # above dwellings

    path = edit(change)
    assert codes(path) == [("rows-inserted", "Profile", "E9")]
    result = read_return(path)
    assert result.inputs["dwellings"].value.cell == "E9"
    assert result.inputs["dwellings"].value.value == 50000
    assert result.inputs["net_revenue_expenditure"].value.value == 123456


def test_a_deleted_input_row_is_a_missing_cell(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        editing.fill(workbook, {"net_revenue_expenditure": 123456})
        editing.delete_rows(workbook, "Profile", 7)  # the dwellings row

    path = edit(change)
    assert codes(path) == [("cell-missing", "Profile", "E7"), ("rows-deleted", "Profile", "E7")]
    result = read_return(path)
    assert "dwellings" not in result.inputs
    assert result.inputs["net_revenue_expenditure"].value.value == 123456


def test_a_row_deleted_in_libreoffice_is_a_missing_cell_not_a_missing_sheet(
        edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        editing.delete_rows(workbook, "Profile", 7)  # the dwellings row
        # LibreOffice writes a bare #REF!, without the sheet, for a name whose row it deleted.
        for name in ("LEDNET_V_dwellings", "LEDNET_S_dwellings", "LEDNET_N_dwellings"):
            workbook.defined_names[name].attr_text = "#REF!"

    path = edit(change)
    assert codes(path) == [("cell-missing", "Profile", "E7"), ("rows-deleted", "Profile", "E7")]


def test_a_merged_input_cell_is_reported(edit: Callable[..., Path]) -> None:
    path = edit(lambda wb: wb["Local data"].merge_cells("E5:G5"))
    found = codes(path)
    assert ("cell-merged", "Local data", "E5") in found
    assert read_return(path).inputs["ed_revenue_spend"].value.merged


def test_a_hidden_row_is_reported(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        workbook["Local data"].row_dimensions[6].hidden = True

    path = edit(change)
    assert ("cell-hidden", "Local data", "E6") in codes(path)
    assert read_return(path).inputs["ed_capital_spend"].value.hidden


def test_a_hidden_column_is_reported(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        workbook["Profile"].column_dimensions["F"].hidden = True

    found = [f for f in read_return(edit(change)).findings if f.code == "cell-hidden"]
    assert len(found) == 5 and {f.cell[0] for f in found} == {"F"}


def test_a_cut_and_pasted_cell_is_reported_as_moved(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["Local data"]
        sheet["E40"] = 77
        workbook.defined_names["LEDNET_V_jobs_safeguarded"].attr_text = "'Local data'!$E$40"

    path = edit(change)
    assert ("cell-moved", "Local data", "E40") in codes(path)
    assert read_return(path).inputs["jobs_safeguarded"].value.value == 77


def test_a_deleted_name_falls_back_to_the_template_address(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        editing.fill(workbook, {"dwellings": 50000})
        del workbook.defined_names["LEDNET_V_dwellings"]

    path = edit(change)
    result = read_return(path)
    assert [(f.code, f.severity, f.cell) for f in result.findings] == [
        ("anchor-damaged", "warning", "E7")]
    assert result.inputs["dwellings"].value.value == 50000


def test_reading_costs_little_more_than_loading(template: Path) -> None:
    start = time.perf_counter()
    for _ in range(5):
        openpyxl.load_workbook(template)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(5):
        read_return(template)
    ours = time.perf_counter() - start
    assert ours < 2 * bare + 0.25, (ours, bare)


def test_a_copy_named_by_its_hash_reads_like_the_original(template: Path,
                                                           tmp_path: Path) -> None:
    archived = tmp_path / "3f2a9c"  # ingest's archive names files by content, no extension
    shutil.copy(template, archived)
    assert read_return(archived).anchor == read_return(template).anchor


def test_a_deleted_sheet_is_reported_once(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        workbook.remove(workbook["Local data"])
        # Excel turns every name on a deleted sheet into #REF!
        for defined in workbook.defined_names.values():
            defined.attr_text = defined.attr_text.replace("'Local data'!", "#REF!")

    path = edit(change)
    assert codes(path) == [("sheet-missing", "Local data", "")]
    result = read_return(path)
    assert "ed_revenue_spend" not in result.inputs
    assert "dwellings" in result.inputs


def test_sorted_rows_are_reported_beside_the_wrong_label(edit: Callable[..., Path]) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["Local data"]
        # Sorting moves the contents of rows but leaves the defined names where they were.
        for column in "ABCD":
            sheet[f"{column}5"].value, sheet[f"{column}6"].value = (
                sheet[f"{column}6"].value, sheet[f"{column}5"].value)

    assert codes(edit(change)) == [("cell-moved", "Local data", "E5"),
                                   ("cell-moved", "Local data", "E6")]
