"""Hearth's neutral actions → Home Assistant service calls: the one mapping, a table per domain.

An action arrives already resolved (a relative "+10 %" made absolute from the device as it is)
and checked against ``effects`` (so a bad value was refused with the same words as on the
simulated home); here it only becomes the service Home Assistant expects, in its units.
Undo uses the same table: ``restoring_actions`` says which neutral actions bring a device back
to an earlier state, and those run like any other command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.model import Device, Domain


@dataclass(frozen=True)
class ServiceCall:
    """One ``call_service``: ``domain.service`` with its data, for one entity."""

    domain: str
    service: str
    entity_id: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.domain}.{self.service}"


#: Whites are colour temperatures in Home Assistant, not CSS colour names.
_WHITES = {"warm white": 2700, "soft white": 3000, "cool white": 5000, "daylight": 6500}

Mapper = Callable[[Device, dict[str, Any]], tuple[str, dict[str, Any]]]


def _plain(service: str) -> Mapper:
    return lambda device, params: (service, {})


def _brightness(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    level = round(float(params["brightness"]))
    return ("turn_on", {"brightness_pct": level}) if level > 0 else ("turn_off", {})


def _colour(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    colour = str(params["color"]).strip().lower()
    if colour.startswith("#") and len(colour) == 7:
        rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        return "turn_on", {"rgb_color": rgb}
    if colour in _WHITES:
        return "turn_on", {"color_temp_kelvin": _WHITES[colour]}
    return "turn_on", {"color_name": colour.replace(" ", "")}


def _position(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "set_cover_position", {"position": round(float(params["position"]))}


def _temperature(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "set_temperature", {"temperature": float(params["temperature"])}


def _play(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if "media_title" in params:  # Hearth's library names a title; Home Assistant needs its id
        raise CommandError(f"{device.name} can resume here, but not play a chosen title")
    return "media_play", {}


def _volume(device: Device, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "volume_set", {"volume_level": round(float(params["volume"]) / 100, 2)}


def _on_off() -> dict[ActionKind, Mapper]:
    return {
        ActionKind.TURN_ON: _plain("turn_on"),
        ActionKind.TURN_OFF: _plain("turn_off"),
        ActionKind.TOGGLE: _plain("toggle"),
    }


SERVICES: dict[Domain, dict[ActionKind, Mapper]] = {
    Domain.LIGHT: {
        **_on_off(),
        ActionKind.SET_BRIGHTNESS: _brightness,
        ActionKind.SET_COLOR: _colour,
    },
    Domain.SWITCH: _on_off(),
    Domain.INPUT_BOOLEAN: _on_off(),
    Domain.FAN: _on_off(),
    Domain.HUMIDIFIER: _on_off(),
    Domain.COVER: {
        ActionKind.OPEN: _plain("open_cover"),
        ActionKind.TURN_ON: _plain("open_cover"),
        ActionKind.CLOSE: _plain("close_cover"),
        ActionKind.TURN_OFF: _plain("close_cover"),
        ActionKind.TOGGLE: _plain("toggle"),
        ActionKind.SET_POSITION: _position,
        ActionKind.STOP: _plain("stop_cover"),
    },
    Domain.VALVE: {
        ActionKind.OPEN: _plain("open_valve"),
        ActionKind.TURN_ON: _plain("open_valve"),
        ActionKind.CLOSE: _plain("close_valve"),
        ActionKind.TURN_OFF: _plain("close_valve"),
    },
    Domain.LOCK: {ActionKind.LOCK: _plain("lock"), ActionKind.UNLOCK: _plain("unlock")},
    Domain.CLIMATE: {
        ActionKind.SET_TEMPERATURE: _temperature,
        ActionKind.TURN_ON: _plain("turn_on"),
        ActionKind.TURN_OFF: _plain("turn_off"),
    },
    Domain.WATER_HEATER: {ActionKind.SET_TEMPERATURE: _temperature, **_on_off()},
    Domain.MEDIA_PLAYER: {
        ActionKind.TURN_ON: _plain("turn_on"),
        ActionKind.TURN_OFF: _plain("turn_off"),
        ActionKind.TOGGLE: _plain("toggle"),
        ActionKind.MEDIA_PLAY: _play,
        ActionKind.MEDIA_PAUSE: _plain("media_pause"),
        ActionKind.STOP: _plain("media_stop"),
        ActionKind.MEDIA_NEXT: _plain("media_next_track"),
        ActionKind.MEDIA_PREVIOUS: _plain("media_previous_track"),
        ActionKind.SET_VOLUME: _volume,
    },
    Domain.VACUUM: {
        ActionKind.START: _plain("start"),
        ActionKind.TURN_ON: _plain("start"),
        ActionKind.STOP: _plain("stop"),
        ActionKind.TURN_OFF: _plain("stop"),
        ActionKind.MEDIA_PAUSE: _plain("pause"),
        ActionKind.RETURN_HOME: _plain("return_to_base"),
    },
    Domain.LAWN_MOWER: {
        ActionKind.START: _plain("start_mowing"),
        ActionKind.RETURN_HOME: _plain("dock"),
    },
    Domain.SCENE: {ActionKind.TURN_ON: _plain("turn_on")},
    Domain.SCRIPT: {ActionKind.TURN_ON: _plain("turn_on")},
    Domain.BUTTON: {ActionKind.TURN_ON: _plain("press")},
}


def service_call(device: Device, action: Action) -> ServiceCall:
    """The service call for a resolved, checked action; CommandError when there is none."""
    mapper = SERVICES.get(device.domain, {}).get(action.action)
    if mapper is None:
        label = device.domain.value.replace("_", " ")
        raise CommandError(f"{device.name} is a {label} and cannot {action.action.value}")
    service, data = mapper(device, dict(action.params))
    return ServiceCall(device.domain.value, service, device.id, data)


def restoring_actions(current: Device, target: Device) -> list[Action]:
    """The neutral actions that bring ``current`` back to ``target`` (undo); [] if it is there.

    Only what a service can set is restored (state, level, position, colour, temperature,
    volume); a state no service sets (a sensor's reading) is left as it is.
    """
    if (current.state, dict(current.attributes)) == (target.state, dict(target.attributes)):
        return []
    restore = _RESTORERS.get(target.domain)
    return restore(current, target) if restore is not None else []


def _on_off_target(current: Device, target: Device) -> list[Action]:
    if target.state == current.state or target.state not in ("on", "off"):
        return []
    return [Action(target.id, ActionKind(f"turn_{target.state}"))]


def _light_target(current: Device, target: Device) -> list[Action]:
    if target.state != "on":
        return _on_off_target(current, target)
    actions = []
    level = target.attributes.get("brightness")
    if isinstance(level, int | float) and level > 0:
        actions.append(Action(target.id, ActionKind.SET_BRIGHTNESS, {"brightness": level}))
    else:
        actions.append(Action(target.id, ActionKind.TURN_ON))
    colour = target.attributes.get("color")
    if colour and colour != current.attributes.get("color"):
        actions.append(Action(target.id, ActionKind.SET_COLOR, {"color": colour}))
    return actions


def _cover_target(current: Device, target: Device) -> list[Action]:
    position = target.attributes.get("position")
    if isinstance(position, int | float) and "position" in current.attributes:
        return [Action(target.id, ActionKind.SET_POSITION, {"position": position})]
    if target.state in ("open", "closed") and target.state != current.state:
        return [Action(target.id, ActionKind.OPEN if target.state == "open" else ActionKind.CLOSE)]
    return []


def _lock_target(current: Device, target: Device) -> list[Action]:
    if target.state in ("locked", "unlocked") and target.state != current.state:
        return [Action(target.id, ActionKind(target.state[:-2]))]
    return []


def _climate_target(current: Device, target: Device) -> list[Action]:
    actions = []
    temperature = target.attributes.get("temperature")
    if temperature is not None and temperature != current.attributes.get("temperature"):
        actions.append(Action(target.id, ActionKind.SET_TEMPERATURE, {"temperature": temperature}))
    if target.state != current.state:
        kind = ActionKind.TURN_OFF if target.state == "off" else ActionKind.TURN_ON
        actions.append(Action(target.id, kind))
    return actions


def _media_target(current: Device, target: Device) -> list[Action]:
    actions = []
    volume = target.attributes.get("volume")
    if volume is not None and volume != current.attributes.get("volume"):
        actions.append(Action(target.id, ActionKind.SET_VOLUME, {"volume": volume}))
    if target.state != current.state:
        kind = {
            "off": ActionKind.TURN_OFF,
            "playing": ActionKind.MEDIA_PLAY,
            "paused": ActionKind.MEDIA_PAUSE,
            "idle": ActionKind.STOP if current.state != "off" else ActionKind.TURN_ON,
            "on": ActionKind.TURN_ON,
        }.get(target.state)
        if kind is not None:
            actions.append(Action(target.id, kind))
    return actions


_RESTORERS: dict[Domain, Callable[[Device, Device], list[Action]]] = {
    Domain.LIGHT: _light_target,
    Domain.SWITCH: _on_off_target,
    Domain.INPUT_BOOLEAN: _on_off_target,
    Domain.FAN: _on_off_target,
    Domain.HUMIDIFIER: _on_off_target,
    Domain.WATER_HEATER: _on_off_target,
    Domain.COVER: _cover_target,
    Domain.LOCK: _lock_target,
    Domain.CLIMATE: _climate_target,
    Domain.MEDIA_PLAYER: _media_target,
}
