"""Slot lists for one home, built the way Home Assistant's conversation agent builds them.

``name`` carries each entity's context (its ``domain`` and, when it has one, its
``device_class``), which the templates' ``requires_context``/``excludes_context`` check: "open
the garage door" only fits a cover, "what's the weather in Paris" only a weather entity. ``area``
and ``floor`` hold every area and floor name and alias. The speaker's area goes into the intent
context as Home Assistant passes it (``{"area": {"value": ..., "text": ...}}``).
"""

from __future__ import annotations

from typing import Any

from hassil.expression import TextChunk
from hassil.intents import SlotList, TextSlotList, TextSlotValue

from intents.vocabulary import Vocabulary

HOME_LISTS = frozenset({"name", "area", "floor"})


def clean_name(text: str) -> str:
    """A name as it is spoken: underscores are spaces, runs of blanks one space."""
    return " ".join(text.replace("_", " ").split())


def entity_context(domain: str, device_class: str | None) -> dict[str, Any]:
    """What a ``{name}`` value tells the templates about its entity."""
    context: dict[str, Any] = {"domain": domain}
    if device_class:
        context["device_class"] = device_class
    return context


def build_slot_lists(vocabulary: Vocabulary) -> dict[str, SlotList]:
    """``name``, ``area`` and ``floor`` for ``vocabulary``; values are canonical names."""
    # One value per (spoken text, domain, class): twenty "Lamp"s in twenty rooms are one slot
    # value, otherwise every template would yield twenty identical results to sort through.
    seen: set[tuple[str, str, str | None]] = set()
    names: list[TextSlotValue] = []
    for entity in vocabulary.entities:
        for spoken in entity.names:
            text = clean_name(spoken)
            key = (text.casefold(), entity.domain, entity.device_class)
            if not text or key in seen:
                continue
            seen.add(key)
            names.append(
                TextSlotValue(
                    text_in=TextChunk(text),
                    value_out=entity.name,
                    context=entity_context(entity.domain, entity.device_class),
                )
            )
    areas = [
        TextSlotValue(text_in=TextChunk(clean_name(spoken)), value_out=area.name)
        for area in vocabulary.areas
        for spoken in area.names
        if clean_name(spoken)
    ]
    floors = [
        TextSlotValue(text_in=TextChunk(clean_name(spoken)), value_out=floor.name)
        for floor in vocabulary.floors
        for spoken in floor.names
        if clean_name(spoken)
    ]
    return {
        "name": TextSlotList(name="name", values=names),
        "area": TextSlotList(name="area", values=areas),
        "floor": TextSlotList(name="floor", values=floors),
    }


def speaker_context(area: str | None) -> dict[str, Any]:
    """The intent context for a speaker in ``area`` (an area name), as Home Assistant sends it."""
    if not area:
        return {}
    return {"area": {"value": area, "text": area}}
