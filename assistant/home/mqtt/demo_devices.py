"""The demo home as MQTT devices: each Hearth device announced through Home Assistant discovery,
obeying its command topics and reporting its state, the way real firmware (Tasmota, ESPHome,
Zigbee2MQTT) does.

Written from the device's side on purpose, separately from the backend's ``codec``: the two
meet only on the wire, so a test that drives one with the other checks both. Most devices use
device-based discovery (``<prefix>/device/<id>/config`` with ``cmps``); sensors use the
per-component form (``<prefix>/<component>/hearth_demo/<id>/config``), so both are exercised.
Lights with a colour speak the json schema, the others the default schema. Media players are
left out: Home Assistant's MQTT discovery has no media player.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.home import effects
from assistant.home.model import Device, Domain, Home
from assistant.home.mqtt import colors

ROOT = "hearth-demo"
#: "online" while the demo runs; its last will (and a clean stop) says "offline".
AVAILABILITY = f"{ROOT}/availability"
COMMAND_FILTERS = (f"{ROOT}/+/+/set", f"{ROOT}/+/+/+/set")
_PER_COMPONENT = (Domain.SENSOR, Domain.BINARY_SENSOR)
_PLATFORMS = {
    Domain.LIGHT: "light",
    Domain.SWITCH: "switch",
    Domain.FAN: "fan",
    Domain.COVER: "cover",
    Domain.LOCK: "lock",
    Domain.CLIMATE: "climate",
    Domain.SENSOR: "sensor",
    Domain.BINARY_SENSOR: "binary_sensor",
    Domain.SCENE: "scene",
    Domain.VACUUM: "vacuum",
}


def object_id(device: Device) -> str:
    return device.id.split(".", 1)[1]


def base(device: Device) -> str:
    """ "hearth-demo/switch/kettle": the device's topics start here."""
    return f"{ROOT}/{device.domain.value}/{object_id(device)}"


def unique(device: Device) -> str:
    """ "hearth_demo_fan_bedroom": ``fan.bedroom`` and ``climate.bedroom`` are two devices."""
    return f"hearth_demo_{device.id.replace('.', '_')}"


def publishable(device: Device) -> bool:
    return device.domain in _PLATFORMS


def _json_light(device: Device) -> bool:
    return "color" in device.attributes


@dataclass(frozen=True)
class Message:
    topic: str
    payload: str


def _entity_config(device: Device) -> dict[str, Any]:
    """The component's own options (abbreviated, with ``~``, as small firmware sends them)."""
    config: dict[str, Any] = {"~": base(device), "name": None, "obj_id": object_id(device)}
    config["avty_t"] = AVAILABILITY
    config["uniq_id"] = unique(device)
    domain = device.domain
    if device.device_class:
        config["dev_cla"] = device.device_class
    if domain is Domain.LIGHT and _json_light(device):
        config.update(schema="json", cmd_t="~/set", stat_t="~/state", sup_clrm=["rgb"])
    elif domain is Domain.LIGHT:
        config.update(cmd_t="~/set", stat_t="~/state")
        if "brightness" in device.attributes:
            config.update(bri_cmd_t="~/brightness/set", bri_stat_t="~/brightness", bri_scl=255)
    elif domain in (Domain.SWITCH, Domain.FAN, Domain.LOCK, Domain.SCENE):
        config.update(cmd_t="~/set")
        if domain is not Domain.SCENE:
            config["stat_t"] = "~/state"
    elif domain is Domain.COVER:
        config.update(
            cmd_t="~/set", stat_t="~/state", pos_t="~/position", set_pos_t="~/position/set"
        )
    elif domain is Domain.CLIMATE:
        config.update(
            mode_cmd_t="~/mode/set",
            mode_stat_t="~/mode",
            temp_cmd_t="~/temperature/set",
            temp_stat_t="~/temperature",
            curr_temp_t="~/current",
            modes=["off", str(device.attributes.get("mode", "heat"))],
            min_temp=device.attributes.get("min_temp", 7),
            max_temp=device.attributes.get("max_temp", 35),
            temp_unit="C",
        )
    elif domain is Domain.SENSOR:
        config.update(stat_t="~/state", val_tpl="{{ value_json.value }}")
        if unit := device.attributes.get("unit_of_measurement"):
            config["unit_of_meas"] = unit
    elif domain is Domain.BINARY_SENSOR:
        config["stat_t"] = "~/state"
    elif domain is Domain.VACUUM:
        config.update(cmd_t="~/set", stat_t="~/state")
    return config


def announcements(home: Home, prefix: str) -> Iterator[Message]:
    """Every discovery config of the home (retained by the caller)."""
    for device in home.devices.values():
        if not publishable(device):
            continue
        area = home.area_of(device)
        info = {"ids": [unique(device)], "name": device.name, "mf": "Hearth"}
        if area is not None:
            info["sa"] = area.name
        platform = _PLATFORMS[device.domain]
        config = _entity_config(device)
        if device.domain in _PER_COMPONENT:
            topic = f"{prefix}/{platform}/hearth_demo/{object_id(device)}/config"
            yield Message(topic, json.dumps({**config, "dev": info}))
        else:
            payload = {
                "dev": info,
                "o": {"name": "hearth mqtt demo"},
                "cmps": {object_id(device): {"p": platform, **config}},
            }
            yield Message(f"{prefix}/device/{unique(device)}/config", json.dumps(payload))


def _on(state: bool) -> str:
    return "ON" if state else "OFF"


def _level(percent: Any) -> int:
    return round(float(percent or 0) * 255 / 100)


