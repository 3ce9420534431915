"""The intent engine on its own: tiny vocabularies built from YAML, no home, no backend."""

from __future__ import annotations

import pytest
import yaml

from intents.engine import (
    UNKNOWN_AREA,
    IntentEngine,
    intent_context,
    load_intents_dict,
    plausible,
    rank,
)
from intents.vocabulary import VocabArea, VocabEntity, VocabFloor, Vocabulary

TINY = """
floors: [{id: up, name: Upstairs, aliases: [first floor]}]
areas:
  - {id: study, name: Study, aliases: [office], floor: up}
  - {id: den, name: Den}
entities:
  - {id: light.desk, name: Desk Lamp, domain: light, area: study, aliases: [work light]}
  - {id: light.den, name: Den Light, domain: light, area: den}
  - {id: lock.gate, name: Garden Gate, domain: lock}
  - {id: cover.shade, name: Shade, domain: cover, area: den, device_class: shade}
  - {id: climate.den, name: Heater, domain: climate, area: den}
  - {id: media_player.radio, name: Radio, domain: media_player, area: den}
"""


def vocabulary(text: str) -> Vocabulary:
    raw = yaml.safe_load(text)
    return Vocabulary(
        entities=tuple(
            VocabEntity(**{**e, "aliases": tuple(e.get("aliases", ()))}) for e in raw["entities"]
        ),
        areas=tuple(
            VocabArea(**{**a, "aliases": tuple(a.get("aliases", ()))}) for a in raw.get("areas", ())
        ),
        floors=tuple(
            VocabFloor(**{**f, "aliases": tuple(f.get("aliases", ()))})
            for f in raw.get("floors", ())
        ),
    )


@pytest.fixture(scope="module")
def tiny() -> Vocabulary:
    return vocabulary(TINY)


RECOGNIZED = [
    ("turn on the desk lamp", "HassTurnOn", {"name": "Desk Lamp"}),
    ("turn on the work light", "HassTurnOn", {"name": "Desk Lamp"}),
    ("Turn OFF the Desk Lamp!", "HassTurnOff", {"name": "Desk Lamp"}),
    ("turn off the lights in the office", "HassTurnOff", {"area": "Study", "domain": "light"}),
    ("turn on the first floor lights", "HassTurnOn", {"floor": "Upstairs", "domain": "light"}),
    ("turn off all the lights", "HassTurnOff", {"domain": "light"}),
    ("set the desk lamp to 40%", "HassLightSet", {"name": "Desk Lamp", "brightness": 40}),
    ("turn the den light red", "HassLightSet", {"name": "Den Light", "color": "red"}),
    ("dim the desk lamp", "HearthBrightnessStep", {"name": "Desk Lamp", "direction": "down"}),
    ("lock the garden gate", "HassTurnOn", {"name": "Garden Gate"}),
    ("unlock the garden gate", "HassTurnOff", {"name": "Garden Gate"}),
    ("open the shade", "HassTurnOn", {"name": "Shade"}),
    (
        "set the heater to 21 degrees",
        "HassClimateSetTemperature",
        {"name": "Heater", "temperature": 21},
    ),
    ("what is the temperature in the den", "HassClimateGetTemperature", {"area": "Den"}),
    ("is the garden gate locked", "HassGetState", {"name": "Garden Gate", "state": "locked"}),
    ("pause the radio", "HassMediaPause", {"name": "Radio"}),
    ("next song", "HassMediaNext", {}),
    ("set the volume to 30", "HassSetVolume", {"volume_level": 30}),
    ("what time is it", "HassGetCurrentTime", {}),
    ("what's the date", "HassGetCurrentDate", {}),
    ("yes", "HearthConfirm", {}),
    ("no thanks", "HearthDeny", {}),
    ("undo that", "HearthUndo", {}),
    ("the den one", "HearthSelect", {"area": "Den"}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), RECOGNIZED, ids=[r[0] for r in RECOGNIZED])
def test_recognizes(
    engine: IntentEngine, tiny: Vocabulary, text: str, intent: str, slots: dict
) -> None:
    result = engine.recognize(text, tiny)
    assert result is not None, text
    assert result.intent == intent
    for key, value in slots.items():
        assert result.slots.get(key) == value
    assert result.source == "local"


@pytest.mark.parametrize(
    "text",
    [
        "turn on the jacuzzi",
        "what's the capital of France",
        "",
        "   ",
        "how tall is mount everest",
    ],
)
def test_does_not_recognize(engine: IntentEngine, tiny: Vocabulary, text: str) -> None:
    assert engine.recognize(text, tiny) is None


