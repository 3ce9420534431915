"""Which codec reads and drives each MQTT platform (a light's also depends on its schema)."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.home.mqtt.climate import Climate
from assistant.home.mqtt.codec import Codec, Lock, OnOff, Press, Sensor, Vacuum
from assistant.home.mqtt.cover import Cover, Valve
from assistant.home.mqtt.discovery import Entity
from assistant.home.mqtt.lights import JsonLight, Light


def codec(entity: Entity) -> Codec:
    """The codec for an entity's platform (and, for lights, its schema)."""
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
