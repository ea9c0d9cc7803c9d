"""A network's workspace: ``lednet.yaml``, its member list and the folders lednet writes to."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .authorities import MEMBER_TYPES, Authority, lookup
from .catalogue import Catalogue, default_catalogue_path, load_catalogue
from .errors import CatalogueError, ConfigError
from .yamlio import LineDict, LineList, load_yaml

CONFIG_NAME = "lednet.yaml"
_CONFIG_KEYS = {"network", "catalogue", "members", "returns", "outputs", "store", "archive",
                "templates", "cache", "deadlines", "coordinator", "nomis", "exclusions",
                "comparator_groups", "lock_timeout", "settle_seconds", "run"}
_MEMBER_KEYS = {"gss", "name", "type", "region", "group", "joined", "left", "contact"}
_NOMIS_KEYS = {"base_url", "api_key_env", "api_key", "timeout", "retries", "backoff",
               "page_size", "offline", "user_agent"}


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Member:
    """An authority in the network, for the periods it is a member."""

    gss: str
    name: str
    type: str
    region: str
    group: str
    joined: int | None
    left: int | None
    contact: Contact
    authority: Authority

    def expected_in(self, period: int) -> bool:
        """True when the network expects a return from this member for ``period``."""
        if self.joined is not None and period < self.joined:
            return False
        if self.left is not None and period > self.left:
            return False
        return self.authority.exists_in(period)


@dataclass(frozen=True)
class NomisSettings:
    base_url: str = "https://www.nomisweb.co.uk/api/v01"
    api_key: str | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    page_size: int = 25000
    offline: bool = False
    user_agent: str = ""


@dataclass
class Workspace:
    """Everything lednet knows about one network, read from its folder."""

    root: Path
    config_path: Path
    network: str
    catalogue_path: Path
    members: list[Member]
    returns_dir: Path
    outputs_dir: Path
    store_path: Path
    archive_dir: Path
    templates_dir: Path
    cache_dir: Path
    exclusions_path: Path
    deadlines: dict[int, str]
    coordinator: Contact
    nomis: NomisSettings
    comparator_groups: dict[str, list[str]] = field(default_factory=dict)
    lock_timeout: float = 0.0
    settle_seconds: float = 2.0
    run_formats: tuple[str, ...] = ("html", "pdf")
    _catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.catalogue_path)
        return self._catalogue

    def members_for(self, period: int) -> list[Member]:
        return [m for m in self.members if m.expected_in(period)]

    def member(self, code: str) -> Member | None:
        code = code.strip().upper()
        for member in self.members:
            if code in (member.gss, member.authority.snac) or code in member.authority.former_gss:
                return member
        return None

    def select_members(self, period: int, codes: tuple[str, ...] | list[str] = ()) -> list[Member]:
        """Members expected in ``period``, narrowed to ``codes`` when given."""
        expected = self.members_for(period)
        if not codes:
            return expected
        chosen = []
        for code in codes:
            member = self.member(code)
            if member is None:
                raise ConfigError(f"{code} is not a member of this network; see "
                                  f"{self.config_path.name}'s member list")
            if member not in expected:
                raise ConfigError(f"{member.name} ({member.gss}) is not a member for period "
                                  f"{period}")
            chosen.append(member)
        return chosen

    def deadline(self, period: int) -> str:
        return self.deadlines.get(period, "")


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path:
    """Locate ``lednet.yaml``: the --config option, then LEDNET_CONFIG, then the current folder."""
    candidate = explicit or os.environ.get("LEDNET_CONFIG")
    if candidate:
        path = Path(candidate)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.exists():
            raise ConfigError(f"{path}: no such workspace configuration")
        return path
    path = (cwd or Path.cwd()) / CONFIG_NAME
    if not path.exists():
        raise ConfigError(f"no {CONFIG_NAME} in {path.parent}; run 'lednet init DIR' to make a "
                          "workspace, or pass --config")
    return path


def load_workspace(explicit: str | Path | None = None) -> Workspace:
    """Read and check a workspace; ConfigError or CatalogueError name the file and line."""
    config_path = find_config(explicit).resolve()
    document = load_yaml(config_path)
    return _WorkspaceBuilder(config_path).build(document)


class _WorkspaceBuilder:
    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.root = config_path.parent

    def fail(self, path: Path, line: int | None, message: str) -> CatalogueError:
        return CatalogueError(path, line, message)

    def path(self, config: LineDict, key: str, default: str) -> Path:
        value = config.get(key, default)
        if not isinstance(value, str) or not value:
            raise self.fail(self.config_path, config.line_of(key), f"'{key}' must be a path")
        return (self.root / value).resolve()

    def build(self, config: Any) -> Workspace:
        if not isinstance(config, LineDict):
            raise self.fail(self.config_path, 1, "lednet.yaml must be a mapping with 'network' "
                            "and 'members'")
        for key in config:
            if key not in _CONFIG_KEYS:
                raise self.fail(self.config_path, config.line_of(str(key)),
                                f"unknown key '{key}'; allowed keys are "
                                + ", ".join(sorted(_CONFIG_KEYS)))
        network = config.get("network")
        if not isinstance(network, str) or not network.strip():
            raise self.fail(self.config_path, config.line_of("network"),
                            "'network' must be the network's name")

        catalogue_path = (self.path(config, "catalogue", "") if config.get("catalogue")
                          else default_catalogue_path())
        members_path = self.path(config, "members", "members.yaml")
        members = self.members(members_path)
        groups = self.groups(config, members)

        return Workspace(
            root=self.root, config_path=self.config_path, network=network.strip(),
            catalogue_path=catalogue_path, members=members,
            returns_dir=self.path(config, "returns", "returns"),
            outputs_dir=self.path(config, "outputs", "output"),
            store_path=self.path(config, "store", "store/lednet.sqlite"),
            archive_dir=self.path(config, "archive", "archive"),
            templates_dir=self.path(config, "templates", "output/templates"),
            cache_dir=self.path(config, "cache", "cache/nomis"),
            exclusions_path=self.path(config, "exclusions", "exclusions.yaml"),
            deadlines=self.deadlines(config),
            coordinator=self.contact(config.get("coordinator"), config.line_of("coordinator")),
            nomis=self.nomis(config.get("nomis") or LineDict()),
            comparator_groups=groups,
            lock_timeout=self.seconds(config, "lock_timeout", 0.0),
            settle_seconds=self.seconds(config, "settle_seconds", 2.0),
            run_formats=self.run_formats(config),
        )

    def run_formats(self, config: LineDict) -> tuple[str, ...]:
        """Report formats a scheduled run rebuilds: ``run: {formats: [html, pdf]}``."""
        raw = config.get("run") or LineDict()
        if not isinstance(raw, LineDict) or set(raw) - {"formats"}:
            raise self.fail(self.config_path, config.line_of("run"),
                            "'run' takes one key, formats, e.g. run: {formats: [html, pdf]}")
        formats = raw.get("formats", ["html", "pdf"])
        if (not isinstance(formats, list) or not formats
                or any(f not in ("html", "pdf") for f in formats)):
            raise self.fail(self.config_path, raw.line_of("formats"),
                            "run formats must be a list of html and/or pdf")
        return tuple(str(f) for f in formats)

    def seconds(self, mapping: LineDict, key: str, default: float) -> float:
        """A non-negative number of seconds (or count), else an error naming the line."""
        value = mapping.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(self.config_path, mapping.line_of(key),
                            f"'{key}' must be a number of 0 or more, not {value!r}")
        return float(value)

    def deadlines(self, config: LineDict) -> dict[int, str]:
        raw = config.get("deadlines") or LineDict()
        example = "'deadlines' maps a period to a date, e.g. 2012: 2012-06-30"
        if not isinstance(raw, LineDict):
            raise self.fail(self.config_path, config.line_of("deadlines"), example)
        deadlines = {}
        for key, value in raw.items():
            line = raw.line_of(str(key))
            if isinstance(key, bool) or not isinstance(key, int) or not 2000 <= key <= 2100:
                raise self.fail(self.config_path, line, f"{key!r} is not a period; {example}")
            try:
                date = dt.date.fromisoformat(str(value))
            except ValueError as exc:
                raise self.fail(self.config_path, line, f"deadline {value!r} is not a date "
                                "written YYYY-MM-DD") from exc
            deadlines[key] = date.isoformat()
        return deadlines

    def contact(self, raw: Any, line: int) -> Contact:
        if raw is None:
            return Contact()
        if not isinstance(raw, dict):
            raise self.fail(self.config_path, line, "a contact is a mapping with name, email, "
                            "phone")
        return Contact(name=str(raw.get("name", "")), email=str(raw.get("email", "")),
                       phone=str(raw.get("phone", "")))

    def nomis(self, raw: Any) -> NomisSettings:
        if not isinstance(raw, LineDict):
            raise self.fail(self.config_path, None, "'nomis' must be a mapping")
        for key in raw:
            if key not in _NOMIS_KEYS:
                raise self.fail(self.config_path, raw.line_of(str(key)),
                                f"unknown key '{key}' under nomis; allowed keys are "
                                + ", ".join(sorted(_NOMIS_KEYS)))
        # The key itself never lives in a file we might share; the config names the variable.
        env_name = str(raw.get("api_key_env", "NOMIS_UID"))
        api_key = os.environ.get(env_name) or raw.get("api_key") or None
        base = NomisSettings()
        for key in ("timeout", "retries", "backoff", "page_size"):
            self.seconds(raw, key, 0)
        return NomisSettings(
            # LEDNET_NOMIS_BASE_URL points one run at a mirror or a local snapshot server
            # without editing the workspace's config.
            base_url=str(os.environ.get("LEDNET_NOMIS_BASE_URL")
                         or raw.get("base_url", base.base_url)).rstrip("/"),
            api_key=api_key,
            timeout=float(raw.get("timeout", base.timeout)),
            retries=int(raw.get("retries", base.retries)),
            backoff=float(raw.get("backoff", base.backoff)),
            page_size=int(raw.get("page_size", base.page_size)),
            offline=bool(raw.get("offline", False)),
            user_agent=str(raw.get("user_agent", "")),
        )

    def groups(self, config: LineDict, members: list[Member]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for member in members:
            if member.group:
                groups.setdefault(member.group, []).append(member.gss)
        return groups

    def members(self, path: Path) -> list[Member]:
        if not path.exists():
            raise ConfigError(f"{path}: member list not found; check 'members' in lednet.yaml")
        document = load_yaml(path)
        items = document.get("members") if isinstance(document, LineDict) else None
        if not isinstance(items, LineList):
            raise self.fail(path, 1, "the member list must have a 'members:' list")
        members: list[Member] = []
        seen: dict[str, int] = {}
        for item, line in zip(items, items.item_lines, strict=True):
            member = self.member(path, item, line)
            if member.gss in seen:
                raise self.fail(path, line, f"{member.gss} is listed twice (also line "
                                f"{seen[member.gss]})")
            seen[member.gss] = line
            members.append(member)
        if not members:
            raise self.fail(path, items.line, "the member list is empty")
        return members

    def member(self, path: Path, item: Any, line: int) -> Member:
        if not isinstance(item, LineDict):
            raise self.fail(path, line, "each member is a mapping with at least 'gss'")
        for key in item:
            if key not in _MEMBER_KEYS:
                raise self.fail(path, item.line_of(str(key)), f"unknown key '{key}'; allowed "
                                "keys are " + ", ".join(sorted(_MEMBER_KEYS)))
        code = str(item.get("gss", "")).strip().upper()
        authority = lookup(code) if code else None
        if authority is None:
            raise self.fail(path, item.line_of("gss"), f"{code or 'gss'!s} is not a known local "
                            "authority GSS code; check the code against the ONS list")
        if authority.gss != code:
            raise self.fail(path, item.line_of("gss"), f"{code} is an old code; use the GSS "
                            f"code {authority.gss} ({authority.name})")
        kind = str(item.get("type") or authority.member_type or "")
        if kind not in MEMBER_TYPES:
            raise self.fail(path, item.line_of("type"), f"type {kind!r} for {code}; use one of "
                            + ", ".join(MEMBER_TYPES))
        if authority.member_type and kind != authority.member_type:
            raise self.fail(path, item.line_of("type"), f"{authority.name} is a "
                            f"{authority.member_type} authority, not a {kind}; remove 'type' "
                            "or correct it")
        joined = self.period(path, item, "joined")
        left = self.period(path, item, "left")
        if joined is not None and left is not None and left < joined:
            raise self.fail(path, item.line_of("left"), f"{authority.name} leaves ({left}) "
                            f"before it joins ({joined})")
        last = authority.last_period()
        if joined is not None and last is not None and joined > last:
            raise self.fail(path, item.line_of("joined"), f"{authority.name} was abolished; "
                            f"its last period is {last}, so it cannot join in {joined}")
        if last is not None and (left is None or left > last):
            left = last  # an abolished authority stops being expected, whatever the file says
        return Member(
            gss=code, name=str(item.get("name") or authority.name), type=kind,
            region=str(item.get("region") or authority.region), group=str(item.get("group") or ""),
            joined=joined, left=left,
            contact=self.contact(item.get("contact"), item.line_of("contact")),
            authority=authority,
        )

    def period(self, path: Path, item: LineDict, key: str) -> int | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            raise self.fail(path, item.line_of(key), f"'{key}' must be a period year such as "
                            f"2009, not {value!r}")
        return value


def check_exclusions(workspace: Workspace) -> int:
    """Check every entry of exclusions.yaml against members and catalogue; return the count.

    Reports skip an exclusion that names nothing they know, so a typo would silently leave a
    value in the comparison; ``lednet check`` calls this to catch it first.
    """
    path = workspace.exclusions_path
    if not path.exists():
        return 0
    document = load_yaml(path)
    items = document.get("exclusions") if isinstance(document, LineDict) else None
    if not isinstance(items, LineList):
        raise CatalogueError(path, 1, "expected 'exclusions:' with a list (or [])")

    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, LineDict):
            raise CatalogueError(path, line, "each exclusion is a mapping with authority, "
                                 "indicator, period and reason")
        missing = [k for k in ("authority", "indicator", "period", "reason") if not item.get(k)]
        if missing:
            raise CatalogueError(path, line, "exclusion without " + ", ".join(missing))
        if workspace.member(str(item["authority"])) is None:
            raise CatalogueError(path, item.line_of("authority"),
                                 f"{item['authority']} is not a member of this network")
        if str(item["indicator"]) not in workspace.catalogue:
            raise CatalogueError(path, item.line_of("indicator"),
                                 f"{item['indicator']} is not an indicator in the catalogue")
        period = item["period"]
        if isinstance(period, bool) or not isinstance(period, int) or not 2000 <= period <= 2100:
            raise CatalogueError(path, item.line_of("period"), f"period {period!r} is not a "
                                 "year such as 2012")
    return len(items)
