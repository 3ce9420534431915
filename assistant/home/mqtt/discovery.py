"""Home Assistant MQTT discovery: config topics and payloads → the entities Hearth can use.

Two forms are read, as Home Assistant reads them:

- per component: ``<prefix>/<component>/[<node_id>/]<object_id>/config``, one entity;
- per device: ``<prefix>/device/<device_id>/config`` with ``cmps`` (components), each holding
  its own ``p`` (platform); options given beside ``cmps`` (``~``, ``state_topic``, ``qos``) are
  shared by every component.

An empty payload removes what that topic announced; a component reduced to its platform
(``{"p": "light"}``) removes that component. Platforms Hearth has no use for are skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.home.model import Domain
from assistant.home.mqtt.abbreviations import expand

_LOGGER = logging.getLogger(__name__)

#: The platforms Hearth reads or drives, and the Home domain each becomes.
PLATFORMS: dict[str, Domain] = {
    "light": Domain.LIGHT,
    "switch": Domain.SWITCH,
    "fan": Domain.FAN,
    "cover": Domain.COVER,
    "lock": Domain.LOCK,
    "climate": Domain.CLIMATE,
    "sensor": Domain.SENSOR,
    "binary_sensor": Domain.BINARY_SENSOR,
    "scene": Domain.SCENE,
    "button": Domain.BUTTON,
    "vacuum": Domain.VACUUM,
    "valve": Domain.VALVE,
    "alarm_control_panel": Domain.ALARM_CONTROL_PANEL,
}
DEVICE = "device"


@dataclass(frozen=True)
class Entity:
    """One discovered entity: what Hearth calls it and the config that says how to drive it."""

    entity_id: str
    platform: str
    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    area: str | None = None  # the device's suggested_area, as written

    @property
    def domain(self) -> Domain:
        return PLATFORMS[self.platform]

    @property
    def qos(self) -> int:
        qos = self.config.get("qos", 1)
        return qos if qos in (0, 1, 2) else 1


def subscriptions(prefix: str) -> list[str]:
    """The topic filters that catch every discovery config under ``prefix``."""
    return [f"{prefix}/+/+/config", f"{prefix}/+/+/+/config"]


def slug(text: str) -> str:
    """Home Assistant's way of turning a name into an id ("Living Room" → "living_room")."""
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_") or "unnamed"


@dataclass
class Discovery:
    """Everything announced so far, by config topic; ``apply`` each config message."""

    prefix: str
    _announced: dict[str, list[Entity]] = field(default_factory=dict)

    def is_config(self, topic: str) -> bool:
        parts = topic.split("/")
        return topic.startswith(self.prefix + "/") and parts[-1] == "config" and len(parts) >= 4

    def apply(self, topic: str, payload: bytes) -> bool:
        """Take one config message; True when the set of entities changed."""
        parts = topic[len(self.prefix) + 1 :].split("/")
        if len(parts) not in (3, 4) or parts[-1] != "config":
            return False
        previous = self._announced.get(topic, [])
        if not payload.strip():
            self._announced.pop(topic, None)
            return bool(previous)
        try:
            raw = json.loads(payload)
        except (UnicodeDecodeError, ValueError):
            _LOGGER.warning("discovery config on %s is not JSON; ignored", topic)
            return False
        if not isinstance(raw, dict):
            return False
        if parts[0] == DEVICE and len(parts) == 3:
            entities = _device_entities(parts[1], raw)
        else:
            entity = _entity(parts[0], parts[-2], expand(raw))
            entities = [entity] if entity is not None else []
        self._announced[topic] = entities
        return entities != previous

    def entities(self) -> list[Entity]:
        """Every entity, each id once (a later duplicate gets ``_2``, as Home Assistant does)."""
        seen: set[str] = set()
        found: list[Entity] = []
        for entity in (e for group in self._announced.values() for e in group):
            entity_id, count = entity.entity_id, 1
            while entity_id in seen:
                count += 1
                entity_id = f"{entity.entity_id}_{count}"
            seen.add(entity_id)
            found.append(entity if entity_id == entity.entity_id else _renamed(entity, entity_id))
        return found


def _renamed(entity: Entity, entity_id: str) -> Entity:
    return Entity(entity_id, entity.platform, entity.name, entity.config, entity.area)


def _device_entities(device_id: str, raw: Mapping[str, Any]) -> list[Entity]:
    shared = expand({k: v for k, v in raw.items() if k not in ("cmps", "components")})
    components = raw.get("cmps", raw.get("components"))
    if not isinstance(components, Mapping):
        return []
    entities: list[Entity] = []
    for key, component in components.items():
        if not isinstance(component, Mapping):
            continue
        own = expand(component)
        platform = own.get("platform")
        if not isinstance(platform, str) or set(own) <= {"platform"}:
            continue  # a component reduced to its platform is being removed
        merged = expand({**shared, **own, "device": shared.get("device") or own.get("device")})
        entity = _entity(platform, str(key or device_id), merged)
        if entity is not None:
            entities.append(entity)
    return entities


def _entity(platform: str, object_id: str, config: Mapping[str, Any]) -> Entity | None:
    if platform not in PLATFORMS:
        return None
    device = config.get("device")
    device = device if isinstance(device, Mapping) else {}
    own_name = config.get("name")
    device_name = device.get("name")
    if (
        isinstance(own_name, str)
        and own_name
        and isinstance(device_name, str)
        and device_name
        and not own_name.casefold().startswith(device_name.casefold())  # "Heater" on "Heater"
    ):
        name = f"{device_name} {own_name}"
    else:
        name = next(
            (n for n in (own_name, device_name) if isinstance(n, str) and n),
            object_id.replace("_", " ").title(),
        )
    area = device.get("suggested_area")
    return Entity(
        _entity_id(platform, object_id, config),
        platform,
        name,
        config,
        area if isinstance(area, str) and area.strip() else None,
    )


def _entity_id(platform: str, object_id: str, config: Mapping[str, Any]) -> str:
    chosen = config.get("default_entity_id")
    if isinstance(chosen, str) and chosen.startswith(platform + "."):
        return platform + "." + slug(chosen[len(platform) + 1 :])
    own = config.get("object_id")
    return f"{platform}.{slug(own if isinstance(own, str) and own else object_id)}"


def area_names(entities: Iterable[Entity]) -> dict[str, str]:
    """Area id → the name as first written, for every suggested area."""
    areas: dict[str, str] = {}
    for entity in entities:
        if entity.area:
            areas.setdefault(slug(entity.area), entity.area.strip())
    return areas
