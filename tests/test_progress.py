"""Progress bars appear on a terminal and nowhere else."""

from __future__ import annotations

import io
import logging

import pytest

from lednet.progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    logging.getLogger("lednet").setLevel(logging.INFO)
    assert list(progress(range(3), "ingest", total=3)) == [0, 1, 2]
    assert "ingest:" in screen.getvalue() and "0/3" in screen.getvalue()


def test_no_bar_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    logging.getLogger("lednet").setLevel(logging.INFO)
    assert list(progress(range(3), "ingest", total=3)) == [0, 1, 2]
    assert piped.getvalue() == ""


def test_no_bar_when_quiet_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    logging.getLogger("lednet").setLevel(logging.WARNING)
    try:
        assert list(progress(range(3), "ingest", total=3)) == [0, 1, 2]
    finally:
        logging.getLogger("lednet").setLevel(logging.NOTSET)
    assert screen.getvalue() == ""
