"""State payloads → Hearth devices and wanted states → command payloads, per platform, for
configs written as third-party firmware writes them (not as Hearth's own demo does)."""

from __future__ import annotations

import json

import pytest

from assistant.home.commands import ActionKind, CommandError
from assistant.home.mqtt.codec import STATE, Publish
from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.platforms import codec


def _entity(platform: str, **config: object) -> Entity:
    return Entity(f"{platform}.thing", platform, "Thing", config, "Kitchen")


def test_a_json_light_reads_its_scale_and_colour_and_is_sent_absolute_values() -> None:
    light = _entity(
        "light",
        schema="json",
        command_topic="z2m/lamp/set",
        state_topic="z2m/lamp",
        brightness=True,
        brightness_scale=254,
        supported_color_modes=["rgb", "color_temp"],
    )
    handler = codec(light)
    device = handler.initial(light)
    assert device.area == "kitchen"
    assert handler.reports(light) == {STATE, "brightness", "color"}
    payload = {
        "state": "ON",
        "brightness": 127,
        "color_mode": "rgb",
        "color": {"r": 255, "g": 0, "b": 0},
    }
    on = handler.read(light, device, "z2m/lamp", json.dumps(payload))
    assert on is not None
    assert (on.state, on.attributes["brightness"], on.attributes["color"]) == ("on", 50, "red")

    dimmer = on.with_state("on", {**on.attributes, "brightness": 100, "color": "2700K"})
    [sent] = handler.command(light, on, dimmer, ActionKind.SET_BRIGHTNESS)
    assert sent.topic == "z2m/lamp/set"
    assert json.loads(sent.payload) == {"state": "ON", "brightness": 254, "color_temp": 370}
    off = handler.command(light, on, on.with_state("off"), ActionKind.TURN_OFF)
    assert [json.loads(p.payload) for p in off] == [{"state": "OFF"}]
    with pytest.raises(CommandError, match="colour 'octarine'"):
        handler.command(
            light, on, on.with_state("on", {**on.attributes, "color": "octarine"}), None
        )


def test_a_default_schema_light_sends_brightness_before_on() -> None:
    light = _entity(
        "light",
        command_topic="tasmota/cmnd/POWER",
        state_topic="tasmota/stat/POWER",
        payload_on="1",
        payload_off="0",
        brightness_command_topic="tasmota/cmnd/Dimmer",
        brightness_state_topic="tasmota/stat/RESULT",
        brightness_value_template="{{ value_json.Dimmer }}",
        brightness_scale=100,
    )
    handler = codec(light)
    device = handler.initial(light)
    device = handler.read(light, device, "tasmota/stat/POWER", "1") or device
    device = handler.read(light, device, "tasmota/stat/RESULT", '{"Dimmer": 35}') or device
    assert (device.state, device.attributes["brightness"]) == ("on", 35)
    wanted = device.with_state("on", {"brightness": 70})
    assert handler.command(light, device, wanted, ActionKind.SET_BRIGHTNESS) == [
        Publish("tasmota/cmnd/Dimmer", "70"),
        Publish("tasmota/cmnd/POWER", "1"),
    ]


def test_a_reversed_cover_scale_and_its_commands() -> None:
    cover = _entity(
        "cover",
        command_topic="blind/cmd",
        position_topic="blind/pos",
        set_position_topic="blind/pos/set",
        position_open=0,
        position_closed=100,
        device_class="blind",
    )
    handler = codec(cover)
    device = handler.initial(cover)
    device = handler.read(cover, device, "blind/pos", "25") or device
    assert (device.state, device.attributes["position"]) == ("open", 75)
    half = device.with_state("open", {**device.attributes, "position": 40})
    assert handler.command(cover, device, half, ActionKind.SET_POSITION) == [
        Publish("blind/pos/set", "60")
    ]
    closed = device.with_state("closed", {**device.attributes, "position": 0})
    assert handler.command(cover, device, closed, ActionKind.CLOSE) == [
        Publish("blind/cmd", "CLOSE")
    ]
    assert handler.command(cover, device, device, ActionKind.STOP) == [Publish("blind/cmd", "STOP")]


def test_a_lock_with_its_own_words() -> None:
    lock = _entity(
        "lock",
        command_topic="door/set",
        state_topic="door/state",
        payload_lock="close",
        payload_unlock="open",
        state_locked="is-closed",
        state_unlocked="is-open",
    )
    handler = codec(lock)
    device = handler.read(lock, handler.initial(lock), "door/state", "is-open")
    assert device is not None and device.state == "unlocked"
    assert handler.read(lock, device, "door/state", "gibberish") is None
    assert handler.command(lock, device, device.with_state("locked"), ActionKind.LOCK) == [
        Publish("door/set", "close")
    ]


def test_a_climate_device_reads_mode_and_temperatures() -> None:
    climate = _entity(
        "climate",
        mode_command_topic="trv/mode/set",
        mode_state_topic="trv/state",
        mode_state_template="{{ value_json.mode }}",
        temperature_command_topic="trv/temp/set",
        temperature_state_topic="trv/state",
        temperature_state_template="{{ value_json.target }}",
        current_temperature_topic="trv/state",
        current_temperature_template="{{ value_json.now }}",
        modes=["off", "heat", "auto"],
        min_temp=5,
        max_temp=28,
    )
    handler = codec(climate)
    device = handler.read(
        climate,
        handler.initial(climate),
        "trv/state",
        '{"mode": "heat", "target": 20.5, "now": 19}',
    )
    assert device is not None
    assert device.state == "heat"
    assert device.attributes["temperature"] == 20.5
    assert device.attributes["current_temperature"] == 19
    assert (device.attributes["min_temp"], device.attributes["max_temp"]) == (5, 28)
    warmer = device.with_state("heat", {**device.attributes, "temperature": 22})
    assert handler.command(climate, device, warmer, ActionKind.SET_TEMPERATURE) == [
        Publish("trv/temp/set", "22")
    ]
    off = device.with_state("off")
    assert handler.command(climate, device, off, ActionKind.TURN_OFF) == [
        Publish("trv/mode/set", "off")
    ]


def test_a_sensor_and_a_binary_sensor_only_report() -> None:
    sensor = _entity(
        "sensor", state_topic="env", value_template="{{ value_json.hum }}", unit_of_measurement="%"
    )
    handler = codec(sensor)
    device = handler.read(sensor, handler.initial(sensor), "env", '{"hum": 51}')
    assert device is not None and device.state == "51"
    assert device.attributes["unit_of_measurement"] == "%"
    contact = _entity("binary_sensor", state_topic="door", payload_on="open", payload_off="shut")
    handler = codec(contact)
    opened = handler.read(contact, handler.initial(contact), "door", "open")
    assert opened is not None and opened.state == "on"
    with pytest.raises(CommandError, match="only reports"):
        handler.command(contact, opened, opened.with_state("off"), ActionKind.TURN_OFF)
