"""``lednet status``: every expected member's return, and the list to chase."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from lednet.cli import main
from lednet.decisions import record_decision
from lednet.ingest import ingest_paths
from lednet.status import period_status
from lednet.workspace import Workspace
from tests.test_ingest_support import LEEDS, PERIOD, YORK, valid_return

pytest_plugins = ("tests.test_ingest_support",)

CRAVEN, HAMBLETON, BRADFORD = "E07000163", "E07000164", "E08000032"


def states(ws: Workspace) -> dict[str, tuple[str, int, str]]:
    report = period_status(ws, PERIOD)
    return {m.gss: (m.state, m.errors, m.signoff) for m in report.members}


def test_every_expected_member_is_listed_as_missing_before_any_return(ws: Workspace) -> None:
    report = period_status(ws, PERIOD)
    assert len(report.members) == 13
    assert {m.state for m in report.members} == {"missing"}


def test_each_return_shows_its_state_and_sign_off(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    valid_return(ws, folder, YORK)
    valid_return(ws, folder, LEEDS, {"jobs_created_total": 999, "ed_staff_fte": None})
    valid_return(ws, folder, CRAVEN, {"businesses_supported": 0}, signed=False)
    (folder / "bradford.pdf").write_bytes(b"%PDF-1.4\n")
    ingest_paths(ws, [folder], period=PERIOD)

    found = states(ws)

    assert found[YORK] == ("accepted", 0, "certified")
    assert found[LEEDS] == ("rejected", 2, "certified")
    assert found[CRAVEN] == ("accepted-with-warnings", 0, "provisional")
    assert found[HAMBLETON] == ("missing", 0, "")


def test_a_return_refused_outright_shows_as_rejected(ws: Workspace, tmp_path: Path) -> None:
    from tests.test_ingest_support import open_template, save

    path = save(open_template(ws, YORK, PERIOD - 1), tmp_path, "york-last-year.xlsx")
    ingest_paths(ws, [path], period=PERIOD)

    assert states(ws)[YORK] == ("rejected", 1, "")


def test_an_accepted_value_no_longer_counts_as_an_error(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path, YORK, {"industrial_vacancy_rate": 150})],
                 period=PERIOD)
    record_decision(ws, PERIOD, YORK, "industrial_vacancy_rate", "accept_value", None,
                    "genuine: a large site closed", "coordinator")

    report = period_status(ws, PERIOD)

    [york] = [m for m in report.members if m.gss == YORK]
    assert (york.state, york.decisions) == ("accepted", 1)
    assert "1 decision(s)" in york.line()


def test_the_chase_list_has_contacts_and_the_deadline(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path, YORK)], period=PERIOD)
    target = tmp_path / "chase.csv"

    period_status(ws, PERIOD).write_chase(target)

    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 12
    assert rows[0] == {"gss": CRAVEN, "authority": "Craven", "state": "missing",
                       "reason": "no return received", "errors": "0",
                       "contact_name": "Craven ED officer (placeholder)",
                       "contact_email": "econdev@craven.example", "contact_phone": "",
                       "deadline": "2012-06-29"}


def test_status_command_prints_one_line_per_member(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path, YORK)], period=PERIOD)

    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "status", "--period",
                                       "2012", "--json"])

    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["counts"] == {"missing": 12, "rejected": 0, "accepted-with-warnings": 0,
                              "accepted": 1}


def test_ingest_command_exits_3_when_a_return_is_rejected(ws: Workspace,
                                                          tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"businesses_supported": "about 300"})

    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "ingest", str(path),
                                       "--period", "2012"])

    assert result.exit_code == 3
    assert result.output.splitlines()[0].startswith(
        "REJECTED  E06000014.xlsx  York (E06000014)  2012  certified")
    assert result.output.splitlines()[-1] == "1 file(s): 1 rejected"


def test_ingest_command_exits_0_for_an_accepted_return(ws: Workspace, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "ingest",
                                       str(valid_return(ws, tmp_path, YORK)), "--period", "2012"])

    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1 file(s): 1 accepted"


def test_ingest_json_lists_every_finding_with_its_location(ws: Workspace,
                                                           tmp_path: Path) -> None:
    path = valid_return(ws, tmp_path, YORK, {"dwellings": "85,000"})

    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "ingest", str(path),
                                       "--period", "2012", "--json"])

    [verdict] = json.loads(result.output)["files"]
    [finding] = verdict["findings"]
    assert (verdict["outcome"], finding["code"], finding["sheet"], finding["cell"],
            finding["raw"], finding["parsed"]) == ("accepted", "value-converted", "Profile",
                                                   "E7", "85,000", "85000")


def test_decide_command_confirms_the_decision(ws: Workspace, tmp_path: Path) -> None:
    ingest_paths(ws, [valid_return(ws, tmp_path, YORK, {"industrial_vacancy_rate": 150})],
                 period=PERIOD)

    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "decide", "-p", "2012",
                                       "-a", YORK, "-i", "industrial_vacancy_rate", "--accept",
                                       "--reason", "verified", "--who", "coordinator"])

    assert result.exit_code == 0
    assert result.output == ("decision 1: coordinator accepted the value for "
                             "industrial_vacancy_rate, York (E06000014), period 2012: "
                             "verified\n")


def test_status_command_writes_the_chase_list(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "chase.csv"

    result = CliRunner().invoke(main, ["--config", str(ws.config_path), "status", "--period",
                                       "2012", "--chase", str(target)])

    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == f"chase list: {target}"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 14


def test_quiet_ingest_prints_only_problems(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    valid_return(ws, folder, YORK, {"dwellings": "85,000"})
    valid_return(ws, folder, LEEDS, {"businesses_supported": "lots"})

    result = ingest_paths(ws, [folder], period=PERIOD)

    lines = result.lines(quiet=True)
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == ["REJECTED", "2"]
    assert not any("value-converted" in line for line in lines)
