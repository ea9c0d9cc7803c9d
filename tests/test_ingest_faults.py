"""The fault table: real generated return templates broken the ways officers break them.

Each fault is made on a fresh template (structural faults the way Excel makes them: defined
names and validations move with inserted rows, names follow a renamed sheet), then ingested.
Every case asserts the literal finding code, sheet and cell; that the file got a verdict with
no traceback; that the archive holds its exact bytes; and that every value stored as accepted
is the value the officer meant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl.workbook.workbook import Workbook

from lednet.ingest import ingest_paths
from lednet.returns import editing
from lednet.workspace import Workspace
from tests.test_ingest_support import (
    ISSUED,
    PERIOD,
    VALID,
    YORK,
    archived,
    fill_valid,
    open_template,
    rename_sheet,
    save,
    stored_values,
    template,
)

pytest_plugins = ("tests.test_ingest_support",)  # the template workspace fixtures

REFERENCE = Path(__file__).resolve().parent / "data" / "reference"
Maker = Callable[[Workspace, Path], Path]


def sha256_of(path: Path) -> str:
    """Computed here, not by lednet, so the test checks lednet's archive independently."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Fault:
    """A named fault: how to make the file, and what ingest must say about it."""

    name: str
    make: Maker
    code: str
    sheet: str
    cell: str
    # Indicators whose stored value differs from VALID: id -> expected value, or None when
    # the value must not be accepted. A file refused outright stores no values at all.
    stored: dict[str, Any] = field(default_factory=dict)
    refused: bool = False


def edited(values: dict[str, Any] | None = None, *, statuses: dict[str, str] | None = None,
           notes: dict[str, str] | None = None, signed: bool = True,
           then: Callable[[Workbook], None] | None = None) -> Maker:
    """A maker that fills the valid return with changes, then applies ``then``."""
    def make(workspace: Workspace, folder: Path) -> Path:
        workbook = open_template(workspace)
        fill_valid(workbook, values, signed)
        editing.fill(workbook, {}, statuses=statuses, notes=notes)
        if then is not None:
            then(workbook)
        return save(workbook, folder, "return.xlsx")
    return make


