"""What one device can do, read the way Home Assistant describes it.

Home Assistant says what an entity supports with ``supported_features`` (bit flags, one set
per domain: ``ha_features`` carries its names and values) and, for lights,
``supported_color_modes``. A home file may leave them out (Hearth's own demo home does): then a
device can do everything its domain allows that its attributes show (a light with a
``brightness`` can be dimmed, a cover with a ``position`` can be set to one).

Recognition never looks here: "make the hallway light red" is understood whatever the light
can do. Planning and the backend ask :func:`supports` / :func:`refusal` so the reply says why
("Hallway Light can't change colour") instead of pretending it worked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from assistant.home.commands import ActionKind
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
        # A fan in a home file that says nothing of its features is taken to have speeds.
        frozenset({Feature.SET_SPEED}),
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


#: The feature an action needs, where it needs one; per domain where the domain differs.
_NEEDS: dict[ActionKind, Feature] = {
    ActionKind.SET_BRIGHTNESS: Feature.BRIGHTNESS,
    ActionKind.SET_COLOR: Feature.COLOR,
    ActionKind.SET_POSITION: Feature.SET_POSITION,
    ActionKind.SET_TEMPERATURE: Feature.TARGET_TEMPERATURE,
    ActionKind.SET_VOLUME: Feature.VOLUME_SET,
    ActionKind.MEDIA_PLAY: Feature.PLAY,
    ActionKind.MEDIA_PAUSE: Feature.PAUSE,
    ActionKind.MEDIA_NEXT: Feature.NEXT_TRACK,
    ActionKind.MEDIA_PREVIOUS: Feature.PREVIOUS_TRACK,
    ActionKind.START: Feature.START,
    ActionKind.STOP: Feature.STOP,
    ActionKind.RETURN_HOME: Feature.RETURN_HOME,
}
_NEEDS_IN: dict[Domain, dict[ActionKind, Feature]] = {
    Domain.COVER: {
        ActionKind.OPEN: Feature.OPEN,
        ActionKind.CLOSE: Feature.CLOSE,
        ActionKind.TURN_ON: Feature.OPEN,
        ActionKind.TURN_OFF: Feature.CLOSE,
    },
    Domain.VALVE: {
        ActionKind.OPEN: Feature.OPEN,
        ActionKind.CLOSE: Feature.CLOSE,
        ActionKind.TURN_ON: Feature.OPEN,
        ActionKind.TURN_OFF: Feature.CLOSE,
    },
    Domain.MEDIA_PLAYER: {
        ActionKind.TURN_ON: Feature.TURN_ON,
        ActionKind.TURN_OFF: Feature.TURN_OFF,
    },
    Domain.CLIMATE: {ActionKind.TURN_ON: Feature.TURN_ON, ActionKind.TURN_OFF: Feature.TURN_OFF},
    Domain.WATER_HEATER: {
        ActionKind.TURN_ON: Feature.TURN_ON,
        ActionKind.TURN_OFF: Feature.TURN_OFF,
    },
    Domain.VACUUM: {ActionKind.TURN_ON: Feature.START, ActionKind.TURN_OFF: Feature.STOP},
    Domain.LAWN_MOWER: {ActionKind.MEDIA_PAUSE: Feature.PAUSE},
}

#: How a reply says that a device lacks a feature ("Hallway Light can't change colour").
CANNOT: dict[Feature, str] = {
    Feature.TURN_ON: "can't be turned on",
    Feature.TURN_OFF: "can't be turned off",
    Feature.BRIGHTNESS: "can't be dimmed",
    Feature.COLOR: "can't change colour",
    Feature.COLOR_TEMP: "can't change colour temperature",
    Feature.OPEN: "can't be opened",
    Feature.CLOSE: "can't be closed",
    Feature.SET_POSITION: "can't be set to a position",
    Feature.STOP: "can't be stopped",
    Feature.PLAY: "can't play",
    Feature.PAUSE: "can't pause",
    Feature.NEXT_TRACK: "can't skip to the next track",
    Feature.PREVIOUS_TRACK: "can't go back a track",
    Feature.VOLUME_SET: "can't change its volume",
    Feature.VOLUME_MUTE: "can't be muted",
    Feature.PLAY_MEDIA: "can't play something chosen",
    Feature.SEARCH_MEDIA: "can't search for media",
    Feature.TARGET_TEMPERATURE: "can't be set to a temperature",
    Feature.SET_SPEED: "can't change speed",
    Feature.OSCILLATE: "can't oscillate",
    Feature.START: "can't start",
    Feature.RETURN_HOME: "can't go back to its dock",
    Feature.UNLATCH: "can't open its latch",
    Feature.ARM_HOME: "can't be armed for home",
    Feature.ARM_AWAY: "can't be armed for away",
    Feature.ARM_NIGHT: "can't be armed for the night",
    Feature.ARM_VACATION: "can't be armed for a holiday",
}


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


def needed(
    device: Device, kind: ActionKind, params: Mapping[str, Any] | None = None
) -> Feature | None:
    """The feature ``kind`` needs on this device, None when the domain alone decides.

    A colour given as a white temperature ("2700K", as planning writes a kelvin value) needs
    ``COLOR_TEMP``; any other colour needs ``COLOR``.
    """
    if isinstance(device.domain, Domain):
        special = _NEEDS_IN.get(device.domain, {})
        if kind in special:
            return special[kind]
    given = params or {}
    if kind is ActionKind.SET_COLOR and is_kelvin(str(given.get("color", ""))):
        return Feature.COLOR_TEMP
    if kind is ActionKind.SET_VOLUME and "muted" in given:
        return Feature.VOLUME_MUTE
    if kind is ActionKind.MEDIA_PLAY and "media_title" in given:
        return Feature.PLAY_MEDIA
    if kind is ActionKind.TURN_ON and "percentage" in given:
        return Feature.SET_SPEED
    return _NEEDS.get(kind)


def is_kelvin(color: str) -> bool:
    """Whether a colour value names a white temperature ("2700K", "4000 k")."""
    text = color.strip().lower().removesuffix("k").strip()
    return color.strip().lower().endswith("k") and text.isdigit()


def refusal(
    device: Device, kind: ActionKind, params: Mapping[str, Any] | None = None
) -> str | None:
    """Why ``device`` cannot do ``kind`` as one clause ("Hallway Light can't change colour"),
    or None when it can as far as its capabilities go. The domain's own table (effects) still
    decides whether the action makes sense for the domain at all. Asking for the state is
    never refused."""
    if kind is ActionKind.GET_STATE:
        return None
    if not device.controllable:
        return (
            f"{device.name} can only be asked about; Hearth doesn't control "
            f"{domain_label(device)} entities"
        )
    feature = needed(device, kind, params)
    if feature is None or supports(device, feature):
        return None
    return f"{device.name} {CANNOT[feature]}"


def allows(device: Device, kind: ActionKind) -> bool:
    """Whether ``device`` can do ``kind`` in some form: ``set_color`` counts when the light
    can take either a colour or a white temperature."""
    if kind is ActionKind.SET_COLOR and refusal(device, kind, {"color": "2700K"}) is None:
        return True
    return refusal(device, kind) is None


def domain_label(device: Device) -> str:
    """The domain in words ("binary sensor", "weather")."""
    return str(device.domain).replace("_", " ")
