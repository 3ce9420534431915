"""How a plan's reply is worded: past tense per action, lists of names, numbers.

Kept apart from the handlers so every domain family says things the same way, and a reply
given after a confirmation (when no template fits) reads like one given at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device, Home
from intents.responses import StateView

PAST_TENSE = {
    ActionKind.UNLOCK: "Unlocked",
    ActionKind.LOCK: "Locked",
    ActionKind.OPEN: "Opening",
    ActionKind.CLOSE: "Closing",
    ActionKind.SET_POSITION: "Moving",
    ActionKind.TOGGLE: "Toggled",
    ActionKind.TURN_ON: "Turned on",
    ActionKind.TURN_OFF: "Turned off",
    ActionKind.START: "Started",
    ActionKind.RETURN_HOME: "Sent home",
}


def describe_done(actions: Sequence[Action], home: Home) -> str:
    """A reply naming what was done, for when no response template fits (several devices,
    or an action confirmed later): "Turned off the Ceiling Light and the Bedside Lamp"."""
    groups: dict[str, list[str]] = {}
    for action in actions:
        device = home.devices.get(action.device)
        if device is not None:
            verb = PAST_TENSE.get(action.action, "Done:")
            groups.setdefault(verb, []).append(f"the {device.name}")
    parts = []
    for verb, names in groups.items():
        shown = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
        parts.append(f"{verb} {join_words(shown)}")
    return "; ".join(parts) or "Done"


def join_words(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def view(device: Device) -> StateView:
    """The device as response templates see it (Home Assistant's State shape)."""
    return StateView(device.id, device.name, device.domain.value, device.state, device.attributes)


def number(value: Any) -> str:
    """20.0 → "20", 20.5 → "20.5"; anything not a number as it is."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)
