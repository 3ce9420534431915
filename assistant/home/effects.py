"""What each neutral action does to a device's state: pure functions, one table per domain.

The simulated backend applies these directly; real backends use ``check`` to reject a bad
command before sending it, so voice, GUI and cloud get the same answers everywhere. Whether a
domain has an action at all is this module's table; whether this one device can do it (a light
without colour, a cover without positions) is ``capabilities``; a domain Hearth does not control
(weather, person, ...) only answers ``get_state``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from assistant.home import action_needs
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.model import Device, Domain

Effect = Callable[[Device, dict[str, Any]], Device]

DEFAULT_TEMPERATURE_RANGE = (5.0, 35.0)


def _set(device: Device, state: str | None = None, **attributes: Any) -> Device:
    merged = dict(device.attributes)
    merged.update(attributes)
    return device.with_state(device.state if state is None else state, merged)


def _percent(params: dict[str, Any], key: str) -> int:
    try:
        value = float(params[key])
    except (KeyError, TypeError, ValueError):
        raise CommandError(f"{key} must be a number from 0 to 100") from None
    if not 0 <= value <= 100:
        raise CommandError(f"{key} must be from 0 to 100, not {value:g}")
    return round(value)


def _step(params: dict[str, Any], key: str) -> int:
    try:
        value = float(params[key])
    except (KeyError, TypeError, ValueError):
        raise CommandError(f"{key} must be a number from -100 to 100") from None
    if not math.isfinite(value) or not -100 <= value <= 100:
        raise CommandError(f"{key} must be from -100 to 100, not {value:g}")
    return round(value)


def _clamped(value: int) -> int:
    return max(0, min(100, value))


#: Relative changes ("a bit brighter", "louder"): the parameter that asks for a step, and how
#: the absolute value is found from the device as it is at that moment.
RELATIVE: dict[ActionKind, tuple[str, str, Callable[[Device], int]]] = {
    ActionKind.SET_BRIGHTNESS: (
        "brightness_step",
        "brightness",
        lambda d: int(d.attributes.get("brightness") or 0) if d.state == "on" else 0,
    ),
    ActionKind.SET_VOLUME: ("volume_step", "volume", lambda d: int(d.attributes.get("volume", 50))),
}


def _temperature_range(device: Device) -> tuple[float, float]:
    low = float(device.attributes.get("min_temp", DEFAULT_TEMPERATURE_RANGE[0]))
    high = float(device.attributes.get("max_temp", DEFAULT_TEMPERATURE_RANGE[1]))
    return low, high


def _temperature_step(device: Device, action: Action) -> Action:
    """ "Two degrees warmer": the target it has now plus the step, kept inside its range."""
    try:
        step = float(action.params["temperature_step"])
    except (TypeError, ValueError):
        raise CommandError("temperature_step must be a number of degrees") from None
    if not math.isfinite(step) or abs(step) > 30:
        raise CommandError(f"temperature_step must be from -30 to 30, not {step:g}")
    attributes = device.attributes
    current = attributes.get("temperature", attributes.get("current_temperature"))
    try:
        now = float(current)
    except (TypeError, ValueError):
        raise CommandError(f"{device.name} has no temperature to change") from None
    low, high = _temperature_range(device)
    value = round(max(low, min(high, now + step)), 1)
    params = {k: v for k, v in action.params.items() if k != "temperature_step"}
    params["temperature"] = int(value) if value.is_integer() else value
    return Action(action.device, action.action, params)


def resolve(device: Device, action: Action) -> Action:
    """The absolute form of ``action`` for ``device`` as it is now.

    A relative change ("+1 %", "2 degrees warmer") is computed from the device's current value
    here, so a backend that calls this inside its write transaction never loses a step another
    process made. Absolute actions come back unchanged.
    """
    if action.action is ActionKind.SET_TEMPERATURE and "temperature_step" in action.params:
        return _temperature_step(device, action)
    relative = RELATIVE.get(action.action)
    if relative is None or relative[0] not in action.params:
        return action
    step_key, key, current = relative
    step = _step(action.params, step_key)
    params = {k: v for k, v in action.params.items() if k != step_key}
    params[key] = _clamped(current(device) + step)
    return Action(action.device, action.action, params)


def _on_off(on: str = "on", off: str = "off") -> dict[ActionKind, Effect]:
    return {
        ActionKind.TURN_ON: lambda d, p: _set(d, on),
        ActionKind.TURN_OFF: lambda d, p: _set(d, off),
        ActionKind.TOGGLE: lambda d, p: _set(d, off if d.state == on else on),
    }


def _light_brightness(device: Device, params: dict[str, Any]) -> Device:
    level = _percent(params, "brightness")
    return _set(device, "on" if level > 0 else "off", brightness=level)


def _light_on(device: Device, params: dict[str, Any]) -> Device:
    if "brightness" in device.attributes and not device.attributes.get("brightness"):
        return _set(device, "on", brightness=100)
    return _set(device, "on")


def _light_toggle(device: Device, params: dict[str, Any]) -> Device:
    # Toggling on must light up like turning on does, never "on" at 0 % brightness.
    return _set(device, "off") if device.state == "on" else _light_on(device, params)


def _light_color(device: Device, params: dict[str, Any]) -> Device:
    color = str(params.get("color", "")).strip().lower()
    if not color:
        raise CommandError("a colour is needed")
    # A colour change switches the light on; an off light must not end up "on" at 0 %.
    return _set(_light_on(device, params), "on", color=color)


def _cover_position(device: Device, params: dict[str, Any]) -> Device:
    level = _percent(params, "position")
    return _set(device, "open" if level > 0 else "closed", position=level)


def _temperature(device: Device, params: dict[str, Any]) -> Device:
    low, high = _temperature_range(device)
    try:
        value = float(params["temperature"])
    except (KeyError, TypeError, ValueError):
        raise CommandError("temperature must be a number") from None
    if not low <= value <= high:
        raise CommandError(f"{device.name} can be set from {low:g} to {high:g} degrees")
    state = device.state if device.state != "off" else str(device.attributes.get("mode", "heat"))
    return _set(device, state, temperature=int(value) if value.is_integer() else value)


def _climate_on(device: Device, params: dict[str, Any]) -> Device:
    return _set(device, str(device.attributes.get("mode", "heat")))


def _climate_off(device: Device, params: dict[str, Any]) -> Device:
    mode = device.state if device.state != "off" else device.attributes.get("mode", "heat")
    return _set(device, "off", mode=mode)


def _volume(device: Device, params: dict[str, Any]) -> Device:
    """A volume level, or with ``muted`` (mute / unmute) only the mute switch."""
    state = None if device.state != "off" else "idle"
    if "muted" in params:
        return _set(device, state, is_volume_muted=bool(params["muted"]))
    return _set(device, state, volume=_percent(params, "volume"))


def _fan_on(device: Device, params: dict[str, Any]) -> Device:
    """On, or at a speed: HA's fan.turn_on(percentage); 0 % is off, as Home Assistant has it."""
    if "percentage" not in params:
        return _set(device, "on")
    speed = _percent(params, "percentage")
    return _set(device, "on" if speed else "off", percentage=speed)


