"""`lednet report` and `lednet close` from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lednet.cli import main
from tests import golden_workspace


def test_report_command_lists_what_it_wrote(runner: CliRunner, tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    out = tmp_path / "reports"
    result = runner.invoke(main, ["--config", str(workspace.config_path), "report", "--period",
                                  "2012", "--authority", "E06000014", "--format", "html",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == str(out / "2012_E06000014_York.html")
    assert lines[1].startswith("1 report file for period 2012 in ")


def test_close_then_reopen(runner: CliRunner, tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    config = ["--config", str(workspace.config_path)]
    closed = runner.invoke(main, [*config, "close", "--period", "2012"])
    assert closed.exit_code == 0
    assert closed.output.startswith("closed period 2012: 44 values, dataset fingerprint ")

    again = runner.invoke(main, [*config, "close", "--period", "2012"])
    assert again.exit_code == 1
    assert "period 2012 is already closed" in again.output

    reopened = runner.invoke(main, [*config, "close", "--period", "2012", "--reopen",
                                    "--reason", "late return"])
    assert reopened.exit_code == 0
    assert reopened.output.startswith("reopened period 2012")


def test_a_period_without_figures_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    result = runner.invoke(main, ["--config", str(workspace.config_path), "report", "--period",
                                  "2015", "--format", "html", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "the store holds no figures for period 2015" in result.output
    assert not (tmp_path / "out").exists()
