"""Fill lednet return templates the way officers would, to make the demo's SAMPLE returns.

    python scripts/fill_sample_returns.py WORKSPACE_DIR PERIOD

Reads the return templates that `lednet make-templates` wrote for PERIOD, fills each one as an
authority's officer would (typing some numbers as text such as "1,234" or "7.5%", choosing
statuses, writing explanations, signing off) and saves the results in the workspace's returns
folder. Some returns carry realistic mistakes so the demo shows rejection and feedback too.

These are sample data, clearly labelled as such in every file's sign-off role. Economic
development spend starts from the real 2006-07 Local Spending Report figure and areas come from
the LGBCE council list (see examples/sources/README.md); all other local figures are invented,
deterministically from the authority's code, so every run of the demo gives the same files.
"""

from __future__ import annotations

import csv
import hashlib
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "examples" / "sources"
REFERENCE = ROOT / "tests" / "data" / "reference"

# Mistakes officers really make, planted in named returns so the demo shows rejections.
MISTAKES = {
    2012: {
        "E07000163": "jobs-do-not-add-up",      # Craven: full-time + part-time != total
        "E07000167": "words-in-a-number-cell",  # Ryedale: "about 300" businesses supported
        "E07000164": "required-left-blank",     # Hambleton: staff FTE left empty
        "E08000036": "national-value-overtyped",  # Wakefield: changed a locked figure
    },
    2022: {
        "E07000169": "successes-exceed-enquiries",  # Selby
        "E08000033": "required-left-blank",         # Calderdale
    },
}
UNSIGNED = {"E07000166", "E08000034"}  # Richmondshire, Kirklees: provisional returns


def rng_for(gss: str, period: int, salt: str = "") -> random.Random:
    seed = hashlib.sha256(f"{gss}:{period}:{salt}".encode()).hexdigest()
    return random.Random(int(seed[:16], 16))


