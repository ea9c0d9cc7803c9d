"""make-templates: one protected Excel return per member authority, plus officer guidance.

Each workbook is built from the catalogue, the national values the store holds for the period,
and the authority's figures for the latest earlier period. Writing is atomic, and a template
that exists already is kept (an authority may be filling it in) unless ``force`` is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import Catalogue, load_catalogue
from ..fsutil import atomic_path
from ..progress import progress
from ..store import Store
from ..workspace import Member, Workspace
from . import layout
from .anchor import Anchor, AnchorRecord, CellPlace, write_anchor
from .context import ReturnContext, context_for, load_period_data
from .guidance import write_guidance
from .sheets import write_front, write_section
from .structure import KINDS, name_for
from .validation import (
    inline_list,
    note_rule,
    signoff_rule,
    status_choices,
    status_rule,
    value_rule,
)

STATUS_LIST = "_status"


@dataclass
class TemplateResult:
    """What make-templates did, file by file."""

    period: int
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    guidance: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        """Every return template for the period, new or kept, in file-name order."""
        return sorted(self.written + self.kept)

    def lines(self) -> list[str]:
        lines = []
        for path in self.paths:
            if path in self.kept:
                lines.append(f"kept existing {path}; use --force to overwrite it")
            else:
                lines.append(f"wrote {path}")
        if self.guidance:
            lines.append("guidance: " + ", ".join(str(p) for p in self.guidance))
        lines += [f"warning: {text}" for text in self.warnings]
        return lines


def make_templates(workspace: Workspace, period: int, authorities: Sequence[str] = (),
                   out_dir: Path | None = None, force: bool = False,
                   guidance: bool = True) -> TemplateResult:
    """Write the return templates for ``period`` (all expected members, or ``authorities``).

    The officers' guidance (HTML and PDF) goes beside them unless ``guidance`` is False.
    """
    members = workspace.select_members(period, list(authorities))
    folder = Path(out_dir) if out_dir is not None else workspace.templates_dir
    catalogue = workspace.catalogue

    with Store(workspace.store_path) as store:
        earlier = earlier_catalogue(store, period)
        data = load_period_data(store, catalogue, period)
        # The templates fix which catalogue the period is collected on.
        store.record_catalogue(period, catalogue)

    result = TemplateResult(period)
    if not data.national:
        result.warnings.append(f"the store holds no national values for {period}, so every "
                               "national figure is marked [x]; run 'lednet fetch --period "
                               f"{period}' first and then make-templates --force")
    for member in progress(members, "templates", total=len(members)):
        path = folder / template_name(period, member)
        if path.exists() and not force:
            result.kept.append(path)
            continue
        workbook = build_workbook(context_for(workspace, member, period, data))
        with atomic_path(path) as temp:
            workbook.save(temp)
        result.written.append(path)

    if guidance:
        result.guidance = write_guidance(workspace, period, folder, earlier)
    return result


def template_name(period: int, member: Member) -> str:
    """``2012_E06000014_York.xlsx``: sorts by period, then code; safe on any file system."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", member.name).strip("_") or "authority"
    return f"{period}_{member.gss}_{name}.xlsx"


def earlier_catalogue(store: Store, period: int) -> tuple[int, Catalogue] | None:
    """The catalogue of the latest earlier period the store knows, for 'what changed'."""
    for earlier in sorted((p for p in store.periods() if p < period), reverse=True):
        text = store.period_catalogue_text(earlier)
        if text:
            return earlier, load_catalogue(Path(f"catalogue of period {earlier}"), text=text)
    return None


def build_workbook(ctx: ReturnContext) -> Workbook:
    """The whole return workbook for one authority, ready to save."""
    workbook = Workbook()
    front = workbook.active
    assert front is not None
    front.title = layout.FRONT_SHEET
    places = write_front(front, ctx)
    for section in ("profile", "national", "local"):
        indicators = ctx.catalogue.section(section)
        if indicators:
            sheet = workbook.create_sheet(layout.sheet_title(layout.SECTION_SHEETS[section]))
            places += write_section(sheet, section, indicators, ctx)

    record = _anchor_record(ctx, places)
    ranges = write_anchor(workbook, record)
    _name_cells(workbook, places)
    _validate(workbook, places, ctx.catalogue, ranges)

    # Sheets cannot be added, deleted, renamed or unhidden; no password, so a coordinator can
    # lift it, but an officer will not do it by accident.
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    return workbook


def _anchor_record(ctx: ReturnContext, places: list[CellPlace]) -> AnchorRecord:
    national = {i.id: ctx.national_figure(i.id).value for i in ctx.catalogue.section("national")}
    anchor = Anchor(
        template_id=layout.TEMPLATE_ID, template_version=layout.TEMPLATE_VERSION,
        catalogue_fingerprint=ctx.catalogue.fingerprint,
        catalogue_version=ctx.catalogue.version, authority=ctx.member.gss, period=ctx.period,
        issued_national=national)
    lists = {i.id: i.choices for i in ctx.catalogue
             if i.is_input and i.type == "choice" and inline_list(i.choices) is None}
    if inline_list(status_choices()) is None:
        lists[STATUS_LIST] = status_choices()
    return AnchorRecord(anchor, ctx.member.name, places, lists)


def _name_cells(workbook: Workbook, places: list[CellPlace]) -> None:
    for place in places:
        for kind in KINDS:
            cell = getattr(place, kind)
            if cell:
                name = name_for(place, kind)
                workbook.defined_names[name] = DefinedName(
                    name, attr_text=layout.reference(place.sheet, cell))


def _validate(workbook: Workbook, places: list[CellPlace], catalogue: Catalogue,
              ranges: dict[str, str]) -> None:
    """One rule per value cell; status and notes rules shared by all cells of a sheet."""
    shared: dict[tuple[str, str], DataValidation] = {}

    def share(sheet: Worksheet, kind: str, cell: str) -> None:
        key = (sheet.title, kind)
        if key not in shared:
            shared[key] = status_rule(ranges.get(STATUS_LIST)) if kind == "status" else note_rule()
            sheet.add_data_validation(shared[key])
        shared[key].add(cell)

    for place in places:
        sheet = workbook[place.sheet]
        if place.role == "signoff":
            rule = signoff_rule(place.key)
        elif place.role == "input":
            rule = value_rule(catalogue[place.key], ranges.get(place.key))
            share(sheet, "status", place.status)
            share(sheet, "note", place.note)
        else:
            share(sheet, "note", place.note)  # national comments
            continue
        rule.add(place.value)
        sheet.add_data_validation(rule)
