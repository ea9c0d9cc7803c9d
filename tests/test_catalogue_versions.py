"""The store remembers which catalogue each period used, so a redefinition is a known break."""

from __future__ import annotations

from pathlib import Path

from lednet.catalogue import diff_catalogues, load_catalogue
from lednet.store import Store

from .conftest import ROOT


def test_each_period_keeps_its_catalogue_and_changes_are_known(tmp_path: Path) -> None:
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    old = load_catalogue(ROOT / "indicators.yaml", text=text)
    new_text = text.replace(
        "Businesses that received at least 3 hours of advice",
        "Businesses that received at least 12 hours of advice").replace(
        'version: "2012.1"', 'version: "2022.1"')
    new = load_catalogue(ROOT / "indicators.yaml", text=new_text)

    with Store(tmp_path / "store.sqlite") as store:
        store.record_catalogue(2012, old)
        store.record_catalogue(2022, new)
        kept_2012 = store.period_catalogue_text(2012)
        kept_2022 = store.period_catalogue_text(2022)

    assert kept_2012 is not None and kept_2022 is not None
    then = load_catalogue(ROOT / "indicators.yaml", text=kept_2012)
    now = load_catalogue(ROOT / "indicators.yaml", text=kept_2022)
    assert (then.version, now.version) == ("2012.1", "2022.1")
    changes = diff_catalogues(then, now)
    assert [(c.indicator_id, c.kind) for c in changes] == [("businesses_supported", "redefined")]


def test_store_schema_is_versioned(tmp_path: Path) -> None:
    with Store(tmp_path / "store.sqlite") as store:
        assert store.schema_version() >= 1
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master "
                                                 "WHERE type = 'table'")}
    assert {"catalogues", "periods", "national_values", "files", "submissions",
            "submitted_values", "findings", "decisions", "events"} <= tables
