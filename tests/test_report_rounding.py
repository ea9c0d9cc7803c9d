"""Printed figures round half away from zero, as a reader rounds, never half to even."""

from __future__ import annotations

import pytest

from lednet.catalogue import load_catalogue
from lednet.report.views import fmt

CATALOGUE = load_catalogue()


@pytest.mark.parametrize(("indicator", "value", "printed"), [
    ("jobs_created_total", 94.5, "95"),        # a median between 94 and 95 (was "94")
    ("jobs_created_total", 58.5, "59"),        # a quartile (was "58")
    ("jobs_created_total", 107.5, "108"),
    ("industrial_vacancy_rate", 5.75, "5.8%"),
    ("ed_spend_per_head", 3.005, "£3.01"),     # 3.005 is 3.00499... in binary; still 3.01
    ("ed_spend_per_head", -2.5, "−£2.50"),
    ("ed_revenue_spend", 1545633.4, "£1,545,633k"),
])
def test_half_rounds_away_from_zero(indicator: str, value: float, printed: str) -> None:
    assert fmt(CATALOGUE[indicator], value) == printed
