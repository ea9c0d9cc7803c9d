"""The PDF comes from the same HTML: A4, page numbers, and the golden authority's figures."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lednet.report.build import build_reports
from tests import golden_workspace

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


@pytest.fixture(scope="module")
def york_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("pdf")
    workspace = golden_workspace.build(tmp)
    result = build_reports(workspace, 2012, authorities=["E06000014"], formats=["pdf"],
                           out_dir=tmp / "out")
    assert [p.name for p in result.paths] == ["2012_E06000014_York.pdf"]
    return result.paths[0]


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return re.sub(r"[ \t]+", " ", out)


def test_pdf_holds_the_golden_figures(york_pdf: Path) -> None:
    text = pdf_text(york_pdf)
    flowing = re.sub(r"\s+", " ", text)  # a figures line may wrap
    assert ("Network (7 of 9 values): rank 2= of 7 · median 70 · mean 134 · quartiles 50 to 120 "
            "· range 30 to 500") in flowing
    assert ("Network (7 of 9 values): rank 3= of 7 · median 120.0 · mean 130.0 · quartiles 110.0 "
            "to 135.0 · range 100.0 to 200.0") in flowing
    # The chart's column of members, best first, each name with its value on its line.
    assert "Leeds 500\nYork 120\nHarrogate 120\n" in re.sub(r"\n\s+", "\n", text)
    assert "113.3 for the network as a whole" in text
    assert "<script>alert('x')</script> includes 12 apprenticeships" in text


def test_pdf_is_a4_with_page_numbers_and_headers(york_pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(york_pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = pdf_text(york_pdf)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("York: benchmark report, period 2012") >= pages
    assert len(re.findall(r"Dataset [0-9a-f]{16} · Golden test catalogue", text)) >= pages
