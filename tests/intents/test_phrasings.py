"""What people say beyond the package's templates, understood without a model (recognition side):
relative temperature, "halfway", a room plus a device kind as the name, relative steps "by N"."""

from __future__ import annotations

import pytest

from assistant.home.loader import load_home
from assistant.home.vocab import vocabulary_from_home
from intents.engine import IntentEngine
from intents.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def demo() -> Vocabulary:
    return vocabulary_from_home(load_home())


PHRASINGS = [
    (
        "make it a bit warmer in the living room",
        "HearthClimateStep",
        {"direction": "up", "area": "Living Room"},
    ),
    (
        "lower the heating in the bedroom by 2 degrees",
        "HearthClimateStep",
        {"direction": "down", "area": "Bedroom", "temperature_step": 2},
    ),
    ("turn the heat up", "HearthClimateStep", {"direction": "up"}),
    ("turn down the heating on the radiator", "HearthClimateStep", {"name": "Radiator"}),
    (
        "set the living room thermostat to 20",
        "HassClimateSetTemperature",
        {"area": "Living Room", "temperature": 20},
    ),
    (
        "set the thermostat in the bedroom to 18 degrees",
        "HassClimateSetTemperature",
        {"area": "Bedroom", "temperature": 18},
    ),
    (
        "open the bedroom curtains halfway",
        "HassSetPosition",
        {"area": "Bedroom", "device_class": "curtain", "position": 50},
    ),
    ("close the garage door half way", "HassSetPosition", {"name": "Garage Door", "position": 50}),
    (
        "increase the brightness by 1%",
        "HearthBrightnessStep",
        {"direction": "up", "brightness_step": 1},
    ),
    ("is the tv on", "HassGetState", {"name": "TV", "state": "on"}),
    ("how humid is it in the kitchen", "HassGetState", {"device_class": "humidity"}),
    ("is anything on in the kitchen", "HassGetState", {"area": "Kitchen", "state": "on"}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_everyday_phrasings(
    engine: IntentEngine, demo: Vocabulary, text: str, intent: str, slots: dict
) -> None:
    found = engine.recognize(text, demo)
    assert found is not None and found.intent == intent, found
    for key, value in slots.items():
        assert found.slots.get(key) == value, found.slots


def test_a_lamp_is_never_heated(engine: IntentEngine, demo: Vocabulary) -> None:
    found = engine.recognize("turn up the heating on the floor lamp", demo)
    assert found is None or found.intent != "HearthClimateStep"
