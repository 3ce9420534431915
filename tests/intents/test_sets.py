"""Floors on the benchmark's own intent sets (bench/sets), and Home Assistant's slot names.

The sampled sets come from the package's templates: wherever plain hassil (as Home Assistant
runs it) gets a sentence right, Hearth must too. The natural and out-of-scope floors sit a little
below what was measured, so a regression shows without pinning the list sentence by sentence.
"""

from __future__ import annotations

import pytest
from hassil.intents import Intents

from bench import sets
from bench.intents import hearth_recognizer, reference_intents, reference_recognizer
from bench.sets.sampling import homes
from intents.engine import IntentEngine
from intents.vocabulary import Vocabulary

NATURAL_FLOOR = 0.95  # measured 0.99 intent+slots
OUT_OF_SCOPE_MAX_ACCEPTED = 0.04  # measured 0.02
SAMPLED_STRIDE = 3  # every third sampled sentence keeps the test quick


@pytest.fixture(scope="module")
def vocabularies() -> dict[str, Vocabulary]:
    return homes()


@pytest.fixture(scope="module")
def reference() -> Intents:
    return reference_intents()


def _right(example: sets.Example, found: tuple[str, dict] | None) -> bool:
    intent, slots = found if found is not None else (None, {})
    return intent == example.intent and (intent is None or sets.slots_match(example, slots))


@pytest.mark.parametrize("name", ["sampled-demo", "sampled-generated"])
def test_hearth_gets_every_sampled_sentence_plain_hassil_gets(
    engine: IntentEngine, reference: Intents, vocabularies: dict[str, Vocabulary], name: str
) -> None:
    vocabulary = vocabularies[name]
    hearth = hearth_recognizer(engine, vocabulary)
    hassil = reference_recognizer(reference, vocabulary)
    examples = sets.load(name)[::SAMPLED_STRIDE]
    assert len({e.intent for e in examples}) >= 30  # every family of the package is sampled
    worse = []
    right = 0
    for example in examples:
        ours = _right(example, hearth(example.text, example.room))
        right += ours
        if not ours and _right(example, hassil(example.text, example.room)):
            worse.append(example.text)
    assert not worse, worse[:10]
    assert right / len(examples) >= 0.95


def test_natural_commands_floor(engine: IntentEngine, vocabularies: dict[str, Vocabulary]) -> None:
    examples = sets.load("natural")
    assert len(examples) >= 300
    hearth = hearth_recognizer(engine, vocabularies["sampled-demo"])
    right = sum(_right(e, hearth(e.text, e.room)) for e in examples)
    assert right / len(examples) >= NATURAL_FLOOR


def test_out_of_scope_is_rarely_accepted(
    engine: IntentEngine, vocabularies: dict[str, Vocabulary]
) -> None:
    examples = sets.load("out-of-scope")
    assert len(examples) >= 100
    hearth = hearth_recognizer(engine, vocabularies["sampled-demo"])
    accepted = [e.text for e in examples if hearth(e.text, e.room) is not None]
    assert len(accepted) / len(examples) <= OUT_OF_SCOPE_MAX_ACCEPTED, accepted


def test_scoring_tells_right_from_wrong() -> None:
    sampled = sets.Example("x", "HassTurnOn", {"name": "Lamp"}, exact=True)
    assert sets.slots_match(sampled, {"name": "lamp"})
    assert not sets.slots_match(sampled, {"name": "Lamp", "area": "Kitchen"})
    natural = sets.Example("x", "HassLightSet", {"brightness": 50})
    assert sets.slots_match(natural, {"brightness": 50.0, "area": "Kitchen"})
    assert not sets.slots_match(natural, {"brightness": 40})


HA_SLOTS = [
    ("set the volume to 30", None, "HassSetVolume", {"volume_level": 30}),
    ("set a timer for 5 minutes", None, "HassStartTimer", {"minutes": 5}),
    ("add milk to my shopping list", None, "HassShoppingListAddItem", {"item": "milk"}),
    ("add apples to groceries", None, "HassListAddItem", {"item": "apples", "name": "Groceries"}),
    ("set the ceiling fan to 50%", None, "HassFanSetSpeed", {"percentage": 50}),
    (
        "are any garage doors open",
        None,
        "HassGetState",
        {"domain": "cover", "device_class": "garage", "state": "open"},
    ),
    ("what's the weather in london", None, "HassGetWeather", {"name": "London"}),
    (
        "turn off the lights in 10 minutes",
        None,
        "HassStartTimer",
        {"minutes": 10, "conversation_command": "turn off the lights"},
    ),
    ("play the beatles in the kitchen", None, "HassMediaSearchAndPlay", {"area": "Kitchen"}),
    ("turn up the volume", "Kitchen", "HassSetVolumeRelative", {"volume_step": "up"}),
]


@pytest.mark.parametrize(
    ("text", "room", "intent", "slots"), HA_SLOTS, ids=[h[0] for h in HA_SLOTS]
)
def test_slot_names_are_home_assistants(
    engine: IntentEngine,
    vocabularies: dict[str, Vocabulary],
    text: str,
    room: str | None,
    intent: str,
    slots: dict,
) -> None:
    found = engine.recognize(text, vocabularies["sampled-demo"], {"area": room} if room else None)
    assert found is not None and found.intent == intent
    for key, value in slots.items():
        assert found.slots.get(key) == value, found.slots


def test_a_named_device_carries_its_domain_and_class(
    engine: IntentEngine, vocabularies: dict[str, Vocabulary]
) -> None:
    found = engine.recognize("open the garage door", vocabularies["sampled-demo"])
    assert found is not None and found.intent == "HassTurnOn"
    assert found.slots["name"] == "Garage Door"
    assert found.context["domain"] == "cover"
    assert found.context["device_class"] == "garage"
