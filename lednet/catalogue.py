"""The indicator catalogue: ``indicators.yaml`` loaded into typed, checked objects.

The catalogue is data, not code: what each indicator means, who supplies it, how it is checked,
and how a NOMIS query or a formula produces it. Every mistake in the file is reported with the
file name and YAML line, and with what to change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import CatalogueError
from .formula import Comparison, Formula, FormulaError, parse_comparison, parse_formula
from .periods import PERIOD_MEANINGS, PeriodRange, check_date_pattern, describe_period
from .yamlio import LineDict, LineList, load_yaml

SECTIONS = ("profile", "national", "local", "derived")
SECTION_SOURCES = {"profile": "authority", "national": "nomis", "local": "authority",
                   "derived": "derived"}
UNITS = ("count", "gbp", "gbp_thousands", "percent", "rate", "ratio", "hectares", "category")
UNIT_LABELS = {"count": "number", "gbp": "£", "gbp_thousands": "£000", "percent": "%",
               "rate": "rate", "ratio": "ratio", "hectares": "hectares", "category": "category"}
TYPES = ("integer", "decimal", "choice")
POLARITIES = ("higher", "lower", "target", "neutral")
COMBINES = ("single", "sum")
EVIDENCE_BASES = ("seen", "documented", "inferred")

_INDICATOR_KEYS = {
    "id", "label", "definition", "unit", "type", "decimals", "required", "range", "choices",
    "polarity", "target", "period", "source", "nomis", "formula", "rate_per", "change_tolerance",
    "statutory_source", "ni", "changed", "aggregate",
}
_NOMIS_KEYS = {"dataset", "date", "params", "measures", "combine", "confidence_measures",
               "evidence", "variants", "note"}
_VARIANT_KEYS = {"periods", "dataset", "date", "params", "measures", "combine",
                 "confidence_measures", "evidence", "note"}
_CHECK_KEYS = {"id", "rule", "tolerance", "severity", "message"}
_TOP_KEYS = {"catalogue", "indicators", "checks"}
_HEAD_KEYS = {"name", "version", "description"}


@dataclass(frozen=True)
class Evidence:
    """Why we believe a NOMIS code means what the catalogue says: seen, documented or inferred."""

    code: str
    basis: str
    note: str


@dataclass(frozen=True)
class NomisQuery:
    """How one indicator becomes a NOMIS data request for a range of periods."""

    periods: PeriodRange | None
    dataset: str
    date: str
    params: dict[str, str]
    measures: str
    combine: str
    confidence_measures: str | None
    evidence: tuple[Evidence, ...]
    note: str = ""


@dataclass(frozen=True)
class NomisSource:
    """The default query plus period-specific variants where NOMIS changed its codes."""

    default: NomisQuery
    variants: tuple[NomisQuery, ...] = ()

    def query_for(self, period: int) -> NomisQuery:
        """The query that applies to a period: the first variant whose range holds it."""
        for variant in self.variants:
            if variant.periods is not None and period in variant.periods:
                return variant
        return self.default


@dataclass(frozen=True)
class Indicator:
    """One figure the network compares."""

    id: str
    section: str
    label: str
    definition: str
    unit: str
    type: str
    decimals: int
    required: bool
    minimum: float | None
    maximum: float | None
    choices: tuple[str, ...]
    polarity: str
    target_low: float | None
    target_high: float | None
    period_meaning: str
    source: str
    nomis: NomisSource | None = None
    formula: Formula | None = None
    rate_per: int | None = None
    change_absolute: float | None = None
    change_relative: float | None = None
    statutory_source: str = ""
    ni: str = ""
    changed: str = ""
    aggregate: str = "ratio_of_sums"
    line: int = 0

    @property
    def is_input(self) -> bool:
        """True when an authority officer types this figure into the return."""
        return self.source == "authority"

    @property
    def unit_label(self) -> str:
        if self.unit == "rate" and self.rate_per:
            return f"per {self.rate_per:,}"
        return UNIT_LABELS[self.unit]

    def describe_period(self, period: int) -> str:
        return describe_period(self.period_meaning, period)

    def fingerprint(self) -> str:
        """Hash of what the figure *means*; a change between periods is a break in series."""
        meaning = {
            "definition": self.definition, "unit": self.unit, "type": self.type,
            "period": self.period_meaning, "source": self.source,
            "formula": self.formula.text if self.formula else None,
            "rate_per": self.rate_per,
        }
        return _hash(meaning)[:16]


@dataclass(frozen=True)
class CrossCheck:
    """A rule that relates several indicators, e.g. part-time + full-time = total jobs."""

    id: str
    rule: Comparison
    tolerance: float
    severity: str
    message: str
    line: int = 0


@dataclass
class Catalogue:
    """The whole catalogue, indexed by indicator id."""

    name: str
    version: str
    path: Path
    indicators: dict[str, Indicator]
    checks: list[CrossCheck]
    fingerprint: str
    text: str = ""
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators

    def section(self, name: str) -> list[Indicator]:
        return [ind for ind in self.indicators.values() if ind.section == name]

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:12]

    def derived_order(self) -> list[Indicator]:
        """Derived indicators in an order where each comes after the derived ones it reads."""
        derived = {i.id: i for i in self.section("derived")}
        ordered: list[Indicator] = []
        seen: set[str] = set()

        def visit(ind: Indicator) -> None:
            if ind.id in seen:
                return
            seen.add(ind.id)
            assert ind.formula is not None
            for name in sorted(ind.formula.names):
                if name in derived:
                    visit(derived[name])
            ordered.append(ind)

        for ind in derived.values():
            visit(ind)
        return ordered


@dataclass(frozen=True)
class Change:
    """One difference between two catalogue versions, for guidance and for ingest."""

    indicator_id: str
    kind: str  # added, removed, redefined
    detail: str


def diff_catalogues(old: Catalogue, new: Catalogue) -> list[Change]:
    """What changed from ``old`` to ``new``: indicators added, removed or redefined."""
    changes: list[Change] = []
    for ind in new:
        if ind.id not in old:
            changes.append(Change(ind.id, "added", f"new indicator: {ind.label}"))
        elif old[ind.id].fingerprint() != ind.fingerprint():
            detail = ind.changed or "definition, unit, period or source changed"
            changes.append(Change(ind.id, "redefined", detail))
    for ind in old:
        if ind.id not in new:
            changes.append(Change(ind.id, "removed", f"no longer collected: {ind.label}"))
    return changes


def default_catalogue_path() -> Path:
    """The catalogue shipped with lednet: inside the package when installed, else the repo's."""
    from .resources import resource_path

    return resource_path("indicators.yaml")


