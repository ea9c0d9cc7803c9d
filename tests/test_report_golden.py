"""The golden benchmark: nine authorities whose ranks and quartiles were worked out by hand.

Every expected figure below was computed on paper from tests/data/golden/values.csv (see
tests/data/golden/EXPECTED.md for the working); none comes from lednet's own code.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from lednet.report.build import build_reports
from tests import golden_workspace

YORK, HARROGATE, SCARBOROUGH = "E06000014", "E07000165", "E07000168"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("golden")
    workspace = golden_workspace.build(tmp)
    result = build_reports(workspace, 2012, formats=["html"], out_dir=tmp / "out")
    return {p.stem: p.read_text(encoding="utf-8") for p in result.paths}


def section_text(html: str, indicator: str) -> str:
    """The text of one indicator's section, tags removed and spaces collapsed."""
    start = html.index(f'id="i-{indicator}"')
    end = html.index("</article>", start)
    text = re.sub(r"<[^>]+>", " ", html[start:end])
    return re.sub(r"\s+", " ", htmllib.unescape(text))


def york(reports: dict[str, str], indicator: str) -> str:
    return section_text(reports[f"2012_{YORK}_York"], indicator)


def test_ranks_with_a_tie_an_exclusion_and_a_gap(reports: dict[str, str]) -> None:
    text = york(reports, "jobs_created_total")
    assert "120 rank 2= of 7 top quartile" in text
    # Network: median 70, mean 940/7 = 134.3, quartiles 50 and 120, min 30, max 500.
    assert ("Network (7 of 9 values): rank 2= of 7 · median 70 · mean 134 · quartiles 50 to 120 · "
            "range 30 to 500") in text
    assert "Not compared: 1 missing, 1 excluded." in text
    # The chart lists every member with a value, best first, York highlighted; Scarborough's
    # excluded value is shown (greyed) but not ranked.
    assert ("Leeds 500 York 120 Harrogate 120 Scarborough 80 Selby 70 Hambleton 60 Craven 40 "
            "Ryedale 30") in text


def test_comparator_groups(reports: dict[str, str]) -> None:
    text = york(reports, "jobs_created_total")
    # York is the only unitary authority; its family group has six comparable values.
    assert ("Unitary authorities (1 of 1 values): too few values to compare (1; at least 3 "
            "needed)") in text
    assert ("North Yorkshire (6 of 8 values): rank 1= of 6 · median 65 · mean 73 · quartiles 45 "
            "to 108 · range 30 to 120") in text

    harrogate = section_text(reports[f"2012_{HARROGATE}_Harrogate"], "jobs_created_total")
    assert ("District councils (5 of 7 values): rank 1 of 5 · median 60 · mean 64 · quartiles "
            "40 to 70 · range 30 to 120") in harrogate


def test_target_band_ranks_by_distance_outside_the_band(reports: dict[str, str]) -> None:
    text = york(reports, "industrial_vacancy_rate")
    assert "7.5% rank 1= of 8 top quartile" in text
    assert ("Network (8 of 9 values): rank 1= of 8 · median 8.5% · mean 8.4% · quartiles 5.5% to "
            "10.5% · range 3.0% to 15.0%") in text
    assert ("North Yorkshire (7 of 8 values): rank 1= of 7 · median 9.5% · mean 8.7% · quartiles "
            "5.8% to 11.0% · range 3.0% to 15.0%") in text

    craven = section_text(reports["2012_E07000163_Craven"], "industrial_vacancy_rate")
    assert "12.0% rank 6= of 8 bottom quartile" in craven


def test_derived_indicator_and_both_network_ratios(reports: dict[str, str]) -> None:
    text = york(reports, "jobs_created_per_million")
    assert "120.0 rank 3= of 7 second quartile" in text
    assert ("Network (7 of 9 values): rank 3= of 7 · median 120.0 · mean 130.0 · quartiles 110.0 "
            "to 135.0 · range 100.0 to 200.0") in text
    assert ("North Yorkshire (6 of 8 values): rank 3= of 6 · median 120.0 · mean 135.0 · "
            "quartiles 120.0 to 142.5 · range 100.0 to 200.0") in text
    # 940 jobs / £8.3m = 113.3; the mean of the seven ratios is 910 / 7 = 130.0.
    assert ("113.3 for the network as a whole (ratio of sums); 130.0 as the mean of members' "
            "figures (over 7 members)") in text