def raw_file(name: str, data: bytes) -> Maker:
    def make(workspace: Workspace, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path
    return make


def reference_file(name: str) -> Maker:
    return raw_file(name, (REFERENCE / name).read_bytes())


def percent_cell(workbook: Workbook) -> None:
    """What Excel stores when an officer types 7.5% into a points-formatted cell."""
    cell = editing.cell_for(workbook, "LEDNET_V_industrial_vacancy_rate")
    assert cell is not None
    cell.value = 0.075
    cell.number_format = "0.0%"


def insert_two_rows(workbook: Workbook) -> None:
    editing.insert_rows(workbook, "Local data", 10, 2)


def delete_jobs_safeguarded_row(workbook: Workbook) -> None:
    editing.delete_rows(workbook, "Local data", 14, 1)


def hide_sheet(workbook: Workbook) -> None:
    workbook["Local data"].sheet_state = "hidden"


def merge_value_and_status(workbook: Workbook) -> None:
    workbook["Local data"].merge_cells("E9:F9")


def hide_row(workbook: Workbook) -> None:
    workbook["Local data"].row_dimensions[9].hidden = True


def remove_anchor(workbook: Workbook) -> None:
    del workbook["lednet_anchor"]


def old_period(workspace: Workspace, folder: Path) -> Path:
    workbook = open_template(workspace, YORK, PERIOD - 1)
    fill_valid(workbook)
    return save(workbook, folder, "last-year.xlsx")


def truncated(workspace: Workspace, folder: Path) -> Path:
    data = template(workspace).read_bytes()
    return raw_file("cut-short.xlsx", data[: len(data) // 3])(workspace, folder)


def encrypted(workspace: Workspace, folder: Path) -> Path:
    """An OLE2 compound file holding an encrypted OOXML package, as Excel writes one."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = ("EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
             + "EncryptedPackage".encode("utf-16-le"))
    return raw_file("protected.xlsx", head + names + b"\x00" * 1024)(workspace, folder)


def huge(workspace: Workspace, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "huge.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as package:
        package.writestr("xl/workbook.xml", b"<workbook/>")
        package.writestr("padding.bin", b"\x00" * 20_100_000)
    return path


def zip_bomb(workspace: Workspace, folder: Path) -> Path:
    """A small file whose one part unpacks to far more than any return could hold."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", b"<workbook>LEDNET_ANCHOR</workbook>")
        package.writestr("xl/worksheets/sheet1.xml", b"\x00" * 210_000_000)
    return path


def garbage_workbook_part(workspace: Workspace, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "garbled.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("xl/workbook.xml", b"<workbook LEDNET_ANCHOR <<< not xml")
    return path


FAULTS = [
    Fault("words in a number cell", edited({"businesses_supported": "about 300"}),
          "not-a-number", "Local data", "E9", {"businesses_supported": None}),
    Fault("pound sign on a count", edited({"dwellings": "£85,000"}),
          "unit-not-allowed", "Profile", "E7", {"dwellings": None}),
    Fault("percent sign on money", edited({"ed_revenue_spend": "15%"}),
          "unit-not-allowed", "Local data", "E5", {"ed_revenue_spend": None}),
    Fault("k suffix on a count", edited({"jobs_safeguarded": "2k"}),
          "unit-not-allowed", "Local data", "E14", {"jobs_safeguarded": None}),
    Fault("fraction in a count", edited({"businesses_supported": 300.5}),
          "not-whole-number", "Local data", "E9", {"businesses_supported": None}),
    Fault("percentage over 100", edited({"industrial_vacancy_rate": 150}),
          "out-of-range", "Local data", "E20", {"industrial_vacancy_rate": None}),
    Fault("negative spend", edited({"ed_capital_spend": -5}),
          "out-of-range", "Local data", "E6", {"ed_capital_spend": None}),
    Fault("required figure blank", edited({"ed_staff_fte": None}),
          "missing-value", "Local data", "E8", {"ed_staff_fte": None}),
    Fault("estimate with no figure", edited({"ed_staff_fte": None},
                                            statuses={"ed_staff_fte": "estimated"}),
          "missing-value", "Local data", "E8", {"ed_staff_fte": None}),
    Fault("answer not in the drop-down", edited({"authority_type": "borough"}),
          "not-a-choice", "Profile", "E5", {"authority_type": None}),
    Fault("Excel error in a cell", edited({"jobs_safeguarded": "#DIV/0!"}),
          "excel-error", "Local data", "E14", {"jobs_safeguarded": None}),
    Fault("formula never calculated", edited({"business_satisfaction": "=B1*2"}),
          "formula-no-result", "Local data", "E22", {"business_satisfaction": None}),
    Fault("date where a number was typed", edited({"jobs_safeguarded": dt.datetime(2012, 1, 2)}),
          "not-a-number", "Local data", "E14", {"jobs_safeguarded": None}),
    Fault("jobs do not add up", edited({"jobs_created_total": 160}),
          "cross-check-failed", "Local data", "E13",
          {"jobs_created_total": None, "jobs_created_full_time": None,
           "jobs_created_part_time": None}),
    Fault("successes exceed enquiries", edited({"inward_investment_successes": 70}),
          "cross-check-failed", "Local data", "E15",
          {"inward_investment_successes": None, "inward_investment_enquiries": None}),
    Fault("national figure overtyped", edited({"population": 210000}),
          "national-value-changed", "National data", "E5"),
    Fault("figure and confidential status", edited(statuses={"ed_capital_spend":
                                                             "[c] confidential"}),
          "status-conflict", "Local data", "E6", {"ed_capital_spend": None}),
    Fault("n/a typed in a number cell", edited({"town_centre_vacancy_rate": "n/a"}),
          "status-recorded", "Local data", "E21", {"town_centre_vacancy_rate": None}),
    Fault("dash typed for not available", edited({"jobs_safeguarded": "-"}),
          "status-recorded", "Local data", "E14", {"jobs_safeguarded": None}),
    Fault("number stored as text with commas", edited({"dwellings": "85,000"}),
          "value-converted", "Profile", "E7"),
    Fault("non-breaking spaces around a number", edited({"dwellings": "\u00a085000 "}),
          "value-converted", "Profile", "E7"),
    Fault("pounds with a k suffix", edited({"net_revenue_expenditure": "£120,000k"}),
          "value-converted", "Profile", "E8"),
    Fault("percent typed as 7.5%", edited(then=percent_cell),
          "percent-scaled", "Local data", "E20"),
    Fault("percent typed as text", edited({"business_satisfaction": "78%"}),
          "value-converted", "Local data", "E22"),
    Fault("sign-off left blank", edited(signed=False), "provisional", "Front", ""),
    Fault("two rows inserted", edited(then=insert_two_rows),
          "rows-inserted", "Local data", "E12"),
    Fault("row deleted", edited(then=delete_jobs_safeguarded_row),
          "cell-missing", "Local data", "E14", {"jobs_safeguarded": None}),
    Fault("sheet renamed", edited(then=lambda wb: rename_sheet(wb, "Local data", "Local")),
          "sheet-renamed", "Local", ""),
    Fault("sheet hidden", edited(then=hide_sheet), "sheet-hidden", "Local data", ""),
    Fault("value cell merged", edited(then=merge_value_and_status),
          "cell-merged", "Local data", "E9", {"businesses_supported": None}),
    Fault("row hidden", edited(then=hide_row), "cell-hidden", "Local data", "E9"),
    Fault("anchor sheet deleted", edited(then=remove_anchor), "anchor-damaged", "", "",
          refused=True),
    Fault("last year's template", old_period, "wrong-period", "", "", refused=True),
    Fault("legacy .xls", reference_file("cipfa-librarydata__example_09.xls"), "legacy-xls",
          "", "", refused=True),
    Fault("password-protected workbook", encrypted, "encrypted-workbook", "", "",
          refused=True),
    Fault("PDF", raw_file("return.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
          "not-a-workbook", "", "", refused=True),
    Fault("CSV renamed .xlsx", raw_file("return.xlsx", b"indicator,value\ndwellings,85000\n"),
          "not-a-workbook", "", "", refused=True),
    Fault("web page saved as .xls", raw_file("return.xls", b"<html><body><table><tr><td>1"
                                             b"</td></tr></table></body></html>"),
          "not-a-workbook", "", "", refused=True),
    Fault("damaged workbook", truncated, "unreadable-workbook", "", "", refused=True),
    Fault("far too large", huge, "file-too-large", "", "", refused=True),
    Fault("zip bomb", zip_bomb, "file-too-large", "", "", refused=True),
    Fault("workbook part is not XML", garbage_workbook_part, "unreadable-workbook", "", "",
          refused=True),
]


def test_the_table_has_at_least_25_named_faults() -> None:
    assert len({f.name for f in FAULTS}) == len(FAULTS) >= 25


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_found_where_it_is_and_nothing_is_lost(fault: Fault, ws: Workspace,
                                                        tmp_path: Path) -> None:
    path = fault.make(ws, tmp_path / "incoming")
    sent = sha256_of(path)

    result = ingest_paths(ws, [path], period=PERIOD)

    [verdict] = result.files
    located = {(f.code, f.sheet, f.cell) for f in verdict.findings}
    assert (fault.code, fault.sheet, fault.cell) in located, verdict.findings
    assert any(sha256_of(p) == sent for p in archived(ws))
    _assert_stored_values(ws, fault)


def _assert_stored_values(ws: Workspace, fault: Fault) -> None:
    stored = stored_values(ws.store_path)
    if fault.refused:
        assert stored == {}
        return
    for ident, row in stored.items():
        if not row["accepted"]:
            assert ident in fault.stored and fault.stored[ident] is None, ident
            continue
        expected = fault.stored.get(ident, VALID.get(ident))
        kept = row["text_value"] if row["text_value"] is not None else row["value"]
        assert kept == expected, (ident, kept, expected)


def test_overtyped_national_figure_leaves_the_issued_figure_in_the_dataset(
        ws: Workspace, tmp_path: Path) -> None:
    path = edited({"population": 210000})(ws, tmp_path)
    ingest_paths(ws, [path], period=PERIOD)

    from lednet.store import Store

    with Store(ws.store_path) as store:
        figure = {(v.authority, v.indicator): v.value for v in store.dataset(PERIOD)}
    assert figure[(YORK, "population")] == ISSUED["population"]


def test_real_government_workbooks_are_each_refused_as_not_lednet_returns(
        ws: Workspace) -> None:
    names = ["cipfa-librarydata__example_09.xls", "cipfa-librarydata__Bolton.xlsx",
             "openregister__lgbce_english-councils.xlsx"]

    result = ingest_paths(ws, [REFERENCE / n for n in names], period=PERIOD)

    codes = {v.path.name: [f.code for f in v.findings] for v in result.files}
    assert codes == {"cipfa-librarydata__example_09.xls": ["legacy-xls"],
                     "cipfa-librarydata__Bolton.xlsx": ["not-a-lednet-return"],
                     "openregister__lgbce_english-councils.xlsx": ["not-a-lednet-return"]}
    assert {v.outcome for v in result.files} == {"not-a-return"}
