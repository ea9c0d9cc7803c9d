"""Guidance for officers, from the catalogue: every definition, and what changed since last time.

Written as HTML (from the Jinja2 template ``templates/guidance.html.j2``) and as PDF (WeasyPrint),
beside the return templates, so the coordinator can send both with the workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..catalogue import Catalogue, Change, Indicator, diff_catalogues
from ..fsutil import atomic_path, atomic_write_text
from ..resources import resource_path
from ..values import OFFICER_CHOICES
from ..workspace import Workspace
from . import layout
from .context import describe_date
from .sheets import STEPS, definition_text
from .validation import describe_rule

TEMPLATE = "guidance.html.j2"


@dataclass(frozen=True)
class GuidanceRow:
    id: str
    label: str
    definition: str
    unit: str
    rule: str
    required: bool
    change: str


def guidance_name(period: int, suffix: str) -> str:
    return f"{period}_guidance.{suffix}"


def write_guidance(workspace: Workspace, period: int, folder: Path,
                   earlier: tuple[int, Catalogue] | None) -> list[Path]:
    """Write ``<period>_guidance.html`` and ``.pdf`` into ``folder``; return their paths."""
    html = render_guidance(workspace, period, earlier)
    html_path = folder / guidance_name(period, "html")
    pdf_path = folder / guidance_name(period, "pdf")
    atomic_write_text(html_path, html)
    _write_pdf(html, pdf_path)
    return [html_path, pdf_path]


def render_guidance(workspace: Workspace, period: int,
                    earlier: tuple[int, Catalogue] | None) -> str:
    catalogue = workspace.catalogue
    changes = diff_catalogues(earlier[1], catalogue) if earlier else []
    by_id = {c.indicator_id: c for c in changes}
    sections = [(layout.SECTION_SHEETS[name], [_row(i, period, by_id) for i in indicators])
                for name in ("profile", "national", "local")
                if (indicators := catalogue.section(name))]

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_path("templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    return environment.get_template(TEMPLATE).render(
        network=workspace.network, period=period, catalogue=catalogue,
        deadline=describe_date(workspace.deadline(period)) if workspace.deadline(period) else "",
        coordinator=workspace.coordinator, steps=STEPS, statuses=list(OFFICER_CHOICES),
        sections=sections, earlier_period=earlier[0] if earlier else None,
        changes=_describe_changes(changes, earlier[1] if earlier else None, catalogue))


def _row(indicator: Indicator, period: int, changes: dict[str, Change]) -> GuidanceRow:
    change = changes.get(indicator.id)
    return GuidanceRow(
        id=indicator.id, label=indicator.label,
        definition=definition_text(indicator, period, with_rule=False),
        unit=indicator.unit_label,
        rule=describe_rule(indicator) if indicator.is_input else "filled in by lednet",
        required=indicator.required and indicator.is_input,
        change=change.kind if change else "")


def _describe_changes(changes: list[Change], old: Catalogue | None,
                      new: Catalogue) -> list[tuple[str, str, str]]:
    """(label, kind, detail) for each change, labelled from whichever catalogue has it."""
    described = []
    for change in changes:
        source = new if change.indicator_id in new else old
        label = source[change.indicator_id].label if source else change.indicator_id
        described.append((label, change.kind, change.detail))
    return described


def _write_pdf(html: str, target: Path) -> None:
    import weasyprint  # slow to import; only needed here

    with atomic_path(target) as temp:
        weasyprint.HTML(string=html).write_pdf(temp)
