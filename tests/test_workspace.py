"""The workspace config and member list are read, checked and found like a user expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from lednet.authorities import lookup, reference_authorities
from lednet.errors import CatalogueError, ConfigError
from lednet.workspace import load_workspace

from .conftest import EXAMPLE


def test_example_workspace_loads_thirteen_real_members() -> None:
    workspace = load_workspace(EXAMPLE / "lednet.yaml")
    assert len(workspace.members) == 13
    york = workspace.member("E06000014")
    assert york is not None
    assert (york.name, york.type, york.region) == ("York", "unitary",
                                                   "Yorkshire and The Humber")
    assert workspace.member("00FF") == york  # the old ONS code finds the same member
    assert workspace.comparator_groups["West Yorkshire"] == [
        "E08000032", "E08000033", "E08000034", "E08000035", "E08000036"]


def test_abolished_districts_stop_being_expected_after_2023() -> None:
    workspace = load_workspace(EXAMPLE / "lednet.yaml")
    assert len(workspace.members_for(2022)) == 13
    assert len(workspace.members_for(2023)) == 13
    expected_2024 = {m.name for m in workspace.members_for(2024)}
    assert expected_2024 == {"York", "Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"}


def test_reference_list_is_whole() -> None:
    table = reference_authorities()
    english_lower_tier = [a for a in table.values()
                          if a.nation == "England" and a.type_code in ("NMD", "UA", "MD", "LBO")]
    assert len(table) > 400
    assert len(english_lower_tier) > 320
    cornwall = lookup("E06000052")
    assert cornwall is not None and cornwall.first_period() == 2010


def test_config_found_from_environment(workspace_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDNET_CONFIG", str(workspace_dir))
    assert load_workspace().root == workspace_dir.resolve()


def test_no_config_in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDNET_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no lednet.yaml in .*; run 'lednet init DIR'"):
        load_workspace()


def test_unknown_member_code_names_line(workspace_dir: Path) -> None:
    members = workspace_dir / "members.yaml"
    members.write_text("members:\n  - gss: E06000014\n  - gss: E99999999\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_workspace(workspace_dir)
    assert str(caught.value) == (f"{members}:3: E99999999 is not a known local authority GSS "
                                 "code; check the code against the ONS list")


def test_old_code_in_member_list_asks_for_gss(workspace_dir: Path) -> None:
    members = workspace_dir / "members.yaml"
    members.write_text("members:\n  - gss: 00FF\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_workspace(workspace_dir)
    assert str(caught.value) == (
        f"{members}:2: 00FF is an old code; use the GSS code E06000014 (York)")


def test_member_listed_twice(workspace_dir: Path) -> None:
    members = workspace_dir / "members.yaml"
    members.write_text("members:\n  - gss: E06000014\n  - gss: E06000014\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_workspace(workspace_dir)
    assert str(caught.value) == f"{members}:3: E06000014 is listed twice (also line 2)"


def test_unknown_config_key(workspace_dir: Path) -> None:
    config = workspace_dir / "lednet.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_workspace(workspace_dir)
    message = str(caught.value)
    assert message.startswith(f"{config}:") and "unknown key 'colour'" in message


def test_api_key_comes_from_environment(workspace_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMIS_UID", "0xSECRET")
    assert load_workspace(workspace_dir).nomis.api_key == "0xSECRET"
