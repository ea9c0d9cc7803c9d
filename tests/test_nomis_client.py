"""The NOMIS client against a real local server that pages and misbehaves like NOMIS."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest

from lednet.errors import NomisError
from lednet.nomis.client import NomisClient, redact
from lednet.nomis.query import DataRequest
from lednet.nomis.snapshot import SnapshotServer
from lednet.workspace import NomisSettings

DATA = Path(__file__).resolve().parent / "data" / "nomis"
MANIFEST = DATA / "manifest.yaml"
FILE_2021 = DATA / "NM_2002_1_mye_2021_regions_lads_all_columns.data.csv"
YORK_2021 = DataRequest(dataset="NM_2002_1", date="2021",
                        dimensions=(("c_age", "200"), ("gender", "0")), measures="20100",
                        geography=("E06000014",))


def settings(**overrides: object) -> NomisSettings:
    values: dict[str, object] = {"timeout": 2.0, "retries": 2, "backoff": 0.0,
                                 "page_size": 25000}
    values.update(overrides)
    return NomisSettings(**values)  # type: ignore[arg-type]


def whole_2021_request() -> tuple[DataRequest, list[dict[str, str]]]:
    """A request for every geography and code in the recorded 2021 file, and its rows."""
    with FILE_2021.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    geography = tuple(sorted({row["GEOGRAPHY_CODE"] for row in rows}))
    ages = ",".join(dict.fromkeys(row["C_AGE"] for row in rows))
    request = DataRequest(dataset="NM_2002_1", date="2021",
                          dimensions=(("c_age", ages), ("gender", "0")), measures="20100",
                          geography=geography)
    return request, rows


def test_pages_the_11178_row_file_and_gets_every_row():
    request, recorded = whole_2021_request()

    with SnapshotServer(MANIFEST) as server:
        client = NomisClient(settings(page_size=2000), base_url=server.base_url)
        answer = client.fetch(request)

    assert len(recorded) == 11178
    assert len(server.requests) == 6  # 5 pages of 2,000 and one of 1,178
    assert [r["RECORD_OFFSET"] for r in answer.rows] == [str(n) for n in range(11178)]
    got = sorted((r["GEOGRAPHY_CODE"], r["GEOGRAPHY_TYPECODE"], r["C_AGE"], r["OBS_VALUE"])
                 for r in answer.rows)
    want = sorted((r["GEOGRAPHY_CODE"], r["GEOGRAPHY_TYPECODE"], r["C_AGE"], r["OBS_VALUE"])
                  for r in recorded)
    assert got == want


def test_pages_ask_with_record_offset():
    request, _ = whole_2021_request()

    with SnapshotServer(MANIFEST) as server:
        NomisClient(settings(page_size=5000), base_url=server.base_url).fetch(request)

    offsets = [seen.params["recordoffset"] for seen in server.requests]
    assert offsets == ["0", "5000", "10000"]


def test_a_cut_stream_is_asked_again():
    with SnapshotServer(MANIFEST, faults=["truncate"]) as server:
        answer = NomisClient(settings(), base_url=server.base_url).fetch(YORK_2021)

    assert [r["OBS_VALUE"] for r in answer.rows] == ["201672", "201672"]
    assert len(server.requests) == 2


def test_a_stream_cut_every_time_is_one_clear_error():
    with SnapshotServer(MANIFEST, faults=["truncate"] * 3) as server:
        client = NomisClient(settings(retries=2), base_url=server.base_url)
        with pytest.raises(NomisError, match=r"failed after 3 attempts \(connection failed"):
            client.fetch(YORK_2021)


def test_a_silently_short_page_is_never_taken_as_complete():
    request, _ = whole_2021_request()

    with SnapshotServer(MANIFEST, faults=["short"] * 3) as server:
        client = NomisClient(settings(retries=2, page_size=2000), base_url=server.base_url)
        with pytest.raises(NomisError, match=r"page at row 0 has 1,333 rows, expected 2,000"):
            client.fetch(request)


def test_a_server_error_then_success_gives_the_value():
    with SnapshotServer(MANIFEST, faults=["http500"]) as server:
        answer = NomisClient(settings(), base_url=server.base_url).fetch(YORK_2021)

    assert {r["OBS_VALUE"] for r in answer.rows} == {"201672"}
    assert len(server.requests) == 2


def test_rate_limiting_is_retried_with_backoff():
    pauses: list[float] = []

    with SnapshotServer(MANIFEST, faults=["http429", "http503"]) as server:
        client = NomisClient(settings(backoff=0.5), base_url=server.base_url,
                             sleep=pauses.append)
        answer = client.fetch(YORK_2021)

    assert {r["OBS_VALUE"] for r in answer.rows} == {"201672"}
    assert pauses == [0.5, 1.0]


def test_a_slow_answer_times_out_and_is_asked_again():
    with SnapshotServer(MANIFEST, faults=["slow"], slow_seconds=1.5) as server:
        answer = NomisClient(settings(timeout=0.3), base_url=server.base_url).fetch(YORK_2021)

    assert {r["OBS_VALUE"] for r in answer.rows} == {"201672"}


def test_a_server_that_never_answers_in_time_is_one_clear_error():
    with SnapshotServer(MANIFEST, faults=["slow"] * 2, slow_seconds=1.0) as server:
        client = NomisClient(settings(timeout=0.2, retries=1), base_url=server.base_url)
        with pytest.raises(NomisError, match=r"failed after 2 attempts \(no answer within "
                                             r"0.2s\)"):
            client.fetch(YORK_2021)


def test_an_html_page_with_status_200_is_an_error_not_data():
    with SnapshotServer(MANIFEST, faults=["html"]) as server:
        client = NomisClient(settings(), base_url=server.base_url)
        with pytest.raises(NomisError, match="answered with a web page, not CSV data"):
            client.fetch(YORK_2021)

    assert len(server.requests) == 1


def test_a_client_error_is_not_retried():
    with SnapshotServer(MANIFEST, faults=["http400"]) as server:
        client = NomisClient(settings(), base_url=server.base_url)
        with pytest.raises(NomisError, match=r"refused the request \(HTTP 400\)"):
            client.fetch(YORK_2021)

    assert len(server.requests) == 1


def test_an_empty_body_means_no_data():
    with SnapshotServer(MANIFEST, faults=["empty"]) as server:
        answer = NomisClient(settings(), base_url=server.base_url).fetch(YORK_2021)

    assert answer.rows == []


def test_a_query_no_recorded_file_answers_gets_an_empty_body():
    request = DataRequest(dataset="NM_17_5", date="2011-12", dimensions=(("variable", "45"),),
                          measures="20599,21003", geography=("E06000014",))

    with SnapshotServer(MANIFEST) as server:
        answer = NomisClient(settings(), base_url=server.base_url).fetch(request)

    assert answer.rows == []


def test_the_api_key_is_sent_but_never_shown(caplog):
    caplog.set_level(logging.DEBUG, logger="lednet")

    with SnapshotServer(MANIFEST, faults=["http500"] * 3) as server:
        client = NomisClient(settings(api_key="0xSECRETKEY", retries=2),
                             base_url=server.base_url)
        with pytest.raises(NomisError) as raised:
            client.fetch(YORK_2021)

    assert server.requests[0].params["uid"] == "0xSECRETKEY"
    assert "0xSECRETKEY" not in str(raised.value)
    assert "0xSECRETKEY" not in caplog.text


def test_a_polite_user_agent_is_sent():
    client = NomisClient(settings())

    assert client.session.headers["User-Agent"].startswith("lednet/")


def test_redact_removes_a_uid_from_any_text():
    text = "GET /api/v01/dataset/NM_1_1.data.csv?date=2009&uid=0xABC123&measures=20100"

    assert redact(text) == ("GET /api/v01/dataset/NM_1_1.data.csv?date=2009&uid=REDACTED"
                            "&measures=20100")
