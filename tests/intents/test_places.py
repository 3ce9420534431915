"""Quantifiers ("all", "every") and pointing words ("here", "this room") are never area names:
"here" is the speaker's room, "all the lights" is every light."""

from __future__ import annotations

import pytest

from assistant.home.loader import load_home
from assistant.home.vocab import vocabulary_from_home
from intents.engine import IntentEngine
from intents.vocabulary import Vocabulary
from tests.conftest import ConversationFactory


@pytest.fixture(scope="module")
def demo() -> Vocabulary:
    return vocabulary_from_home(load_home())


HERE = [
    "turn off the lights in here",
    "turn off the lights in this room",
    "turn off all the lights here",
    "switch the light off in this room",
]
EVERYWHERE = [
    "turn off all the lights",
    "turn off every light in the house",
    "switch off all of the lights",
    "turn off the lights in every room",
]


@pytest.mark.parametrize("text", HERE)
def test_here_is_the_speakers_room(engine: IntentEngine, demo: Vocabulary, text: str) -> None:
    found = engine.recognize(text, demo, {"area": "Kitchen"})
    assert found is not None and found.intent == "HassTurnOff"
    assert found.slots["area"] == "Kitchen"
    assert found.slots["domain"] == "light"


@pytest.mark.parametrize("text", HERE)
def test_here_with_no_room_known_leaves_the_room_open(
    engine: IntentEngine, demo: Vocabulary, text: str
) -> None:
    found = engine.recognize(text, demo)
    assert found is not None and found.intent == "HassTurnOff"
    assert "area" not in found.slots and "area" not in found.context
    assert found.slots["domain"] == "light"


@pytest.mark.parametrize("text", EVERYWHERE)
@pytest.mark.parametrize("room", [None, "Kitchen"])
def test_all_means_everywhere(
    engine: IntentEngine, demo: Vocabulary, text: str, room: str | None
) -> None:
    found = engine.recognize(text, demo, {"area": room} if room else None)
    assert found is not None and found.intent == "HassTurnOff"
    assert "area" not in found.slots
    assert found.slots["domain"] == "light"


def test_quantified_rooms_and_floors_keep_their_place(
    engine: IntentEngine, demo: Vocabulary
) -> None:
    found = engine.recognize("turn off every light in the bedroom", demo)
    assert found is not None and found.slots["area"] == "Bedroom"
    found = engine.recognize("switch off all lights upstairs", demo)
    assert found is not None and found.slots["floor"] == "First Floor"


@pytest.mark.parametrize("text", [*HERE, "turn on the lights in every room", "is anything on here"])
def test_pointing_words_are_never_an_unknown_area(
    make_conversation: ConversationFactory, text: str
) -> None:
    for room in (None, "Kitchen"):
        reply = make_conversation(this_room=room).handle(text).response
        assert "area called" not in reply, reply


def test_unknown_target_skips_pointing_words(engine: IntentEngine, demo: Vocabulary) -> None:
    for text in (
        "turn on the lights in all the rooms here",
        "close the blinds in this whole house",
    ):
        assert engine.unknown_target(text, demo) is None, text
    slot, value = engine.unknown_target("turn on the lights in the attic", demo) or ("", "")
    assert slot == "area" and value.endswith("attic")


def test_free_text_about_what_the_home_lacks_is_no_question(
    engine: IntentEngine, demo: Vocabulary
) -> None:
    from dataclasses import replace

    from intents.vocabulary import VocabEntity

    assert engine.recognize("who is the president of france", demo) is None
    with_people = replace(demo, entities=(*demo.entities, VocabEntity("person.al", "Al", "person")))
    found = engine.recognize("who is at work", with_people)
    assert found is not None and found.intent == "HassGetState"
    assert found.slots["domain"] == "person"
