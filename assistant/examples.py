"""“What can I say?”: example sentences built from this home, by room and device kind.

Read by the window's Help → What can I say? (F1) and by the spoken answer to "help".

A list of generic examples ("turn on the lights") teaches little in a home whose lamp is the
"Chandelier"; these use the home's own rooms and names. Candidates come from a few sentence
shapes per device kind; the window keeps only those the intent engine understands
(``Conversation.recognize``), so an example never fails when clicked, whatever the home.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from assistant.home.model import Device, Domain, Home

#: At most this many examples per room: enough to learn from, short enough to read.
PER_ROOM = 6
WHOLE_HOME = "Whole home"

_SWITCHES = {Domain.SWITCH, Domain.FAN, Domain.INPUT_BOOLEAN}


@dataclass(frozen=True)
class Example:
    room: str
    kind: str  # "Lights", "Locks", … (what the example is about)
    text: str


def _candidates(device: Device, target: str) -> list[tuple[str, str]]:
    """(kind, sentence) shapes for one device; ``target`` names it unambiguously."""
    domain = device.domain
    if domain in _SWITCHES:
        on = device.state == "on"
        return [("Switches", f"turn {'off' if on else 'on'} the {target}")]
    if domain is Domain.COVER:
        shapes = [("Covers", f"{'close' if device.state == 'open' else 'open'} the {target}")]
        if "position" in device.attributes:
            shapes.append(("Covers", f"set the {target} to 50 percent"))
        return shapes
    if domain is Domain.LOCK:
        return [("Locks", f"is the {target} locked"), ("Locks", f"lock the {target}")]
    if domain is Domain.CLIMATE:
        return [("Heating", f"set the {target} to 21 degrees")]
    if domain is Domain.MEDIA_PLAYER:
        return [
            ("Media", f"pause the {target}"),
            ("Media", f"set the {target} volume to 30 percent"),
        ]
    if domain in {Domain.VACUUM, Domain.LAWN_MOWER}:
        return [("Cleaning", f"start the {target}")]
    if domain in {Domain.SCENE, Domain.SCRIPT}:
        return [("Scenes", f"activate {device.name.lower()}")]
    if domain is Domain.SENSOR:
        return [("Sensors", f"what is the {target}")]
    return []


def candidates(home: Home) -> list[Example]:
    """Every candidate sentence, room by room in the home file's order (rooms without any
    device left out; devices in no room under "Whole home")."""
    names = Counter(d.name.lower() for d in home.devices.values())
    rooms: dict[str | None, list[Example]] = {}
    for area in home.areas.values():
        room = area.name
        devices = [d for d in home.devices.values() if d.area == area.id]
        found: list[Example] = []
        lights = [d for d in devices if d.domain is Domain.LIGHT]
        if lights:
            on = any(d.state == "on" for d in lights)
            found.append(
                Example(room, "Lights", f"turn {'off' if on else 'on'} the {room.lower()} lights")
            )
            if any("brightness" in d.attributes for d in lights):
                found.append(
                    Example(room, "Lights", f"set the {room.lower()} lights to 50 percent")
                )
        for device in devices:
            name = device.name.lower()
            target = name if names[name] == 1 else f"{name} in the {room.lower()}"
            found += [Example(room, kind, text) for kind, text in _candidates(device, target)]
        rooms[area.id] = found
    elsewhere = [d for d in home.devices.values() if d.area not in home.areas]
    rooms[None] = [
        Example(WHOLE_HOME, kind, text)
        for device in elsewhere
        for kind, text in _candidates(device, device.name.lower())
    ]
    return [example for found in rooms.values() for example in found]


def examples(home: Home, understood: Callable[[str], bool]) -> list[Example]:
    """The candidates the engine understands, at most :data:`PER_ROOM` per room, one of each
    kind first so a room's list shows its variety."""
    chosen: list[Example] = []
    by_room: dict[str, list[Example]] = {}
    for example in candidates(home):
        if understood(example.text):
            by_room.setdefault(example.room, []).append(example)
    for room_examples in by_room.values():
        kinds: dict[str, list[Example]] = {}
        for example in room_examples:
            kinds.setdefault(example.kind, []).append(example)
        ordered = [group[0] for group in kinds.values()]
        ordered += [e for group in kinds.values() for e in group[1:]]
        chosen += ordered[:PER_ROOM]
    return chosen
