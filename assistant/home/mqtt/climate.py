"""Thermostats: the mode is the device's state, target and current temperatures its attributes."""

from __future__ import annotations

from typing import ClassVar

from assistant.home.commands import ActionKind, CommandError
from assistant.home.model import Device
from assistant.home.mqtt.codec import STATE, Codec, Publish, number, option, text, whole
from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.templates import render


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
