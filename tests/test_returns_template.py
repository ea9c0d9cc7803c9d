"""make-templates: one protected, validated, anchored workbook per member, and guidance."""

from __future__ import annotations

import shutil
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from lednet.catalogue import load_catalogue
from lednet.cli import main
from lednet.returns import layout
from lednet.returns.reader import read_return
from lednet.returns.template import make_templates
from lednet.store import Store
from lednet.values import OFFICER_CHOICES
from lednet.workspace import Workspace, load_workspace
from tests.conftest import EXAMPLE

PERIOD = 2012
EARLIER = 2010  # deliberately not PERIOD - 1: the latest earlier period held
YORK = "E06000014"
MISSING_NATIONAL = "jobs_density"  # no stored value for York in PERIOD
EXCEL_TEXT_LIMITS = {"promptTitle": 32, "errorTitle": 32, "prompt": 255, "error": 255}


def national_value(gss: str, index: int) -> float:
    """A distinct stored value per authority and indicator, with a fraction to show precision."""
    return round(1000 + 37.25 * index + int(gss[-3:]), 2)


def seed_store(workspace: Workspace) -> None:
    """National values for PERIOD (one missing for York) and a York return for EARLIER."""
    catalogue = workspace.catalogue
    rows = []
    for member in workspace.members_for(PERIOD):
        for index, ind in enumerate(catalogue.section("national")):
            if member.gss == YORK and ind.id == MISSING_NATIONAL:
                continue
            rows.append((PERIOD, member.gss, ind.id, national_value(member.gss, index), "ok",
                         "Jan-Dec 2011", "https://nomis.example/q", "2024-05-01T09:00:00+00:00"))
    with Store(workspace.store_path) as store, store.transaction() as db:
        db.executemany(
            "INSERT INTO national_values (period, authority, indicator, value, status, "
            "date_label, query_url, retrieved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO files (sha256, size, kind, archived_path, first_received) "
                   "VALUES (?, 1, 'xlsx', 'x', '2010-07-01')", ("a" * 64,))
        db.execute("INSERT INTO submissions (sha256, authority, period, catalogue, "
                   "template_version, received_at, outcome) VALUES (?, ?, ?, 'c', '1', "
                   "'2010-07-01', 'accepted')", ("a" * 64, YORK, EARLIER))
        db.execute("INSERT INTO submitted_values (submission_id, indicator, value, status, "
                   "accepted, sheet, cell) VALUES (1, 'dwellings', 88123, 'ok', 1, 'P', 'E7')")
        db.execute("INSERT INTO submitted_values (submission_id, indicator, text_value, "
                   "status, accepted, sheet, cell) VALUES (1, 'authority_type', 'unitary', "
                   "'ok', 1, 'P', 'E5')")