def test_context_area_means_this_room(engine: IntentEngine, tiny: Vocabulary) -> None:
    assert engine.recognize("turn on the lights", tiny, {"area": "Den"}).slots["area"] == "Den"  # type: ignore[union-attr]
    named = engine.recognize("turn on the desk lamp", tiny, {"area": "Den"})
    assert named is not None and "area" not in named.slots  # a named device is not narrowed


def test_unknown_target_names_the_missing_device(engine: IntentEngine, tiny: Vocabulary) -> None:
    assert engine.unknown_target("turn on the jacuzzi", tiny) == (
        "name",
        "the jacuzzi",
    ) or engine.unknown_target("turn on the jacuzzi", tiny)[1].endswith("jacuzzi")  # type: ignore[index]
    assert engine.unknown_target("what's the capital of France", tiny) is None


def test_vocabularies_do_not_leak(engine: IntentEngine, tiny: Vocabulary) -> None:
    other = vocabulary(TINY.replace("Desk Lamp", "Piano Lamp"))
    assert engine.recognize("turn on the piano lamp", other) is not None
    assert engine.recognize("turn on the piano lamp", tiny) is None
    assert engine.recognize("turn on the desk lamp", other) is None


def test_names_with_template_characters_are_literal(engine: IntentEngine) -> None:
    odd = vocabulary("""
entities:
  - {id: light.odd, name: "Lamp (Old) [2]", domain: light}
  - {id: switch.pump, name: pool_pump, domain: switch}
""")
    result = engine.recognize("turn on the lamp (old) [2]", odd)
    assert result is not None and result.slots["name"] == "Lamp (Old) [2]"
    pump = engine.recognize("turn on the pool pump", odd)
    assert pump is not None and pump.slots["name"] == "pool_pump"


def test_template_words_cover_the_commands(engine: IntentEngine) -> None:
    words = engine.template_words()
    assert {"turn", "on", "off", "lights", "brightness", "unlock", "temperature"} <= words
    assert "{name}" not in words


def test_every_package_intent_is_loaded() -> None:
    from home_assistant_intents import get_intents

    data = load_intents_dict("en")
    package = get_intents("en")
    assert package is not None
    assert set(package["intents"]) <= set(data["intents"])
    assert {"HassStartTimer", "HassShoppingListAddItem", "HassGetWeather"} <= set(data["intents"])
    assert {"HearthConfirm", "HearthBrightnessStep"} <= set(data["intents"])


def test_responses_come_from_the_templates(engine: IntentEngine) -> None:
    assert engine.responses["HassTurnOn"]["lights_area"] == "Turned on the lights"
    assert "HassGetState" in engine.responses


def test_template_pruning_gives_the_same_result_as_the_full_set(engine: IntentEngine) -> None:
    """Skipping templates whose name/area/colour list cannot match must never change a result."""
    from hassil.recognize import recognize_all

    from assistant.home.loader import load_home
    from assistant.home.vocab import vocabulary_from_home
    from bench import sets
    from bench.homes import generate_home
    from bench.intents import NO_MATCH, matching_sentences
    from tests.assistant.test_commands_e2e import CASES

    for home in (load_home(), generate_home(120)):
        vocab = vocabulary_from_home(home)
        lists = engine._slot_lists(vocab).slot_lists
        cases = [p.values[0] for p in CASES]
        sentences = [c.text for c in cases] + matching_sentences(home, 60) + NO_MATCH
        # Every phrasing family: templates of every intent, natural and out-of-scope sentences.
        sentences += [e.text for name in sets.SETS for e in sets.load(name)[::7]]
        for text in sentences:
            fast = engine.recognize(text, vocab)
            full = None
            for stand_in in (False, True):
                full = full or min(
                    plausible(
                        recognize_all(
                            " ".join(text.split()),
                            engine.intents,
                            slot_lists=lists,
                            intent_context=intent_context(None, stand_in=stand_in),
                            language="en",
                        ),
                        vocab,
                    ),
                    key=rank,
                    default=None,
                )
            assert (fast.intent if fast else None) == (full.intent.name if full else None), text
            if fast is not None and full is not None:
                assert fast.response_key == full.response, text
                for entity in full.entities_list:
                    if entity.value != UNKNOWN_AREA:
                        assert fast.slots[entity.name] == entity.value, text
