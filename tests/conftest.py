"""Shared fixtures: paths to real test data and a fresh copy of the example workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "yorkshire"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """A private copy of the example workspace's configuration (no outputs)."""
    target = tmp_path / "ws"
    target.mkdir()
    for name in ("lednet.yaml", "members.yaml", "exclusions.yaml"):
        shutil.copy(EXAMPLE / name, target / name)
    return target
