"""Whether a device is online: its availability topics (``availability_topic`` or the
``availability`` list), as Home Assistant reads them — the latest message on any of them
decides. A device that has gone away (its last will said "offline") shows as ``unavailable``
and is not sent commands it could not carry out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.templates import render

UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Availability:
    topic: str
    online: str = "online"
    offline: str = "offline"
    template: str | None = None

    def judge(self, payload: str) -> bool | None:
        """True online, False offline, None for a payload that says neither."""
        value = render(self.template, payload)
        if value == self.online:
            return True
        if value == self.offline:
            return False
        return None


def availabilities(entity: Entity) -> list[Availability]:
    config = entity.config
    online = str(config.get("payload_available") or "online")
    offline = str(config.get("payload_not_available") or "offline")
    found: list[Availability] = []
    topic = config.get("availability_topic")
    if isinstance(topic, str) and topic:
        found.append(
            Availability(topic, online, offline, _text(config.get("availability_template")))
        )
    listed = config.get("availability")
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, Mapping) and isinstance(item.get("topic"), str):
                found.append(_item(item, online, offline))
    return found


def _item(item: Mapping[str, Any], online: str, offline: str) -> Availability:
    def pick(*keys: str) -> Any:
        return next((item[k] for k in keys if item.get(k) is not None), None)

    return Availability(
        str(item["topic"]),
        str(pick("payload_available", "pl_avail") or online),
        str(pick("payload_not_available", "pl_not_avail") or offline),
        _text(pick("value_template", "val_tpl")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
