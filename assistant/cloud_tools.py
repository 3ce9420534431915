"""The home as LLM tools, and the strict check of every tool call the LLM makes.

The model never sees device ids and never gets free text through to the backend: it sees opaque
handles ("d1", "d2", …) with names, areas, domains and the actions each device allows, and it
can only answer with calls to one function per neutral action. Every call is checked here
against the same Home snapshot the tools were built from: an unknown function or handle, an
action the device's domain does not support, a missing or extra argument or a value out of range
rejects the whole answer, so nothing runs unless every part of it is valid. Sensitive actions
that pass still go through the conversation's confirmation, so a manipulated model can at most
make Hearth ask a question.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.effects import DEFAULT_TEMPERATURE_RANGE, check, supported_actions
from assistant.home.model import Device, Home
from assistant.printable import printable

MAX_TOOL_CALLS = 16

#: Attributes shared with the model, and only when the user allows "share device states".
SHARED_ATTRIBUTES = (
    "brightness",
    "color",
    "position",
    "temperature",
    "current_temperature",
    "volume",
    "unit_of_measurement",
)

_DESCRIPTIONS: dict[ActionKind, str] = {
    ActionKind.TURN_ON: "Turn a device on (for a scene or script: run it).",
    ActionKind.TURN_OFF: "Turn a device off.",
    ActionKind.TOGGLE: "Switch a device to the opposite of its current state.",
    ActionKind.SET_BRIGHTNESS: "Set a light's brightness in percent (0 turns it off).",
    ActionKind.SET_COLOR: "Set a light's colour by name (e.g. 'warm white', 'blue') or '2700K'.",
    ActionKind.SET_TEMPERATURE: "Set a thermostat's target temperature in degrees Celsius.",
    ActionKind.SET_POSITION: "Set a cover's position in percent (0 closed, 100 open).",
    ActionKind.OPEN: "Open a cover or valve.",
    ActionKind.CLOSE: "Close a cover or valve.",
    ActionKind.LOCK: "Lock a lock.",
    ActionKind.UNLOCK: "Unlock a lock (the user will be asked to confirm).",
    ActionKind.MEDIA_PLAY: "Start or resume playback on a media player.",
    ActionKind.MEDIA_PAUSE: "Pause a media player or vacuum.",
    ActionKind.MEDIA_NEXT: "Skip to the next track.",
    ActionKind.MEDIA_PREVIOUS: "Go back to the previous track.",
    ActionKind.SET_VOLUME: "Set a media player's volume in percent.",
    ActionKind.START: "Start a vacuum or lawn mower.",
    ActionKind.STOP: "Stop a device (media player, vacuum, cover).",
    ActionKind.RETURN_HOME: "Send a vacuum or lawn mower back to its dock.",
}

#: The one value argument of each action that takes one, and a sample that must be accepted
#: for the device to be offered that action (a light without brightness cannot be dimmed).
_PERCENT: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 100}
_VALUE_ARGUMENT: dict[ActionKind, str] = {
    ActionKind.SET_BRIGHTNESS: "brightness",
    ActionKind.SET_POSITION: "position",
    ActionKind.SET_VOLUME: "volume",
    ActionKind.SET_TEMPERATURE: "temperature",
    ActionKind.SET_COLOR: "color",
}
_COLOR = re.compile(r"[a-z]+(?: [a-z]+){0,2}|\d{4,5}k")
_MAX_NAME = 80


class ToolCallError(ValueError):
    """A tool call that does not fit the home; the message is short and safe to show."""


@dataclass(frozen=True)
class ToolCall:
    """One function call as the model sent it (arguments still as the raw JSON text)."""

    name: str
    arguments: str
    id: str = ""


@dataclass(frozen=True)
class Entry:
    """A device as the model knows it: an opaque handle and what it may do."""

    handle: str
    device_id: str
    actions: tuple[ActionKind, ...]


@dataclass(frozen=True)
class ToolSet:
    """Tools and device data for one request, and the validator for the model's answer."""

    entries: Mapping[str, Entry]
    tools: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    kinds: Mapping[str, ActionKind] = field(default_factory=dict)

    def validate(self, calls: Sequence[ToolCall], home: Home) -> tuple[Action, ...]:
        """All calls as Actions, or ToolCallError for the first bad one (then nothing runs)."""
        if len(calls) > MAX_TOOL_CALLS:
            raise ToolCallError(f"it asked for {len(calls)} changes at once")
        actions: list[Action] = []
        for call in calls:
            action = self._one(call, home)
            if action not in actions:
                actions.append(action)
        return tuple(actions)

    def _one(self, call: ToolCall, home: Home) -> Action:
        kind = self.kinds.get(call.name)
        if kind is None:
            raise ToolCallError(f"there is no function called {_shown(call.name)}")
        try:
            arguments = json.loads(call.arguments or "{}")
        except (ValueError, RecursionError):
            raise ToolCallError(f"the arguments of {call.name} were not valid JSON") from None
        if not isinstance(arguments, dict):
            raise ToolCallError(f"the arguments of {call.name} were not an object")
        value_key = _VALUE_ARGUMENT.get(kind)
        expected = {"device"} | ({value_key} if value_key else set())
        if set(arguments) != expected:
            wanted = ", ".join(sorted(expected))
            raise ToolCallError(f"{call.name} takes exactly these arguments: {wanted}")
        handle = arguments["device"]
        entry = self.entries.get(handle) if isinstance(handle, str) else None
        device = home.devices.get(entry.device_id) if entry is not None else None
        if entry is None or device is None:
            raise ToolCallError(f"there is no device {_shown(handle)}")
        if kind not in entry.actions:
            raise ToolCallError(f"the {device.name} cannot {kind.value.replace('_', ' ')}")
        params = {value_key: _value(kind, arguments[value_key])} if value_key else {}
        action = Action(device.id, kind, params)
        try:
            check(device, action)
        except CommandError as err:
            raise ToolCallError(str(err)) from None
        return action


