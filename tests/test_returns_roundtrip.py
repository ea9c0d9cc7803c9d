"""Round trips: an officer-like filler and Excel-like edits, and a LibreOffice re-save.

The filler finds cells by what an officer sees (the indicator's label in column A and the
column headings), never by lednet's defined names, so these tests check that the names and
the visible layout agree, and that the reader follows the names through inserted rows.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lednet.catalogue import Catalogue, Indicator
from lednet.returns import editing
from lednet.returns.reader import read_return
from lednet.returns.template import make_templates
from lednet.values import OFFICER_CHOICES
from lednet.workspace import load_workspace
from tests.conftest import EXAMPLE
from tests.test_returns_template import PERIOD, YORK, seed_store

INPUT_SHEETS = ("Profile", "Local data")
HEADINGS = {"value": "Your figure", "status": "Status", "note": "Notes / explanation"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalogue, Path]:
    folder = tmp_path_factory.mktemp("roundtrip")
    for name in ("lednet.yaml", "members.yaml", "exclusions.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    workspace = load_workspace(folder)
    seed_store(workspace)
    path = make_templates(workspace, PERIOD, authorities=[YORK], guidance=False).paths[0]
    return workspace.catalogue, path


# -- an officer: finds cells by label and heading ------------------------------------------


def visible_cells(workbook: openpyxl.Workbook, label: str) -> dict[str, Any]:
    """The value, status and notes cells on the row whose column A shows ``label``."""
    for title in INPUT_SHEETS:
        sheet = workbook[title]
        header = next(row for row in sheet.iter_rows() if row[0].value == "Indicator")
        columns = {kind: next(c.column for c in header if c.value == text)
                   for kind, text in HEADINGS.items()}
        for row in sheet.iter_rows(min_row=header[0].row + 1):
            if row[0].value == label:
                return {kind: sheet.cell(row=row[0].row, column=column)
                        for kind, column in columns.items()}
    raise AssertionError(f"no row labelled {label!r}")


def typed_value(indicator: Indicator) -> st.SearchStrategy[Any]:
    """What an officer types: a number, or the same number as text ("1,234", "45%")."""
    if indicator.type == "choice":
        return st.sampled_from(indicator.choices)
    low = indicator.minimum if indicator.minimum is not None else 0
    high = indicator.maximum if indicator.maximum is not None else 1e6
    if indicator.type == "integer":
        number: st.SearchStrategy[Any] = st.integers(int(low), int(high))
    else:
        number = st.floats(low, high, allow_nan=False).map(lambda v: round(v, 2))
    as_text = number.map(lambda v: f"{v:,}")
    if indicator.unit == "percent":
        as_text = number.map(lambda v: f"{v}%")
    return st.one_of(number, as_text)


notes = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" .,-"),
                min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def officer_answers(draw: st.DrawFn, catalogue: Catalogue) -> dict[str, tuple[Any, Any, Any]]:
    answers = {}
    for indicator in catalogue:
        if indicator.is_input and draw(st.booleans()):
            value = draw(typed_value(indicator))
            status = draw(st.none() | st.sampled_from(list(OFFICER_CHOICES)))
            note = draw(st.none() | notes)
            answers[indicator.id] = (value, status, note)
    return answers


insertions = st.lists(st.tuples(st.sampled_from(INPUT_SHEETS + ("Front", "National data")),
                                st.integers(1, 30), st.integers(1, 3)), max_size=3)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), inserts=insertions)
def test_values_typed_by_label_come_back_by_indicator_id(
        made: tuple[Catalogue, Path], tmp_path: Path, data: st.DataObject,
        inserts: list[tuple[str, int, int]]) -> None:
    catalogue, template = made
    answers = data.draw(officer_answers(catalogue))
    workbook = openpyxl.load_workbook(template)
    for ident, (value, status, note) in answers.items():
        cells = visible_cells(workbook, catalogue[ident].label)
        cells["value"].value, cells["status"].value, cells["note"].value = value, status, note
    for title, row, amount in inserts:
        editing.insert_rows(workbook, title, row, amount)
    target = tmp_path / "filled.xlsx"
    workbook.save(target)

    result = read_return(target)
    for ident, expected in answers.items():
        found = result.inputs[ident]
        assert found.status is not None and found.note is not None
        assert (found.value.value, found.status.value, found.note.value) == expected, ident
    unexpected = {f.code for f in result.findings} - {"rows-inserted"}
    assert not unexpected, result.findings


# -- LibreOffice ------------------------------------------------------------------------------


def libreoffice_resave(source: Path, folder: Path) -> Path:
    folder.mkdir()
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(folder),
                    str(source)], check=True, capture_output=True, timeout=180)
    return folder / source.name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_a_libreoffice_resave_keeps_anchor_and_values(made: tuple[Catalogue, Path],
                                                      tmp_path: Path) -> None:
    _catalogue, template = made
    workbook = openpyxl.load_workbook(template)
    values = {"dwellings": "1,234", "ed_staff_fte": 3.5, "industrial_vacancy_rate": "45%",
              "authority_type": "unitary", "jobs_created_full_time": 10,
              "jobs_created_part_time": 7}
    editing.fill(workbook, values, statuses={"business_satisfaction": "[c] confidential"},
                 notes={"dwellings": "from CTB1"},
                 signoff={"name": "A Officer", "role": "Head of ED", "date": "2012-06-15"})
    total = editing.cell_for(workbook, "LEDNET_V_jobs_created_total")
    assert total is not None
    total.value = "=E11+E12"  # jobs full-time + part-time, by the template's rows
    source = tmp_path / "filled.xlsx"
    workbook.save(source)
    original = read_return(source)

    resaved = read_return(libreoffice_resave(source, tmp_path / "lo"))
    assert resaved.anchor == original.anchor
    assert resaved.findings == []
    for ident, value in values.items():
        assert resaved.inputs[ident].value.value == value, ident
    assert resaved.inputs["business_satisfaction"].status.value == "[c] confidential"  # type: ignore[union-attr]
    assert resaved.signoff == original.signoff
    jobs = resaved.inputs["jobs_created_total"].value
    assert (jobs.formula, jobs.value) == ("=E11+E12", 17)  # LibreOffice saved the result


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (soffice) or poppler (pdfinfo) not installed")
def test_the_template_prints_on_a_few_landscape_a4_pages(made: tuple[Catalogue, Path],
                                                         tmp_path: Path) -> None:
    """Fit to one page wide: four sheets print on five pages, not dozens of narrow strips."""
    _catalogue, template = made
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(template)], check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / (template.stem + ".pdf"))], check=True,
                          capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert 4 <= int(fields["Pages"]) <= 6
    width, _x, height = fields["Page size"].split()[:3]
    assert float(width) > float(height)  # landscape
