"""Build the intent engine's Vocabulary from a Home (the one bridge from home to intents)."""

from __future__ import annotations

from assistant.home.model import Home
from intents.vocabulary import VocabArea, VocabEntity, VocabFloor, Vocabulary


def vocabulary_from_home(home: Home) -> Vocabulary:
    return Vocabulary(
        entities=tuple(
            VocabEntity(
                id=d.id,
                name=d.name,
                domain=str(d.domain),
                area=d.area,
                aliases=d.aliases,
                device_class=d.device_class,
            )
            for d in home.devices.values()
        ),
        areas=tuple(
            VocabArea(
                id=a.id,
                name=a.name,
                aliases=a.aliases,
                floor=(f.id if (f := home.floor_of_area(a.id)) else None),
            )
            for a in home.areas.values()
        ),
        floors=tuple(
            VocabFloor(id=f.id, name=f.name, aliases=f.aliases) for f in home.floors.values()
        ),
    )
