"""The reference list of real UK local authorities, used to validate a network's members."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .resources import data_path

# The member list speaks in words; the reference file uses the register's type codes.
TYPE_NAMES = {
    "NMD": "district",
    "UA": "unitary",
    "MD": "metropolitan district",
    "LBO": "London borough",
    "CC": "London borough",  # the City of London sits with the boroughs for comparison
    "CTY": "county",
}
MEMBER_TYPES = ("district", "unitary", "metropolitan district", "London borough", "county")


@dataclass(frozen=True)
class Authority:
    """One row of the reference list."""

    gss: str
    code: str
    name: str
    official_name: str
    type_code: str
    region: str
    nation: str
    start_date: dt.date | None
    end_date: dt.date | None
    replaced_by: str
    former_gss: tuple[str, ...]
    snac: str
    ecode: str

    @property
    def member_type(self) -> str | None:
        return TYPE_NAMES.get(self.type_code)

    def first_period(self) -> int | None:
        """First financial-year period the authority existed for the whole of, if known.

        An authority created on 1 April 2009 first reports for 2009/10, i.e. period 2010. The
        register's start dates before 2009 are when records began, not when councils were formed.
        """
        if self.start_date is None or self.start_date < dt.date(2009, 1, 1):
            return None
        return self.start_date.year + (1 if self.start_date.month >= 4 else 0)

    def last_period(self) -> int | None:
        """Last period the authority existed for: abolished 1 April 2023 -> period 2023."""
        if self.end_date is None:
            return None
        return self.end_date.year if self.end_date.month >= 4 else self.end_date.year - 1

    def exists_in(self, period: int) -> bool:
        first, last = self.first_period(), self.last_period()
        return (first is None or period >= first) and (last is None or period <= last)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def reference_authorities() -> dict[str, Authority]:
    """Every authority in the shipped reference list, keyed by GSS code."""
    authorities: dict[str, Authority] = {}
    with data_path("authorities.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["gss"]:
                continue
            authorities[row["gss"]] = Authority(
                gss=row["gss"], code=row["code"], name=row["name"],
                official_name=row["official_name"], type_code=row["type"], region=row["region"],
                nation=row["nation"], start_date=_date(row["start_date"]),
                end_date=_date(row["end_date"]), replaced_by=row["replaced_by"],
                former_gss=tuple(c for c in row["former_gss"].split(",") if c),
                snac=row["snac"], ecode=row["ecode"],
            )
    return authorities


def by_snac() -> dict[str, Authority]:
    """Authorities keyed by their old ONS '00AA'-style code."""
    return {a.snac: a for a in reference_authorities().values() if a.snac}


def lookup(code: str) -> Authority | None:
    """Find an authority by GSS code, former GSS code or old '00AA' code."""
    code = code.strip().upper()
    table = reference_authorities()
    if code in table:
        return table[code]
    for authority in table.values():
        if code in authority.former_gss:
            return authority
    return by_snac().get(code)
