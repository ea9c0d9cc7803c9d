"""Atomic writes: the final name appears only complete, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lednet.fsutil import atomic_path, atomic_write_text


def test_written_file_has_the_mode_a_plain_open_would_give(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.html", "<p>hi</p>")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


def test_failure_leaves_neither_final_nor_temporary_file(tmp_path: Path) -> None:
    final = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError), atomic_path(final) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("crash halfway")
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_replaced_only_on_success(tmp_path: Path) -> None:
    final = tmp_path / "out.txt"
    final.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(final) as temp:
        temp.write_text("new", encoding="utf-8")
        raise RuntimeError("crash")
    assert final.read_text(encoding="utf-8") == "old"
    atomic_write_text(final, "new")
    assert final.read_text(encoding="utf-8") == "new"
