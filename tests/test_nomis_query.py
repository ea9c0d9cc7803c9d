"""How indicators become NOMIS requests: dates, codes, URLs and merging."""

from __future__ import annotations

import pytest

from lednet.catalogue import load_catalogue
from lednet.nomis.query import (
    compress_codes,
    expand_codes,
    indicator_query,
    plan_requests,
)

BASE = "https://www.nomisweb.co.uk/api/v01"
SELECT_TAIL = "MEASURES,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,RECORD_OFFSET,RECORD_COUNT"
SELECT_HEAD = "DATE,DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GEOGRAPHY_TYPECODE"

# The NOMIS date each national indicator asks for in period 2009 (financial year 2008/09),
# worked out by hand from the period meanings in indicators.yaml.
DATES_2009 = {
    "population": "2008",  # mid-2008 estimate
    "population_16_64": "2008",
    "employment_rate": "2008-12",  # APS year to December 2008
    "unemployment_rate": "2008-12",
    "economic_activity_rate": "2008-12",
    "self_employment_rate": "2008-12",
    "nvq2_plus_rate": "2008-12",
    "nvq3_plus_rate": "2008-12",
    "nvq4_plus_rate": "2008-12",
    "no_qualifications_rate": "2008-12",
    "median_annual_pay_residents": "2008",  # ASHE April 2008
    "median_annual_pay_workplace": "2008",
    "claimant_count": "2009-03",  # count for March 2009
    "out_of_work_benefit_claimants": "2009-02",  # DWP quarter nearest the period end
    "total_jobs": "2007",  # jobs two years before
    "jobs_density": "2007",
    "business_local_units": "2009",  # March 2009
    "micro_business_units": "2009",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_national_indicator_has_a_2009_date(catalogue):
    national = {ind.id for ind in catalogue.section("national")}

    assert national == set(DATES_2009)


@pytest.mark.parametrize("indicator_id", sorted(DATES_2009))
def test_period_2009_date(catalogue, indicator_id):
    query = indicator_query(catalogue[indicator_id], 2009)

    assert query.date == DATES_2009[indicator_id]


DATASETS = {
    "population": "NM_2002_1", "population_16_64": "NM_2002_1",
    "median_annual_pay_residents": "NM_30_1", "median_annual_pay_workplace": "NM_99_1",
    "claimant_count": "NM_1_1", "out_of_work_benefit_claimants": "NM_34_1",
    "total_jobs": "NM_57_1", "jobs_density": "NM_57_1",
    "business_local_units": "NM_141_1", "micro_business_units": "NM_141_1",
}


@pytest.mark.parametrize("indicator_id", sorted(DATES_2009))
def test_period_2009_url_names_dataset_and_date(catalogue, indicator_id):
    request = indicator_query(catalogue[indicator_id], 2009).request(["E06000014"])

    dataset = DATASETS.get(indicator_id, "NM_17_5")  # the rest are APS rates
    assert request.url(BASE).startswith(
        f"{BASE}/dataset/{dataset}.data.csv?geography=E06000014&date={DATES_2009[indicator_id]}&")


def test_population_2009_url_asks_for_single_years_by_sex(catalogue):
    request = indicator_query(catalogue["population"], 2009).request(["E06000014"])

    assert request.url(BASE) == (
        f"{BASE}/dataset/NM_2002_1.data.csv?geography=E06000014&date=2008"
        "&c_age=101...191&gender=1,2&measures=20100"
        f"&select={SELECT_HEAD},C_AGE,GENDER,{SELECT_TAIL}")


def test_employment_rate_2009_url_asks_for_the_confidence_too(catalogue):
    request = indicator_query(catalogue["employment_rate"], 2009).request(["E06000014"])

    assert request.url(BASE) == (
        f"{BASE}/dataset/NM_17_5.data.csv?geography=E06000014&date=2008-12"
        "&variable=45&measures=20599,21003"
        f"&select={SELECT_HEAD},VARIABLE,{SELECT_TAIL}")


def test_business_local_units_2009_url(catalogue):
    request = indicator_query(catalogue["business_local_units"], 2009).request(
        ["E08000035", "E06000014"])

    assert request.url(BASE) == (
        f"{BASE}/dataset/NM_141_1.data.csv?geography=E06000014,E08000035&date=2009"
        "&employment_sizeband=10,20,30,40&industry=150994945...150994965&legal_status=0"
        f"&measures=20100&select={SELECT_HEAD},EMPLOYMENT_SIZEBAND,INDUSTRY,LEGAL_STATUS,"
        f"{SELECT_TAIL}")


def test_claimant_count_switches_dataset_from_2014(catalogue):
    before = indicator_query(catalogue["claimant_count"], 2013)
    after = indicator_query(catalogue["claimant_count"], 2014)

    assert (before.query.dataset, before.date) == ("NM_1_1", "2013-03")
    assert (after.query.dataset, after.date) == ("NM_162_1", "2014-03")


def test_population_2022_uses_the_all_ages_code(catalogue):
    query = indicator_query(catalogue["population"], 2022)

    assert (query.date, dict(query.codes)) == ("2021", {"gender": ("0",), "c_age": ("200",)})


def test_expand_codes_reads_lists_and_ranges():
    assert expand_codes("1,2") == ("1", "2")
    assert expand_codes("117...120") == ("117", "118", "119", "120")
    assert expand_codes("250,207,208") == ("250", "207", "208")


def test_expand_codes_refuses_a_backwards_range():
    with pytest.raises(ValueError, match="low...high"):
        expand_codes("120...117")


def test_compress_codes_is_canonical():
    assert compress_codes(["208", "250", "207"]) == "207,208,250"
    assert compress_codes(expand_codes("101...191")) == "101...191"
    assert compress_codes(["1", "2"]) == "1,2"


def test_aps_indicators_share_one_request(catalogue):
    queries = [indicator_query(ind, 2012) for ind in catalogue.section("national")]

    plans = plan_requests(queries, ["E06000014"])

    aps = [p for p in plans if p.request.dataset == "NM_17_5"]
    assert len(aps) == 1
    assert dict(aps[0].request.dimensions) == {"variable": "18,45,74,84,290,344,720,721"}


def test_one_request_per_dataset_for_the_2012_catalogue(catalogue):
    queries = [indicator_query(ind, 2012) for ind in catalogue.section("national")]

    plans = plan_requests(queries, ["E06000014", "E08000035"])

    datasets = sorted(p.request.dataset for p in plans)
    assert datasets == ["NM_141_1", "NM_17_5", "NM_1_1", "NM_2002_1", "NM_30_1", "NM_34_1",
                        "NM_57_1", "NM_99_1"]
    assert all(p.request.geography == ("E06000014", "E08000035") for p in plans)


def test_population_requests_merge_their_age_codes(catalogue):
    queries = [indicator_query(catalogue[i], 2022) for i in ("population", "population_16_64")]

    (plan,) = plan_requests(queries, ["E06000014"])

    assert dict(plan.request.dimensions) == {"c_age": "200,207,208,250", "gender": "0"}


def test_queries_differing_in_two_dimensions_are_not_merged(catalogue):
    # Merging 2011 single years (gender 1,2) with the 2021 bands (gender 0) would ask for
    # rows neither indicator wants; such queries stay apart.
    one = indicator_query(catalogue["population"], 2012)
    other = indicator_query(catalogue["population_16_64"], 2012)
    shifted = type(other)(indicator="x", query=other.query, date=other.date,
                          codes=(("c_age", ("200",)), ("gender", ("0",))),
                          measure=other.measure, confidence=None)

    plans = plan_requests([one, shifted], ["E06000014"])

    assert len(plans) == 2
