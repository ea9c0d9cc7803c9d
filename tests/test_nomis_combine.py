"""Rows of an answer become one figure per authority: dedupe, sums, statuses, intervals.

Rows come from the recorded files through the manifest, changed in a test only where the
behaviour needs a cell no recorded file holds (a disagreement, a confidence measure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lednet.catalogue import load_catalogue
from lednet.nomis.combine import combine_rows
from lednet.nomis.manifest import load_manifest
from lednet.nomis.query import indicator_query

MANIFEST = Path(__file__).resolve().parent / "data" / "nomis" / "manifest.yaml"
YORK = "E06000014"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def recorded():
    return {response.id: response for response in load_manifest(MANIFEST)}


def york_rows(recorded, response_id: str, **match: str) -> list[dict[str, str]]:
    return [dict(row) for row in recorded[response_id].rows
            if row["GEOGRAPHY_CODE"] == YORK and all(row[k] == v for k, v in match.items())]


def test_a_unitary_under_two_types_counts_once(catalogue, recorded):
    rows = york_rows(recorded, "mye-2021-lads", C_AGE="200")
    query = indicator_query(catalogue["population"], 2022)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert sorted(r["GEOGRAPHY_TYPECODE"] for r in rows) == ["431", "432"]
    assert (result.value, result.status, result.problem) == (201672, "ok", "")


def test_two_types_that_disagree_store_nothing_and_say_why(catalogue, recorded):
    rows = york_rows(recorded, "mye-2021-lads", C_AGE="200")
    rows[1]["OBS_VALUE"] = "200000"
    query = indicator_query(catalogue["population"], 2022)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert (result.value, result.status) == (None, "no-data")
    assert result.problem.startswith("NOMIS gives E06000014 different figures under two "
                                     "geography types (TYPE432: 201672, TYPE431: 200000)")


def test_a_sum_with_a_part_missing_is_no_data_not_a_smaller_total(catalogue, recorded):
    rows = york_rows(recorded, "mye-2011-single-age")
    rows = [r for r in rows if r["C_AGE"] != "140"]  # drop age 39
    query = indicator_query(catalogue["population_16_64"], 2012)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert (result.value, result.status) == (None, "no-data")
    assert result.problem == ("NOMIS sent 96 of the 98 parts to add up for E06000014; no "
                              "partial total stored")


def test_a_suppressed_part_suppresses_the_sum(catalogue, recorded):
    rows = york_rows(recorded, "ukbc-local-units-yorkshire", DATE="2012")
    rows[0]["OBS_VALUE"], rows[0]["OBS_STATUS"] = "", "Q"
    query = indicator_query(catalogue["business_local_units"], 2012)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert (result.value, result.status) == (None, "suppressed")


def test_a_missing_value_flagged_unavailable_is_no_data(catalogue, recorded):
    rows = york_rows(recorded, "mye-2021-lads", C_AGE="200", GEOGRAPHY_TYPECODE="432")
    rows[0].update(OBS_VALUE="", OBS_STATUS="M", OBS_STATUS_NAME="These figures are missing")
    query = indicator_query(catalogue["population"], 2022)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert (result.value, result.status) == (None, "no-data")


def test_a_former_code_answers_for_the_member(catalogue, recorded):
    rows = york_rows(recorded, "mye-2021-lads", C_AGE="200")
    for row in rows:
        row["GEOGRAPHY_CODE"] = "E06000999"
    query = indicator_query(catalogue["population"], 2022)

    (result,) = combine_rows(rows, query, {YORK: YORK, "E06000999": YORK}, [YORK])

    assert (result.authority, result.value) == (YORK, 201672)


def test_an_authority_without_rows_is_no_data(catalogue, recorded):
    rows = york_rows(recorded, "mye-2021-lads", C_AGE="200")
    query = indicator_query(catalogue["population"], 2022)

    results = combine_rows(rows, query, {YORK: YORK, "E06000001": "E06000001"},
                           [YORK, "E06000001"])

    assert [(r.authority, r.status, r.problem) for r in results] == [
        (YORK, "ok", ""), ("E06000001", "no-data", "")]


def test_aps_interval_is_value_plus_and_minus_confidence(catalogue):
    # No recorded APS answer carries the confidence measure (21003), so this one row pair is
    # written here: a 67.3% rate with a 3.1-point confidence.
    base = {"GEOGRAPHY_CODE": YORK, "VARIABLE": "45", "OBS_STATUS": "A",
            "DATE_NAME": "Jan 2011-Dec 2011"}
    rows = [{**base, "MEASURES": "20599", "OBS_VALUE": "67.3"},
            {**base, "MEASURES": "21003", "OBS_VALUE": "3.1"}]
    query = indicator_query(catalogue["employment_rate"], 2012)

    (result,) = combine_rows(rows, query, {YORK: YORK}, [YORK])

    assert result.value == 67.3
    assert result.ci_low == pytest.approx(64.2)
    assert result.ci_high == pytest.approx(70.4)
    assert result.date_label == "Jan 2011-Dec 2011"


def test_aps_rate_without_its_confidence_has_no_interval(catalogue, recorded):
    rows = [r for r in recorded["aps-employment-rate-barking"].rows if r["DATE"] == "2017-06"]
    query = indicator_query(catalogue["employment_rate"], 2018)

    (result,) = combine_rows(rows, query, {"E09000002": "E09000002"}, ["E09000002"])

    assert (result.value, result.ci_low, result.ci_high) == (67.3, None, None)
