"""What the intent engine may match: names of devices, areas and floors, and their domains.

Kept separate from the Home model so that ``intents`` knows nothing of backends; the assistant
builds a Vocabulary from whatever home it controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

_WORD = re.compile(r"[\w']+")


def words_of(text: str) -> list[str]:
    """Lower-case words, the unit the fuzzy repair and name filtering work on."""
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class VocabEntity:
    id: str
    name: str
    domain: str
    area: str | None = None  # area id
    aliases: tuple[str, ...] = ()
    device_class: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class VocabArea:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    floor: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class VocabFloor:
    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Vocabulary:
    entities: tuple[VocabEntity, ...] = ()
    areas: tuple[VocabArea, ...] = ()
    floors: tuple[VocabFloor, ...] = ()
    extra_words: tuple[str, ...] = field(default=())

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word a name, area or floor is made of (for ASR repair and prompts)."""
        found: set[str] = set(self.extra_words)
        for item in (*self.entities, *self.areas, *self.floors):
            for name in item.names:
                found.update(words_of(name))
        return frozenset(found)

    @cached_property
    def phrases(self) -> tuple[str, ...]:
        """Every name and alias of a device, area or floor, and each device name led by its
        area's ("living room blinds"), for repairing misheard names: a misheard word inside
        such a phrase is found by the whole phrase when the word alone is too short to judge."""
        area_names = {a.id: a.names for a in self.areas}
        names = [n for item in (*self.entities, *self.areas, *self.floors) for n in item.names]
        for entity in self.entities:
            for area in area_names.get(entity.area or "", ()):
                names += [
                    f"{area} {name}"
                    for name in entity.names
                    if area.casefold() not in name.casefold()
                ]
        return tuple(dict.fromkeys(names))

    @cached_property
    def domains(self) -> frozenset[str]:
        return frozenset(e.domain for e in self.entities)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other
