"""Tell what a file is from its bytes, before any parser sees it.

Officers rename files, save web pages as ``.xls`` and attach PDFs; the extension is a hint at
best. Each file gets a kind and, when it cannot be a return, the finding code and words to
send back.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

# Far larger than any return; the reader applies the same bound to a workbook's parts.
MAX_FILE_BYTES = 20_000_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SNIFF_BYTES = 65_536

WORKBOOK_KINDS = ("xlsx", "xlsm")

_DESCRIPTIONS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xlsm": "a macro-enabled Excel workbook (.xlsm)",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "encrypted": "a password-protected Office file",
    "ole": "an old-style Office document that is not a workbook",
    "word": "a Word document",
    "ods": "an OpenDocument spreadsheet",
    "zip": "a zip archive that is not a workbook",
    "damaged-zip": "a damaged zip or workbook",
    "pdf": "a PDF document",
    "html": "a web page (HTML), perhaps saved from Excel as a web page",
    "xml-spreadsheet": "an Excel 2003 XML spreadsheet",
    "csv": "a CSV or other delimited text file",
    "text": "a plain text file",
    "empty": "an empty file",
    "binary": "a file of unknown type",
}


@dataclass(frozen=True)
class Identity:
    """What a file is, and the finding to give when it cannot be read as a return."""

    kind: str
    size: int

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self.kind]

    @property
    def is_workbook(self) -> bool:
        return self.kind in WORKBOOK_KINDS

    @property
    def refusal(self) -> tuple[str, str] | None:
        """(finding code, message) when this file cannot be a return, else None."""
        if self.size > MAX_FILE_BYTES:
            return ("file-too-large", f"The file is {self.size:,} bytes, far larger than any "
                    f"return (limit {MAX_FILE_BYTES:,}); send the return template only.")
        if self.is_workbook:
            return None
        if self.kind == "xls":
            return ("legacy-xls", "This is an Excel 97-2003 .xls file. Open it in Excel, "
                    "choose File > Save As > Excel Workbook (*.xlsx), and send the .xlsx.")
        if self.kind == "encrypted":
            return ("encrypted-workbook", "The workbook is protected with a password to open "
                    "it. Remove the password (File > Info > Protect Workbook) and send it again.")
        if self.kind == "damaged-zip":
            return ("unreadable-workbook", "The file looks like a workbook but is damaged and "
                    "cannot be opened; save it again from Excel and resend it.")
        return ("not-a-workbook", f"This is {self.description}, not an Excel workbook. Please "
                "fill in the Excel return template you were sent and return that file.")


def identify(path: Path) -> Identity:
    """Identify a file by its content; reads at most the first 64 KiB (all of an OLE file)."""
    size = path.stat().st_size
    if size == 0:
        return Identity("empty", 0)
    with open(path, "rb") as stream:
        head = stream.read(_SNIFF_BYTES)

    if head.startswith(_ZIP):
        return Identity(_zip_kind(path), size)
    if head.startswith(_OLE2):
        return Identity(_ole_kind(path, size), size)
    if head.startswith(b"%PDF"):
        return Identity("pdf", size)
    return Identity(_text_kind(head), size)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            types = (archive.read("[Content_Types].xml")[:_SNIFF_BYTES]
                     if "[Content_Types].xml" in names else b"")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return "damaged-zip"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsm" if b"macroEnabled" in types else "xlsx"
    if "word/document.xml" in names:
        return "word"
    if "mimetype" in names and "content.xml" in names:
        return "ods"
    return "zip"


def _ole_kind(path: Path, size: int) -> str:
    """Look for the stream names in the compound file's directory (UTF-16 little-endian)."""
    if size > MAX_FILE_BYTES:
        return "ole"
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        return "word"
    return "ole"


def _text_kind(head: bytes) -> str:
    if b"\x00" in head[:4096]:
        return "binary"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith("<!doctype html") or "<html" in text[:2048]:
        return "html"
    if text.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "xml-spreadsheet"
    # Delimited text: at least two lines, each with the same delimiter in it.
    lines = [line for line in text.splitlines()[:20] if line.strip()][:5]
    if len(lines) >= 2 and any(all(d in line for line in lines) for d in ",\t;"):
        return "csv"
    return "text"
