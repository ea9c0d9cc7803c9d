"""The command-line surface: help, exit codes and one-line messages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lednet.cli import main

from .conftest import EXAMPLE, ROOT

COMMANDS = ["init", "check", "fetch", "make-templates", "ingest", "status", "report", "export",
            "run", "close", "decide"]


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_ends_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "lednet " in result.output.split("Example", 1)[1]


def test_check_passes_on_example_workspace(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--config", str(EXAMPLE), "check"])
    assert result.exit_code == 0, result.output
    assert "50 indicators (5 profile, 18 national, 18 local, 9 derived)" in result.stdout
    assert "members: 13; exclusions: 0" in result.stdout
    assert "warning:" in result.stderr and "inferred code variable=721" in result.stderr


def test_check_exits_2_with_one_line_for_bad_catalogue(runner: CliRunner,
                                                       workspace_dir: Path) -> None:
    bad = workspace_dir / "indicators.yaml"
    bad.write_text((ROOT / "indicators.yaml").read_text(encoding="utf-8")
                   .replace("polarity: higher", "polarity: upwards", 1), encoding="utf-8")
    config = workspace_dir / "lednet.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "catalogue: indicators.yaml\n",
                      encoding="utf-8")
    result = runner.invoke(main, ["--config", str(config), "check"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {bad}:")
    assert lines[0].endswith("'polarity' is 'upwards'; use one of higher, lower, target, neutral")
    assert "Traceback" not in result.output


def test_missing_config_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["--config", str(tmp_path / "nope.yaml"), "check"])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: no such workspace configuration\n"


def test_bad_period_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--config", str(EXAMPLE), "fetch", "--period", "last year"])
    assert result.exit_code == 2
    assert "a period is a year such as 2012, not 'last year'" in result.stderr


def test_missing_period_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--config", str(EXAMPLE), "report"])
    assert result.exit_code == 2
    assert "--period is required, e.g. --period 2012" in result.stderr


def test_init_scaffolds_a_workspace_that_checks(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "net"
    result = runner.invoke(main, ["init", str(target), "--network", "Test network"])
    assert result.exit_code == 0, result.output
    assert (target / "lednet.yaml").exists() and (target / "returns").is_dir()
    checked = runner.invoke(main, ["--config", str(target), "check"])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 2
    assert "already exists; nothing was changed" in again.stderr


@pytest.mark.slow
def test_non_editable_install_finds_catalogue_and_report_templates(tmp_path: Path) -> None:
    """Build the wheel, install it (without deps) into a folder and run check from elsewhere."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "wheel"), str(ROOT)], check=True)
    wheel = next((tmp_path / "wheel").glob("lednet-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "lednet/_resources/indicators.yaml" in names
    assert any(n.startswith("lednet/_resources/templates/") for n in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
         "from lednet.cli import main; main(['--config', sys.argv[2], 'check'])",
         str(target), str(EXAMPLE)],
        cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"; report templates: {target / 'lednet' / '_resources' / 'templates'}" in result.stdout
