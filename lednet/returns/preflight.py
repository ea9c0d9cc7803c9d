"""Look at a file's bytes before any workbook parser does: what it is, and whether it is sane.

A return is a small .xlsx. Anything else (an old .xls, a password-protected workbook, a PDF,
a CSV, a zip bomb) is refused here with a one-line verdict, so that openpyxl only ever opens
files that are zip-packaged workbooks of bounded size.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from zlib import error as zlib_error

from ..errors import ReturnError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# Names of streams inside an OLE container, as they appear in its directory (UTF-16LE).
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

MAX_PARTS = 2000
# A return's largest part unpacks to well under a megabyte. A part that unpacks to more than
# the whole-file limit (a zip bomb, or a sheet of a million rows) would cost openpyxl minutes
# and gigabytes, so it is refused; so is a package that unpacks to more than twice the limit.
TOTAL_FACTOR = 2


def check_file(path: Path, max_bytes: int) -> None:
    """Raise ReturnError, with the finding code as ``code``, unless ``path`` could be a return."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReturnError(f"{name}: cannot read the file: {exc.strerror}",
                          code="unreadable-workbook") from exc
    if not path.is_file():
        raise ReturnError(f"{name}: not a file", code="not-a-workbook")
    if size == 0:
        raise ReturnError(f"{name}: the file is empty", code="not-a-workbook")
    if size > max_bytes:
        raise ReturnError(f"{name}: {size:,} bytes is far larger than a return "
                          f"(limit {max_bytes:,}); not read", code="file-too-large")

    with open(path, "rb") as stream:
        head = stream.read(8)
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(path)
    if not head.startswith(_ZIP_MAGIC):
        raise ReturnError(f"{name}: not an Excel workbook ({_describe(head, path)})",
                          code="not-a-workbook")
    _check_package(path, max_bytes)


def _refuse_ole(path: Path) -> None:
    """An OLE container is a legacy .xls, an encrypted .xlsx, or another Office file."""
    data = path.read_bytes()  # already bounded by the size check
    if _ENCRYPTED_STREAM in data:
        raise ReturnError(f"{path.name}: the workbook is password-protected for opening; send "
                          "it again without a password", code="encrypted-workbook")
    if any(stream in data for stream in _WORKBOOK_STREAMS):
        raise ReturnError(f"{path.name}: an Excel 97-2003 (.xls) workbook; open it in Excel and "
                          "save it as an Excel Workbook (.xlsx), then send that",
                          code="legacy-xls")
    raise ReturnError(f"{path.name}: an old-style Office file that is not a workbook",
                      code="not-a-workbook")


def _describe(head: bytes, path: Path) -> str:
    if head.startswith(b"%PDF"):
        return "it is a PDF"
    with open(path, "rb") as stream:
        sample = stream.read(512).lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html")):
        return "it is a web page (HTML)"
    if sample.startswith(b"<?xml"):
        return "it is an XML file, perhaps Excel 2003 XML; save it as .xlsx"
    if sample and all(32 <= b < 127 or b in b"\r\n\t" for b in sample):
        return "it is a text or CSV file"
    return "unrecognised content"


def _check_package(path: Path, max_bytes: int) -> None:
    """The zip must list a workbook part, and no part may unpack to an absurd size."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReturnError(f"{name}: the workbook is damaged and cannot be read ({exc})",
                          code="unreadable-workbook") from exc

    if len(parts) > MAX_PARTS:
        raise ReturnError(f"{name}: the package holds {len(parts):,} parts, far more than a "
                          "return; not read", code="file-too-large")
    for part in parts:
        if part.file_size > max_bytes:
            raise ReturnError(f"{name}: part {part.filename} unpacks to {part.file_size:,} "
                              f"bytes, far larger than a return; not read",
                              code="file-too-large")

    total = sum(part.file_size for part in parts)
    if total > max_bytes * TOTAL_FACTOR:
        raise ReturnError(f"{name}: the package unpacks to {total:,} bytes, far larger than a "
                          "return; not read", code="file-too-large")

    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        raise ReturnError(f"{name}: not an Excel workbook (it is {_kind(names)})",
                          code="not-a-workbook")


def _kind(names: set[str]) -> str:
    if "xl/workbook.bin" in names:
        return "an Excel binary workbook (.xlsb); save it as .xlsx"
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint file"
    if "content.xml" in names:
        return "an OpenDocument file; save it as .xlsx"
    return "a zip file"


def mentions_lednet(path: Path) -> bool:
    """Whether the workbook part names lednet's anchor: a cheap test before a full parse."""
    try:
        with zipfile.ZipFile(path) as package:
            text = package.read("xl/workbook.xml")
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as exc:
        raise ReturnError(f"{path.name}: the workbook is damaged and cannot be read ({exc})",
                          code="unreadable-workbook") from exc
    return b"LEDNET_" in text or b"lednet_anchor" in text
