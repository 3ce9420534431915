"""The ``[mqtt]`` config section: typed, validated, settable, and the registry's honest entry."""

from __future__ import annotations

import pytest

from assistant.config import Config, ConfigError, MqttConfig, from_dict
from assistant.home.registry import Capability, backend_spec


def test_defaults_and_settable_values() -> None:
    config = Config().with_value("home.backend", "mqtt").with_value("mqtt.port", "8883")
    config = config.with_value("mqtt.tls", "true").with_value("mqtt.host", "broker.lan")
    assert config.mqtt == MqttConfig(host="broker.lan", port=8883, tls=True)
    assert from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mqtt.port", "0", "mqtt.port must be from 1 to 65535"),
        ("mqtt.port", "70000", "mqtt.port must be from 1 to 65535"),
        ("mqtt.host", " ", "mqtt.host must be a host name"),
        ("mqtt.discovery_prefix", "home/#", "mqtt.discovery_prefix must be a topic"),
        ("mqtt.discovery_prefix", "/ha", "mqtt.discovery_prefix must be a topic"),
        ("mqtt.tls", "maybe", "mqtt.tls must be true or false"),
    ],
)
def test_bad_values_are_one_line(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config().with_value(key, value)


def test_a_password_in_the_config_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown setting mqtt.password"):
        from_dict({"mqtt": {"password": "secret"}})


def test_the_registry_entry_promises_only_what_mqtt_can_keep() -> None:
    spec = backend_spec("mqtt")
    assert spec.available and spec.remote
    assert Capability.ATOMIC not in spec.capabilities
    assert Capability.UNDO in spec.capabilities
    assert Capability.REPORTS_OUTSIDE_CHANGES in spec.capabilities
