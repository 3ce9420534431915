"""Home Assistant MQTT discovery read from payloads written the way devices send them."""

from __future__ import annotations

import json

from assistant.home.model import Domain
from assistant.home.mqtt.discovery import Discovery, area_names


def _apply(found: Discovery, topic: str, payload: object) -> bool:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return found.apply(topic, raw)


def test_a_per_component_config_with_abbreviations_and_a_base_topic() -> None:
    found = Discovery("homeassistant")
    config = {
        "~": "plugs/kettle",
        "cmd_t": "~/set",
        "stat_t": "~/state",
        "name": "Power",
        "uniq_id": "plug-1",
        "dev": {"ids": ["plug-1"], "name": "Kettle Plug", "sa": "Kitchen"},
    }
    assert _apply(found, "homeassistant/switch/plugs/kettle/config", config)
    [entity] = found.entities()
    assert entity.entity_id == "switch.kettle"
    assert entity.domain is Domain.SWITCH
    assert entity.name == "Kettle Plug Power"
    assert entity.area == "Kitchen"
    assert entity.config["command_topic"] == "plugs/kettle/set"
    assert entity.config["state_topic"] == "plugs/kettle/state"


def test_a_device_config_shares_its_options_with_every_component() -> None:
    found = Discovery("homeassistant")
    config = {
        "dev": {"ids": ["multi"], "name": "Desk", "sa": "Office"},
        "o": {"name": "firmware"},
        "~": "desk",
        "stat_t": "~/state",
        "cmps": {
            "lamp": {"p": "light", "schema": "json", "cmd_t": "~/lamp/set", "name": "Lamp"},
            "temp": {"p": "sensor", "val_tpl": "{{ value_json.t }}", "name": "Temperature"},
            "odd": {"p": "siren", "cmd_t": "~/siren"},
        },
    }
    _apply(found, "homeassistant/device/multi/config", config)
    entities = {e.entity_id: e for e in found.entities()}
    assert set(entities) == {"light.lamp", "sensor.temp"}  # a siren is nothing Hearth drives
    assert entities["light.lamp"].config["command_topic"] == "desk/lamp/set"
    assert entities["sensor.temp"].config["state_topic"] == "desk/state"
    assert entities["sensor.temp"].name == "Desk Temperature"
    assert area_names(entities.values()) == {"office": "Office"}

    # A component reduced to its platform is removed; an empty payload removes the device.
    config["cmps"]["temp"] = {"p": "sensor"}
    assert _apply(found, "homeassistant/device/multi/config", config)
    assert [e.entity_id for e in found.entities()] == ["light.lamp"]
    assert found.apply("homeassistant/device/multi/config", b"")
    assert found.entities() == []


def test_an_entity_without_its_own_name_takes_the_device_name() -> None:
    found = Discovery("homeassistant")
    payload = {"name": None, "cmd_t": "x/set", "dev": {"ids": ["a"], "name": "Porch Light"}}
    _apply(found, "homeassistant/light/porch/config", payload)
    assert found.entities()[0].name == "Porch Light"
    assert found.entities()[0].area is None


def test_bad_configs_are_ignored_and_clashing_ids_are_kept_apart() -> None:
    found = Discovery("homeassistant")
    assert not found.apply("homeassistant/switch/a/config", b"{not json")
    assert not found.apply("homeassistant/switch/a/config", b"[1, 2]")
    assert not found.is_config("elsewhere/switch/a/config")
    _apply(found, "homeassistant/switch/one/fan/config", {"cmd_t": "a/set", "name": "A"})
    _apply(found, "homeassistant/switch/two/fan/config", {"cmd_t": "b/set", "name": "B"})
    assert [e.entity_id for e in found.entities()] == ["switch.fan", "switch.fan_2"]
