"""The snapshot manifest: which recorded NOMIS response answers which dataset, date and codes.

The recorded files answer the queries their authors made, in the columns those authors kept.
The manifest says, for each file, which dimensions it answers and where each NOMIS column is
found: in a column of the file (optionally through a table of codes, e.g. SIC section letter
to NOMIS industry id), or as a fixed fact the file lacks, taken from the recorded query and
noted as such. Values always come from the files themselves.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import NomisError

# The columns a full NOMIS answer carries apart from the dimensions, in NOMIS's order.
GEO_COLUMNS = ("DATE", "DATE_NAME", "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE",
               "GEOGRAPHY_TYPECODE")
VALUE_COLUMNS = ("MEASURES", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME")
# Recorded files are large and never change during a run: each is read once per process.
_ROWS: dict[tuple[object, ...], list[dict[str, str]]] = {}
_ENTRY_KEYS = {"id", "file", "format", "dataset", "origin", "fidelity", "recorded_query",
               "dimensions", "fields", "notes"}


@dataclass(frozen=True)
class FieldRule:
    """Where one NOMIS column's value comes from for every row of a recorded file."""

    column: str | None = None
    fixed: str | None = None
    codes: dict[str, str] | None = None

    def getter(self, header: dict[str, int], where: str) -> Callable[[list[str]], str]:
        """A function reading this column's value from one row of cells of the file."""
        if self.fixed is not None:
            fixed = self.fixed
            return lambda cells: fixed
        index = header.get(self.column or "")
        if index is None:
            return lambda cells: ""
        codes = self.codes
        if codes is None:
            return lambda cells: cells[index].strip()

        def coded(cells: list[str]) -> str:
            raw = cells[index].strip()
            if raw not in codes:
                raise NomisError(f"{where}: the manifest has no code for {raw!r} in column "
                                 f"{self.column}; add it under 'codes'")
            return codes[raw]

        return coded


@dataclass
class RecordedResponse:
    """One recorded file, read into rows with NOMIS's column names."""

    id: str
    path: Path
    dataset: str
    dimensions: tuple[str, ...]
    rules: dict[str, FieldRule]
    format: str = "csv"
    origin: str = ""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        dims = [c for name in self.dimensions for c in (name.upper(), f"{name.upper()}_NAME")]
        return [*GEO_COLUMNS, *dims, *VALUE_COLUMNS]

    @property
    def rows(self) -> list[dict[str, str]]:
        """Every row of the file with every NOMIS column filled in; read once per process."""
        stamp = self.path.stat().st_mtime_ns
        key = (str(self.path), stamp, self.format, repr(sorted(self.rules.items())),
               tuple(self.columns))
        if key not in _ROWS:
            _ROWS[key] = self._read()
        return _ROWS[key]

    def _read(self) -> list[dict[str, str]]:
        delimiter = "\t" if self.format == "tsv" else ","
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = {name.strip().upper(): i for i, name in enumerate(next(reader, []))}
            where = f"{self.path.name} ({self.id})"
            columns = self.columns
            getters = [self.rule(name).getter(header, where) for name in columns]
            rows = []
            for cells in reader:
                if not cells:
                    continue
                if len(cells) != len(header):
                    raise NomisError(f"{where}: line {reader.line_num} has {len(cells)} "
                                     f"fields, the header {len(header)}")
                rows.append(dict(zip(columns, [get(cells) for get in getters], strict=True)))
            return rows

    def rule(self, column: str) -> FieldRule:
        # A column the manifest does not mention is read from the same-named column, if any.
        return self.rules.get(column, FieldRule(column=column))


def load_manifest(path: Path) -> list[RecordedResponse]:
    """Read a manifest; raise NomisError naming the entry when something is wrong."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise NomisError(f"{path}: cannot read the snapshot manifest ({exc})") from exc
    entries = document.get("responses") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise NomisError(f"{path}: a snapshot manifest needs a 'responses:' list")
    return [_entry(path, item, number) for number, item in enumerate(entries, start=1)]


def _entry(path: Path, item: Any, number: int) -> RecordedResponse:
    where = f"{path}: response {number}"
    if not isinstance(item, dict) or not {"id", "file", "dataset"} <= set(item):
        raise NomisError(f"{where}: each response needs id, file and dataset")
    unknown = set(item) - _ENTRY_KEYS
    if unknown:
        raise NomisError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    file = path.parent / str(item["file"])
    if not file.exists():
        raise NomisError(f"{where}: recorded file {file} not found")

    rules = {}
    for column, spec in (item.get("fields") or {}).items():
        rules[str(column).upper()] = _rule(spec, f"{where}, field {column}")
    return RecordedResponse(
        id=str(item["id"]), path=file, dataset=str(item["dataset"]).upper(),
        dimensions=tuple(str(d).lower() for d in item.get("dimensions") or ()),
        rules=rules, format=str(item.get("format", "csv")), origin=str(item.get("origin", "")),
        notes=str(item.get("notes", "")),
        extra={k: item[k] for k in ("fidelity", "recorded_query") if k in item},
    )


def _rule(spec: Any, where: str) -> FieldRule:
    if not isinstance(spec, dict) or ("column" in spec) == ("fixed" in spec):
        raise NomisError(f"{where}: give either 'column' (with optional 'codes') or 'fixed'")
    if "fixed" in spec:
        return FieldRule(fixed=str(spec["fixed"]))
    codes = spec.get("codes")
    return FieldRule(column=str(spec["column"]).upper(),
                     codes={str(k): str(v) for k, v in codes.items()} if codes else None)
