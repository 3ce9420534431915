"""Per platform: what a state message means for a Hearth device, and what to send for a change.

Commands are computed from the state wanted (``before`` → ``after``), not from the verb, so the
same code serves a command and its undo, and every payload is absolute ("ON", position 40,
brightness 204): sending one twice is harmless, which lets the backend resend a command that a
reconnecting device missed. Lights live in ``lights``; the rest is here.
"""

from __future__ import annotations

from collections.abc import Mapping
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


class Valve(OnOff):
    on, off = "open", "closed"

    def state(self, entity: Entity, value: str) -> str | None:
        if value == text(entity, "state_open", "open"):
            return "open"
        if value == text(entity, "state_closed", "closed"):
            return "closed"
        return None

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        opening = after.state == "open"
        payload = text(
            entity, "payload_open" if opening else "payload_close", "OPEN" if opening else "CLOSE"
        )
        return [Publish(str(option(entity, "command_topic", "")), payload)]


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


class Cover(Codec):
    def _range(self, entity: Entity) -> tuple[float, float]:
        return float(option(entity, "position_closed", 0)), float(
            option(entity, "position_open", 100)
        )

    def initial(self, entity: Entity) -> Device:
        device = super().initial(entity)
        if entity.config.get("position_topic") or entity.config.get("set_position_topic"):
            device = device.with_state(device.state, {**device.attributes, "position": 0})
        return device

    def state_topics(self, entity: Entity) -> list[str]:
        position = entity.config.get("position_topic")
        return super().state_topics(entity) + ([position] if isinstance(position, str) else [])

    def reports(self, entity: Entity) -> frozenset[str]:
        if option(entity, "optimistic", False):
            return frozenset()
        found = set()
        if entity.config.get("state_topic"):
            found.add(STATE)
        if entity.config.get("position_topic"):
            found |= {STATE, "position"}
        return frozenset(found)

    def state(self, entity: Entity, value: str) -> str | None:
        for key, default in (
            ("state_open", "open"),
            ("state_closed", "closed"),
            ("state_opening", "opening"),
            ("state_closing", "closing"),
            ("state_stopped", "stopped"),
        ):
            if value == text(entity, key, default):
                return default
        return None

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        if topic == entity.config.get("position_topic"):
            level = number(render(entity.config.get("position_template"), payload))
            if level is None:
                return None
            position = percent(level, *self._range(entity))
            state = device.state
            if not entity.config.get("state_topic") or state in ("unknown", "open", "closed"):
                state = "open" if position > 0 else "closed"
            return device.with_state(state, {**device.attributes, "position": position})
        found = super().read(entity, device, topic, payload)
        if (
            found is not None
            and "position" in device.attributes
            and not entity.config.get("position_topic")
        ):
            found = found.with_state(
                found.state, {**found.attributes, "position": 100 if found.state == "open" else 0}
            )
        return found

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        set_topic = entity.config.get("set_position_topic")
        wanted = after.attributes.get("position")
        if action is ActionKind.STOP:
            return [
                Publish(
                    str(option(entity, "command_topic", "")), text(entity, "payload_stop", "STOP")
                )
            ]
        if set_topic and wanted is not None and wanted not in (0, 100):
            return [Publish(set_topic, str(scaled(float(wanted), *self._range(entity))))]
        opening = after.state == "open"
        topic = entity.config.get("command_topic")
        if not topic:
            if set_topic:
                return [
                    Publish(set_topic, str(scaled(100 if opening else 0, *self._range(entity))))
                ]
            raise CommandError(f"{before.name} only reports its state")
        payload = text(
            entity, "payload_open" if opening else "payload_close", "OPEN" if opening else "CLOSE"
        )
        return [Publish(topic, payload)]


class Climate(Codec):
    _UNITS: ClassVar[dict[str, str]] = {"C": "°C", "F": "°F"}

    def initial(self, entity: Entity) -> Device:
        device = super().initial(entity)
        modes = [m for m in option(entity, "modes", ["off", "heat"]) if isinstance(m, str)]
        attributes = {
            **device.attributes,
            "min_temp": whole(float(option(entity, "min_temp", 7))),
            "max_temp": whole(float(option(entity, "max_temp", 35))),
            "mode": next((m for m in modes if m != "off"), "heat"),
        }
        unit = self._UNITS.get(str(option(entity, "temperature_unit", "")).upper())
        if unit:
            attributes["unit"] = unit
        return device.with_state(device.state, attributes)

    def state_topics(self, entity: Entity) -> list[str]:
        keys = ("mode_state_topic", "temperature_state_topic", "current_temperature_topic")
        return [t for k in keys if isinstance(t := entity.config.get(k), str) and t]

    def reports(self, entity: Entity) -> frozenset[str]:
        if option(entity, "optimistic", False):
            return frozenset()
        found = set()
        if entity.config.get("mode_state_topic"):
            found.add(STATE)
        if entity.config.get("temperature_state_topic"):
            found.add("temperature")
        return frozenset(found)

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        config = entity.config
        attributes = dict(device.attributes)
        state = device.state
        if topic == config.get("mode_state_topic"):
            mode = render(config.get("mode_state_template"), payload)
            if not mode:
                return None
            state = mode.strip().lower()
            if state != "off":
                attributes["mode"] = state
        for key, template, attribute in (
            ("temperature_state_topic", "temperature_state_template", "temperature"),
            ("current_temperature_topic", "current_temperature_template", "current_temperature"),
        ):
            if topic == config.get(key):
                value = number(render(config.get(template), payload))
                if value is not None:
                    attributes[attribute] = whole(value)
        if (state, attributes) == (device.state, dict(device.attributes)):
            return None
        return device.with_state(state, attributes)

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        config = entity.config
        sent: list[Publish] = []
        if after.state != before.state:
            if config.get("mode_command_topic"):
                sent.append(Publish(config["mode_command_topic"], after.state))
            elif config.get("power_command_topic"):
                on = after.state != "off"
                payload = text(entity, "payload_on" if on else "payload_off", "ON" if on else "OFF")
                sent.append(Publish(config["power_command_topic"], payload))
        wanted = after.attributes.get("temperature")
        if wanted != before.attributes.get("temperature") and wanted is not None:
            if not config.get("temperature_command_topic"):
                raise CommandError(f"{before.name} has no temperature to set over MQTT")
            sent.append(Publish(config["temperature_command_topic"], str(whole(float(wanted)))))
        if not sent:
            raise CommandError(f"{before.name} cannot do that over MQTT")
        return sent


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


def codec(entity: Entity) -> Codec:
    """The codec for an entity's platform (and, for lights, its schema)."""
    from assistant.home.mqtt.lights import JsonLight, Light

    if entity.platform == "light":
        return JsonLight() if entity.config.get("schema") == "json" else Light()
    return CODECS[entity.platform]


CODECS: Mapping[str, Codec] = {
    "switch": OnOff(),
    "fan": OnOff("state_value_template"),
    "binary_sensor": OnOff(),
    "valve": Valve(),
    "lock": Lock(),
    "cover": Cover(),
    "climate": Climate(),
    "vacuum": Vacuum(),
    "sensor": Sensor(),
    "alarm_control_panel": Codec(),
    "scene": Press("payload_on", "ON"),
    "button": Press("payload_press", "PRESS"),
}
