"""The workspace config and member list are read, checked and found like a user expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from lednet.authorities import lookup, reference_authorities
from lednet.catalogue import load_catalogue
from lednet.errors import CatalogueError, ConfigError
from lednet.workspace import check_exclusions, load_workspace

from .conftest import EXAMPLE, ROOT


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


def config_error(workspace_dir: Path) -> str:
    with pytest.raises(CatalogueError) as caught:
        load_workspace(workspace_dir)
    return str(caught.value)


def append_config(workspace_dir: Path, text: str) -> Path:
    config = workspace_dir / "lednet.yaml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")
    return config


def test_catalogue_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_bytes((ROOT / "indicators.yaml").read_bytes().replace(
        "(£000)".encode(), "(\xa3000)".encode("latin-1"), 1))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    line = (ROOT / "indicators.yaml").read_text(encoding="utf-8").splitlines().index(
        next(x for x in (ROOT / "indicators.yaml").read_text(encoding="utf-8").splitlines()
             if "(£000)" in x)) + 1
    assert str(caught.value) == (f"{path}:{line}: not UTF-8 text (a £ or dash saved in another "
                                 "encoding?); save the file as UTF-8")


def test_deadline_must_be_a_period_and_a_real_date(workspace_dir: Path) -> None:
    config = workspace_dir / "lednet.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('2012: "2012-06-29"', 'twenty: "2012-06-29"'), "utf-8")
    assert config_error(workspace_dir).endswith(
        "'twenty' is not a period; 'deadlines' maps a period to a date, e.g. 2012: 2012-06-30")
    config.write_text(text.replace('"2012-06-29"', '"2012-06-31"'), "utf-8")
    assert config_error(workspace_dir).endswith(
        "deadline '2012-06-31' is not a date written YYYY-MM-DD")


def test_numbers_in_config_are_numbers(workspace_dir: Path) -> None:
    config = workspace_dir / "lednet.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("timeout: 30",
                                                                 "timeout: thirty"), "utf-8")
    assert config_error(workspace_dir).endswith(
        "'timeout' must be a number of 0 or more, not 'thirty'")


def test_settle_seconds_must_be_a_number(workspace_dir: Path) -> None:
    append_config(workspace_dir, "settle_seconds: abc\n")
    assert config_error(workspace_dir).endswith(
        "'settle_seconds' must be a number of 0 or more, not 'abc'")


def test_member_type_must_match_the_authority_list(workspace_dir: Path) -> None:
    (workspace_dir / "members.yaml").write_text(
        "members:\n  - {gss: E06000014, type: district}\n", encoding="utf-8")
    assert config_error(workspace_dir).endswith(
        ":2: York is a unitary authority, not a district; remove 'type' or correct it")


def test_member_cannot_leave_before_joining(workspace_dir: Path) -> None:
    (workspace_dir / "members.yaml").write_text(
        "members:\n  - gss: E06000014\n    joined: 2012\n    left: 2010\n", encoding="utf-8")
    assert config_error(workspace_dir).endswith(":4: York leaves (2010) before it joins (2012)")


def test_abolished_authority_cannot_join_after_its_last_period(workspace_dir: Path) -> None:
    (workspace_dir / "members.yaml").write_text(
        "members:\n  - gss: E07000163\n    joined: 2024\n", encoding="utf-8")
    assert config_error(workspace_dir).endswith(
        ":3: Craven was abolished; its last period is 2023, so it cannot join in 2024")


def test_exclusion_naming_an_unknown_indicator_is_caught(workspace_dir: Path) -> None:
    exclusions = workspace_dir / "exclusions.yaml"
    exclusions.write_text("exclusions:\n  - authority: E06000014\n    indicator: jobs_made\n"
                          "    period: 2012\n    reason: counted differently\n", "utf-8")
    with pytest.raises(CatalogueError) as caught:
        check_exclusions(load_workspace(workspace_dir))
    assert str(caught.value) == (f"{exclusions}:3: jobs_made is not an indicator in the "
                                 "catalogue")