@pytest.fixture
def workspace(workspace_dir: Path) -> Workspace:
    ws = load_workspace(workspace_dir)
    seed_store(ws)
    return ws


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Path]]:
    """One seeded workspace and its templates for every member, shared by read-only tests."""
    folder = tmp_path_factory.mktemp("shared")
    for name in ("lednet.yaml", "members.yaml", "exclusions.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    workspace = load_workspace(folder)
    seed_store(workspace)
    result = make_templates(workspace, PERIOD, guidance=False)
    return workspace, {path.name.split("_")[1]: path for path in result.paths}


@pytest.fixture
def made(shared: tuple[Workspace, dict[str, Path]]) -> dict[str, Path]:
    """Templates for every member, by GSS code (read them; do not change them)."""
    return shared[1]


@pytest.fixture
def seeded(shared: tuple[Workspace, dict[str, Path]]) -> Workspace:
    return shared[0]


def input_cells(workbook: openpyxl.Workbook) -> set[tuple[str, str]]:
    """(sheet, cell) of every cell an officer may type in, from the defined names."""
    cells = set()
    for name, defined in workbook.defined_names.items():
        if name.startswith(("LEDNET_V_", "LEDNET_S_", "LEDNET_N_", "LEDNET_SIGN_")):
            title, ref = next(iter(defined.destinations))
            if title != "National data" or name.startswith("LEDNET_N_"):
                cells.add((title, ref.replace("$", "")))
    return cells


def rule_for(sheet: Worksheet, cell: str):  # type: ignore[no-untyped-def]
    rules = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(rules) == 1, f"{sheet.title}!{cell} has {len(rules)} validation rules"
    return rules[0]


def test_one_file_per_member_named_by_period_and_authority(seeded: Workspace,
                                                          made: dict[str, Path]) -> None:
    expected = sorted(m.gss for m in seeded.members_for(PERIOD))
    assert sorted(made) == expected
    assert made[YORK].name == "2012_E06000014_York.xlsx"
    assert all(path.parent == seeded.templates_dir for path in made.values())


def test_national_values_equal_the_stored_values(seeded: Workspace,
                                                made: dict[str, Path]) -> None:
    ids = [ind.id for ind in seeded.catalogue.section("national")]
    for gss, path in made.items():
        workbook = openpyxl.load_workbook(path)
        for index, ident in enumerate(ids):
            title, ref = next(iter(workbook.defined_names[f"LEDNET_V_{ident}"].destinations))
            cell = workbook[title][ref.replace("$", "")]
            if gss == YORK and ident == MISSING_NATIONAL:
                continue
            assert cell.value == national_value(gss, index), (gss, ident)
            assert cell.protection.locked


def test_missing_national_value_is_a_marker_not_blank_or_zero(made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    title, ref = next(iter(workbook.defined_names[f"LEDNET_V_{MISSING_NATIONAL}"].destinations))
    row = int(ref.split("$")[-1])
    assert workbook[title][f"E{row}"].value == "[x]"
    assert workbook[title][f"F{row}"].value.startswith("[x] not available")
    assert read_return(made[YORK]).anchor.issued_national[MISSING_NATIONAL] is None


def test_only_input_status_and_note_cells_are_unlocked(made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    inputs = input_cells(workbook)
    assert len(inputs) == 23 * 3 + 18 + 3  # profile+local x3, national comments, sign-off
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet, sheet.title
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row + 5,
                                   max_col=sheet.max_column + 3):
            for cell in row:
                unlocked = not cell.protection.locked
                assert unlocked == ((sheet.title, cell.coordinate) in inputs), \
                    f"{sheet.title}!{cell.coordinate}"
    assert workbook.security.lockStructure


def test_input_cells_look_different_from_locked_ones(made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    for title, ref in input_cells(workbook):
        assert workbook[title][ref].fill.fgColor.rgb.endswith("FFF2CC"), f"{title}!{ref}"
    assert workbook["Profile"]["A5"].fill.fgColor.rgb != "00FFF2CC"


def test_each_value_cell_has_the_catalogue_rule(seeded: Workspace,
                                               made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    for ind in seeded.catalogue:
        if not ind.is_input:
            continue
        title, ref = next(iter(workbook.defined_names[f"LEDNET_V_{ind.id}"].destinations))
        rule = rule_for(workbook[title], ref.replace("$", ""))
        assert rule.errorStyle == "warning"  # "n/a" is warned about, not blocked
        if ind.type == "choice":
            assert rule.type == "list"
            assert rule.formula1 == '"' + ",".join(ind.choices) + '"'
        else:
            assert rule.type == ("whole" if ind.type == "integer" else "decimal")
            assert rule.operator == "between"
            assert float(rule.formula1) == ind.minimum
            assert float(rule.formula2) == ind.maximum


def test_status_cells_offer_the_officer_choices(seeded: Workspace,
                                               made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    for ind in seeded.catalogue:
        if ind.is_input:
            title, ref = next(iter(workbook.defined_names[f"LEDNET_S_{ind.id}"].destinations))
            rule = rule_for(workbook[title], ref.replace("$", ""))
            assert rule.type == "list"
            assert rule.formula1.strip('"').split(",") == list(OFFICER_CHOICES)


@pytest.mark.parametrize(("unit_id", "expected"), [
    ("dwellings", "#,##0"),
    ("net_revenue_expenditure", '"£"#,##0"k"'),
    ("ed_staff_fte", "#,##0.0"),
    ("industrial_vacancy_rate", '#,##0.0"%"'),
    ("authority_type", "@"),
], ids=["count", "gbp-thousands", "decimal-count", "percent", "choice"])
def test_number_formats_match_the_unit(made: dict[str, Path], unit_id: str,
                                       expected: str) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    title, ref = next(iter(workbook.defined_names[f"LEDNET_V_{unit_id}"].destinations))
    assert workbook[title][ref.replace("$", "")].number_format == expected


def test_no_validation_text_exceeds_excel_limits(made: dict[str, Path]) -> None:
    for path in made.values():
        check_excel_limits(openpyxl.load_workbook(path))


def check_excel_limits(workbook: openpyxl.Workbook) -> None:
    for sheet in workbook.worksheets:
        assert len(sheet.title) <= 31
        for rule in sheet.data_validations.dataValidation:
            for attribute, size in EXCEL_TEXT_LIMITS.items():
                assert len(getattr(rule, attribute) or "") <= size, (sheet.title, attribute)
            if rule.type == "list" and rule.formula1.startswith('"'):
                assert len(rule.formula1) <= 255


def test_long_catalogue_text_is_cut_to_excel_limits(workspace_dir: Path) -> None:
    """A catalogue with a long label and a long choice list still makes a valid workbook."""
    catalogue = load_catalogue()
    text = catalogue.text.replace("label: Type of authority", "label: " + "Very long label " * 6)
    choices = ", ".join(f"choice number {n} with some words" for n in range(12))
    text = text.replace("choices: [district, unitary, metropolitan district, London borough, "
                        "county]", f"choices: [{choices}]")
    (workspace_dir / "indicators.yaml").write_text(text, encoding="utf-8")
    config = workspace_dir / "lednet.yaml"
    config.write_text(config.read_text() + "catalogue: indicators.yaml\n", encoding="utf-8")
    workspace = load_workspace(workspace_dir)

    path = make_templates(workspace, PERIOD, authorities=[YORK], guidance=False).paths[0]
    workbook = openpyxl.load_workbook(path)
    check_excel_limits(workbook)
    title, ref = next(iter(workbook.defined_names["LEDNET_V_authority_type"].destinations))
    rule = rule_for(workbook[title], ref.replace("$", ""))
    assert rule.formula1.startswith("'lednet_anchor'!$C$")  # too long to be inline
    listed = next(row for row in workbook["lednet_anchor"].iter_rows(values_only=True)
                  if row[0] == "list" and row[1] == "authority_type")
    assert [c for c in listed[2:] if c] == [f"choice number {n} with some words"
                                             for n in range(12)]


def test_anchor_identifies_authority_period_and_catalogue(seeded: Workspace,
                                                         made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    anchor_sheet = workbook["lednet_anchor"]
    assert anchor_sheet.sheet_state == "veryHidden"
    assert anchor_sheet.protection.sheet
    fields = {row[1]: row[2] for row in anchor_sheet.iter_rows(values_only=True)
              if row[0] == "field"}
    assert fields["authority"] == YORK
    assert fields["period"] == PERIOD
    assert fields["catalogue_version"] == seeded.catalogue.version
    assert fields["catalogue_fingerprint"] == seeded.catalogue.fingerprint

    anchor = read_return(made[YORK]).anchor
    assert (anchor.authority, anchor.period) == (YORK, PERIOD)
    assert anchor.catalogue_version == "2012.1"


def test_previous_figure_comes_from_the_latest_earlier_period(made: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(made[YORK])["Profile"]
    assert sheet["D4"].value == "Your 2010 figure"
    title, ref = next(iter(sheet.parent.defined_names["LEDNET_V_dwellings"].destinations))
    row = int(ref.split("$")[-1])
    assert sheet[f"D{row}"].value == 88123
    assert sheet[f"A{row}"].value == "Dwellings on the valuation list"
    assert sheet["A5"].value == "Type of authority"
    assert sheet["D5"].value == "unitary"


def test_existing_template_is_kept_unless_forced(workspace: Workspace) -> None:
    path = make_templates(workspace, PERIOD, authorities=[YORK], guidance=False).paths[0]
    path.write_bytes(b"being filled in")
    again = make_templates(workspace, PERIOD, authorities=[YORK], guidance=False)
    assert again.lines() == [f"kept existing {path}; use --force to overwrite it"]
    assert path.read_bytes() == b"being filled in"

    forced = make_templates(workspace, PERIOD, authorities=[YORK], force=True, guidance=False)
    assert forced.lines() == [f"wrote {path}"]
    assert read_return(path).anchor.authority == YORK
    assert not list(path.parent.glob("*.part"))


def test_same_inputs_give_the_same_cell_contents(workspace: Workspace, tmp_path: Path) -> None:
    first = make_templates(workspace, PERIOD, authorities=[YORK], out_dir=tmp_path / "a",
                           guidance=False)
    second = make_templates(workspace, PERIOD, authorities=[YORK], out_dir=tmp_path / "b",
                            guidance=False)
    assert contents(first.paths[0]) == contents(second.paths[0])


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_guidance_has_every_definition_and_what_changed(workspace: Workspace,
                                                        tmp_path: Path) -> None:
    catalogue = workspace.catalogue
    old_text = catalogue.text.replace("Number of dwellings on the council tax valuation list.",
                                      "Dwellings on the list.")
    with Store(workspace.store_path) as store:
        store.record_catalogue(EARLIER, load_catalogue(catalogue.path, text=old_text))

    result = make_templates(workspace, PERIOD, authorities=[YORK], out_dir=tmp_path)
    html_path, pdf_path = result.guidance
    assert html_path.name == "2012_guidance.html"
    html = unescape(html_path.read_text(encoding="utf-8"))
    for ind in catalogue:
        if ind.section != "derived":
            first_words = " ".join(ind.definition.split()[:6])
            assert first_words in html, ind.id
    assert "What changed since 2010" in html
    assert html.count("<td>redefined</td>") == 1
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_cli_prints_one_line_per_file(runner, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    outcome = runner.invoke(main, ["--config", str(workspace.config_path), "make-templates",
                                   "--period", "2012", "--authority", YORK])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert lines[0] == f"wrote {workspace.templates_dir / '2012_E06000014_York.xlsx'}"
    assert lines[1].startswith("guidance: ")


def test_sheet_names_and_defined_names_follow_the_layout(made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    assert workbook.sheetnames == ["Front", "Profile", "National data", "Local data",
                                   "lednet_anchor"]
    assert layout.ANCHOR_NAME in workbook.defined_names
    for key in ("NAME", "ROLE", "DATE"):
        title, _ref = next(iter(workbook.defined_names[f"LEDNET_SIGN_{key}"].destinations))
        assert title == "Front"


def test_a_store_without_national_values_is_warned_about(workspace_dir: Path) -> None:
    workspace = load_workspace(workspace_dir)
    result = make_templates(workspace, PERIOD, authorities=[YORK], guidance=False)
    assert result.lines()[-1] == (
        "warning: the store holds no national values for 2012, so every national figure is "
        "marked [x]; run 'lednet fetch --period 2012' first and then make-templates --force")


def test_data_sheets_print_one_page_wide_with_a_frozen_header(made: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(made[YORK])
    for title in ("Profile", "National data", "Local data"):
        sheet = workbook[title]
        assert sheet.freeze_panes == "B5"
        assert sheet.print_title_rows == "$4:$4"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.column_dimensions["B"].width >= 50  # definitions wrap, not overflow
        assert sheet["B5"].alignment.wrap_text


@pytest.mark.parametrize(("name", "expected"), [
    ("Local data", "Local data"),
    ("Economic development: plans/targets [draft]", "Economic development plans tar…"),
    ("'quoted'", "quoted"),
], ids=["plain", "too-long-and-forbidden", "quotes"])
def test_sheet_titles_are_ones_excel_accepts(name: str, expected: str) -> None:
    title = layout.sheet_title(name)
    assert title == expected
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_limit_cuts_text_with_an_ellipsis() -> None:
    assert layout.limit("short", 32) == "short"
    assert layout.limit("a" * 40, 32) == "a" * 31 + "…"
    assert len(layout.limit("word " * 100, 255)) == 255
