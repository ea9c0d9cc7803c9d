"""PDF workers do not outlive a run that was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

KILLED_PARENT = """
import os, signal, sys, time
from concurrent.futures import ProcessPoolExecutor
from lednet.report.pdf import watch_parent

def work(_):
    time.sleep(60)
    return os.getpid()

def pid(_):
    return os.getpid()

pool = ProcessPoolExecutor(max_workers=1, initializer=watch_parent)
print(pool.submit(pid, 0).result(), flush=True)
pool.submit(work, 0)
time.sleep(0.5)
os.kill(os.getpid(), signal.SIGKILL)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"  # a zombie has already exited


def test_a_worker_exits_when_its_parent_is_killed() -> None:
    parent = subprocess.run([sys.executable, "-c", KILLED_PARENT], capture_output=True,
                            text=True, timeout=60)
    assert parent.returncode == -9
    worker = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(worker)