def _shown(value: object) -> str:
    """A model-supplied value, quoted and cut short, for a reply or log line."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    text = printable(text)  # the model's text: no terminal escapes in a reply or log line
    return text if len(text) <= 40 else text[:37] + "…"


def _value(kind: ActionKind, raw: object) -> int | float | str:
    if kind is ActionKind.SET_COLOR:
        if not isinstance(raw, str) or not _COLOR.fullmatch(raw.strip().lower()):
            raise ToolCallError(f"{_shown(raw)} is not a colour name")
        return raw.strip().lower()
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise ToolCallError(f"{_VALUE_ARGUMENT[kind]} must be a number, not {_shown(raw)}")
    if kind is ActionKind.SET_TEMPERATURE:
        return int(raw) if float(raw).is_integer() else float(raw)
    if not float(raw).is_integer():
        raise ToolCallError(f"{_VALUE_ARGUMENT[kind]} must be a whole number, not {raw}")
    return int(raw)


def _sample(device: Device, kind: ActionKind) -> dict[str, Any]:
    key = _VALUE_ARGUMENT.get(kind)
    if key is None:
        return {}
    if kind is ActionKind.SET_COLOR:
        return {key: "white"}
    if kind is ActionKind.SET_TEMPERATURE:
        low, high = _temperature_range(device)
        return {key: (low + high) / 2}
    return {key: 50}


def _temperature_range(device: Device) -> tuple[float, float]:
    low, high = DEFAULT_TEMPERATURE_RANGE
    return (
        float(device.attributes.get("min_temp", low)),
        float(device.attributes.get("max_temp", high)),
    )


def allowed_actions(device: Device) -> tuple[ActionKind, ...]:
    """What the model may ask of ``device``: supported by its domain and valid for its features."""
    allowed: list[ActionKind] = []
    for kind in ActionKind:
        if kind is ActionKind.GET_STATE or kind not in supported_actions(device.domain):
            continue  # reading state is the local engine's job; the model gets states as data
        try:
            check(device, Action(device.id, kind, _sample(device, kind)))
        except CommandError:
            continue
        allowed.append(kind)
    return tuple(allowed)


def _label(text: str) -> str:
    """Names are data: one line, bounded length (they still may say anything)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= _MAX_NAME else flat[: _MAX_NAME - 1] + "…"


def build_toolset(home: Home, share_states: bool) -> ToolSet:
    """Tools and the device list for ``home``; states go out only when ``share_states``."""
    entries: dict[str, Entry] = {}
    devices: list[dict[str, Any]] = []
    for number, device in enumerate(home.devices.values(), 1):
        actions = allowed_actions(device)
        if not actions and not share_states:
            continue  # a sensor with no state to share tells the model nothing useful
        handle = f"d{number}"
        entries[handle] = Entry(handle, device.id, actions)
        area = home.area_of(device)
        item: dict[str, Any] = {
            "device": handle,
            "name": _label(device.name),
            "area": _label(area.name) if area else None,
            "domain": device.domain.value,
            "actions": [k.value for k in actions],
        }
        if device.aliases:
            item["aliases"] = [_label(a) for a in device.aliases]
        if share_states:
            item["state"] = device.state
            shared = {k: device.attributes[k] for k in SHARED_ATTRIBUTES if k in device.attributes}
            if shared:
                item["attributes"] = shared
        devices.append(item)
    kinds = {k.value: k for entry in entries.values() for k in entry.actions}
    tools = [_tool(kind, entries, home) for kind in ActionKind if kind.value in kinds]
    return ToolSet(entries=entries, tools=tools, devices=devices, kinds=kinds)


def _tool(kind: ActionKind, entries: Mapping[str, Entry], home: Home) -> dict[str, Any]:
    handles = [e.handle for e in entries.values() if kind in e.actions]
    properties: dict[str, Any] = {
        "device": {
            "type": "string",
            "enum": handles,
            "description": "The device's handle from the device list",
        }
    }
    key = _VALUE_ARGUMENT.get(kind)
    if kind is ActionKind.SET_TEMPERATURE:
        ranges = [_temperature_range(home.devices[entries[h].device_id]) for h in handles]
        properties["temperature"] = {
            "type": "number",
            "minimum": min(r[0] for r in ranges),
            "maximum": max(r[1] for r in ranges),
        }
    elif kind is ActionKind.SET_COLOR:
        properties["color"] = {"type": "string", "maxLength": 32}
    elif key is not None:
        properties[key] = dict(_PERCENT)
    return {
        "type": "function",
        "function": {
            "name": kind.value,
            "description": _DESCRIPTIONS[kind],
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
        },
    }
