"""Check the system libraries and tools lednet needs, and say how to install what is missing.

Run by `make demo` and `make test` before anything else, with the system Python.
"""

from __future__ import annotations

import ctypes.util
import shutil
import sys

# (what, how to find it, Debian package, needed for)
NEEDS = [
    ("Pango", lambda: ctypes.util.find_library("pango-1.0"), "libpango-1.0-0 libpangoft2-1.0-0",
     "PDF reports (WeasyPrint)"),
    ("HarfBuzz", lambda: ctypes.util.find_library("harfbuzz"), "libharfbuzz0b",
     "PDF reports (WeasyPrint)"),
    ("pdftotext", lambda: shutil.which("pdftotext"), "poppler-utils",
     "tests that read the PDF reports"),
]
OPTIONAL = [
    ("chromium", lambda: shutil.which("chromium"), "chromium",
     "tests that check the HTML report in a real browser"),
    ("soffice", lambda: shutil.which("soffice"), "libreoffice-calc-nogui",
     "tests that round-trip a return template through LibreOffice"),
]


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by the system Python, maybe older
        print("lednet needs Python 3.11 or newer", file=sys.stderr)
        return 1
    missing = [(name, pkg, why) for name, find, pkg, why in NEEDS if not find()]
    for name, find, pkg, why in OPTIONAL:
        if not find():
            print(f"note: {name} not found ({why} will be skipped); "
                  f"on Debian/Ubuntu: apt-get install {pkg}", file=sys.stderr)
    if missing:
        packages = " ".join(pkg for _, pkg, _ in missing)
        for name, _, why in missing:
            print(f"missing: {name}, needed for {why}", file=sys.stderr)
        print(f"install them, e.g. on Debian/Ubuntu: sudo apt-get install {packages}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
