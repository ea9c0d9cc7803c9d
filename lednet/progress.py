"""Progress bars for long steps, shown only when a person is watching a terminal.

tqdm decides that for us: with ``disable=None`` it draws nothing when stderr is not a TTY, so
cron runs and piped output stay clean.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` with a bar on a terminal; quiet runs (--quiet) get none."""
    quiet = logging.getLogger("lednet").getEffectiveLevel() > logging.INFO
    bar = tqdm(items, desc=label, total=total, unit="file", leave=False,
               disable=True if quiet else None)
    yield from bar
