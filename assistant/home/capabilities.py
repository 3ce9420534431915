"""What one device can do, read the way Home Assistant describes it.

Home Assistant says what an entity supports with ``supported_features`` (bit flags, one set
per domain: ``ha_features`` carries its names and values) and, for lights,
``supported_color_modes``. A home file may leave them out (Hearth's own demo home does): then a
device can do everything its domain allows that its attributes show (a light with a
``brightness`` can be dimmed, a cover with a ``position`` can be set to one).

Recognition never looks here: "make the hallway light red" is understood whatever the light
can do. Planning and the backend ask :func:`supports` / ``action_needs.refusal`` so the reply says why
("Hallway Light can't change colour") instead of pretending it worked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from assistant.home.ha_features import (
    AlarmControlPanelEntityFeature,
    ClimateEntityFeature,
    CoverEntityFeature,
    FanEntityFeature,
    LawnMowerEntityFeature,
    LockEntityFeature,
    MediaPlayerEntityFeature,
    VacuumEntityFeature,
    ValveEntityFeature,
    WaterHeaterEntityFeature,
)
from assistant.home.model import Device, Domain


class Feature(StrEnum):
    """One thing a device may be able to do, in words that do not depend on its domain."""

    TURN_ON = "turn_on"
    TURN_OFF = "turn_off"
    BRIGHTNESS = "brightness"
    COLOR = "color"
    COLOR_TEMP = "color_temp"
    OPEN = "open"
    CLOSE = "close"
    SET_POSITION = "set_position"
    STOP = "stop"
    PLAY = "play"
    PAUSE = "pause"
    NEXT_TRACK = "next_track"
    PREVIOUS_TRACK = "previous_track"
    VOLUME_SET = "volume_set"
    VOLUME_MUTE = "volume_mute"
    PLAY_MEDIA = "play_media"
    SEARCH_MEDIA = "search_media"
    TARGET_TEMPERATURE = "target_temperature"
    SET_SPEED = "set_speed"
    OSCILLATE = "oscillate"
    START = "start"
    RETURN_HOME = "return_home"
    UNLATCH = "unlatch"
    ARM_HOME = "arm_home"
    ARM_AWAY = "arm_away"
    ARM_NIGHT = "arm_night"
    ARM_VACATION = "arm_vacation"


#: Each domain's Home Assistant bit for a Feature, and the features a device of that domain
#: has when the home file gives no ``supported_features``.
_BITS: dict[Domain, tuple[dict[Feature, int], frozenset[Feature]]] = {
    Domain.LIGHT: ({}, frozenset()),
    Domain.COVER: (
        {
            Feature.OPEN: CoverEntityFeature.OPEN,
            Feature.CLOSE: CoverEntityFeature.CLOSE,
            Feature.SET_POSITION: CoverEntityFeature.SET_POSITION,
            Feature.STOP: CoverEntityFeature.STOP,
        },
        frozenset({Feature.OPEN, Feature.CLOSE, Feature.STOP}),
    ),
    Domain.FAN: (
        {
            Feature.SET_SPEED: FanEntityFeature.SET_SPEED,
            Feature.OSCILLATE: FanEntityFeature.OSCILLATE,
        },
        frozenset(),
    ),
    Domain.MEDIA_PLAYER: (
        {
            Feature.PAUSE: MediaPlayerEntityFeature.PAUSE,
            Feature.VOLUME_SET: MediaPlayerEntityFeature.VOLUME_SET,
            Feature.VOLUME_MUTE: MediaPlayerEntityFeature.VOLUME_MUTE,
            Feature.PREVIOUS_TRACK: MediaPlayerEntityFeature.PREVIOUS_TRACK,
            Feature.NEXT_TRACK: MediaPlayerEntityFeature.NEXT_TRACK,
            Feature.TURN_ON: MediaPlayerEntityFeature.TURN_ON,
            Feature.TURN_OFF: MediaPlayerEntityFeature.TURN_OFF,
            Feature.PLAY_MEDIA: MediaPlayerEntityFeature.PLAY_MEDIA,
            Feature.SEARCH_MEDIA: MediaPlayerEntityFeature.SEARCH_MEDIA,
            Feature.STOP: MediaPlayerEntityFeature.STOP,
            Feature.PLAY: MediaPlayerEntityFeature.PLAY,
        },
        frozenset(
            {
                Feature.PAUSE,
                Feature.VOLUME_SET,
                Feature.PREVIOUS_TRACK,
                Feature.NEXT_TRACK,
                Feature.TURN_ON,
                Feature.TURN_OFF,
                Feature.STOP,
                Feature.PLAY,
                Feature.VOLUME_MUTE,
                Feature.PLAY_MEDIA,
            }
        ),
    ),
    Domain.CLIMATE: (
        {
            Feature.TARGET_TEMPERATURE: ClimateEntityFeature.TARGET_TEMPERATURE,
            Feature.TURN_ON: ClimateEntityFeature.TURN_ON,
            Feature.TURN_OFF: ClimateEntityFeature.TURN_OFF,
        },
        frozenset({Feature.TARGET_TEMPERATURE, Feature.TURN_ON, Feature.TURN_OFF}),
    ),
    Domain.VACUUM: (
        {
            Feature.START: VacuumEntityFeature.START,
            Feature.PAUSE: VacuumEntityFeature.PAUSE,
            Feature.STOP: VacuumEntityFeature.STOP,
            Feature.RETURN_HOME: VacuumEntityFeature.RETURN_HOME,
        },
        frozenset({Feature.START, Feature.PAUSE, Feature.STOP, Feature.RETURN_HOME}),
    ),
    Domain.LOCK: ({Feature.UNLATCH: LockEntityFeature.OPEN}, frozenset()),
    Domain.ALARM_CONTROL_PANEL: (
        {
            Feature.ARM_HOME: AlarmControlPanelEntityFeature.ARM_HOME,
            Feature.ARM_AWAY: AlarmControlPanelEntityFeature.ARM_AWAY,
            Feature.ARM_NIGHT: AlarmControlPanelEntityFeature.ARM_NIGHT,
            Feature.ARM_VACATION: AlarmControlPanelEntityFeature.ARM_VACATION,
        },
        frozenset({Feature.ARM_HOME, Feature.ARM_AWAY}),
    ),
    Domain.VALVE: (
        {
            Feature.OPEN: ValveEntityFeature.OPEN,
            Feature.CLOSE: ValveEntityFeature.CLOSE,
            Feature.SET_POSITION: ValveEntityFeature.SET_POSITION,
            Feature.STOP: ValveEntityFeature.STOP,
        },
        frozenset({Feature.OPEN, Feature.CLOSE}),
    ),
    Domain.LAWN_MOWER: (
        {
            Feature.START: LawnMowerEntityFeature.START_MOWING,
            Feature.PAUSE: LawnMowerEntityFeature.PAUSE,
            Feature.RETURN_HOME: LawnMowerEntityFeature.DOCK,
        },
        frozenset({Feature.START, Feature.PAUSE, Feature.RETURN_HOME}),
    ),
    Domain.WATER_HEATER: (
        {
            Feature.TARGET_TEMPERATURE: WaterHeaterEntityFeature.TARGET_TEMPERATURE,
            Feature.TURN_ON: WaterHeaterEntityFeature.ON_OFF,
            Feature.TURN_OFF: WaterHeaterEntityFeature.ON_OFF,
        },
        frozenset({Feature.TARGET_TEMPERATURE, Feature.TURN_ON, Feature.TURN_OFF}),
    ),
}

#: Home Assistant's colour modes, and what each lets a light do beyond on/off.
_COLOR_MODES: dict[str, frozenset[Feature]] = {
    "onoff": frozenset(),
    "unknown": frozenset(),
    "brightness": frozenset({Feature.BRIGHTNESS}),
    "white": frozenset({Feature.BRIGHTNESS}),
    "color_temp": frozenset({Feature.BRIGHTNESS, Feature.COLOR_TEMP}),
    "hs": frozenset({Feature.BRIGHTNESS, Feature.COLOR}),
    "xy": frozenset({Feature.BRIGHTNESS, Feature.COLOR}),
    "rgb": frozenset({Feature.BRIGHTNESS, Feature.COLOR}),
    "rgbw": frozenset({Feature.BRIGHTNESS, Feature.COLOR}),
    "rgbww": frozenset({Feature.BRIGHTNESS, Feature.COLOR}),
}


def mode_features(modes: Iterable[object]) -> frozenset[Feature]:
    """What a light with these ``supported_color_modes`` can do beyond on/off."""
    found: set[Feature] = set()
    for mode in modes:
        found |= _COLOR_MODES.get(str(mode), frozenset())
    return frozenset(found)


def supported_features(attributes: Mapping[str, Any]) -> int | None:
    """The ``supported_features`` bits, or None when the home file does not give them."""
    value = attributes.get("supported_features")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def color_modes(device: Device) -> frozenset[str] | None:
    """A light's ``supported_color_modes``, or None when the home file does not list them."""
    modes = device.attributes.get("supported_color_modes")
    if not isinstance(modes, list | tuple):
        return None
    return frozenset(str(mode) for mode in modes)


