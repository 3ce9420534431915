"""Which devices a recognized sentence is about: by name, area, floor, domain and device class.

Ambiguity is reported, never guessed: three "Ceiling Light"s and no room named means a question
back to the user, unless the speaker's own room settles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.home.model import Area, Device, Floor, Home
from intents.vocabulary import words_of


@dataclass(frozen=True)
class TargetQuery:
    name: str | None = None
    # The words actually said for the name: an alias ("window blinds") that only one of several
    # same-named devices has picks that device.
    spoken_name: str | None = None
    area: str | None = None  # area name as matched
    floor: str | None = None
    domains: frozenset[str] = frozenset()
    device_classes: frozenset[str] = frozenset()
    speaker_area: str | None = None  # area id of "this room"
    everywhere: bool = False
    require_place: bool = False  # a command with no room: ask which, unless only one room fits


@dataclass(frozen=True)
class Targets:
    devices: tuple[Device, ...] = ()
    ambiguous: tuple[Device, ...] = ()  # same name in several rooms; ask which
    error: str | None = None  # why nothing matched, for the user
    area: Area | None = None
    floor: Floor | None = None
    candidates: tuple[Device, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return bool(self.devices) and not self.ambiguous and self.error is None


def _matches_name(device: Device, name: str) -> bool:
    wanted = name.casefold()
    return any(n.casefold() == wanted for n in device.names)


def _said(device: Device, spoken: str) -> bool:
    wanted = words_of(spoken)
    return any(words_of(n) == wanted for n in device.names)


def _label(domains: Iterable[str], classes: Iterable[str]) -> str:
    classes = sorted(classes)
    if classes:
        return " or ".join(c.replace("_", " ") for c in classes)
    domains = sorted(domains)
    return " or ".join(d.replace("_", " ") for d in domains) or "device"


def resolve(home: Home, query: TargetQuery) -> Targets:
    area = home.find_area(query.area) if query.area else None
    if query.area and area is None:
        return Targets(error=f"Sorry, I am not aware of any area called {query.area}")
    floor = home.find_floor(query.floor) if query.floor else None
    if query.floor and floor is None:
        return Targets(error=f"Sorry, I am not aware of any floor called {query.floor}")

    candidates = list(home.devices.values())
    if query.domains:
        candidates = [d for d in candidates if d.domain.value in query.domains]
    if query.device_classes:
        candidates = [d for d in candidates if d.device_class in query.device_classes]

    if query.name:
        named = [d for d in candidates if _matches_name(d, query.name)]
        if not named:
            return Targets(error=f"Sorry, I am not aware of any device called {query.name}")
        if query.spoken_name and len(named) > 1:
            named = [d for d in named if _said(d, query.spoken_name)] or named
        in_place = _in_place(home, named, area, floor)
        if not in_place:
            place = area.name if area else floor.name if floor else ""
            return Targets(
                error=f"Sorry, I am not aware of any device called {query.name} in the {place}"
            )
        if len(in_place) > 1 and not (area or floor):
            local = [d for d in in_place if query.speaker_area and d.area == query.speaker_area]
            if len(local) == 1:
                return Targets(devices=tuple(local), area=home.areas.get(local[0].area or ""))
            if len({d.area for d in in_place}) > 1:
                return Targets(ambiguous=tuple(in_place))
        return Targets(devices=tuple(in_place), area=area, floor=floor)

    label = _label(query.domains, query.device_classes)
    if area is None and floor is None and not query.everywhere and query.speaker_area:
        area = home.areas.get(query.speaker_area)
    if area is not None or floor is not None:
        found = _in_place(home, candidates, area, floor)
        if not found:
            place = f"in the {area.name} area" if area else f"on the {floor.name}"  # type: ignore[union-attr]
            return Targets(error=f"Sorry, I am not aware of any {label} {place}")
        return Targets(devices=tuple(found), area=area, floor=floor)
    if not candidates:
        return Targets(error=f"Sorry, I am not aware of any {label}")
    if not (query.domains or query.device_classes):
        return Targets(error="Sorry, which device do you mean?")
    if query.require_place and not query.everywhere and len({d.area for d in candidates}) > 1:
        return Targets(ambiguous=tuple(candidates))
    return Targets(devices=tuple(candidates))


#: Words for one device of a kind: "the lamp" is one lamp, "the lamps" every one of them.
SINGULAR_NOUNS = frozenset({"lamp", "light", "bulb", "fan", "heater", "speaker"})
QUANTIFIERS = frozenset({"all", "every", "everything", "both", "each"})


def singular_noun(text: str) -> str | None:
    """The kind of device the sentence asks for one of ("turn on the lamp" → "lamp"), or None
    when it asks for several ("the lamps", "all the lights", "both lamps")."""
    words = words_of(text)
    if QUANTIFIERS.intersection(words):
        return None
    nouns = [w for w in words if w in SINGULAR_NOUNS]
    return nouns[-1] if nouns else None


def _kind_words(device: Device) -> set[str]:
    """The words of a device's names, plurals made singular ("Counter Lights" → light)."""
    words = {w for n in device.names for w in words_of(n)}
    return words | {w[:-1] for w in words if w.endswith("s") and not w.endswith("ss")}


def one_of_a_kind(targets: Targets, noun: str) -> Targets:
    """ "the lamp": the one device of that kind, or a question when it could be several.

    Devices whose names say the noun ("Floor Lamp" for "lamp") are preferred. When the ones
    left are in different rooms the answer is a question (which room?); when they share a room
    they stay as they are, since the question back is asked by room.
    """
    pool = targets.ambiguous or targets.devices
    if targets.error or len(pool) <= 1:
        return targets
    pool = tuple(d for d in pool if noun in _kind_words(d)) or pool
    if len(pool) == 1:
        return Targets(devices=pool, area=targets.area, floor=targets.floor)
    if len({d.area for d in pool}) > 1:
        return Targets(ambiguous=pool)
    return Targets(devices=pool, area=targets.area, floor=targets.floor)


def _in_place(
    home: Home, devices: Iterable[Device], area: Area | None, floor: Floor | None
) -> list[Device]:
    result = []
    for device in devices:
        if area is not None and device.area != area.id:
            continue
        if floor is not None:
            device_floor = home.floor_of_area(device.area)
            if device_floor is None or device_floor.id != floor.id:
                continue
        result.append(device)
    return result
