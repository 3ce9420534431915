"""Device commands in one small neutral vocabulary, shared by every backend.

Voice, the GUI's controls and the cloud fallback all end in these, so a backend only has to
understand this list, and validation happens in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assistant.home.model import Device


class ActionKind(StrEnum):
    TURN_ON = "turn_on"
    TURN_OFF = "turn_off"
    TOGGLE = "toggle"
    SET_BRIGHTNESS = "set_brightness"
    SET_COLOR = "set_color"
    SET_TEMPERATURE = "set_temperature"
    SET_POSITION = "set_position"
    OPEN = "open"
    CLOSE = "close"
    LOCK = "lock"
    UNLOCK = "unlock"
    MEDIA_PLAY = "media_play"
    MEDIA_PAUSE = "media_pause"
    MEDIA_NEXT = "media_next"
    MEDIA_PREVIOUS = "media_previous"
    SET_VOLUME = "set_volume"
    GET_STATE = "get_state"
    START = "start"
    STOP = "stop"
    RETURN_HOME = "return_home"


@dataclass(frozen=True)
class Action:
    """One command for one device; ``params`` holds e.g. brightness (0-100) or a colour name."""

    device: str
    action: ActionKind
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "action": self.action.value, "params": dict(self.params)}

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> Action:
        return Action(str(raw["device"]), ActionKind(raw["action"]), dict(raw.get("params") or {}))


@dataclass(frozen=True)
class ActionResult:
    """What a command did: the device before and after, so it can be shown and undone."""

    action: Action
    before: Device
    after: Device
    #: The device whose command caused this change (a scene's members), None for the command's own.
    via: str | None = None

    @property
    def changed(self) -> bool:
        return (self.before.state, dict(self.before.attributes)) != (
            self.after.state,
            dict(self.after.attributes),
        )


class CommandError(ValueError):
    """A command the device cannot carry out (wrong action for its domain, value out of range)."""
