"""What the fake Home Assistant holds and what its services do, in Home Assistant's own units.

``state_from_home`` turns a Hearth home (the demo home) into the registries, states and exposure
a real server would report for it (brightness 0-255, ``current_position``, ``volume_level``
0-1, ``rgb_color``); ``service`` is what the integrations would do to those states. Written
from Home Assistant's side on purpose, so the backend's translation is tested, not mirrored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.home.model import Device, Domain, Home

_RGB = {"white": [255, 255, 255], "red": [255, 0, 0], "blue": [0, 0, 255], "green": [0, 128, 0]}
_RGB.update({"orange": [255, 165, 0], "warm white": [255, 180, 107], "purple": [128, 0, 128]})


@dataclass
class FakeState:
    """What the fake server knows: registries, states and exposure (HA's JSON shapes)."""

    areas: list[dict[str, Any]] = field(default_factory=list)
    floors: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    exposed: dict[str, bool] = field(default_factory=dict)


def _native(device: Device) -> tuple[str, dict[str, Any]]:
    """A Hearth device's state in Home Assistant's units (how a real server would report it)."""
    attrs = {k: v for k, v in device.attributes.items() if k not in ("brightness", "color")}
    attrs["friendly_name"] = device.name
    if device.domain is Domain.LIGHT:
        colour = device.attributes.get("color")
        dimmable = "brightness" in device.attributes
        attrs["supported_color_modes"] = (
            ["rgb"] if colour else ["brightness"] if dimmable else ["onoff"]
        )
        if device.state == "on" and dimmable:
            attrs["brightness"] = round(int(device.attributes["brightness"]) * 255 / 100)
        if device.state == "on" and colour:
            attrs["rgb_color"] = _RGB.get(str(colour), [255, 255, 255])
    elif device.domain is Domain.COVER and "position" in attrs:
        attrs["current_position"] = attrs.pop("position")
        attrs["supported_features"] = 15
    elif device.domain is Domain.MEDIA_PLAYER and "volume" in attrs:
        attrs["volume_level"] = attrs.pop("volume") / 100
    elif device.domain is Domain.CLIMATE:
        attrs["hvac_modes"] = ["off", "heat", "cool"]
    return device.state, attrs


def state_from_home(home: Home) -> FakeState:
    """The Hearth home (the demo home, say) as a Home Assistant server would hold it."""
    fake = FakeState()
    for floor in home.floors.values():
        fake.floors.append(
            {"floor_id": floor.id, "name": floor.name, "aliases": list(floor.aliases)}
        )
    for area in home.areas.values():
        floor = home.floor_of_area(area.id)
        fake.areas.append(
            {
                "area_id": area.id,
                "name": area.name,
                "aliases": list(area.aliases),
                "floor_id": floor.id if floor else None,
            }
        )
    for device in home.devices.values():
        device_id = f"dev-{device.id}"
        fake.devices.append({"id": device_id, "area_id": device.area, "name": device.name})
        fake.entities[device.id] = {
            "entity_id": device.id,
            "device_id": device_id,
            "area_id": None,
            "name": None,
            "aliases": list(device.aliases),
            "disabled_by": None,
            "hidden_by": None,
        }
        state, attrs = _native(device)
        fake.states[device.id] = {"entity_id": device.id, "state": state, "attributes": attrs}
        fake.exposed[device.id] = True
    return fake


def _with(current: dict[str, Any], state: str | None = None, **attrs: Any) -> dict[str, Any]:
    merged = {**current["attributes"], **attrs}
    return {**current, "state": current["state"] if state is None else state, "attributes": merged}


def apply_service(
    domain: str,
    service: str,
    current: dict[str, Any],
    data: dict[str, Any],
    states: dict[str, dict[str, Any]],
) -> list[tuple[str, dict[str, Any]]] | None:
    """The new states a service call makes, as Home Assistant's integrations would; None: unknown."""
    entity_id = current["entity_id"]
    on = current["state"] == "on"
    new: dict[str, Any] | None = None
    if domain == "light":
        if service == "turn_off" or (service == "toggle" and on):
            new = _with(current, "off", brightness=None, rgb_color=None)
        elif service in ("turn_on", "toggle"):
            attrs: dict[str, Any] = {}
            modes = current["attributes"].get("supported_color_modes") or []
            if "onoff" not in modes:
                level = data.get("brightness")
                if "brightness_pct" in data:
                    level = round(float(data["brightness_pct"]) * 255 / 100)
                attrs["brightness"] = level or current["attributes"].get("brightness") or 255
            if "rgb" in modes:
                rgb = data.get("rgb_color") or _RGB.get(str(data.get("color_name", "")))
                attrs["rgb_color"] = (
                    rgb or current["attributes"].get("rgb_color") or [255, 255, 255]
                )
            new = _with(current, "on", **attrs)
    elif domain in ("switch", "fan", "input_boolean", "humidifier"):
        if service in ("turn_on", "turn_off"):
            new = _with(current, service[5:])
        elif service == "toggle":
            new = _with(current, "off" if on else "on")
    elif domain == "cover":
        position = {"open_cover": 100, "close_cover": 0}.get(service)
        if service == "set_cover_position":
            position = int(data["position"])
        if service == "toggle":
            position = 0 if current["state"] == "open" else 100
        if position is not None:
            new = _with(current, "open" if position > 0 else "closed", current_position=position)
        elif service == "stop_cover":
            new = current
    elif domain == "lock" and service in ("lock", "unlock"):
        new = _with(current, service + "ed")
    elif domain == "climate":
        if service == "set_temperature":
            new = _with(current, temperature=data["temperature"])
        elif service in ("turn_on", "turn_off"):
            new = _with(current, "heat" if service == "turn_on" else "off")
    elif domain == "media_player":
        states_for = {
            "media_play": "playing",
            "media_pause": "paused",
            "media_stop": "idle",
            "turn_on": "idle",
            "turn_off": "off",
        }
        if service in states_for:
            new = _with(current, states_for[service])
        elif service == "volume_set":
            new = _with(current, volume_level=float(data["volume_level"]))
        elif service in ("media_next_track", "media_previous_track"):
            new = _with(current, "playing")
    elif domain == "vacuum":
        vacuum = {
            "start": "cleaning",
            "stop": "idle",
            "pause": "paused",
            "return_to_base": "returning",
        }
        if service in vacuum:
            new = _with(current, vacuum[service])
    elif domain == "scene" and service == "turn_on":
        members = current["attributes"].get("entities") or {}
        changes = []
        for member_id, wanted in _members(members):
            if member_id in states:
                changes.append((member_id, _with(states[member_id], wanted)))
        return changes
    if new is None:
        return None
    return [(entity_id, {k: v for k, v in new.items() if k != "context"})]


def _members(members: Any) -> Iterable[tuple[str, str]]:
    if isinstance(members, dict):
        for member_id, wanted in members.items():
            state = wanted.get("state") if isinstance(wanted, dict) else wanted
            yield member_id, str(state)
