from pathlib import Path

import pytest

from newsvault.config import config_from_settings, load, to_settings


def test_defaults_live_under_home(tmp_path: Path) -> None:
    config = load({"NEWSVAULT_HOME": str(tmp_path)}, file=tmp_path / "none.toml")
    assert config.storage_uri == (tmp_path / "store").resolve().as_uri()
    assert config.catalog_url.endswith(f"{tmp_path.name}/catalog.sqlite")
    assert "no contact configured" in config.agent


def test_file_then_environment(tmp_path: Path) -> None:
    toml = tmp_path / "newsvault.toml"
    toml.write_text('[newsvault]\noperator = "Archive team"\nmax_body = 1000\n'
                    'contact = "archive@example.org"\n')
    config = load({"NEWSVAULT_MAX_BODY": "2000"}, file=toml)
    assert config.operator == "Archive team"
    assert config.max_body == 2000  # the environment wins over the file
    assert "+archive@example.org" in config.agent


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    toml = tmp_path / "newsvault.toml"
    toml.write_text('[newsvault]\noprator = "typo"\n')
    with pytest.raises(ValueError, match="oprator"):
        load({}, file=toml)


def test_settings_round_trip(tmp_path: Path) -> None:
    config = load({"NEWSVAULT_HOME": str(tmp_path), "NEWSVAULT_OBEY_ROBOTS": "false"},
                  file=tmp_path / "none.toml")
    assert config.obey_robots is False
    assert config_from_settings(to_settings(config)) == config


def test_env_example_documents_every_setting() -> None:
    from dataclasses import fields

    from newsvault.config import Config

    example = (Path(__file__).resolve().parents[2] / "deploy" / "env.example").read_text()
    for f in fields(Config):
        assert f"NEWSVAULT_{f.name.upper()}=" in example, f"deploy/env.example lacks {f.name}"