def _climate_fan_mode(device: Device, params: dict[str, Any]) -> Device:
    if "fan_mode" in params:
        modes = device.attributes.get("fan_modes")
        mode = str(params["fan_mode"])
        if isinstance(modes, list) and modes and mode not in modes:
            raise CommandError(
                f"{device.name} has no fan mode '{mode}' (it has {', '.join(modes)})"
            )
        return _set(device, None, fan_mode=mode)
    return _climate_on(device, params)


def _vacuum_start(device: Device, params: dict[str, Any]) -> Device:
    """Start cleaning: everywhere, or only the ``area`` asked for (HassVacuumCleanArea)."""
    if params.get("area"):
        return _set(device, "cleaning", cleaning_area=str(params["area"]))
    return _set(device, "cleaning")


def _track(step: int) -> Effect:
    def effect(device: Device, params: dict[str, Any]) -> Device:
        playlist = list(device.attributes.get("playlist") or [])
        if not playlist:
            raise CommandError(f"{device.name} has nothing queued")
        index = (int(device.attributes.get("track", 0)) + step) % len(playlist)
        return _set(device, "playing", track=index, media_title=playlist[index])

    return effect


_MEDIA_KEYS = ("media_title", "media_artist", "media_album_name", "media_content_type")


def _media_play(device: Device, params: dict[str, Any]) -> Device:
    """Resume, or with media attributes (a library search) play that instead."""
    media = {k: params[k] for k in _MEDIA_KEYS if k in params}
    if not media:
        return _set(device, "playing")
    kept = {k: v for k, v in device.attributes.items() if k not in _MEDIA_KEYS}
    return device.with_state("playing", {**kept, **media})


def _get_state(device: Device, params: dict[str, Any]) -> Device:
    return device


_COMMON: dict[ActionKind, Effect] = {ActionKind.GET_STATE: _get_state}

