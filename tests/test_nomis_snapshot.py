"""The snapshot manifest and server: recorded files served, filtered and paged like NOMIS."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from lednet.errors import NomisError
from lednet.nomis.manifest import load_manifest
from lednet.nomis.snapshot import SnapshotServer

DATA = Path(__file__).resolve().parent / "data" / "nomis"
MANIFEST = DATA / "manifest.yaml"


def data_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip()) - 1


@pytest.fixture(scope="module")
def recorded():
    return {response.id: response for response in load_manifest(MANIFEST)}


@pytest.fixture(scope="module")
def server():
    with SnapshotServer(MANIFEST) as running:
        yield running


def get(server: SnapshotServer, dataset: str, **params: str) -> requests.Response:
    return requests.get(f"{server.base_url}/dataset/{dataset}.data.csv", params=params,
                        timeout=10)


def test_manifest_reads_every_row_of_every_recorded_file(recorded):
    for response in recorded.values():
        assert len(response.rows) == data_lines(response.path), response.id


def test_manifest_supplies_the_date_the_2011_file_lacks(recorded):
    rows = recorded["mye-2011-single-age"].rows

    assert {(r["DATE"], r["DATE_NAME"], r["MEASURES"]) for r in rows} == {
        ("2011", "2011", "20100")}


def test_manifest_maps_section_letters_to_nomis_industry_ids(recorded):
    rows = recorded["ukbc-local-units-yorkshire"].rows

    pairs = {(r["INDUSTRY"], r["INDUSTRY_NAME"][0]) for r in rows}
    assert ("150994945", "A") in pairs
    assert ("150994965", "U") in pairs
    assert len(pairs) == 21


def test_manifest_code_missing_for_a_file_value_is_an_error(tmp_path):
    shutil.copy(DATA / "tombolo" / "NM_57_1_total_jobs_item1_TYPE463_2015-2016.csv",
                tmp_path / "jobs.csv")
    (tmp_path / "manifest.yaml").write_text(
        "responses:\n"
        "  - {id: jobs, file: jobs.csv, dataset: NM_57_1, dimensions: [item],\n"
        "     fields: {ITEM: {column: ITEM_NAME, codes: {Jobs density: '3'}}}}\n")

    (response,) = load_manifest(tmp_path / "manifest.yaml")
    with pytest.raises(NomisError, match="no code for 'Total jobs' in column ITEM_NAME"):
        response.rows  # noqa: B018 - reading the rows is the behaviour under test


def test_serves_only_the_requested_geographies(server):
    answer = get(server, "NM_2002_1", geography="E06000014,E08000035", date="2021",
                 gender="0", c_age="200", measures="20100")

    lines = answer.text.splitlines()
    assert answer.status_code == 200
    assert len(lines) == 5  # header + York and Leeds, each under TYPE432 and TYPE431
    assert all('"E06000014"' in line or '"E08000035"' in line for line in lines[1:])


def test_serves_nomis_shaped_csv_with_record_counts(server):
    answer = get(server, "NM_2002_1", geography="E06000014", date="2021", gender="0",
                 c_age="200", measures="20100",
                 select="GEOGRAPHY_CODE,GEOGRAPHY_TYPECODE,OBS_VALUE,RECORD_OFFSET,RECORD_COUNT")

    assert answer.text == ('"GEOGRAPHY_CODE","GEOGRAPHY_TYPECODE","OBS_VALUE","RECORD_OFFSET",'
                           '"RECORD_COUNT"\n'
                           '"E06000014",432,201672,0,2\n'
                           '"E06000014",431,201672,1,2\n')


def test_serves_a_range_of_codes_from_single_years(server):
    answer = get(server, "NM_2002_1", geography="E06000014", date="2011", gender="1,2",
                 c_age="117...165", measures="20100", select="C_AGE,OBS_VALUE")

    assert len(answer.text.splitlines()) == 1 + 2 * 49


def test_a_dataset_no_file_answers_gets_an_empty_body(server):
    answer = get(server, "NM_1_1", geography="E06000014", date="2012-03", sex="7", item="1",
                 measures="20100")

    assert (answer.status_code, answer.content) == (200, b"")


def test_a_date_no_file_answers_gets_an_empty_body(server):
    answer = get(server, "NM_2002_1", geography="E06000014", date="2008", gender="1,2",
                 c_age="101...191", measures="20100")

    assert answer.content == b""


def test_without_a_key_a_page_stops_at_25000_rows_silently(server):
    answer = get(server, "NM_2002_1", date="2011", gender="1,2", c_age="101...191",
                 measures="20100", select="RECORD_OFFSET,RECORD_COUNT", RecordLimit="30000")

    lines = answer.text.splitlines()
    assert len(lines) == 1 + 25000
    assert lines[-1] == "24999,71162"


def test_requests_are_counted(recorded):
    with SnapshotServer(MANIFEST) as counting:
        get(counting, "NM_1_1", date="2012-03")
        get(counting, "NM_1_1", date="2013-03")

    assert [seen.params["date"] for seen in counting.requests] == ["2012-03", "2013-03"]


def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match="unknown fault"):
        SnapshotServer(MANIFEST, faults=["explode"])


def test_serve_command_runs_until_stopped():
    process = subprocess.Popen(
        [sys.executable, "-m", "lednet.nomis.snapshot", "serve", "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        base_url = first.split(" at ", 1)[1].split(" ", 1)[0]
        answer = requests.get(f"{base_url}/dataset/NM_1_1.data.csv?date=2012-03", timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert first.startswith("NOMIS snapshot at http://127.0.0.1:")
    assert answer.status_code == 200
