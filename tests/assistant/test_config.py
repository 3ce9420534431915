"""Typed settings: load, validate, atomic save, one-key changes, env override."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant import config as cfg
from assistant.config import Config, ConfigError, ConversationConfig, HomeConfig


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert cfg.load(tmp_path / "absent.toml") == Config()


def test_defaults_are_valid_and_private() -> None:
    config = Config()
    config.validate()
    assert config.cloud.enabled is False
    assert config.home.backend == "simulated"


def test_round_trip_through_save(tmp_path: Path) -> None:
    file = tmp_path / "sub" / "config.toml"
    config = Config(
        home=HomeConfig(this_room="kitchen"),
        conversation=ConversationConfig(confirmation_timeout_s=12.5),
    )
    assert cfg.save(config, file) == file
    assert cfg.load(file) == config


def test_ints_are_accepted_for_floats(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text("[conversation]\nconfirmation_timeout_s = 5\n", encoding="utf-8")
    loaded = cfg.load(file)
    assert loaded.conversation.confirmation_timeout_s == 5.0
    assert isinstance(loaded.conversation.confirmation_timeout_s, float)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[nope]\nx = 1\n", "unknown section [nope]"),
        ("[home]\ncolour = 'red'\n", "unknown setting home.colour"),
        ("home = 3\n", "[home] must be a table"),
        ("[cloud]\nenabled = 'yes'\n", "cloud.enabled must be true or false"),
        ("[vad]\nthreshold = 'high'\n", "vad.threshold must be a number"),
        ("[vad]\nthreshold = 1.5\n", "vad.threshold must be between 0 and 1"),
        ("[home]\nbackend = 'zigbee'\n", "home.backend must be"),
        ("[home]\nthis_room = 3\n", "home.this_room must be a string"),
        ("[conversation]\nconfirmation_timeout_s = 0\n", "greater than 0"),
        ("[history]\nretention_days = true\n", "must be a number"),
        ("[audio]\nsample_rate = 44100\n", "16000"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    file = tmp_path / "c.toml"
    file.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        cfg.load(file)
    assert message in str(err.value)
    assert str(file) in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_toml_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text("[home\nbackend = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as err:
        cfg.load(file)
    assert "\n" not in str(err.value)


def test_non_utf8_file(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_bytes(b"[home]\nthis_room = '\xff'\n")
    with pytest.raises(ConfigError, match="cannot read"):
        cfg.load(file)


def test_with_value_parses_text_and_validates() -> None:
    config = Config()
    changed = config.with_value("cloud.enabled", "yes")
    assert changed.cloud.enabled is True
    assert config.cloud.enabled is False  # frozen: the original is untouched
    assert changed.with_value("vad.threshold", "0.25").vad.threshold == 0.25
    assert changed.with_value("history.retention_days", "7").history.retention_days == 7
    assert changed.with_value("home.this_room", "Office").home.this_room == "Office"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("cloud.enabled", "maybe", "true or false"),
        ("vad.threshold", "loud", "must be a number"),
        ("vad.threshold", "7", "between 0 and 1"),
        ("nothing.here", "1", "unknown setting"),
        ("home.nothing", "1", "unknown setting"),
        ("home", "1", "unknown setting"),
        ("home.backend", "zigbee", "home.backend"),
    ],
)
def test_with_value_rejects(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config().with_value(key, value)


def test_env_override_and_explicit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "env.toml"
    monkeypatch.setenv(cfg.CONFIG_ENV, str(env_file))
    assert cfg.config_path() == env_file
    assert cfg.config_path(tmp_path / "explicit.toml") == tmp_path / "explicit.toml"
    env_file.write_text("[home]\nthis_room = 'study'\n", encoding="utf-8")
    assert cfg.load().home.this_room == "study"


def test_data_and_cache_dirs_follow_env(isolated_dirs: Path) -> None:
    assert cfg.data_dir() == isolated_dirs / "data"
    assert cfg.cache_dir() == isolated_dirs / "cache"
    assert cfg.data_dir().is_dir()


def test_atomic_save_leaves_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "config.toml"
    cfg.save(Config(home=HomeConfig(this_room="kitchen")), file)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ConfigError, match="cannot save the config: disk full"):
        cfg.save(Config(home=HomeConfig(this_room="bedroom")), file)
    monkeypatch.undo()
    assert cfg.load(file).home.this_room == "kitchen"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temp file left behind
