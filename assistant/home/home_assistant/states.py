"""Home Assistant's registries and states → a Hearth ``Home``; pure functions, no I/O.

Home Assistant speaks in its own units (brightness 0-255, ``current_position``, ``volume_level``
0-1, ``rgb_color``); the rest of Hearth speaks in percentages and colour names (see
``attributes.KNOWN``). The translation happens here, once, so planning, replies, the cloud's
tool list and the window read a Home Assistant light exactly as they read a simulated one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.home import model
from assistant.home.model import Area, Device, Domain, Floor, Home, OtherDomain

#: Colour modes that mean a light can be dimmed (everything but on/off).
_DIMMABLE = frozenset({"brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"})
_COLOURED = frozenset({"hs", "xy", "rgb", "rgbw", "rgbww"})
#: A few colour names people say, by the RGB Home Assistant reports for its ``color_name``.
COLOUR_NAMES: dict[tuple[int, int, int], str] = {
    (255, 255, 255): "white",
    (255, 0, 0): "red",
    (0, 128, 0): "green",
    (0, 255, 0): "lime",
    (0, 0, 255): "blue",
    (255, 255, 0): "yellow",
    (255, 165, 0): "orange",
    (128, 0, 128): "purple",
    (255, 192, 203): "pink",
    (0, 255, 255): "cyan",
    (238, 130, 238): "violet",
}
#: Attributes that only describe Home Assistant's own bookkeeping; dropped from the Device.
_DROPPED = frozenset({"friendly_name", "icon", "entity_picture", "assumed_state", "attribution"})


@dataclass(frozen=True)
class Registries:
    """What the server's registries say about the home (plain JSON as Home Assistant sends it)."""

    areas: list[dict[str, Any]] = field(default_factory=list)
    floors: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    #: entity_id → {"conversation": bool, ...} from ``homeassistant/expose_entity/list``.
    exposed: dict[str, dict[str, Any]] = field(default_factory=dict)


def domain_of(entity_id: str) -> Domain | OtherDomain | None:
    """The domain of an entity id (any of Home Assistant's); None for an id without one."""
    name, dot, rest = entity_id.partition(".")
    return model.domain_of(name) if name and dot and rest else None


def is_exposed(entity_id: str, registries: Registries) -> bool:
    """Exposed to Assist ("conversation") on the server, as Home Assistant's own voice sees it."""
    return registries.exposed.get(entity_id, {}).get("conversation") is True


def _percent(value: Any, scale: float) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, min(100, round(float(value) * 100 / scale)))


def _colour(rgb: Any) -> str | None:
    if not isinstance(rgb, list | tuple) or len(rgb) != 3:
        return None
    try:
        key = (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    except (TypeError, ValueError):
        return None
    return COLOUR_NAMES.get(key, "#{:02x}{:02x}{:02x}".format(*key))


def _plain(value: Any) -> Any:
    """JSON as Hearth keeps attributes: lists, not tuples; only text keys."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def attributes_of(
    domain: Domain | OtherDomain, state: str, raw: Mapping[str, Any]
) -> dict[str, Any]:
    """Home Assistant's attributes in Hearth's units (the originals stay beside them)."""
    attributes = {k: _plain(v) for k, v in raw.items() if k not in _DROPPED}
    if domain is Domain.LIGHT:
        modes = set(attributes.get("supported_color_modes") or [])
        if modes & _DIMMABLE:
            level = _percent(raw.get("brightness"), 255)
            attributes["brightness"] = (level or 0) if state == "on" else 0
        else:
            attributes.pop("brightness", None)
        if modes & _COLOURED:
            attributes["color"] = _colour(raw.get("rgb_color")) or "white"
    elif domain is Domain.COVER:
        position = raw.get("current_position")
        if isinstance(position, int | float) and not isinstance(position, bool):
            attributes["position"] = max(0, min(100, round(position)))
    elif domain is Domain.MEDIA_PLAYER:
        volume = _percent(raw.get("volume_level"), 1)
        if volume is not None:
            attributes["volume"] = volume
        elif "volume" in attributes:
            attributes.pop("volume")
    elif domain is Domain.CLIMATE:
        modes = [m for m in attributes.get("hvac_modes") or [] if m != "off"]
        if modes:
            attributes["mode"] = state if state in modes else str(modes[0])
    return attributes


def device_from_state(
    state: Mapping[str, Any], entry: Mapping[str, Any] | None, area: str | None
) -> Device | None:
    """One entity as a Hearth Device (read-only when Hearth can't control its domain)."""
    entity_id = str(state.get("entity_id", ""))
    domain = domain_of(entity_id)
    if domain is None:
        return None
    raw = state.get("attributes") or {}
    entry = entry or {}
    name = entry.get("name") or raw.get("friendly_name") or entity_id.partition(".")[2]
    value = str(state.get("state", "unknown"))
    return Device(
        id=entity_id,
        name=str(name),
        domain=domain,
        area=area,
        aliases=tuple(str(a) for a in entry.get("aliases") or () if a),
        state=value,
        attributes=attributes_of(domain, value, raw),
    )


def build_home(
    registries: Registries, states: Iterable[Mapping[str, Any]], exposed_only: bool = True
) -> Home:
    """The Home the server describes: its floors, areas and (exposed, enabled) entities."""
    floors_areas: dict[str, list[str]] = {}
    areas = []
    for raw in registries.areas:
        area_id = str(raw["area_id"])
        floor = raw.get("floor_id")
        if floor:
            floors_areas.setdefault(str(floor), []).append(area_id)
        areas.append(
            Area(
                area_id,
                str(raw.get("name") or area_id),
                _aliases(raw),
                str(floor) if floor else None,
            )
        )
    floors = [
        Floor(
            str(raw["floor_id"]),
            str(raw.get("name") or raw["floor_id"]),
            _aliases(raw),
            tuple(floors_areas.get(str(raw["floor_id"]), ())),
        )
        for raw in registries.floors
    ]
    device_areas = {str(d["id"]): d.get("area_id") for d in registries.devices}
    entries = {str(e["entity_id"]): e for e in registries.entities}
    devices = []
    for state in states:
        entity_id = str(state.get("entity_id", ""))
        entry = entries.get(entity_id)
        if entry is not None and (entry.get("disabled_by") or entry.get("hidden_by")):
            continue
        if exposed_only and not is_exposed(entity_id, registries):
            continue
        area = None
        if entry is not None:
            area = entry.get("area_id") or device_areas.get(str(entry.get("device_id")))
        device = device_from_state(state, entry, str(area) if area else None)
        if device is not None:
            devices.append(device)
    return Home(areas, devices, floors)


def _aliases(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(a) for a in raw.get("aliases") or () if a)
