"""The workspace lock: one lednet process at a time may change a workspace.

The lock is an operating-system lock (flock, through filelock), which the kernel releases when
the holding process dies, so a lock file left behind by a killed run never blocks the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import filelock

from .errors import WorkspaceLocked
from .workspace import Workspace

LOCK_NAME = ".lednet.lock"


@contextmanager
def workspace_lock(workspace: Workspace, timeout: float) -> Iterator[None]:
    """Hold the workspace lock, waiting up to ``timeout`` seconds for another process."""
    lock = filelock.FileLock(str(workspace.root / LOCK_NAME))
    try:
        lock.acquire(timeout=max(timeout, 0))
    except filelock.Timeout as exc:
        raise WorkspaceLocked(f"workspace {workspace.root} is locked by another lednet "
                              "run; try later, or wait for it with --wait SECONDS") from exc
    try:
        yield
    finally:
        lock.release()
