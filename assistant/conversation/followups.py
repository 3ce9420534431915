"""Sentences that lean on an earlier turn: "which one?" answered, "and the bedroom too".

Both rebuild a full recognition from what was stored and what was just said, so the result
goes through the same planning and the same confirmation as a sentence said in one go.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.conversation.state import PendingChoice, TurnContext
from assistant.home.model import Device, Home
from intents.engine import Recognition
from intents.vocabulary import words_of

#: Slots a new place replaces; "refers" ("them") does not carry over to another room.
_PLACE_SLOTS = ("area", "floor")


def which_question(devices: Sequence[Device], home: Home) -> str:
    """ "Which Lamp do you mean: the Bedroom or the Living Room?" """
    areas: list[str] = []
    for device in devices:
        area = home.areas.get(device.area or "")
        if area is not None and area.name not in areas:
            areas.append(area.name)
    names = {d.name for d in devices}
    shown = [f"the {a}" for a in areas[:5]]
    if len(areas) > 5:
        shown.append("somewhere else")
    options = " or ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else "".join(shown)
    if len(names) == 1:
        return f"Which {next(iter(names))} do you mean: {options}?"
    return f"In which room: {options}?"


def clarified(text: str, home: Home, choice: PendingChoice) -> Recognition | None:
    """The answer to "which one?": a room named in the reply narrows the request, or None."""
    words = f" {' '.join(words_of(text))} "
    slots = dict(choice.recognition.slots)
    candidate_areas = {home.devices[c].area for c in choice.candidates if c in home.devices}
    for area in home.areas.values():
        if area.id in candidate_areas and any(
            f" {' '.join(words_of(n))} " in words for n in (area.name, *area.aliases)
        ):
            slots["area"] = area.name
            slots.pop("floor", None)
            break
    else:
        return None
    asked = choice.recognition
    return Recognition(
        intent=asked.intent,
        slots=slots,
        text=text,
        response_key=asked.response_key,
        slot_texts={**asked.slot_texts, "area": slots["area"]},
        context=asked.context,
        source=asked.source,
        confidence=asked.confidence,
    )


def in_another_place(previous: TurnContext, said: Recognition, text: str) -> Recognition:
    """ "and the bedroom too": the previous request again, in the room or floor just named."""
    raw = previous.recognition
    slots = {k: v for k, v in raw.slots.items() if k not in (*_PLACE_SLOTS, "refers")}
    texts = {k: v for k, v in raw.slot_texts.items() if k not in _PLACE_SLOTS}
    for key in _PLACE_SLOTS:
        if key in said.slots:
            slots[key] = said.slots[key]
            texts[key] = said.slot_texts.get(key, str(said.slots[key]))
    context = dict(raw.context) if "name" in slots and raw.context.get("domain") else {}
    return Recognition(
        intent=raw.intent,
        slots=slots,
        text=text,
        response_key=raw.response_key,
        slot_texts=texts,
        context=context,
        source=said.source,
        confidence=said.confidence,
    )
