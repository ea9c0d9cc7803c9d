"""``lednet fetch`` end to end: the example workspace against the local snapshot server.

The pinned figures for York (E06000014) were read from the recorded files by hand:
population 197,783 (mid-2011, single years 0-90+ of both sexes added up) and 201,672
(mid-2021, all ages); aged 16-64 132,340 (mid-2011, single years 16-64 of both sexes) and
131,986 (mid-2021, bands 16-24 + 25-49 + 50-64 = 32,379 + 62,007 + 37,600); business local
units 8,020 (March 2012) and 9,035 (March 2022), all SIC sections and size bands.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lednet.cli import main
from lednet.errors import NomisError
from lednet.nomis.client import NomisClient
from lednet.nomis.fetch import BASE_URL_ENV, fetch_national
from lednet.nomis.snapshot import SnapshotServer
from lednet.workspace import NomisSettings, load_workspace

MANIFEST = Path(__file__).resolve().parent / "data" / "nomis" / "manifest.yaml"
YORK = "E06000014"
LEEDS = "E08000035"


@pytest.fixture
def server(monkeypatch):
    with SnapshotServer(MANIFEST) as running:
        monkeypatch.setenv(BASE_URL_ENV, running.base_url)
        yield running


def fetch(runner, workspace_dir: Path, *args: str):
    return runner.invoke(main, ["--config", str(workspace_dir), "fetch", *args])


def stored(workspace_dir: Path, period: int) -> dict[tuple[str, str], sqlite3.Row]:
    db = sqlite3.connect(workspace_dir / "store" / "lednet.sqlite")
    db.row_factory = sqlite3.Row
    rows = db.execute("SELECT * FROM national_values WHERE period = ?", (period,)).fetchall()
    db.close()
    return {(row["authority"], row["indicator"]): row for row in rows}


def value(workspace_dir: Path, period: int, authority: str, indicator: str) -> float | None:
    return stored(workspace_dir, period)[(authority, indicator)]["value"]


def test_fetch_2012_stores_york_population_from_single_years(runner, workspace_dir, server):
    result = fetch(runner, workspace_dir, "--period", "2012")

    assert result.exit_code == 0, result.output
    assert value(workspace_dir, 2012, YORK, "population") == 197783
    assert value(workspace_dir, 2012, YORK, "population_16_64") == 132340


def test_fetch_2022_stores_york_population_counted_once(runner, workspace_dir, server):
    # The recorded answer lists York under TYPE432 and TYPE431; counted twice it would be
    # 403,344 and 263,972.
    result = fetch(runner, workspace_dir, "--period", "2022")

    assert result.exit_code == 0, result.output
    assert value(workspace_dir, 2022, YORK, "population") == 201672
    assert value(workspace_dir, 2022, YORK, "population_16_64") == 131986


def test_fetch_stores_york_business_local_units(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")
    fetch(runner, workspace_dir, "--period", "2022")

    assert value(workspace_dir, 2012, YORK, "business_local_units") == 8020
    assert value(workspace_dir, 2022, YORK, "business_local_units") == 9035


def test_fetch_records_date_label_url_and_time(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")

    row = stored(workspace_dir, 2012)[(YORK, "population")]
    assert row["status"] == "ok"
    assert row["date_label"] == "2011"
    assert row["query_url"].startswith(f"{server.base_url}/dataset/NM_2002_1.data.csv?"
                                       "geography=E06000014,")
    assert "&date=2011&c_age=101...191&gender=1,2&measures=20100&" in row["query_url"]
    assert row["retrieved_at"].endswith("+00:00")


def test_fetch_summary_for_the_example_network(runner, workspace_dir, server):
    result = fetch(runner, workspace_dir, "--period", "2012")

    lines = result.output.splitlines()
    assert lines[0] == ("period 2012: 13 authorities, 18 indicators: 52 values stored, "
                        "0 suppressed, 182 no data")
    assert lines[1] == "NOMIS: 8 HTTP requests, 8 answers fetched, 0 from the cache"
    assert lines[2].startswith("no data for any authority (NOMIS answered nothing for their "
                               "query): employment_rate, unemployment_rate,")
    assert len(lines) == 3


def test_indicator_without_a_recorded_answer_is_no_data_with_its_url(runner, workspace_dir,
                                                                    server):
    fetch(runner, workspace_dir, "--period", "2012")

    row = stored(workspace_dir, 2012)[(YORK, "employment_rate")]
    assert (row["value"], row["status"], row["ci_low"]) == (None, "no-data", None)
    assert "/dataset/NM_17_5.data.csv?" in row["query_url"]
    assert "&date=2011-12&variable=18,45,74,84,290,344,720,721&measures=20599,21003&" in \
        row["query_url"]


def test_second_fetch_makes_no_requests(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")
    before = len(server.requests)

    result = fetch(runner, workspace_dir, "--period", "2012")

    assert len(server.requests) == before
    assert "NOMIS: 0 HTTP requests, 0 answers fetched, 8 from the cache" in result.output
    assert value(workspace_dir, 2012, YORK, "population") == 197783


def test_refresh_asks_again(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")
    before = len(server.requests)

    fetch(runner, workspace_dir, "--period", "2012", "--refresh")

    assert len(server.requests) == before + 8


def test_offline_without_a_cache_says_what_to_do(runner, workspace_dir, server):
    result = fetch(runner, workspace_dir, "--period", "2012", "--offline")

    assert result.exit_code == 1
    assert result.output == ("Error: no cached NOMIS answers for period 2012; run "
                             "'lednet fetch --period 2012' online first\n")
    assert server.requests == []


def test_offline_stores_what_is_cached_and_names_what_is_not(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")
    cache = workspace_dir / "cache" / "nomis"
    for path in cache.glob("NM_141_1-*.json"):
        path.unlink()
    before = len(server.requests)

    result = fetch(runner, workspace_dir, "--period", "2012", "--offline")

    assert result.exit_code == 0, result.output
    assert len(server.requests) == before
    assert ("offline, not cached (kept what the store had): business_local_units, "
            "micro_business_units (") in result.output
    assert value(workspace_dir, 2012, YORK, "business_local_units") == 8020


def test_suppressed_value_is_a_status_not_a_number(workspace_dir, monkeypatch):
    with SnapshotServer(MANIFEST, suppress=[YORK]) as suppressing:
        monkeypatch.setenv(BASE_URL_ENV, suppressing.base_url)
        summary = fetch_national(load_workspace(workspace_dir), 2022)

    york = stored(workspace_dir, 2022)[(YORK, "population")]
    assert (york["value"], york["status"]) == (None, "suppressed")
    assert value(workspace_dir, 2022, LEEDS, "population") == 809036  # recorded, unchanged
    assert summary.suppressed == 4  # York's two population and two business figures


def test_authority_with_no_recorded_data_is_named(runner, workspace_dir, server):
    members = workspace_dir / "members.yaml"
    members.write_text(members.read_text() + "  - {gss: E06000001, joined: 2009}\n")

    result = fetch(runner, workspace_dir, "--period", "2012")

    assert result.exit_code == 0, result.output
    assert ("no data for Hartlepool (E06000001): business_local_units, micro_business_units"
            in result.output.splitlines())
    hartlepool = stored(workspace_dir, 2012)[("E06000001", "business_local_units")]
    assert (hartlepool["value"], hartlepool["status"]) == (None, "no-data")
    assert value(workspace_dir, 2012, "E06000001", "population") is not None


def test_old_code_selects_the_member(runner, workspace_dir, server):
    result = fetch(runner, workspace_dir, "--period", "2012", "--authority", "00FF")

    assert result.exit_code == 0, result.output
    assert {authority for authority, _ in stored(workspace_dir, 2012)} == {YORK}
    assert result.output.startswith("period 2012: 1 authority, 18 indicators: 4 values "
                                    "stored")


def test_one_member_fetch_uses_the_network_answer_from_the_cache(runner, workspace_dir,
                                                                 server):
    fetch(runner, workspace_dir, "--period", "2012")
    before = len(server.requests)

    result = fetch(runner, workspace_dir, "--period", "2012", "--offline", "-a", YORK)

    assert result.exit_code == 0, result.output
    assert len(server.requests) == before
    assert value(workspace_dir, 2012, YORK, "population") == 197783


def test_members_not_expected_in_a_period_are_not_requested(runner, workspace_dir, server):
    # Craven and six other districts were abolished on 1 April 2023 (last period 2023).
    fetch(runner, workspace_dir, "--period", "2024")

    asked = server.requests[0].params["geography"].split(",")
    assert "E07000163" not in asked
    assert asked == [YORK, "E08000032", "E08000033", "E08000034", LEEDS, "E08000036"]


def test_fetch_records_the_catalogue_used(runner, workspace_dir, server):
    fetch(runner, workspace_dir, "--period", "2012")

    db = sqlite3.connect(workspace_dir / "store" / "lednet.sqlite")
    (fingerprint,) = db.execute("SELECT catalogue FROM periods WHERE period = 2012").fetchone()
    db.close()
    assert fingerprint == load_workspace(workspace_dir).catalogue.fingerprint


def test_api_key_never_reaches_store_cache_or_output(runner, workspace_dir, server,
                                                     monkeypatch):
    monkeypatch.setenv("NOMIS_UID", "0xSECRETKEY")

    result = fetch(runner, workspace_dir, "--period", "2012")

    assert server.requests[0].params["uid"] == "0xSECRETKEY"
    assert "0xSECRETKEY" not in result.output
    assert all("0xSECRETKEY" not in row["query_url"]
               for row in stored(workspace_dir, 2012).values())
    for path in (workspace_dir / "cache" / "nomis").iterdir():
        assert "0xSECRETKEY" not in path.read_text()


def test_a_failing_request_stores_nothing_and_says_so(workspace_dir):
    workspace = load_workspace(workspace_dir)
    with SnapshotServer(MANIFEST, faults=["http500"] * 2) as failing:
        client = NomisClient(NomisSettings(retries=1, backoff=0.0), base_url=failing.base_url)
        with pytest.raises(NomisError) as raised:
            fetch_national(workspace, 2012, client=client)

    assert str(raised.value).startswith("fetching population, population_16_64: NOMIS request "
                                        "failed after 2 attempts (HTTP 500): ")
    assert str(raised.value).endswith("; nothing was stored")
    assert not (workspace_dir / "store" / "lednet.sqlite").exists() or \
        stored(workspace_dir, 2012) == {}


def test_an_html_page_is_one_error_line_at_the_command_line(runner, workspace_dir,
                                                           monkeypatch):
    with SnapshotServer(MANIFEST, faults=["html"]) as failing:
        monkeypatch.setenv(BASE_URL_ENV, failing.base_url)
        result = fetch(runner, workspace_dir, "--period", "2012")

    assert result.exit_code == 1
    assert result.output.startswith("Error: fetching population, population_16_64: NOMIS "
                                    "answered with a web page, not CSV data, for ")
    assert result.output.count("\n") == 1


def test_refresh_and_offline_together_is_a_usage_error(runner, workspace_dir, server):
    result = fetch(runner, workspace_dir, "--period", "2012", "--refresh", "--offline")

    assert result.exit_code == 2
    assert "use one" in result.output


def test_fetch_stores_recorded_figures_for_a_london_borough(runner, workspace_dir, server):
    # The Tombolo recordings: Barking and Dagenham, ASHE April 2016 and jobs in 2015.
    (workspace_dir / "members.yaml").write_text("members:\n  - {gss: E09000002}\n")

    result = fetch(runner, workspace_dir, "--period", "2017")

    assert result.exit_code == 0, result.output
    assert value(workspace_dir, 2017, "E09000002", "median_annual_pay_residents") == 28012
    assert value(workspace_dir, 2017, "E09000002", "total_jobs") == 62000
    assert value(workspace_dir, 2017, "E09000002", "jobs_density") == 0.49
