"""How a plan's reply is worded: the devices by name, rooms where names repeat, one tense.

Kept apart from the handlers so every domain family says things the same way, and a reply
given after a confirmation reads like one given at once. A reply names what it did ("Turned
on the Ceiling Light in the Kitchen"), says what needed no change ("The Kettle is already
on"), and lists every device that answers a question, counting only past ``MAX_LISTED``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device, Domain, Home
from intents.responses import StateView

#: Past this many devices a reply counts them ("9 lights are on: …") instead of naming each.
MAX_LISTED = 8

PAST_TENSE = {
    ActionKind.UNLOCK: "Unlocked",
    ActionKind.LOCK: "Locked",
    ActionKind.OPEN: "Opened",
    ActionKind.CLOSE: "Closed",
    ActionKind.SET_POSITION: "Moved",
    ActionKind.TOGGLE: "Toggled",
    ActionKind.TURN_ON: "Turned on",
    ActionKind.TURN_OFF: "Turned off",
    ActionKind.START: "Started",
    ActionKind.STOP: "Stopped",
    ActionKind.RETURN_HOME: "Sent",
    ActionKind.SET_BRIGHTNESS: "Set the brightness of",
    ActionKind.SET_COLOR: "Changed the colour of",
    ActionKind.SET_TEMPERATURE: "Set",
    ActionKind.SET_VOLUME: "Set the volume of",
    ActionKind.MEDIA_PLAY: "Resumed",
    ActionKind.MEDIA_PAUSE: "Paused",
    ActionKind.MEDIA_NEXT: "Skipped to the next track on",
    ActionKind.MEDIA_PREVIOUS: "Went back a track on",
}

#: Momentary devices: "turning on" runs them, so "Activated Movie Night", never "already on".
MOMENTARY_VERBS = {Domain.SCENE: "Activated", Domain.SCRIPT: "Started", Domain.BUTTON: "Pressed"}

#: The state a command leaves a device in, as said in "already …".
#: None: the device's own state says it ("already cleaning", "already paused").
ALREADY: dict[ActionKind, str | None] = {
    ActionKind.TURN_ON: "on",
    ActionKind.TURN_OFF: "off",
    ActionKind.LOCK: "locked",
    ActionKind.UNLOCK: "unlocked",
    ActionKind.OPEN: "open",
    ActionKind.CLOSE: "closed",
    ActionKind.START: None,
    ActionKind.RETURN_HOME: None,
    ActionKind.MEDIA_PLAY: None,
    ActionKind.MEDIA_PAUSE: None,
}

#: Words after the device's name: "Sent the Robot Vacuum home".
_AFTER_NAME = {ActionKind.RETURN_HOME: " home"}

_PLURALS = {
    "light": "lights",
    "switch": "switches",
    "fan": "fans",
    "cover": "covers",
    "lock": "locks",
    "climate": "thermostats",
    "media_player": "media players",
    "vacuum": "vacuums",
    "sensor": "sensors",
    "binary_sensor": "sensors",
    "valve": "valves",
}


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


def capitalized(text: str) -> str:
    """The first letter upper case, the rest as it is ("the Kettle …" → "The Kettle …")."""
    return text[:1].upper() + text[1:]


def _area_name(device: Device, home: Home) -> str | None:
    area = home.area_of(device)
    return area.name if area is not None else None


def _repeated(devices: Sequence[Device], home: Home) -> bool:
    """Whether any of ``devices`` shares its name with another device of the home."""
    names = Counter(d.name.casefold() for d in home.devices.values())
    return any(names[d.name.casefold()] > 1 for d in devices)


def ordered(devices: Sequence[Device], home: Home) -> list[Device]:
    """One entry per device, sorted by name and then room, as a listing reads best."""
    unique = list({d.id: d for d in devices}.values())
    return sorted(unique, key=lambda d: (d.name.casefold(), _area_name(d, home) or ""))


def name_devices(devices: Sequence[Device], home: Home, article: bool = True) -> str:
    """ "the Kettle", "the Ceiling Light in the Kitchen", "the Ceiling Light and the Counter
    Lights in the Kitchen", "Bedside Lamp in the Bedroom and Ceiling Light in the Kitchen".

    A room is added only where a name is not enough to tell the device from another one; when
    every device is in that one room it is said once, at the end.
    """
    devices = ordered(devices, home)
    the = "the " if article else ""
    if not _repeated(devices, home):
        return join_words([f"{the}{d.name}" for d in devices])
    areas = {_area_name(d, home) for d in devices}
    if len(areas) == 1 and None not in areas:
        return f"{join_words([f'{the}{d.name}' for d in devices])} in the {areas.pop()}"
    parts = []
    for device in devices:
        area = _area_name(device, home)
        parts.append(f"{the}{device.name}" + (f" in the {area}" if area else ""))
    return join_words(parts)


def count_devices(devices: Sequence[Device]) -> str:
    """ "9 lights", "12 devices"."""
    domains = {d.domain.value for d in devices}
    noun = _PLURALS.get(next(iter(domains)), "devices") if len(domains) == 1 else "devices"
    if len(devices) == 1:
        noun = "device" if noun == "devices" else devices[0].domain.value.replace("_", " ")
    return f"{len(devices)} {noun}"


def by_room(devices: Sequence[Device], home: Home) -> str:
    """ "3 in the Kitchen, 4 in the Living Room and 2 elsewhere"."""
    counts = Counter(_area_name(d, home) for d in devices)
    parts = [f"{n} in the {area}" for area, n in counts.items() if area]
    if counts.get(None):
        parts.append(f"{counts[None]} elsewhere")
    return join_words(parts)


def plural(devices: Sequence[Device]) -> bool:
    """Whether the devices take "are": several, or one named in the plural ("the Blinds")."""
    if len({d.id for d in devices}) != 1:
        return True
    last = devices[0].name.split()[-1].casefold() if devices[0].name.split() else ""
    return last.endswith("s") and not last.endswith("ss")


def _subject(devices: Sequence[Device], home: Home) -> tuple[str, bool]:
    """The devices as the subject of a sentence, and whether it is plural."""
    if len(devices) > MAX_LISTED:
        return count_devices(devices), True
    return name_devices(devices, home), plural(devices)


def listing(devices: Sequence[Device], home: Home, state: str, negated: bool = False) -> str:
    """ "Bedside Lamp in the Bedroom and Ceiling Light in the Kitchen are on"; past
    ``MAX_LISTED``: "9 lights are on: 3 in the Kitchen, …". The answer to a question."""
    verb = ("are" if plural(devices) else "is") + (" not" if negated else "")
    if len(devices) > MAX_LISTED:
        return f"{count_devices(devices)} {verb} {state}: {by_room(devices, home)}"
    return f"{name_devices(devices, home, article=False)} {verb} {state}"


def already(kind: ActionKind, devices: Sequence[Device], home: Home) -> str:
    """ "the Kettle is already on", "the Front Door and the Back Door are already locked"."""
    subject, plural = _subject(devices, home)
    state = ALREADY.get(kind) or devices[0].state
    return f"{subject} {'are' if plural else 'is'} already {state}"


_VALUES = {
    ActionKind.SET_BRIGHTNESS: ("brightness", "{}%"),
    ActionKind.SET_POSITION: ("position", "{}%"),
    ActionKind.SET_VOLUME: ("volume", "{}%"),
    ActionKind.SET_TEMPERATURE: ("temperature", "{} degrees"),
    ActionKind.SET_COLOR: ("color", "{}"),
}


def _by_params(action: Action) -> tuple[str, str] | None:
    """(verb, value) for the actions whose parameters change what they mean: a mute is a
    volume action, a fan speed or a thermostat's fan mode a turn-on, cleaning one room a start.
    """
    params = action.params
    if action.action is ActionKind.SET_VOLUME and "muted" in params:
        return ("Muted" if params["muted"] else "Unmuted"), ""
    if action.action is ActionKind.TURN_ON and "percentage" in params:
        return "Set the speed of", f" to {number(params['percentage'])}%"
    if action.action is ActionKind.TURN_ON and "fan_mode" in params:
        return "Set the fan mode of", f" to {params['fan_mode']}"
    if action.action is ActionKind.START and params.get("area"):
        return "Started", f" in the {params['area']}"
    if action.action is ActionKind.MEDIA_PLAY and "media_title" in params:
        return "Playing", f": {params['media_title']}"
    return None


def _value(action: Action, device: Device) -> str:
    """ " to 30%": the value an absolute action sets, or for a step the value it reached."""
    key, shape = _VALUES.get(action.action, ("", ""))
    if not key:
        return _AFTER_NAME.get(action.action, "")
    value = action.params.get(key, device.attributes.get(key))
    return f" to {shape.format(number(value))}" if value is not None else ""


def describe_done(actions: Sequence[Action], home: Home) -> str:
    """What was done, by name, in the past tense: "Turned off the Ceiling Light in the Kitchen
    and the Bedside Lamp; Locked the Front Door". ``home`` is the home after the change (for
    relative steps, the value they reached). Also the reply after a confirmation."""
    groups: dict[tuple[str, str], list[Device]] = {}
    for action in actions:
        device = home.devices.get(action.device)
        if device is None or action.action is ActionKind.GET_STATE:
            continue
        verb = PAST_TENSE.get(action.action, "Changed")
        if action.action is ActionKind.TURN_ON and device.domain in MOMENTARY_VERBS:
            verb = MOMENTARY_VERBS[device.domain]
        verb, value = _by_params(action) or (verb, _value(action, device))
        groups.setdefault((verb, value), []).append(device)
    parts = []
    for (verb, value), devices in groups.items():
        if len(devices) > MAX_LISTED:
            parts.append(f"{verb} {count_devices(devices)}{value}")
        else:
            momentary = devices[0].domain in MOMENTARY_VERBS and verb in MOMENTARY_VERBS.values()
            parts.append(f"{verb} {name_devices(devices, home, article=not momentary)}{value}")
    return "; ".join(parts) or "Done"


def done_and_already(
    actions: Sequence[Action], unchanged: Sequence[tuple[ActionKind, Device]], home: Home
) -> str:
    """The whole reply to a command: what was done, then what needed no change."""
    if not unchanged:
        return describe_done(actions, home)
    kind = unchanged[0][0]
    devices = [d for _, d in unchanged]
    if not actions:
        return capitalized(already(kind, devices, home))
    subject, plural = _subject(devices, home)
    state = ALREADY.get(kind) or devices[0].state
    return (
        f"{describe_done(actions, home)}; {subject} {'were' if plural else 'was'} already {state}"
    )
