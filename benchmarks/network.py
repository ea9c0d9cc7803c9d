"""A synthetic benchmark network: every English district and unitary authority, made-up figures.

Nothing here is real data. National values are drawn from a seeded random generator per
authority, and so are the officers' local figures; only the authority list is real (lednet's
reference list), so that the network has the size and shape of a national one.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path
from typing import Any

import openpyxl

from lednet.authorities import reference_authorities
from lednet.returns.editing import fill
from lednet.store import Store
from lednet.values import OK
from lednet.workspace import Workspace, load_workspace

MEMBER_TYPES = ("NMD", "UA", "MD", "LBO", "CC")

CONFIG = """\
# SYNTHETIC benchmark network: every English district and unitary authority, invented figures.
network: Synthetic benchmark network (every English district and unitary authority)
members: members.yaml
returns: returns
templates: output/templates
outputs: output
store: store/lednet.sqlite
archive: archive
cache: cache/nomis
exclusions: exclusions.yaml
deadlines:
{deadlines}
coordinator:
  name: Benchmark coordinator (synthetic)
  email: coordinator@benchmark.example
nomis:
  offline: true
lock_timeout: 0
"""


def english_authorities(periods: tuple[int, ...]) -> list[Any]:
    """English districts, unitaries, metropolitan districts and London boroughs in every period."""
    return sorted((a for a in reference_authorities().values()
                   if a.nation == "England" and a.type_code in MEMBER_TYPES
                   and all(a.exists_in(p) for p in periods)), key=lambda a: a.gss)


def make_workspace(root: Path, periods: tuple[int, ...]) -> Workspace:
    """Write lednet.yaml, members.yaml and exclusions.yaml for the synthetic network."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    deadlines = "\n".join(f'  {p}: "{p}-06-30"' for p in periods)
    (root / "lednet.yaml").write_text(CONFIG.format(deadlines=deadlines), encoding="utf-8")
    lines = ["# SYNTHETIC members: real authority codes, invented contacts.", "members:"]
    for authority in english_authorities(periods):
        lines.append(f"  - {{gss: {authority.gss}, group: {authority.region}, "
                     f"joined: {periods[0]}, contact: {{name: Synthetic officer, "
                     f"email: officer@{authority.code.lower()}.example}}}}")
    (root / "members.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "exclusions.yaml").write_text("exclusions: []\n", encoding="utf-8")
    return load_workspace(root / "lednet.yaml")


def rng_for(*parts: object) -> random.Random:
    seed = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(seed[:16], 16))


def national_values(gss: str, period: int) -> dict[str, float]:
    """Plausible-looking, invented national statistics for one authority and period."""
    rng = rng_for(gss, period, "national")
    population = rng.randint(40_000, 1_100_000)
    working = round(population * rng.uniform(0.58, 0.68))
    employment = rng.uniform(62, 82)
    units = round(population / rng.uniform(20, 32))
    return {
        "population": population, "population_16_64": working,
        "employment_rate": round(employment, 1),
        "unemployment_rate": round(rng.uniform(2.5, 9), 1),
        "economic_activity_rate": round(employment + rng.uniform(3, 8), 1),
        "self_employment_rate": round(rng.uniform(6, 15), 1),
        "nvq2_plus_rate": round(rng.uniform(65, 85), 1),
        "nvq3_plus_rate": round(rng.uniform(45, 65), 1),
        "nvq4_plus_rate": round(rng.uniform(25, 60), 1),
        "no_qualifications_rate": round(rng.uniform(3, 12), 1),
        "median_annual_pay_residents": round(rng.uniform(24_000, 40_000)),
        "median_annual_pay_workplace": round(rng.uniform(22_000, 42_000)),
        "claimant_count": round(working * rng.uniform(0.01, 0.06)),
        "out_of_work_benefit_claimants": round(working * rng.uniform(0.04, 0.12)),
        "total_jobs": round(working * rng.uniform(0.6, 1.3)),
        "jobs_density": round(rng.uniform(0.6, 1.3), 2),
        "business_local_units": units,
        "micro_business_units": round(units * rng.uniform(0.8, 0.9)),
    }


def store_national_values(workspace: Workspace, periods: tuple[int, ...]) -> int:
    """Insert synthetic national values for every member and period; returns the row count."""
    wanted = {i.id for i in workspace.catalogue.section("national")}
    rows = []
    for period in periods:
        for member in workspace.members_for(period):
            for indicator, value in national_values(member.gss, period).items():
                if indicator in wanted:
                    rows.append((period, member.gss, indicator, float(value), OK, None, None,
                                 f"synthetic {period}", "", f"{period}-05-01T00:00:00Z"))
    with Store(workspace.store_path) as store, store.transaction() as db:
        db.executemany(
            "INSERT OR REPLACE INTO national_values (period, authority, indicator, value, "
            "status, ci_low, ci_high, date_label, query_url, retrieved_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def local_values(member: Any, period: int, version: int) -> dict[str, Any]:
    """What a synthetic officer types: consistent figures that pass lednet's checks."""
    rng = rng_for(member.gss, period, version, "local")
    population = national_values(member.gss, period)["population"]
    spend = round(population / rng.uniform(80, 250))
    supported = rng.randint(40, 900)
    full_time, part_time = rng.randint(10, 400), rng.randint(5, 200)
    enquiries, decisions = rng.randint(8, 80), rng.randint(15, 120)
    return {
        "authority_type": member.type,
        "area_hectares": rng.randint(1_500, 250_000),
        "dwellings": round(population / rng.uniform(2.2, 2.5)),
        "net_revenue_expenditure": round(population * rng.uniform(0.4, 0.9)),
        "has_economic_strategy": rng.choice(("yes", "yes", "in preparation")),
        "ed_revenue_spend": spend,
        "ed_capital_spend": round(spend * rng.uniform(0.2, 1.5)),
        "ed_external_funding": round(spend * rng.uniform(0.1, 0.9)),
        "ed_staff_fte": round(max(spend / 65, 1.5), 1),
        "businesses_supported": supported,
        "business_startups_supported": round(supported * rng.uniform(0.1, 0.3)),
        "jobs_created_full_time": full_time,
        "jobs_created_part_time": part_time,
        "jobs_created_total": full_time + part_time,
        "jobs_safeguarded": rng.randint(0, 150),
        "inward_investment_enquiries": enquiries,
        "inward_investment_successes": round(enquiries * rng.uniform(0.05, 0.3)),
        "major_planning_decisions": decisions,
        "major_planning_decisions_13_weeks": round(decisions * rng.uniform(0.55, 0.95)),
        "employment_land_available": round(rng.uniform(5, 120), 1),
        "industrial_vacancy_rate": round(rng.uniform(3, 14), 1),
        "town_centre_vacancy_rate": round(rng.uniform(6, 18), 1),
        "business_satisfaction": round(rng.uniform(70, 95)),
    }


def fill_return(template: Path, target: Path, member: Any, period: int, version: int,
                inputs: set[str]) -> Path:
    """Fill one template as a synthetic officer would; ``version`` > 0 is a resubmission."""
    workbook = openpyxl.load_workbook(template)
    values = {k: v for k, v in local_values(member, period, version).items() if k in inputs}
    fill(workbook, values, signoff={"name": "Synthetic officer",
                                    "role": f"SYNTHETIC benchmark data (version {version + 1})",
                                    "date": f"{period}-06-{10 + version:02d}"})
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