def real_spend_by_gss() -> dict[str, tuple[float, float]]:
    """(economic development, all services) net spend 2006-07 in £000, by GSS code."""
    ecode_to_gss = {}
    with (ROOT / "lednet" / "data" / "authorities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["ecode"] and row["gss"]:
                ecode_to_gss[row["ecode"]] = row["gss"]

    with (SOURCES / "openlylocal__spending_report_2006_07_raw_data.csv").open(
            encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [cell.strip() for cell in rows[2]]
    ed_column = header.index("Economic development")
    capital_start = rows[0].index("Capital Expenditure")

    spend = {}
    for row in rows[3:]:
        gss = ecode_to_gss.get(row[0])
        if gss:
            services = sum(float(v or 0) for v in row[2:capital_start])
            spend[gss] = (float(row[ed_column] or 0), services)
    return spend


def real_area_by_name() -> dict[str, float]:
    workbook = openpyxl.load_workbook(SOURCES / "openregister__lgbce_english-councils.xlsx",
                                      read_only=True, data_only=True)
    areas = {}
    for row in workbook.active.iter_rows(min_row=3, values_only=True):
        if row[0] and isinstance(row[5], int | float):
            areas[str(row[0]).strip()] = float(row[5])
    return areas


def cell_of(workbook: Any, name: str) -> Any:
    """The cell a lednet defined name points at."""
    defined = workbook.defined_names.get(name)
    if defined is None:
        return None
    sheet, ref = next(iter(defined.destinations))
    return workbook[sheet][ref.replace("$", "")]


def national(workbook: Any, indicator: str) -> float | None:
    cell = cell_of(workbook, f"LEDNET_V_{indicator}")
    value = cell.value if cell is not None else None
    return float(value) if isinstance(value, int | float) else None


def sample_values(gss: str, member_type: str, name: str, period: int, workbook: Any,
                  spend: dict[str, tuple[float, float]], areas: dict[str, float]
                  ) -> dict[str, Any]:
    """What this authority's officer types, cell by cell (text where officers type text)."""
    rng = rng_for(gss, period)
    population = national(workbook, "population") or 100_000
    units = national(workbook, "business_local_units") or population / 25
    ed_spend, all_services = spend.get(gss, (population / 150, population * 0.6))
    factor = 1.0 if period <= 2012 else 0.82  # later periods: a decade of budget cuts
    ed_revenue = round(ed_spend * factor)

    supported = round(units * rng.uniform(0.02, 0.06))
    full_time = rng.randint(10, 40) + round(ed_revenue / 60)
    part_time = rng.randint(5, 30)
    enquiries = rng.randint(8, 80)
    decisions = rng.randint(15, 120)
    values: dict[str, Any] = {
        "authority_type": member_type,
        "area_hectares": round(areas.get(name, population / 10)),
        "dwellings": f"{round(population / 2.25):,}",  # typed with a thousands separator
        "net_revenue_expenditure": round(all_services * (1.1 if period <= 2012 else 1.25)),
        "has_economic_strategy": "yes" if rng.random() < 0.8 else "in preparation",
        "ed_revenue_spend": ed_revenue,
        "ed_capital_spend": round(ed_revenue * rng.uniform(0.2, 1.5)),
        "ed_external_funding": round(ed_revenue * rng.uniform(0.1, 0.9)),
        "ed_staff_fte": round(max(ed_revenue / 65, 1.5), 1),
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
        "industrial_vacancy_rate": f"{rng.uniform(3, 14):.1f}%",  # typed with a % sign
        "town_centre_vacancy_rate": round(rng.uniform(6, 18), 1),
        "business_satisfaction": round(rng.uniform(70, 95)),
    }
    return values


def plant_mistake(kind: str, values: dict[str, Any], workbook: Any) -> None:
    if kind == "jobs-do-not-add-up":
        values["jobs_created_total"] = int(values["jobs_created_total"]) + 12
    elif kind == "words-in-a-number-cell":
        values["businesses_supported"] = "about 300"
    elif kind == "required-left-blank":
        values["ed_staff_fte"] = None
    elif kind == "successes-exceed-enquiries":
        values["inward_investment_successes"] = int(values["inward_investment_enquiries"]) + 5
    elif kind == "national-value-overtyped":
        cell = cell_of(workbook, "LEDNET_V_population")
        if cell is not None and isinstance(cell.value, int | float):
            cell.value = cell.value + 1000


def fill(template: Path, target: Path, period: int, members: dict[str, tuple[str, str]],
         spend: dict[str, tuple[float, float]], areas: dict[str, float]) -> str:
    workbook = openpyxl.load_workbook(template)
    gss = template.stem.split("_")[1]  # make-templates names files PERIOD_GSS_Name.xlsx
    member_type, name = members[gss]

    values = sample_values(gss, member_type, name, period, workbook, spend, areas)
    mistake = MISTAKES.get(period, {}).get(gss)
    if mistake:
        plant_mistake(mistake, values, workbook)
    _explain_and_mark(values, workbook, gss, period)

    for indicator, value in values.items():
        cell = cell_of(workbook, f"LEDNET_V_{indicator}")
        if cell is not None:
            cell.value = value
    if gss not in UNSIGNED:
        for key, text in (("NAME", f"{name} ED officer (placeholder)"),
                          ("ROLE", "SAMPLE DATA - lednet demo"),
                          ("DATE", f"{period}-06-15")):
            cell = cell_of(workbook, f"LEDNET_SIGN_{key}")
            if cell is not None:
                cell.value = text

    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return mistake or ("unsigned" if gss in UNSIGNED else "clean")


def _explain_and_mark(values: dict[str, Any], workbook: Any, gss: str, period: int) -> None:
    """Statuses and notes officers add: a survey not run, an estimate, an explanation."""
    rng = rng_for(gss, period, "status")
    if rng.random() < 0.25:
        values["business_satisfaction"] = None
        _set(workbook, "LEDNET_S_business_satisfaction", "[x] not available")
        _set(workbook, "LEDNET_N_business_satisfaction", "No business survey this year.")
    if rng.random() < 0.3:
        _set(workbook, "LEDNET_S_employment_land_available", "estimated")
    _set(workbook, "LEDNET_N_ed_revenue_spend",
         "Copied from the RO return." if period <= 2012 else
         "Lower than last year after budget reductions; copied from the RO return.")


def _set(workbook: Any, name: str, value: Any) -> None:
    cell = cell_of(workbook, name)
    if cell is not None:
        cell.value = value


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    workspace, period = Path(argv[1]), int(argv[2])
    sys.path.insert(0, str(ROOT))
    from lednet.workspace import load_workspace

    ws = load_workspace(workspace)
    members = {m.gss: (m.type, m.name) for m in ws.members_for(period)}
    spend, areas = real_spend_by_gss(), real_area_by_name()
    returns = ws.returns_dir / str(period)

    templates = sorted(ws.templates_dir.glob(f"{period}_*.xlsx"))
    if not templates:
        print(f"no return templates for {period} in {ws.templates_dir}; run make-templates",
              file=sys.stderr)
        return 1
    for template in templates:
        outcome = fill(template, returns / template.name, period, members, spend, areas)
        print(f"  {template.name}: {outcome}")

    if period == 2012:
        # Two files officers sent that are not returns at all: last year's CIPFA library
        # return in the old .xls format, and a PDF printout of the guidance.
        shutil.copy(REFERENCE / "cipfa-librarydata__example_09.xls",
                    returns / "Leeds library stats 2008-09.xls")
        guidance = sorted(ws.templates_dir.glob("*guidance*.pdf"))
        if guidance:
            shutil.copy(guidance[0], returns / "Bradford return (scanned).pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