def load_catalogue(path: Path | str | None = None, text: str | None = None) -> Catalogue:
    """Read and check a catalogue file; raise CatalogueError on the first mistake found."""
    path = Path(path) if path is not None else default_catalogue_path()
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CatalogueError(path, None, "catalogue file not found; check the "
                                 "'catalogue' entry in lednet.yaml") from exc
        except UnicodeDecodeError as exc:
            line = text_line_of_byte(path.read_bytes(), exc.start)
            raise CatalogueError(path, line, "not UTF-8 text (a £ or dash saved in another "
                                 "encoding?); save the file as UTF-8") from exc
    document = load_yaml(path, text)
    return _Builder(path).build(document, text)


def text_line_of_byte(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset, for errors in files that are not valid UTF-8."""
    return data.count(b"\n", 0, offset) + 1


def _hash(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Builder:
    """Turns the parsed YAML into a Catalogue, raising with file and line on any mistake."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []

    def fail(self, line: int | None, message: str) -> CatalogueError:
        return CatalogueError(self.path, line, message)

    def build(self, document: Any, text: str) -> Catalogue:
        if not isinstance(document, LineDict):
            raise self.fail(1, "the catalogue must be a mapping with 'catalogue' and "
                            "'indicators' keys")
        self.no_unknown_keys(document, _TOP_KEYS, "the top level")
        head = self.require(document, "catalogue", LineDict, "a mapping with name and version")
        self.no_unknown_keys(head, _HEAD_KEYS, "'catalogue'")
        name = self.require(head, "name", str, "text")
        version = str(self.require(head, "version", (str, int, float), "text such as '2012.1'"))

        sections = self.require(document, "indicators", LineDict,
                                "a mapping of sections: profile, national, local, derived")
        self.no_unknown_keys(sections, set(SECTIONS), "'indicators'")
        indicators: dict[str, Indicator] = {}
        for section in SECTIONS:
            items = sections.get(section, LineList())
            if not isinstance(items, list):
                raise self.fail(sections.line_of(section),
                                f"section '{section}' must be a list of indicators")
            lines = getattr(items, "item_lines", [sections.line_of(section)] * len(items))
            for item, line in zip(items, lines, strict=True):
                indicator = self.indicator(item, section, line)
                if indicator.id in indicators:
                    first = indicators[indicator.id].line
                    raise self.fail(indicator.line, f"duplicate indicator id '{indicator.id}' "
                                    f"(first defined at line {first}); give each a unique id")
                indicators[indicator.id] = indicator

        if not indicators:
            raise self.fail(sections.line, "the catalogue defines no indicators")
        self.check_formulas(indicators)
        checks = [self.cross_check(item, line, indicators)
                  for item, line in self.items_with_lines(document.get("checks", LineList()))]

        content = {"name": name, "version": version,
                   "indicators": {k: self.plain(v) for k, v in indicators.items()},
                   "checks": [(c.id, c.rule.text, c.tolerance, c.severity) for c in checks]}
        return Catalogue(name=name, version=version, path=self.path, indicators=indicators,
                         checks=checks, fingerprint=_hash(content), text=text,
                         warnings=self.warnings)

    @staticmethod
    def plain(indicator: Indicator) -> dict[str, Any]:
        data = asdict(indicator)
        data.pop("line")
        data["formula"] = indicator.formula.text if indicator.formula else None
        return data

    @staticmethod
    def items_with_lines(items: Any) -> list[tuple[Any, int]]:
        lines = getattr(items, "item_lines", [getattr(items, "line", 0)] * len(items))
        return list(zip(items, lines, strict=True))

    def require(self, mapping: LineDict, key: str, kind: Any, what: str) -> Any:
        if key not in mapping or mapping[key] is None:
            raise self.fail(mapping.line, f"missing '{key}': add {what}")
        value = mapping[key]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(mapping.line_of(key), f"'{key}' must be {what}, not true/false")
        if not isinstance(value, kind):
            raise self.fail(mapping.line_of(key), f"'{key}' must be {what}, "
                            f"not {type(value).__name__} {value!r}")
        return value

    def optional(self, mapping: LineDict, key: str, kind: Any, what: str, default: Any) -> Any:
        if key not in mapping or mapping[key] is None:
            return default
        return self.require(mapping, key, kind, what)

    def choice(self, mapping: LineDict, key: str, allowed: tuple[str, ...],
               default: str | None = None) -> str:
        if default is not None and key not in mapping:
            return default
        value = self.require(mapping, key, str, "one of " + ", ".join(allowed))
        if value not in allowed:
            raise self.fail(mapping.line_of(key), f"'{key}' is {value!r}; use one of "
                            + ", ".join(allowed))
        return str(value)

    def no_unknown_keys(self, mapping: LineDict, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                raise self.fail(mapping.line_of(str(key)), f"unknown key '{key}' in {where}; "
                                "allowed keys are " + ", ".join(sorted(allowed)))

    def number(self, mapping: LineDict, key: str) -> float | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(mapping.line_of(key), f"'{key}' must be a number, not {value!r}")
        return float(value)

    def indicator(self, item: Any, section: str, line: int) -> Indicator:
        if not isinstance(item, LineDict):
            raise self.fail(line, f"each entry in '{section}' must be a mapping with id, label, "
                            "definition...")
        self.no_unknown_keys(item, _INDICATOR_KEYS, f"indicator at line {item.line}")
        ident = self.require(item, "id", str, "a lower-case id such as 'population_16_64'")
        if not ident.isidentifier() or ident != ident.lower():
            raise self.fail(item.line_of("id"), f"id {ident!r} must be lower-case letters, "
                            "digits and underscores, starting with a letter")
        label = self.require(item, "label", str, "a short label")
        definition = self.require(item, "definition", str,
                                  "one or two sentences an officer can act on")
        unit = self.choice(item, "unit", UNITS)
        kind = self.choice(item, "type", TYPES)
        decimals = self.optional(item, "decimals", int, "a whole number", 0)
        required = self.optional(item, "required", bool, "true or false", False)
        polarity = self.choice(item, "polarity", POLARITIES)
        if "period" not in item:
            raise self.fail(item.line, f"indicator '{ident}' has no 'period': say what a period "
                            "means for it, one of " + ", ".join(PERIOD_MEANINGS))
        period = self.choice(item, "period", tuple(PERIOD_MEANINGS))
        source = self.choice(item, "source", ("authority", "nomis", "derived"))
        if source != SECTION_SOURCES[section]:
            raise self.fail(item.line_of("source"), f"indicator '{ident}' is in section "
                            f"'{section}', whose source is '{SECTION_SOURCES[section]}', "
                            f"not '{source}'")

        minimum = maximum = None
        if "range" in item:
            bounds = self.require(item, "range", LineDict, "a mapping with min and/or max")
            self.no_unknown_keys(bounds, {"min", "max"}, "'range'")
            minimum, maximum = self.number(bounds, "min"), self.number(bounds, "max")
            if minimum is not None and maximum is not None and minimum > maximum:
                raise self.fail(bounds.line, f"range min {minimum:g} is above max {maximum:g}")

        choices: tuple[str, ...] = ()
        if kind == "choice":
            raw = self.require(item, "choices", list, "a list of the allowed answers")
            choices = tuple(str(c) for c in raw)
            if not choices:
                raise self.fail(item.line_of("choices"), "'choices' is empty")

        target_low = target_high = None
        if polarity == "target":
            band = self.require(item, "target", LineDict, "a mapping with low and high")
            target_low, target_high = self.number(band, "low"), self.number(band, "high")
            if target_low is None or target_high is None or target_low > target_high:
                raise self.fail(band.line, "'target' needs numbers low <= high")

        change_absolute = change_relative = None
        if "change_tolerance" in item:
            tol = self.require(item, "change_tolerance", LineDict, "a mapping")
            self.no_unknown_keys(tol, {"absolute", "relative"}, "'change_tolerance'")
            change_absolute = self.number(tol, "absolute")
            change_relative = self.number(tol, "relative")

        nomis = formula = None
        if source == "nomis":
            block = self.require(item, "nomis", LineDict, "the NOMIS query for this indicator")
            nomis = self.nomis(block, ident)
        elif "nomis" in item:
            raise self.fail(item.line_of("nomis"), f"'{ident}' has source '{source}', so it "
                            "must not have a 'nomis' block")
        if source == "derived":
            text = self.require(item, "formula", str, "a formula over other indicator ids")
            try:
                formula = parse_formula(text)
            except FormulaError as exc:
                raise self.fail(item.line_of("formula"), f"formula of '{ident}': {exc}") from exc
        elif "formula" in item:
            raise self.fail(item.line_of("formula"), f"'{ident}' has source '{source}'; only "
                            "derived indicators have a formula")

        rate_per = self.optional(item, "rate_per", int, "a whole number such as 10000", None)
        if unit == "rate" and not rate_per:
            raise self.fail(item.line, f"'{ident}' has unit 'rate': add rate_per (e.g. 10000)")

        return Indicator(
            id=ident, section=section, label=label, definition=definition.strip(), unit=unit,
            type=kind, decimals=decimals, required=required, minimum=minimum, maximum=maximum,
            choices=choices, polarity=polarity, target_low=target_low, target_high=target_high,
            period_meaning=period, source=source, nomis=nomis, formula=formula,
            rate_per=rate_per, change_absolute=change_absolute, change_relative=change_relative,
            statutory_source=str(item.get("statutory_source") or ""),
            ni=str(item.get("ni") or ""), changed=str(item.get("changed") or ""),
            aggregate=self.choice(item, "aggregate", ("ratio_of_sums", "mean"), "ratio_of_sums"),
            line=item.line,
        )

    def nomis(self, block: LineDict, ident: str) -> NomisSource:
        self.no_unknown_keys(block, _NOMIS_KEYS, f"the 'nomis' block of '{ident}'")
        default = self.nomis_query(block, ident, None, None)
        variants = []
        for item, line in self.items_with_lines(block.get("variants", LineList())):
            if not isinstance(item, LineDict):
                raise self.fail(line, "each variant must be a mapping with 'periods'")
            self.no_unknown_keys(item, _VARIANT_KEYS, f"a variant of '{ident}'")
            try:
                periods = PeriodRange(self.require(item, "periods", (str, int),
                                                   "a period range such as '..2020'"))
            except ValueError as exc:
                raise self.fail(item.line_of("periods"), str(exc)) from exc
            variants.append(self.nomis_query(item, ident, periods, default))
        return NomisSource(default=default, variants=tuple(variants))

    def nomis_query(self, block: LineDict, ident: str, periods: PeriodRange | None,
                    base: NomisQuery | None) -> NomisQuery:
        def pick(key: str, kind: Any, what: str) -> Any:
            if base is not None and key not in block:
                return getattr(base, key)
            return self.require(block, key, kind, what)

        dataset = pick("dataset", str, "a NOMIS dataset id such as NM_2002_1")
        if not dataset.upper().startswith("NM_"):
            raise self.fail(block.line_of("dataset"), f"dataset {dataset!r} is not a NOMIS id "
                            "(they look like NM_2002_1)")
        date = pick("date", str, "a period-to-date rule such as '{P-1}'")
        try:
            check_date_pattern(date)
        except ValueError as exc:
            raise self.fail(block.line_of("date"), str(exc)) from exc
        params_raw = pick("params", dict, "a mapping of NOMIS dimension parameters")
        params = {str(k).lower(): str(v) for k, v in params_raw.items()}
        for key in params:
            if key in {"geography", "date", "time", "uid", "measures", "select",
                       "recordoffset", "recordlimit"}:
                line = params_raw.line_of(key) if isinstance(params_raw, LineDict) else block.line
                raise self.fail(line, f"'{key}' is set by lednet, not in params")
        measures = str(pick("measures", (str, int), "the NOMIS measures code, e.g. 20100"))
        combine = (base.combine if base is not None and "combine" not in block
                   else self.choice(block, "combine", COMBINES))
        confidence = block.get("confidence_measures",
                               base.confidence_measures if base is not None else None)
        evidence = self.evidence(block, ident, dataset, params, measures, base)
        return NomisQuery(periods=periods, dataset=dataset.upper(), date=date, params=params,
                          measures=measures, combine=combine,
                          confidence_measures=str(confidence) if confidence else None,
                          evidence=evidence, note=str(block.get("note") or ""))

    def evidence(self, block: LineDict, ident: str, dataset: str, params: dict[str, str],
                 measures: str, base: NomisQuery | None) -> tuple[Evidence, ...]:
        known = {e.code: e for e in base.evidence} if base is not None else {}
        given = block.get("evidence") or LineDict()
        if not isinstance(given, dict):
            raise self.fail(block.line_of("evidence"), "'evidence' must map codes to "
                            "'seen: ...', 'documented: ...' or 'inferred: ...'")
        for code, text in given.items():
            basis, _, note = str(text).partition(":")
            if basis.strip() not in EVIDENCE_BASES:
                line = given.line_of(str(code)) if isinstance(given, LineDict) else block.line
                raise self.fail(line, f"evidence for {code!r} must start with seen:, "
                                "documented: or inferred:")
            known[str(code)] = Evidence(str(code), basis.strip(), note.strip())

        needed = ["dataset", f"measures={measures}"] + [f"{k}={v}" for k, v in params.items()]
        for code in needed:
            if code not in known:
                raise self.fail(block.line_of("evidence") if "evidence" in block else block.line,
                                f"'{ident}' has no evidence for {code!r}: add "
                                f"'{code}: seen|documented|inferred: <where>' under evidence")
        result = tuple(known[c] for c in needed)
        for item in result:
            if item.basis == "inferred":
                self.warnings.append(f"{self.path}:{block.line}: '{ident}' uses inferred code "
                                     f"{item.code} ({item.note}); check it against NOMIS")
        return result

    def check_formulas(self, indicators: dict[str, Indicator]) -> None:
        for ind in indicators.values():
            if ind.formula is None:
                continue
            for name in sorted(ind.formula.names):
                if name not in indicators:
                    raise self.fail(ind.line, f"formula of '{ind.id}' names unknown indicator "
                                    f"'{name}'; use an id defined in the catalogue")
        self.check_cycles(indicators)

    def check_cycles(self, indicators: dict[str, Indicator]) -> None:
        state: dict[str, int] = {}

        def visit(ident: str, trail: list[str]) -> None:
            ind = indicators[ident]
            if ind.formula is None or state.get(ident) == 2:
                return
            if state.get(ident) == 1:
                cycle = " -> ".join(trail[trail.index(ident):] + [ident])
                raise self.fail(ind.line, f"formulas form a cycle: {cycle}; break it")
            state[ident] = 1
            for name in sorted(ind.formula.names):
                visit(name, trail + [ident])
            state[ident] = 2

        for ident in indicators:
            visit(ident, [])

    def cross_check(self, item: Any, line: int, indicators: dict[str, Indicator]) -> CrossCheck:
        if not isinstance(item, LineDict):
            raise self.fail(line, "each check must be a mapping with id and rule")
        self.no_unknown_keys(item, _CHECK_KEYS, "a check")
        ident = self.require(item, "id", str, "an id")
        text = self.require(item, "rule", str, "a comparison such as 'a + b == c'")
        try:
            rule = parse_comparison(text)
        except FormulaError as exc:
            raise self.fail(item.line_of("rule"), f"check '{ident}': {exc}") from exc
        for name in sorted(rule.names):
            if name not in indicators:
                raise self.fail(item.line_of("rule"), f"check '{ident}' names unknown "
                                f"indicator '{name}'")
        tolerance = self.number(item, "tolerance") or 0.0
        severity = self.choice(item, "severity", ("error", "warning"), "error")
        message = str(item.get("message") or f"{text} does not hold")
        return CrossCheck(ident, rule, tolerance, severity, message, item.line)
