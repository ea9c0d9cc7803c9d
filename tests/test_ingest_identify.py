"""Files are told apart by their bytes, and the archive keeps them exactly."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from lednet.ingest.archive import archive_file
from lednet.ingest.identify import identify

REFERENCE = Path(__file__).resolve().parent / "data" / "reference"


def sha256_of(path: Path) -> str:
    """Computed here, not by lednet, so the test checks lednet's archive independently."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def workbook_zip(tmp_path: Path, name: str, content_types: bytes = b"<Types/>") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("xl/workbook.xml", b"<workbook/>")
    return path


@pytest.mark.parametrize(("name", "kind"), [
    ("cipfa-librarydata__example_09.xls", "xls"),
    ("cipfa-librarydata__Bolton.xlsx", "xlsx"),
    ("openregister__lgbce_english-councils.xlsx", "xlsx"),
    ("openlylocal__spending_report_2006_07_raw_data.csv", "csv"),
])
def test_real_files_are_identified_by_content(name: str, kind: str) -> None:
    assert identify(REFERENCE / name).kind == kind


@pytest.mark.parametrize(("data", "kind", "code"), [
    (b"%PDF-1.7\n", "pdf", "not-a-workbook"),
    (b"<!DOCTYPE html><html><table></table></html>", "html", "not-a-workbook"),
    (b"a,b\n1,2\n", "csv", "not-a-workbook"),
    (b"Dear coordinator, figures attached.\n", "text", "not-a-workbook"),
    (b"", "empty", "not-a-workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "encrypted",
     "encrypted-workbook"),
    (b"PK\x03\x04garbage", "damaged-zip", "unreadable-workbook"),
])
def test_files_that_are_not_workbooks_get_their_own_verdict(tmp_path: Path, data: bytes,
                                                            kind: str, code: str) -> None:
    identity = identify(write(tmp_path, "return.xlsx", data))
    assert identity.kind == kind
    assert identity.refusal is not None and identity.refusal[0] == code


def test_a_workbook_named_pdf_is_still_a_workbook(tmp_path: Path) -> None:
    identity = identify(workbook_zip(tmp_path, "return.pdf"))
    assert (identity.kind, identity.refusal) == ("xlsx", None)


def test_a_macro_enabled_workbook_is_told_apart(tmp_path: Path) -> None:
    types = b"<Types>application/vnd.ms-excel.sheet.macroEnabled.main+xml</Types>"
    assert identify(workbook_zip(tmp_path, "r.xlsm", types)).kind == "xlsm"


def test_the_legacy_xls_verdict_asks_for_xlsx() -> None:
    refusal = identify(REFERENCE / "cipfa-librarydata__example_09.xls").refusal
    assert refusal is not None
    assert refusal[0] == "legacy-xls"
    assert "Excel Workbook (*.xlsx)" in refusal[1]


def test_the_archive_keeps_the_exact_bytes_under_their_sha256(tmp_path: Path) -> None:
    source = write(tmp_path, "Return.XLSX", b"some bytes")

    kept = archive_file(source, tmp_path / "archive")

    assert kept.sha256 == sha256_of(source)
    assert kept.path == tmp_path / "archive" / kept.sha256[:2] / f"{kept.sha256}.xlsx"
    assert kept.path.read_bytes() == b"some bytes"


def test_archiving_the_same_bytes_twice_keeps_one_copy(tmp_path: Path) -> None:
    first = archive_file(write(tmp_path, "a.xlsx", b"same"), tmp_path / "archive")
    second = archive_file(write(tmp_path, "b.csv", b"same"), tmp_path / "archive")

    assert first.path == second.path
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == \
        [f"{first.sha256}.xlsx"]