def _light_features(device: Device) -> frozenset[Feature]:
    found = {Feature.TURN_ON, Feature.TURN_OFF}
    modes = color_modes(device)
    if modes is None:
        # Hearth's own files: what the attributes show (Hearth sets "2700K" as a colour).
        if "brightness" in device.attributes:
            found.add(Feature.BRIGHTNESS)
        if "color" in device.attributes:
            found |= {Feature.COLOR, Feature.COLOR_TEMP}
    else:
        found |= mode_features(modes)
    return frozenset(found)


def features(device: Device) -> frozenset[Feature]:
    """What ``device`` declares it can do among the features its domain gates (see
    :func:`supports`); nothing for a domain Hearth does not control."""
    if not isinstance(device.domain, Domain):
        return frozenset()
    if device.domain is Domain.LIGHT:
        return _light_features(device)
    bits, defaults = _BITS.get(device.domain, ({}, frozenset()))
    declared = supported_features(device.attributes)
    if declared is None:
        found = set(defaults)
        if device.domain in (Domain.COVER, Domain.VALVE) and "position" in device.attributes:
            found.add(Feature.SET_POSITION)  # Home Assistant's default for a known position
        if device.domain is Domain.FAN and "percentage" in device.attributes:
            found.add(Feature.SET_SPEED)
        return frozenset(found)
    found = {feature for feature, bit in bits.items() if declared & bit}
    if device.domain is Domain.CLIMATE and _can_switch_off(device):
        found |= {Feature.TURN_ON, Feature.TURN_OFF}
    return frozenset(found)


def _can_switch_off(device: Device) -> bool:
    """A thermostat listing "off" among its hvac_modes switches with set_hvac_mode (older Home
    Assistant versions had no TURN_ON/TURN_OFF bits for climate)."""
    modes = device.attributes.get("hvac_modes")
    return isinstance(modes, list) and "off" in modes


def gated(domain: Domain) -> frozenset[Feature]:
    """The features a device of ``domain`` must declare (or get by default) to have them."""
    if domain is Domain.LIGHT:
        return frozenset({Feature.BRIGHTNESS, Feature.COLOR, Feature.COLOR_TEMP})
    return frozenset(_BITS.get(domain, ({}, frozenset()))[0])


def supports(device: Device, feature: Feature) -> bool:
    """Whether ``device`` can do ``feature``.

    A feature its domain does not gate is allowed here and left to the domain's own table
    (``effects``): every light turns on and off, every lock locks, and nothing makes a sensor
    open. A domain Hearth does not control supports nothing.
    """
    if not isinstance(device.domain, Domain):
        return False
    if feature in gated(device.domain):
        return feature in features(device)
    return True
