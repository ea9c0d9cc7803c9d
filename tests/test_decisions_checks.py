"""A coordinator's correction is checked like a returned figure before it is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lednet.cli import main


@pytest.mark.parametrize(("indicator", "value", "message"), [
    ("dwellings", "-5", "-5 is outside the allowed range for dwellings (1,000 to 1,500,000); "
                        "check the figure with the authority"),
    ("jobs_safeguarded", "10.5", "jobs_safeguarded is a whole number; 10.5 is not"),
    ("authority_type", "3", "authority_type is a choice (district, unitary, metropolitan "
                            "district, London borough, county); ask the authority to resubmit "
                            "rather than correcting it with a number"),
    ("population", "1", "population is a nomis figure, not one an authority returns; only "
                        "returned figures can be corrected"),
    ("ed_spend_per_head", "12", "ed_spend_per_head is a derived figure, not one an authority "
                                "returns; only returned figures can be corrected"),
], ids=["out of range", "not whole", "choice", "national", "derived"])
def test_bad_corrections_are_refused(runner: CliRunner, workspace_dir: Path, indicator: str,
                                     value: str, message: str) -> None:
    result = runner.invoke(main, ["--config", str(workspace_dir), "decide", "-p", "2012",
                                  "-a", "E06000014", "-i", indicator, "--correct", value,
                                  "--reason", "sent by e-mail"])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert not (workspace_dir / "store" / "lednet.sqlite").exists()