def reports(device: Device) -> list[Message]:
    """The state messages the device sends (retained by the caller)."""
    root, attributes, domain = base(device), device.attributes, device.domain
    if domain is Domain.LIGHT and _json_light(device):
        state: dict[str, Any] = {"state": _on(device.state == "on")}
        if "brightness" in attributes:
            state["brightness"] = _level(attributes["brightness"])
        color = str(attributes.get("color") or "white")
        kelvins = colors.kelvin(color)
        if kelvins is not None:
            state.update(color_mode="color_temp", color_temp=colors.to_mireds(kelvins))
        else:
            r, g, b = colors.RGB.get(color, colors.RGB["white"])
            state.update(color_mode="rgb", color={"r": r, "g": g, "b": b})
        return [Message(f"{root}/state", json.dumps(state))]
    if domain is Domain.LIGHT:
        sent = [Message(f"{root}/state", _on(device.state == "on"))]
        if "brightness" in attributes:
            sent.append(Message(f"{root}/brightness", str(_level(attributes["brightness"]))))
        return sent
    if domain in (Domain.SWITCH, Domain.FAN, Domain.BINARY_SENSOR):
        return [Message(f"{root}/state", _on(device.state == "on"))]
    if domain is Domain.LOCK:
        return [Message(f"{root}/state", device.state.upper())]
    if domain is Domain.COVER:
        position = int(attributes.get("position", 100 if device.state == "open" else 0))
        return [Message(f"{root}/state", device.state), Message(f"{root}/position", str(position))]
    if domain is Domain.CLIMATE:
        return [
            Message(f"{root}/mode", device.state),
            Message(f"{root}/temperature", str(attributes.get("temperature", 20))),
            Message(f"{root}/current", str(attributes.get("current_temperature", 20))),
        ]
    if domain is Domain.SENSOR:
        return [Message(f"{root}/state", json.dumps({"value": device.state}))]
    if domain is Domain.VACUUM:
        return [Message(f"{root}/state", json.dumps({"state": device.state}))]
    return []


_VACUUM = {"start": "cleaning", "stop": "idle", "pause": "paused", "return_to_base": "returning"}


def obey(device: Device, topic: str, payload: str, home: Home) -> list[Device]:
    """The devices as they are after the command (a scene changes its members); [] to ignore."""
    sub = topic[len(base(device)) + 1 :]
    attributes = dict(device.attributes)
    domain = device.domain
    if domain is Domain.LIGHT and _json_light(device) and sub == "set":
        try:
            wanted = json.loads(payload)
        except ValueError:
            return []
        if not isinstance(wanted, dict) or wanted.get("state") not in ("ON", "OFF"):
            return []
        if isinstance(wanted.get("brightness"), int | float):
            attributes["brightness"] = round(wanted["brightness"] * 100 / 255)
        if isinstance(wanted.get("color"), dict):
            rgb = wanted["color"]
            attributes["color"] = colors.from_rgb(
                (int(rgb.get("r", 0)), int(rgb.get("g", 0)), int(rgb.get("b", 0)))
            )
        if isinstance(wanted.get("color_temp"), int | float):
            attributes["color"] = colors.from_mireds(float(wanted["color_temp"]))
        on = wanted["state"] == "ON"
        if on and "brightness" in attributes and not attributes["brightness"]:
            attributes["brightness"] = 100
        return [device.with_state("on" if on else "off", attributes)]
    if domain is Domain.LIGHT and sub == "brightness/set":
        try:
            level = round(float(payload) * 100 / 255)
        except ValueError:
            return []
        attributes["brightness"] = level
        return [device.with_state("on" if level > 0 else "off", attributes)]
    if (
        domain in (Domain.LIGHT, Domain.SWITCH, Domain.FAN)
        and sub == "set"
        and payload in ("ON", "OFF")
    ):
        if (
            domain is Domain.LIGHT
            and payload == "ON"
            and "brightness" in attributes
            and not attributes["brightness"]
        ):
            attributes["brightness"] = 100
        return [device.with_state("on" if payload == "ON" else "off", attributes)]
    if domain is Domain.LOCK and sub == "set" and payload in ("LOCK", "UNLOCK"):
        return [device.with_state("locked" if payload == "LOCK" else "unlocked")]
    if domain is Domain.COVER and sub == "set" and payload in ("OPEN", "CLOSE", "STOP"):
        if payload == "STOP":
            return [device]
        opening = payload == "OPEN"
        return [
            device.with_state(
                "open" if opening else "closed", {**attributes, "position": 100 if opening else 0}
            )
        ]
    if domain is Domain.COVER and sub == "position/set":
        try:
            position = max(0, min(100, round(float(payload))))
        except ValueError:
            return []
        return [
            device.with_state(
                "open" if position else "closed", {**attributes, "position": position}
            )
        ]
    if domain is Domain.CLIMATE and sub == "mode/set" and payload:
        if payload != "off":
            attributes["mode"] = payload
        return [device.with_state(payload, attributes)]
    if domain is Domain.CLIMATE and sub == "temperature/set":
        try:
            value = float(payload)
        except ValueError:
            return []
        attributes["temperature"] = int(value) if value.is_integer() else value
        return [device.with_state(device.state, attributes)]
    if domain is Domain.SCENE and sub == "set" and payload == "ON":
        return [m for m in effects.scene_members(device, home.devices) if publishable(m)]
    if domain is Domain.VACUUM and sub == "set" and payload in _VACUUM:
        return [device.with_state(_VACUUM[payload])]
    return []
