"""Per platform: what a state message means for a Hearth device, and what to send for a change.

Commands are computed from the state wanted (``before`` → ``after``), not from the verb, so the
same code serves a command and its undo, and every payload is absolute ("ON", position 40,
brightness 204): sending one twice is harmless, which lets the backend resend a command that a
reconnecting device missed. The base and the simple platforms are here; lights, covers and
climate have their own modules, and ``platforms`` maps each platform to its codec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from assistant.home.commands import ActionKind, CommandError
from assistant.home.model import Device
from assistant.home.mqtt.discovery import Entity, slug
from assistant.home.mqtt.templates import render

STATE = "state"  # the key ``reports`` uses for the device's state itself


@dataclass(frozen=True)
class Publish:
    """One message to send."""

    topic: str
    payload: str


def option(entity: Entity, key: str, default: Any = None) -> Any:
    value = entity.config.get(key)
    return default if value is None else value


def text(entity: Entity, key: str, default: str) -> str:
    return str(option(entity, key, default))


def number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def percent(value: float, low: float, high: float) -> int:
    """A device's own scale (0-255, 0-100, a reversed 100-0) → Hearth's 0-100."""
    if high == low:
        return 0
    return max(0, min(100, round((value - low) * 100 / (high - low))))


def scaled(level: float, low: float, high: float) -> int:
    """Hearth's 0-100 → the device's own scale."""
    return round(low + (high - low) * level / 100)


class Codec:
    """Defaults shared by every platform: one state topic read through ``value_template``."""

    state_template = "value_template"

    def initial(self, entity: Entity) -> Device:
        attributes: dict[str, Any] = {}
        if isinstance(entity.config.get("device_class"), str):
            attributes["device_class"] = entity.config["device_class"]
        return Device(
            entity.entity_id,
            entity.name,
            entity.domain,
            area=slug(entity.area) if entity.area else None,
            state="unknown",
            attributes=attributes,
        )

    def state_topics(self, entity: Entity) -> list[str]:
        topic = entity.config.get("state_topic")
        return [topic] if isinstance(topic, str) and topic else []

    def reports(self, entity: Entity) -> frozenset[str]:
        """What the device tells us back; everything else is assumed once sent (optimistic)."""
        if option(entity, "optimistic", False) or not self.state_topics(entity):
            return frozenset()
        return frozenset({STATE})

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        if topic != entity.config.get("state_topic"):
            return None
        value = render(entity.config.get(self.state_template), payload)
        state = None if value is None else self.state(entity, value)
        return None if state is None else device.with_state(state)

    def state(self, entity: Entity, value: str) -> str | None:
        return value

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        raise CommandError(f"{before.name} cannot be controlled over MQTT")


class OnOff(Codec):
    """switch, fan, binary_sensor: ``payload_on``/``payload_off`` (``state_on``/``state_off``)."""

    on, off = "on", "off"

    def __init__(self, state_template: str = "value_template") -> None:
        self.state_template = state_template

    def state(self, entity: Entity, value: str) -> str | None:
        payload_on = text(entity, "payload_on", "ON")
        payload_off = text(entity, "payload_off", "OFF")
        if value == text(entity, "state_on", payload_on):
            return self.on
        if value == text(entity, "state_off", payload_off):
            return self.off
        return None

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        topic = entity.config.get("command_topic")
        if not topic:
            raise CommandError(f"{before.name} only reports its state")
        key = "payload_on" if after.state == self.on else "payload_off"
        return [Publish(topic, text(entity, key, "ON" if after.state == self.on else "OFF"))]


class Lock(Codec):
    _STATES: ClassVar[dict[str, tuple[str, str]]] = {
        "state_locked": ("LOCKED", "locked"),
        "state_unlocked": ("UNLOCKED", "unlocked"),
        "state_locking": ("LOCKING", "locking"),
        "state_unlocking": ("UNLOCKING", "unlocking"),
        "state_jammed": ("JAMMED", "jammed"),
        "state_open": ("OPEN", "open"),
    }

    def state(self, entity: Entity, value: str) -> str | None:
        for key, (default, state) in self._STATES.items():
            if value == text(entity, key, default):
                return state
        return None

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        locking = after.state == "locked"
        payload = text(
            entity, "payload_lock" if locking else "payload_unlock", "LOCK" if locking else "UNLOCK"
        )
        return [Publish(str(option(entity, "command_topic", "")), payload)]


class Press(Codec):
    """scene and button: one payload that runs it; nothing to read back."""

    def __init__(self, key: str, default: str) -> None:
        self.key, self.default = key, default

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        return [
            Publish(str(option(entity, "command_topic", "")), text(entity, self.key, self.default))
        ]


class Vacuum(Codec):
    """The state schema: JSON ``{"state": ...}`` with Home Assistant's state names."""

    _PAYLOADS: ClassVar[dict[str, tuple[str, str]]] = {
        "cleaning": ("payload_start", "start"),
        "idle": ("payload_stop", "stop"),
        "paused": ("payload_pause", "pause"),
        "returning": ("payload_return_to_base", "return_to_base"),
        "docked": ("payload_return_to_base", "return_to_base"),
    }

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        if topic != entity.config.get("state_topic"):
            return None
        state = render(entity.config.get("value_template") or "{{ value_json.state }}", payload)
        return device.with_state(state) if state else None

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        key, default = self._PAYLOADS.get(after.state, ("payload_stop", "stop"))
        return [Publish(str(option(entity, "command_topic", "")), text(entity, key, default))]


class Sensor(Codec):
    def initial(self, entity: Entity) -> Device:
        device = super().initial(entity)
        unit = entity.config.get("unit_of_measurement")
        if isinstance(unit, str):
            device = device.with_state(
                device.state, {**device.attributes, "unit_of_measurement": unit}
            )
        return device
