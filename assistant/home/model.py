"""The Home: floors, areas and devices with their state. Immutable snapshots.

Backends own the live state and hand out snapshots; everything else (intents, actions, UI) reads
snapshots, so no reader ever sees a half-applied command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from assistant.home.media_library import MediaLibrary


class Domain(StrEnum):
    """Home Assistant's entity domains that Hearth knows how to show and control.

    A home may hold entities of any other Home Assistant domain (weather, person, todo, sun,
    zone, ...): their devices carry an :class:`OtherDomain` instead, are shown read-only and
    can be asked about, but no command reaches them.
    """

    LIGHT = "light"
    SWITCH = "switch"
    FAN = "fan"
    COVER = "cover"
    LOCK = "lock"
    CLIMATE = "climate"
    MEDIA_PLAYER = "media_player"
    VACUUM = "vacuum"
    SENSOR = "sensor"
    BINARY_SENSOR = "binary_sensor"
    SCENE = "scene"
    SCRIPT = "script"
    TIMER = "timer"
    ALARM_CONTROL_PANEL = "alarm_control_panel"
    BUTTON = "button"
    VALVE = "valve"
    HUMIDIFIER = "humidifier"
    WATER_HEATER = "water_heater"
    INPUT_BOOLEAN = "input_boolean"
    LAWN_MOWER = "lawn_mower"


class OtherDomain(str):
    """A Home Assistant domain Hearth does not control ("weather", "person", "todo", ...).

    It reads like a :class:`Domain` member wherever code only needs the name (``.value``,
    ``str()``, comparing with a string), so code that switches on ``Domain`` simply finds no
    match for it instead of failing.
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        return str.__str__(self)


def domain_of(name: str) -> Domain | OtherDomain:
    """The Domain member for ``name`` when Hearth controls that domain, else an OtherDomain."""
    if isinstance(name, Domain | OtherDomain):
        return name
    try:
        return Domain(name)
    except ValueError:
        return OtherDomain(name)


@dataclass(frozen=True)
class Floor:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    floor: str | None = None


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    #: Any Home Assistant domain; a plain string becomes a Domain member when Hearth knows it.
    domain: Domain | OtherDomain
    area: str | None = None
    aliases: tuple[str, ...] = ()
    state: str = "unknown"
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.domain, Domain | OtherDomain):
            object.__setattr__(self, "domain", domain_of(str(self.domain)))

    @property
    def controllable(self) -> bool:
        """Whether Hearth can command this device at all (its domain is a Domain member)."""
        return isinstance(self.domain, Domain)

    @property
    def device_class(self) -> str | None:
        value = self.attributes.get("device_class")
        return str(value) if value is not None else None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def with_state(self, state: str, attributes: Mapping[str, Any] | None = None) -> Device:
        return replace(
            self,
            state=state,
            attributes=dict(self.attributes if attributes is None else attributes),
        )

    def __hash__(self) -> int:
        return hash(self.id)


_Named = TypeVar("_Named", Area, Floor)


def _find(items: Iterable[_Named], name_or_id: str) -> _Named | None:
    wanted = name_or_id.strip().casefold()
    for item in items:
        if wanted in {item.id.casefold(), item.name.casefold(), *map(str.casefold, item.aliases)}:
            return item
    return None


class Home:
    """A snapshot of the whole home, indexed for lookup by id.

    ``warnings`` are the loader's one-line notes about entries of the home file it left out
    (file:line and why), so a front end can show them beside the home they belong to.
    """

    def __init__(
        self,
        areas: Iterable[Area] = (),
        devices: Iterable[Device] = (),
        floors: Iterable[Floor] = (),
        warnings: Iterable[str] = (),
        media: MediaLibrary | None = None,
    ) -> None:
        self.areas: dict[str, Area] = {a.id: a for a in areas}
        self.devices: dict[str, Device] = {d.id: d for d in devices}
        self.floors: dict[str, Floor] = {f.id: f for f in floors}
        self.warnings: tuple[str, ...] = tuple(warnings)
        # What "play some jazz" can find (the home file's ``media:`` list).
        self.media: MediaLibrary = media or MediaLibrary()

    def device(self, device_id: str) -> Device:
        return self.devices[device_id]

    def area_of(self, device: Device) -> Area | None:
        return self.areas.get(device.area) if device.area else None

    def floor_of_area(self, area_id: str | None) -> Floor | None:
        if area_id is None:
            return None
        area = self.areas.get(area_id)
        if area is not None and area.floor:
            return self.floors.get(area.floor)
        for floor in self.floors.values():
            if area_id in floor.areas:
                return floor
        return None

    def areas_on_floor(self, floor_id: str) -> list[Area]:
        return [
            a for a in self.areas.values() if (f := self.floor_of_area(a.id)) and f.id == floor_id
        ]

    def find_area(self, name_or_id: str) -> Area | None:
        """Find an area by id, name or alias, ignoring case."""
        return _find(self.areas.values(), name_or_id)

    def find_floor(self, name_or_id: str) -> Floor | None:
        """Find a floor by id, name or alias, ignoring case."""
        return _find(self.floors.values(), name_or_id)

    def with_device(self, device: Device) -> Home:
        devices = dict(self.devices)
        devices[device.id] = device
        return Home(
            self.areas.values(), devices.values(), self.floors.values(), self.warnings, self.media
        )

    def __len__(self) -> int:
        return len(self.devices)
