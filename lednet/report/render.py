"""The Jinja2 environment for report templates: autoescaped, loaded from lednet's templates."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..resources import resource_path


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment per process; autoescape is on so returned text can never be markup."""
    env = Environment(loader=FileSystemLoader(str(resource_path("templates"))),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["moved"] = moved
    return env


def moved(places: int) -> str:
    """'up 2 places', 'down 1 place', 'no change'."""
    if places == 0:
        return "no change"
    way = "up" if places > 0 else "down"
    return f"{way} {abs(places)} place{'' if abs(places) == 1 else 's'}"


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
