"""Merging returns into the store: idempotence, resubmission, decisions, closing, versions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from lednet.decisions import record_decision
from lednet.ingest import ingest_paths
from lednet.returns import editing
from lednet.store import Store
from lednet.workspace import Workspace, load_workspace
from tests.test_ingest_support import (
    LEEDS,
    PERIOD,
    YORK,
    archived,
    fill_valid,
    open_template,
    row_counts,
    save,
    stored_values,
    valid_return,
)

pytest_plugins = ("tests.test_ingest_support",)

MEMBERS = ("E06000014", "E07000163", "E07000164", "E07000165", "E07000166", "E07000167",
           "E07000168")


def current_submission_ids(ws: Workspace) -> dict[str, int]:
    with Store(ws.store_path) as store:
        return {row["authority"]: row["id"] for row in store.current_submissions(PERIOD)}


def test_ingesting_the_same_folder_twice_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    valid_return(ws, folder, YORK)
    valid_return(ws, folder, LEEDS, {"jobs_created_total": 999})
    ingest_paths(ws, [folder], period=PERIOD)
    before = row_counts(ws.store_path)
    archive_before = sorted(archived(ws))

    second = ingest_paths(ws, [folder], period=PERIOD)

    assert row_counts(ws.store_path) == before
    assert sorted(archived(ws)) == archive_before
    assert [v.outcome for v in second.files] == ["duplicate", "duplicate"]
    assert second.rejected == []


def test_a_duplicate_reports_the_earlier_verdict(ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, LEEDS, {"jobs_created_total": 999})
    ingest_paths(ws, [path], period=PERIOD)

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    assert verdict.earlier_outcome == "rejected"
    assert [f.code for f in verdict.findings] == ["duplicate-file"]


def test_the_same_bytes_from_a_new_place_are_noted_but_not_merged_again(
        ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path / "a", YORK)
    ingest_paths(ws, [path], period=PERIOD)
    copy = tmp_path / "b" / "york-again.xlsx"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    before = row_counts(ws.store_path)

    ingest_paths(ws, [copy], period=PERIOD)

    after = row_counts(ws.store_path)
    assert after["receipts"] == before["receipts"] + 1
    assert {k: v for k, v in after.items() if k != "receipts"} == \
        {k: v for k, v in before.items() if k != "receipts"}


def test_a_corrected_resubmission_replaces_the_values_and_keeps_the_history(
        ws: Workspace, tmp_path: Path) -> None:
    first = valid_return(ws, tmp_path / "1", YORK, {"jobs_created_total": 160})
    ingest_paths(ws, [first], period=PERIOD)
    corrected = valid_return(ws, tmp_path / "2", YORK, {"jobs_created_total": 150})

    [verdict] = ingest_paths(ws, [corrected], period=PERIOD).files

    assert verdict.outcome == "accepted"
    assert stored_values(ws.store_path)["jobs_created_total"]["value"] == 150.0
    with Store(ws.store_path) as store:
        history = store.history(PERIOD, YORK)
    assert [row["superseded_by"] for row in history] == [verdict.submission_id, None]
    assert verdict.superseded == history[0]["id"]


def test_in_one_folder_the_newer_file_supersedes_the_older(ws: Workspace,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    newer = valid_return(ws, folder, YORK, {"dwellings": 85500}, name="york-a.xlsx")
    older = valid_return(ws, folder, YORK, {"dwellings": 84000}, name="york-b.xlsx")
    os.utime(older, (1_000_000_000, 1_000_000_000))
    os.utime(newer, (1_000_000_100, 1_000_000_100))

    ingest_paths(ws, [folder], period=PERIOD)

    assert stored_values(ws.store_path)["dwellings"]["value"] == 85500.0


def test_a_signed_return_is_certified_and_an_unsigned_one_provisional(
        ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    valid_return(ws, folder, YORK)
    valid_return(ws, folder, LEEDS, signed=False)

    result = ingest_paths(ws, [folder], period=PERIOD)

    assert {v.authority: v.certified for v in result.files} == {YORK: True, LEEDS: False}


def test_a_sign_off_date_that_is_not_a_date_leaves_the_return_provisional(
        ws: Workspace, tmp_path: Path) -> None:
    workbook = open_template(ws, YORK)
    fill_valid(workbook)
    editing.fill(workbook, {}, signoff={"date": "yesterday"})
    path = save(workbook, tmp_path, "york.xlsx")

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    assert verdict.certified is False
    [finding] = [f for f in verdict.findings if f.code == "provisional"]
    assert finding.message == ("the sign-off date 'yesterday' is not a date (write it as "
                               "15/06/2012), so the return is provisional; complete it to "
                               "certify the figures")


def test_a_return_for_another_period_is_rejected_saying_so(ws: Workspace,
                                                           tmp_path: Path) -> None:
    workbook = open_template(ws, YORK, PERIOD - 1)
    path = save(workbook, tmp_path, "york-2011.xlsx")

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    [finding] = verdict.findings
    assert finding.code == "wrong-period"
    assert finding.message.startswith("this return is for period 2011, but period 2012 is "
                                      "being collected")
    assert stored_values(ws.store_path) == {}


def test_a_return_refused_for_the_wrong_period_is_taken_for_its_own(ws: Workspace,
                                                                     tmp_path: Path) -> None:
    workbook = open_template(ws, YORK, PERIOD - 1)
    fill_valid(workbook)
    path = save(workbook, tmp_path, "york-2011.xlsx")
    [refused] = ingest_paths(ws, [path], period=PERIOD).files
    assert refused.findings[0].code == "wrong-period"

    [again] = ingest_paths(ws, [path], period=PERIOD).files
    assert again.outcome == "duplicate"  # same file, same wrong period: nothing new

    [taken] = ingest_paths(ws, [path], period=PERIOD - 1).files
    assert (taken.outcome, taken.period) == ("accepted", PERIOD - 1)


def test_a_return_from_an_authority_that_is_not_a_member_is_rejected(
        ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK)
    members = ws.root / "members.yaml"
    lines = members.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "E06000014" in line)
    members.write_text("\n".join(lines[:start] + lines[start + 2:]) + "\n")

    [verdict] = ingest_paths(load_workspace(ws.root), [path], period=PERIOD).files

    assert [(f.code, f.authority) for f in verdict.findings] == [("unknown-authority", YORK)]
    assert "E06000014, which is not a member" in verdict.findings[0].message


def test_a_return_after_the_period_closed_is_kept_but_does_not_change_the_dataset(
        ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path / "1", YORK)], period=PERIOD)
    with Store(ws.store_path) as store:
        store.db.execute("UPDATE periods SET closed_at = '2012-07-01' WHERE period = ?",
                         (PERIOD,))
        before = store.dataset(PERIOD)
    late = valid_return(ws, tmp_path / "2", YORK, {"dwellings": 99000})

    [verdict] = ingest_paths(ws, [late], period=PERIOD).files

    assert verdict.after_close is True
    assert "after-close" in [f.code for f in verdict.findings]
    with Store(ws.store_path) as store:
        assert store.dataset(PERIOD) == before
        assert len(store.after_close_submissions(PERIOD)) == 1


def test_an_accept_decision_survives_reingesting_the_same_file(ws: Workspace,
                                                               tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"industrial_vacancy_rate": 150})
    ingest_paths(ws, [path], period=PERIOD)
    record_decision(ws, PERIOD, YORK, "industrial_vacancy_rate", "accept_value", None,
                    "verified with the officer", "coordinator")

    ingest_paths(ws, [path], period=PERIOD)

    with Store(ws.store_path) as store:
        figure = {v.indicator: v for v in store.dataset(PERIOD) if v.authority == YORK}
    assert figure["industrial_vacancy_rate"].value == 150.0
    assert figure["industrial_vacancy_rate"].decision.endswith("verified with the officer")


def test_an_accept_decision_does_not_admit_a_different_resubmitted_figure(
        ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path / "1", YORK, {"industrial_vacancy_rate": 150})],
                 period=PERIOD)
    record_decision(ws, PERIOD, YORK, "industrial_vacancy_rate", "accept_value", None,
                    "verified", "coordinator")

    ingest_paths(ws, [valid_return(ws, tmp_path / "2", YORK, {"industrial_vacancy_rate": 170})],
                 period=PERIOD)

    with Store(ws.store_path) as store:
        figure = {v.indicator: v for v in store.dataset(PERIOD) if v.authority == YORK}
    assert figure["industrial_vacancy_rate"].status == "rejected"


def test_a_correction_replaces_the_returned_figure(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path, YORK, {"businesses_supported": "about 300"})],
                 period=PERIOD)

    message = record_decision(ws, PERIOD, YORK, "businesses_supported", "correct_value", 310.0,
                              "sent by e-mail on 3 June", "coordinator")

    assert message.startswith("decision 1: coordinator corrected the value to 310 for "
                              "businesses_supported, York (E06000014), period 2012")
    with Store(ws.store_path) as store:
        figure = {v.indicator: v for v in store.dataset(PERIOD) if v.authority == YORK}
    assert (figure["businesses_supported"].value, figure["businesses_supported"].source) == \
        (310.0, "decision")


def test_a_soft_finding_with_a_note_is_explained(ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"businesses_supported": 0},
                        notes={"businesses_supported": "Service paused all year"})

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    codes = {(f.code, f.severity, f.cell) for f in verdict.findings}
    assert ("explained", "info", "E9") in codes
    assert verdict.outcome == "accepted"


def test_outliers_do_not_depend_on_the_order_returns_arrive(ws: Workspace,
                                                            tmp_path: Path) -> None:
    paths = [valid_return(ws, tmp_path, gss, {"businesses_supported": 300 + i * 10})
             for i, gss in enumerate(MEMBERS)]
    extreme = valid_return(ws, tmp_path, LEEDS, {"businesses_supported": 30000})
    other = tmp_path / "copy"
    shutil.copytree(ws.root, other)
    reversed_ws = load_workspace(other)

    ingest_paths(ws, paths[:3], period=PERIOD)
    ingest_paths(ws, [extreme, *paths[3:]], period=PERIOD)
    for path in reversed([extreme, *paths]):
        ingest_paths(reversed_ws, [path], period=PERIOD)

    def outliers(workspace: Workspace) -> list[tuple[str, str, str]]:
        with Store(workspace.store_path) as store:
            return sorted((r["authority"], r["indicator"], r["cell"])
                          for r in store.network_findings(PERIOD))

    assert outliers(ws) == outliers(reversed_ws) == [(LEEDS, "businesses_supported", "E9")]


def test_a_return_on_an_older_catalogue_is_read_by_id_and_the_change_reported(
        ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK)
    source = Path(ws.catalogue.path).read_text(encoding="utf-8")
    changed = source.replace('version: "2012.1"', 'version: "2012.2"').replace(
        "label: Jobs safeguarded\n", "label: Jobs safeguarded\n      changed: now FTE\n", 1)
    definition = "      label: Jobs safeguarded\n      changed: now FTE\n      definition: >-\n"
    changed = changed.replace(definition, definition + "        Counted as FTE.\n", 1)
    (ws.root / "indicators.yaml").write_text(changed, encoding="utf-8")
    config = ws.root / "lednet.yaml"
    config.write_text(config.read_text() + "catalogue: indicators.yaml\n")
    newer = load_workspace(ws.root)
    with Store(newer.store_path) as store:
        store.record_catalogue(PERIOD, newer.catalogue)

    [verdict] = ingest_paths(newer, [path], period=PERIOD).files

    codes = {(f.code, f.cell) for f in verdict.findings}
    assert ("older-catalogue", "") in codes
    assert ("indicator-changed", "E14") in codes
    stored = stored_values(newer.store_path)
    assert stored["jobs_safeguarded"]["accepted"] == 0
    assert stored["dwellings"]["value"] == 85000.0


def test_a_dry_run_stores_and_archives_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK)
    before = row_counts(ws.store_path)

    result = ingest_paths(ws, [path], period=PERIOD, dry_run=True)

    assert result.files[0].outcome == "accepted"
    assert row_counts(ws.store_path) == before
    assert list(archived(ws)) == []


def test_feedback_is_written_for_sending_with_problem_cells_commented(
        ws: Workspace, tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"businesses_supported": "=cmd|' /C calc'!A0"})

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    folder = ws.outputs_dir / "feedback" / "2012"
    assert sorted(p.name for p in verdict.feedback) == [
        "2012_E06000014_York_feedback.html", "2012_E06000014_York_feedback.xlsx"]
    workbook = openpyxl.load_workbook(folder / "2012_E06000014_York_feedback.xlsx")
    assert "formula-no-result" in workbook["Local data"]["E9"].comment.text
    listed = [row for row in workbook["lednet feedback"].iter_rows(min_row=2)
              if row[4].value == "businesses_supported"]
    assert all(cell.data_type != "f" for row in listed for cell in row)


def test_feedback_html_escapes_officer_text_and_shows_decisions(ws: Workspace,
                                                                tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"businesses_supported": 0,
                                             "industrial_vacancy_rate": 150},
                        notes={"businesses_supported": "<script>alert(1)</script>"})
    ingest_paths(ws, [path], period=PERIOD)

    record_decision(ws, PERIOD, YORK, "industrial_vacancy_rate", "accept_value", None,
                    "a large site closed", "coordinator")

    page = (ws.outputs_dir / "feedback" / "2012" / "2012_E06000014_York_feedback.html"
            ).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "coordinator" in page and "a large site closed" in page


def test_an_unexpected_failure_still_gives_the_file_a_verdict_and_keeps_it(
        ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, **_: object) -> None:
        raise RuntimeError("reader bug")

    monkeypatch.setattr("lednet.ingest.pipeline.read_return", broken)
    path = valid_return(ws, tmp_path, YORK)

    [verdict] = ingest_paths(ws, [path], period=PERIOD).files

    assert (verdict.outcome, [f.code for f in verdict.findings]) == \
        ("not-a-return", ["unreadable-workbook"])
    assert "RuntimeError: reader bug" in verdict.findings[0].message
    with Store(ws.store_path) as store:
        assert store.known_file(verdict.sha256)["verdict"] == "not-a-return"


def test_a_corrected_figure_joins_the_outlier_comparison(ws: Workspace, tmp_path: Path) -> None:
    paths = [valid_return(ws, tmp_path, gss, {"businesses_supported": 300 + i * 10})
             for i, gss in enumerate(MEMBERS)]
    paths.append(valid_return(ws, tmp_path, LEEDS, {"businesses_supported": "lots"}))
    ingest_paths(ws, paths, period=PERIOD)

    record_decision(ws, PERIOD, LEEDS, "businesses_supported", "correct_value", 30000.0,
                    "phoned", "coordinator")

    with Store(ws.store_path) as store:
        found = [(r["authority"], r["code"]) for r in store.network_findings(PERIOD)]
    assert found == [(LEEDS, "outlier")]


def test_feedback_on_a_late_return_is_about_the_late_file(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path / "1", YORK)], period=PERIOD)
    with Store(ws.store_path) as store:
        store.db.execute("UPDATE periods SET closed_at = 't' WHERE period = ?", (PERIOD,))
    late = valid_return(ws, tmp_path / "2", YORK, {"businesses_supported": "lots"})

    [verdict] = ingest_paths(ws, [late], period=PERIOD).files

    page = next(p for p in verdict.feedback if p.suffix == ".html").read_text(encoding="utf-8")
    assert "not-a-number" in page and "after-close" in page


def test_a_dry_run_reports_the_outliers_a_return_would_have(ws: Workspace,
                                                            tmp_path: Path) -> None:
    paths = [valid_return(ws, tmp_path, gss, {"businesses_supported": 300 + i * 10})
             for i, gss in enumerate(MEMBERS)]
    ingest_paths(ws, paths, period=PERIOD)
    extreme = valid_return(ws, tmp_path, LEEDS, {"businesses_supported": 30000})

    [verdict] = ingest_paths(ws, [extreme], period=PERIOD, dry_run=True).files

    assert [(f.code, f.cell) for f in verdict.findings] == [("outlier", "E9")]
    assert verdict.outcome == "accepted-with-warnings"
