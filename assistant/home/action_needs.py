"""Which feature each action needs, and the one-line refusal when a device lacks it.

:mod:`assistant.home.capabilities` says what a device can do; this module says what an action
asks of it ("set_color" with "2700K" needs a colour temperature, a mute needs VOLUME_MUTE) and
words the answer, so the backend refuses with a reason and planning never offers the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.home.capabilities import Feature, supports
from assistant.home.commands import ActionKind
from assistant.home.model import Device, Domain

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
# Actions whose parameters ask for more: a mute, a library item, a fan speed.
_NEEDS_WITH: dict[tuple[ActionKind, str], Feature] = {
    (ActionKind.SET_VOLUME, "muted"): Feature.VOLUME_MUTE,
    (ActionKind.MEDIA_PLAY, "media_title"): Feature.PLAY_MEDIA,
    (ActionKind.TURN_ON, "percentage"): Feature.SET_SPEED,
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
    by_param = [f for (k, key), f in _NEEDS_WITH.items() if k is kind and key in given]
    return by_param[0] if by_param else _NEEDS.get(kind)


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
