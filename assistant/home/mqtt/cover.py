"""Covers and valves: open/close payloads, and positions on the device's own scale (a blind
may count 0 as open and 100 as closed; Hearth always shows 0 closed, 100 open)."""

from __future__ import annotations

from assistant.home.commands import ActionKind, CommandError
from assistant.home.model import Device
from assistant.home.mqtt.codec import (
    STATE,
    Codec,
    OnOff,
    Publish,
    number,
    option,
    percent,
    scaled,
    text,
)
from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.templates import render


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
