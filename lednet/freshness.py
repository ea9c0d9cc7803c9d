"""Whether a period's reports are current: a fingerprint of everything they are made from.

``lednet report`` records the fingerprint after a full build; ``lednet run`` rebuilds only when
it has changed, so a night with no new returns leaves every report byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from . import __version__
from .fsutil import atomic_write_text
from .resources import resource_path
from .store import Store
from .workspace import Workspace

STATE_NAME = ".lednet-reports.json"


def inputs_fingerprint(workspace: Workspace, period: int) -> str:
    """Hash of everything a period's reports show or are laid out with.

    That is the period's dataset and the previous period's (changes and trends come from it),
    the catalogue, members, exclusions, closed state, and the report templates themselves.
    """
    with Store(workspace.store_path) as store:
        dataset = [asdict(v) for v in store.dataset(period)]
        previous = store.previous_period(period)
        earlier = [asdict(v) for v in store.dataset(previous)] if previous else []
        closed = store.is_closed(period)
    parts = {
        "dataset": dataset,
        "previous": [previous, earlier],
        "closed": closed,
        "templates": _templates_hash(),
        "catalogue": workspace.catalogue.fingerprint,
        "members": [(m.gss, m.name, m.type, m.group) for m in workspace.members_for(period)],
        "exclusions": (workspace.exclusions_path.read_text(encoding="utf-8")
                       if workspace.exclusions_path.exists() else ""),
    }
    canonical = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _templates_hash() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(resource_path("templates").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _state(workspace: Workspace) -> dict[str, str]:
    path = workspace.outputs_dir / STATE_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # an unreadable marker only costs a rebuild
    return data if isinstance(data, dict) else {}


def reports_current(workspace: Workspace, period: int) -> bool:
    return _state(workspace).get(str(period)) == inputs_fingerprint(workspace, period)


def mark_reports_current(workspace: Workspace, period: int) -> None:
    state = _state(workspace)
    state[str(period)] = inputs_fingerprint(workspace, period)
    atomic_write_text(workspace.outputs_dir / STATE_NAME,
                      json.dumps(state, indent=2, sort_keys=True) + "\n")
