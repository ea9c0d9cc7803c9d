"""A period's figures as the analysis sees them: live from the store, or frozen at close.

A closed period keeps a JSON snapshot of its merged dataset, exclusions and member list in the
store, so its reports come out the same to the figure whatever arrives later.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..store import DatasetValue, Store
from ..yamlio import load_yaml


@dataclass(frozen=True)
class Exclusion:
    """A value the network agreed to leave out of the comparison, and why."""

    authority: str
    indicator: str
    period: int
    reason: str


@dataclass
class PeriodData:
    """Everything a benchmark of one period reads: values, category answers, exclusions."""

    period: int
    values: list[DatasetValue]
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    exclusions: list[Exclusion] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    closed_at: str | None = None

    @property
    def fingerprint(self) -> str:
        return dataset_fingerprint(self.values, self.texts, self.exclusions)

    def to_json(self) -> str:
        return json.dumps({
            "period": self.period,
            "values": [asdict(v) for v in self.values],
            "texts": [[a, i, t] for (a, i), t in sorted(self.texts.items())],
            "exclusions": [asdict(e) for e in self.exclusions],
            "members": self.members,
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, closed_at: str | None) -> PeriodData:
        data = json.loads(text)
        return cls(period=int(data["period"]),
                   values=[DatasetValue(**v) for v in data["values"]],
                   texts={(a, i): t for a, i, t in data["texts"]},
                   exclusions=[Exclusion(**e) for e in data["exclusions"]],
                   members=list(data["members"]), closed_at=closed_at)


def dataset_fingerprint(values: list[DatasetValue], texts: dict[tuple[str, str], str],
                        exclusions: list[Exclusion]) -> str:
    """Hash of every figure, status and exclusion: equal fingerprints mean equal reports."""
    content = {
        "values": sorted((v.authority, v.indicator, v.value, v.status) for v in values),
        "texts": sorted([a, i, t] for (a, i), t in texts.items()),
        "exclusions": sorted((e.authority, e.indicator, e.reason) for e in exclusions),
    }
    canonical = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def load_exclusions(path: Path, period: int) -> list[Exclusion]:
    """The exclusions in ``exclusions.yaml`` that apply to ``period`` (none if no file)."""
    if not path.exists():
        return []
    document = load_yaml(path) or {}
    items = document.get("exclusions") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected 'exclusions:' with a list of entries")

    found = []
    for item in items:
        if not isinstance(item, dict) or not {"authority", "indicator", "period"} <= set(item):
            raise ConfigError(f"{path}: each exclusion needs authority, indicator, period and "
                              f"reason; got {item!r}")
        if int(item["period"]) == period:
            found.append(Exclusion(str(item["authority"]).upper(), str(item["indicator"]),
                                   period, str(item.get("reason") or "agreed by the network")))
    return found


def live_period_data(store: Store, period: int, exclusions: list[Exclusion],
                     members: list[str]) -> PeriodData:
    """The period's figures as the store holds them now."""
    return PeriodData(period=period, values=store.dataset(period),
                      texts=category_answers(store, period), exclusions=exclusions,
                      members=members)


def category_answers(store: Store, period: int) -> dict[tuple[str, str], str]:
    """Answers to choice questions (type of authority, strategy adopted), which have no number."""
    rows = store.db.execute(
        "SELECT s.authority, v.indicator, v.text_value FROM submitted_values v "
        "JOIN submissions s ON s.id = v.submission_id "
        "WHERE s.period = ? AND s.superseded_by IS NULL AND v.text_value IS NOT NULL "
        "AND v.text_value != '' AND v.accepted = 1", (period,)).fetchall()
    return {(r["authority"], r["indicator"]): r["text_value"] for r in rows}


def frozen_period_data(store: Store, period: int) -> PeriodData | None:
    """The snapshot taken when the period was closed, or None if it is open."""
    if not store.is_closed(period):
        return None
    row = _snapshot_row(store.db, period)
    if row is None:
        return None
    return PeriodData.from_json(row["snapshot"], row["closed_at"])


def _snapshot_row(db: sqlite3.Connection, period: int) -> Any:
    return db.execute("SELECT * FROM closed_datasets WHERE period = ?", (period,)).fetchone()


def period_data(store: Store, period: int, exclusions: list[Exclusion],
                members: list[str]) -> PeriodData:
    """Frozen figures for a closed period, live ones otherwise."""
    frozen = frozen_period_data(store, period)
    if frozen is not None:
        return frozen
    return live_period_data(store, period, exclusions, members)
