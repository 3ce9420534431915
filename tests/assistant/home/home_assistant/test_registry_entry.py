"""`home.backend = "home_assistant"`: the config section, and the runtime opening it by name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.api_key import Secret, default_store
from assistant.config import Config, ConfigError, HomeAssistantConfig, HomeConfig, config_path
from assistant.home.backend import BackendError
from assistant.home.registry import BACKENDS, Capability
from assistant.runtime import build_runtime
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant


def ha_config(url: str) -> Config:
    return replace(
        Config(),
        home=HomeConfig(backend="home_assistant"),
        home_assistant=HomeAssistantConfig(url=url, timeout_s=5.0),
    )


def test_the_settings_are_checked_with_one_line() -> None:
    config = Config().with_value("home_assistant.url", "https://ha.example:8123")
    assert config.home_assistant.url == "https://ha.example:8123"
    with pytest.raises(ConfigError, match="home_assistant.url must start with http"):
        Config().with_value("home_assistant.url", "ha.example:8123")
    with pytest.raises(ConfigError, match="home_assistant.timeout_s must be greater than 0"):
        Config().with_value("home_assistant.timeout_s", "0")


def test_the_registry_entry_is_available_remote_and_honest() -> None:
    spec = BACKENDS["home_assistant"]
    assert spec.available and spec.remote
    assert Capability.ATOMIC not in spec.capabilities  # each service call stands alone
    assert Capability.UNDO | Capability.REPORTS_OUTSIDE_CHANGES in spec.capabilities


def test_the_runtime_controls_home_assistant_when_configured(fake: FakeHomeAssistant) -> None:
    default_store(config_path(), Secret.HOME_ASSISTANT_TOKEN).set(TOKEN)
    runtime = build_runtime(ha_config(fake.url))
    try:
        assert type(runtime.backend).__name__ == "HomeAssistantBackend"
        runtime.conversation.handle("turn on the kettle")
        assert fake.state_of("switch.kettle")["state"] == "on"
    finally:
        runtime.close()


def test_an_unconfigured_server_is_refused_in_one_line() -> None:
    with pytest.raises(BackendError, match="^Home Assistant has no address yet"):
        build_runtime(ha_config(""))


def test_this_room_is_one_of_the_servers_areas(fake: FakeHomeAssistant) -> None:
    """ "This room" is checked against the home the backend has, not the (unused) home file."""
    fake.data.areas.append({"area_id": "studio", "name": "Studio", "aliases": [], "floor_id": None})
    default_store(config_path(), Secret.HOME_ASSISTANT_TOKEN).set(TOKEN)
    runtime = build_runtime(ha_config(fake.url), this_room="Studio")
    runtime.close()
    with pytest.raises(BackendError, match="no such area"):
        build_runtime(ha_config(fake.url), this_room="Attic")