EFFECTS: dict[str, dict[ActionKind, Effect]] = {
    Domain.LIGHT: {
        **_on_off(),
        ActionKind.TURN_ON: _light_on,
        ActionKind.TOGGLE: _light_toggle,
        ActionKind.SET_BRIGHTNESS: _light_brightness,
        ActionKind.SET_COLOR: _light_color,
    },
    Domain.SWITCH: _on_off(),
    Domain.INPUT_BOOLEAN: _on_off(),
    Domain.FAN: {**_on_off(), ActionKind.TURN_ON: _fan_on},
    Domain.HUMIDIFIER: _on_off(),
    Domain.COVER: {
        ActionKind.OPEN: lambda d, p: _set(d, "open", position=100),
        ActionKind.CLOSE: lambda d, p: _set(d, "closed", position=0),
        ActionKind.TURN_ON: lambda d, p: _set(d, "open", position=100),
        ActionKind.TURN_OFF: lambda d, p: _set(d, "closed", position=0),
        ActionKind.TOGGLE: lambda d, p: (
            _set(d, "closed", position=0) if d.state == "open" else _set(d, "open", position=100)
        ),
        ActionKind.SET_POSITION: _cover_position,
        ActionKind.STOP: lambda d, p: d,
    },
    Domain.VALVE: {
        ActionKind.OPEN: lambda d, p: _set(d, "open"),
        ActionKind.CLOSE: lambda d, p: _set(d, "closed"),
        ActionKind.TURN_ON: lambda d, p: _set(d, "open"),
        ActionKind.TURN_OFF: lambda d, p: _set(d, "closed"),
    },
    Domain.LOCK: {
        ActionKind.LOCK: lambda d, p: _set(d, "locked"),
        ActionKind.UNLOCK: lambda d, p: _set(d, "unlocked"),
    },
    Domain.CLIMATE: {
        ActionKind.SET_TEMPERATURE: _temperature,
        ActionKind.TURN_ON: _climate_fan_mode,
        ActionKind.TURN_OFF: _climate_off,
    },
    Domain.WATER_HEATER: {ActionKind.SET_TEMPERATURE: _temperature, **_on_off()},
    Domain.MEDIA_PLAYER: {
        # Turning on a player that is playing or paused leaves it so; only "off" wakes to idle.
        ActionKind.TURN_ON: lambda d, p: _set(d, "idle" if d.state == "off" else None),
        ActionKind.TURN_OFF: lambda d, p: _set(d, "off"),
        ActionKind.TOGGLE: lambda d, p: _set(d, "idle" if d.state == "off" else "off"),
        ActionKind.MEDIA_PLAY: _media_play,
        ActionKind.MEDIA_PAUSE: lambda d, p: _set(d, "paused"),
        ActionKind.STOP: lambda d, p: _set(d, "idle"),
        ActionKind.MEDIA_NEXT: _track(+1),
        ActionKind.MEDIA_PREVIOUS: _track(-1),
        ActionKind.SET_VOLUME: _volume,
    },
    Domain.VACUUM: {
        ActionKind.START: _vacuum_start,
        ActionKind.TURN_ON: lambda d, p: _set(d, "cleaning"),
        ActionKind.STOP: lambda d, p: _set(d, "idle"),
        ActionKind.TURN_OFF: lambda d, p: _set(d, "idle"),
        ActionKind.MEDIA_PAUSE: lambda d, p: _set(d, "paused"),
        ActionKind.RETURN_HOME: lambda d, p: _set(d, "returning"),
    },
    Domain.LAWN_MOWER: {
        ActionKind.START: lambda d, p: _set(d, "mowing"),
        ActionKind.RETURN_HOME: lambda d, p: _set(d, "docked"),
    },
    Domain.SCENE: {ActionKind.TURN_ON: lambda d, p: d},
    Domain.SCRIPT: {ActionKind.TURN_ON: lambda d, p: d},
    Domain.BUTTON: {ActionKind.TURN_ON: lambda d, p: d},
    Domain.SENSOR: {},
    Domain.BINARY_SENSOR: {},
    Domain.TIMER: {},
    Domain.ALARM_CONTROL_PANEL: {},
}


def _state_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def scene_members(scene: Device, devices: Mapping[str, Device]) -> list[Device]:
    """The members of ``scene`` as they are once it has run, in the order the scene lists them.

    Members the home does not have are skipped; the scene's own state does not change.
    """
    if scene.domain is not Domain.SCENE:
        return []
    afters: list[Device] = []
    entities = scene.attributes.get("entities") or {}
    if not isinstance(entities, Mapping):
        return []
    for member_id, wanted in entities.items():
        member = devices.get(member_id)
        if member is None:
            continue
        wanted = dict(wanted) if isinstance(wanted, Mapping) else {"state": wanted}
        state = _state_text(wanted.pop("state", member.state))
        afters.append(member.with_state(state, {**member.attributes, **wanted}))
    return afters


def supported_actions(domain: str) -> frozenset[ActionKind]:
    """What a device of ``domain`` can be asked to do at all (``get_state`` for any domain)."""
    return frozenset(EFFECTS.get(domain, {})) | frozenset(_COMMON)


def device_actions(device: Device) -> frozenset[ActionKind]:
    """What this device can be asked to do: its domain's actions that its capabilities allow
    (a light without colour modes has no ``set_color``). A front end offers only these."""
    return frozenset(
        kind for kind in supported_actions(device.domain) if action_needs.allows(device, kind)
    )


def apply(device: Device, action: Action) -> Device:
    """Return the device as it is after ``action``; raise CommandError if it cannot be done."""
    reason = action_needs.refusal(device, action.action, action.params)
    if reason is not None and (
        not device.controllable or action.action in supported_actions(device.domain)
    ):
        raise CommandError(reason)
    effect = EFFECTS.get(device.domain, {}).get(action.action) or _COMMON.get(action.action)
    if effect is None:
        label = action_needs.domain_label(device)
        raise CommandError(f"{device.name} is a {label} and cannot {action.action.value}")
    return effect(device, dict(resolve(device, action).params))


def check(device: Device, action: Action) -> None:
    """Raise CommandError when ``action`` is not valid for ``device`` (nothing is changed)."""
    apply(device, action)