def test_neutral_indicator_is_shown_not_ranked(reports: dict[str, str]) -> None:
    text = york(reports, "ed_revenue_spend")
    assert "£1,000k context figure, not ranked" in text
    assert ("Network (9 of 9 values): median £500k · mean £1,022k · quartiles £350k to £800k · "
            "range £250k to £5,000k") in text


def test_confidence_interval_against_the_median(reports: dict[str, str]) -> None:
    text = york(reports, "employment_rate")
    assert "72.0% rank 6 of 8 third quartile" in text
    assert "95% confidence interval 68.0% to 76.0%: the network median lies within" in text
    harrogate = section_text(reports[f"2012_{HARROGATE}_Harrogate"], "employment_rate")
    assert "75.0% to 77.0%: the network median lies outside this interval" in harrogate


def test_change_rank_change_and_break_in_series(reports: dict[str, str]) -> None:
    jobs = york(reports, "jobs_created_total")
    assert "Change since 2011: +20 (was 100); up 1 place in the ranking." in jobs
    vacancy = york(reports, "industrial_vacancy_rate")
    assert "−0.5 percentage points (was 8.0%) break in series" in vacancy


def test_exclusion_is_shown_with_its_reason(reports: dict[str, str]) -> None:
    text = section_text(reports[f"2012_{SCARBOROUGH}_Scarborough"], "jobs_created_total")
    assert "80 † not ranked: no comparable value" in text
    assert "Excluded from ranks and averages by the network: Scarborough counted safeguarded " \
           "jobs as created" in text
    derived = section_text(reports[f"2012_{SCARBOROUGH}_Scarborough"],
                           "jobs_created_per_million")
    assert "an input is excluded" in derived


def test_network_report_lists_every_member(reports: dict[str, str]) -> None:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", reports["2012_network"]))
    for name in ("York", "Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale",
                 "Scarborough", "Selby", "Leeds"):
        assert name in text
    assert "Leeds £5,000k 500 (1) 6.0% (1=)" in text
    assert ("9 of 9 members returned; 0 of those returns are rejected (only their figures that "
            "passed validation are compared) and 9 are provisional (not signed off).") in text


def test_a_note_with_script_is_text(reports: dict[str, str]) -> None:
    html = reports[f"2012_{YORK}_York"]
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; includes 12 apprenticeships" in html


def test_footer_carries_fingerprint_catalogue_and_time(reports: dict[str, str]) -> None:
    html = reports[f"2012_{YORK}_York"]
    assert re.search(r'class="fingerprint">[0-9a-f]{16}<', html)
    assert "Golden test catalogue, version 2012.g" in html
    assert re.search(r"Generated 20\d\d-\d\d-\d\dT", html)
    assert "Source: ONS / DWP, via Nomis (nomisweb.co.uk), Open Government Licence v3.0" in html


def test_anonymised_report_names_only_its_authority(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    result = build_reports(workspace, 2012, authorities=[YORK], formats=["html"],
                           anonymise=True, out_dir=tmp_path / "out")
    assert [p.name for p in result.paths] == ["2012_E06000014_York_anonymised.html"]
    html = result.paths[0].read_text(encoding="utf-8")
    for name in ("Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale",
                 "Scarborough", "Selby", "Leeds"):
        assert name not in html
    # Letters follow GSS order over the member list: Harrogate (E07000165) is D, Leeds I.
    assert "I 500 York 120 D 120" in section_text(html, "jobs_created_total")


def test_anonymised_network_report_withholds_exclusion_reasons(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    result = build_reports(workspace, 2012, formats=["html"], anonymise=True,
                           out_dir=tmp_path / "out")
    network = next(p for p in result.paths if p.name == "2012_network_anonymised.html")
    html = network.read_text(encoding="utf-8")
    assert "Scarborough" not in html and "York" not in html
    assert "reason withheld in the anonymised report" in html
