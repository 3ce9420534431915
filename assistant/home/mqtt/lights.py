"""MQTT lights in Home Assistant's two common schemas.

- default: ``ON``/``OFF`` on ``command_topic``, brightness and ``r,g,b`` on their own topics;
- json: one JSON object each way, ``{"state": "ON", "brightness": 204, "color": {...}}``.

Brightness travels on the device's scale (``brightness_scale``, 255 unless told) and is shown as
Hearth's 0-100; colours travel as RGB or mireds and are shown as Hearth's colour names.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.home.commands import ActionKind
from assistant.home.model import Device
from assistant.home.mqtt import colors
from assistant.home.mqtt.codec import STATE, Codec, Publish, number, option, percent, scaled, text
from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.templates import parse_json, render

_COLOR_MODES = frozenset({"rgb", "rgbw", "rgbww", "hs", "xy"})


def _scale(entity: Entity) -> float:
    return float(option(entity, "brightness_scale", 255)) or 255.0


def _color_payload(color: str) -> dict[str, Any]:
    kelvins = colors.kelvin(color)
    if kelvins is not None:
        return {"color_temp": colors.to_mireds(kelvins)}
    r, g, b = colors.to_rgb(color)
    return {"color": {"r": r, "g": g, "b": b}}


class Light(Codec):
    """The default schema."""

    state_template = "state_value_template"

    def initial(self, entity: Entity) -> Device:
        device = super().initial(entity)
        attributes = dict(device.attributes)
        if entity.config.get("brightness_command_topic"):
            attributes["brightness"] = 0
        if entity.config.get("rgb_command_topic"):
            attributes["color"] = "white"
        return device.with_state(device.state, attributes)

    def state_topics(self, entity: Entity) -> list[str]:
        keys = ("state_topic", "brightness_state_topic", "rgb_state_topic")
        return [t for k in keys if isinstance(t := entity.config.get(k), str) and t]

    def reports(self, entity: Entity) -> frozenset[str]:
        if option(entity, "optimistic", False):
            return frozenset()
        found = set()
        for key, name in (
            ("state_topic", STATE),
            ("brightness_state_topic", "brightness"),
            ("rgb_state_topic", "color"),
        ):
            if entity.config.get(key):
                found.add(name)
        return frozenset(found)

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        config = entity.config
        attributes = dict(device.attributes)
        state = device.state
        if topic == config.get("state_topic"):
            value = render(config.get("state_value_template"), payload)
            if value == text(entity, "payload_on", "ON"):
                state = "on"
            elif value == text(entity, "payload_off", "OFF"):
                state = "off"
        if topic == config.get("brightness_state_topic"):
            level = number(render(config.get("brightness_value_template"), payload))
            if level is not None:
                attributes["brightness"] = percent(level, 0, _scale(entity))
        if topic == config.get("rgb_state_topic"):
            rgb = render(config.get("rgb_value_template"), payload)
            parts = [number(p) for p in (rgb or "").split(",")]
            if len(parts) == 3 and all(p is not None for p in parts):
                r, g, b = (int(p or 0) for p in parts)
                attributes["color"] = colors.from_rgb((r, g, b))
        if (state, attributes) == (device.state, dict(device.attributes)):
            return None
        return device.with_state(state, attributes)

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        config = entity.config
        command_topic = str(option(entity, "command_topic", ""))
        if after.state != "on":
            return [Publish(command_topic, text(entity, "payload_off", "OFF"))]
        sent: list[Publish] = []
        color = after.attributes.get("color")
        if color != before.attributes.get("color") and color and config.get("rgb_command_topic"):
            sent.append(
                Publish(config["rgb_command_topic"], ",".join(map(str, colors.to_rgb(str(color)))))
            )
        level = after.attributes.get("brightness")
        changed = level != before.attributes.get("brightness") or before.state != "on"
        if level and changed and config.get("brightness_command_topic"):
            sent.append(
                Publish(
                    config["brightness_command_topic"], str(scaled(float(level), 0, _scale(entity)))
                )
            )
        if option(entity, "on_command_type", "last") != "brightness" or not sent:
            on = Publish(command_topic, text(entity, "payload_on", "ON"))
            sent = (
                [on, *sent] if option(entity, "on_command_type", "last") == "first" else [*sent, on]
            )
        return sent


class JsonLight(Codec):
    """The json schema."""

    def _dims(self, entity: Entity) -> bool:
        modes = set(option(entity, "supported_color_modes", []) or [])
        return bool(option(entity, "brightness", False)) or bool(modes - {"onoff"})

    def _colored(self, entity: Entity) -> bool:
        modes = set(option(entity, "supported_color_modes", []) or [])
        return bool(modes & (_COLOR_MODES | {"color_temp"}))

    def initial(self, entity: Entity) -> Device:
        device = super().initial(entity)
        attributes = dict(device.attributes)
        if self._dims(entity):
            attributes["brightness"] = 0
        if self._colored(entity):
            attributes["color"] = "white"
        return device.with_state(device.state, attributes)

    def reports(self, entity: Entity) -> frozenset[str]:
        if option(entity, "optimistic", False) or not entity.config.get("state_topic"):
            return frozenset()
        found = {STATE}
        if self._dims(entity):
            found.add("brightness")
        if self._colored(entity):
            found.add("color")
        return frozenset(found)

    def read(self, entity: Entity, device: Device, topic: str, payload: str) -> Device | None:
        if topic != entity.config.get("state_topic"):
            return None
        data = parse_json(payload)
        if not isinstance(data, dict) or data.get("state") not in ("ON", "OFF"):
            return None
        attributes = dict(device.attributes)
        level = data.get("brightness")
        if (
            isinstance(level, int | float)
            and not isinstance(level, bool)
            and "brightness" in attributes
        ):
            attributes["brightness"] = percent(level, 0, _scale(entity))
        rgb = data.get("color")
        if isinstance(rgb, dict) and all(isinstance(rgb.get(k), int | float) for k in "rgb"):
            attributes["color"] = colors.from_rgb((int(rgb["r"]), int(rgb["g"]), int(rgb["b"])))
        elif (
            isinstance(data.get("color_temp"), int | float)
            and data.get("color_mode") == "color_temp"
        ):
            attributes["color"] = colors.from_mireds(float(data["color_temp"]))
        return device.with_state("on" if data["state"] == "ON" else "off", attributes)

    def command(
        self, entity: Entity, before: Device, after: Device, action: ActionKind | None
    ) -> list[Publish]:
        topic = str(option(entity, "command_topic", ""))
        if after.state != "on":
            return [Publish(topic, json.dumps({"state": "OFF"}))]
        message: dict[str, Any] = {"state": "ON"}
        level = after.attributes.get("brightness")
        if level and (level != before.attributes.get("brightness") or before.state != "on"):
            message["brightness"] = scaled(float(level), 0, _scale(entity))
        color = after.attributes.get("color")
        if color and color != before.attributes.get("color") and self._colored(entity):
            message.update(_color_payload(str(color)))
        return [Publish(topic, json.dumps(message))]
