"""What one device can do: Home Assistant's supported_features and colour modes, and the
defaults for a home file that gives neither."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.home.action_needs import allows, is_kelvin, needed, refusal
from assistant.home.capabilities import Feature, features, supports
from assistant.home.commands import ActionKind
from assistant.home.ha_features import (
    ClimateEntityFeature,
    CoverEntityFeature,
    MediaPlayerEntityFeature,
    VacuumEntityFeature,
)
from assistant.home.model import Device

K = ActionKind
F = Feature


def dev(domain: str, state: str = "on", name: str = "X", **attributes: Any) -> Device:
    return Device(f"{domain}.x", name, domain, state=state, attributes=attributes)


SUPPORTS = [
    # Hearth's own files: what the attributes show.
    (dev("light"), F.BRIGHTNESS, False),
    (dev("light", brightness=0), F.BRIGHTNESS, True),
    (dev("light", brightness=0), F.COLOR, False),
    (dev("light", color="white"), F.COLOR, True),
    (dev("light", color="white"), F.COLOR_TEMP, True),
    # Home Assistant's colour modes.
    (dev("light", supported_color_modes=["onoff"], brightness=40), F.BRIGHTNESS, False),
    (dev("light", supported_color_modes=["brightness"]), F.BRIGHTNESS, True),
    (dev("light", supported_color_modes=["color_temp"]), F.COLOR_TEMP, True),
    (dev("light", supported_color_modes=["color_temp"]), F.COLOR, False),
    (dev("light", supported_color_modes=["xy", "color_temp"]), F.COLOR, True),
    (dev("light", supported_color_modes=["white"]), F.BRIGHTNESS, True),
    (dev("light", supported_color_modes=[]), F.TURN_ON, True),
    # Bits.
    (dev("cover", supported_features=CoverEntityFeature.OPEN), F.OPEN, True),
    (dev("cover", supported_features=CoverEntityFeature.OPEN), F.CLOSE, False),
    (dev("cover", supported_features=15), F.SET_POSITION, True),
    (dev("cover", supported_features=3, position=50), F.SET_POSITION, False),
    (dev("media_player", supported_features=MediaPlayerEntityFeature.VOLUME_SET), F.PAUSE, False),
    (dev("media_player", supported_features=1048580), F.VOLUME_SET, True),
    (dev("media_player", supported_features=1048580), F.TURN_OFF, False),
    (dev("vacuum", supported_features=VacuumEntityFeature.START), F.RETURN_HOME, False),
    (dev("climate", supported_features=ClimateEntityFeature.TARGET_TEMPERATURE), F.TURN_OFF, False),
    # Older climate exports have no TURN_ON/TURN_OFF bits but switch off through hvac_modes.
    (dev("climate", supported_features=1, hvac_modes=["off", "heat"]), F.TURN_OFF, True),
    (dev("fan", supported_features=1), F.SET_SPEED, True),
    (dev("fan", supported_features=48), F.SET_SPEED, False),
    (dev("fan", supported_features=0), F.TURN_ON, True),  # a fan always has power
    (dev("lock", supported_features=0), F.UNLATCH, False),
    (dev("alarm_control_panel", supported_features=1), F.ARM_AWAY, False),
    # No supported_features: the domain's defaults (the demo home's behaviour).
    (dev("cover"), F.SET_POSITION, False),
    (dev("cover", position=100), F.SET_POSITION, True),
    (dev("cover"), F.STOP, True),
    (dev("media_player"), F.NEXT_TRACK, True),
    (dev("media_player"), F.SEARCH_MEDIA, False),
    (dev("vacuum"), F.RETURN_HOME, True),
    (dev("fan"), F.SET_SPEED, False),
    (dev("fan", percentage=30), F.SET_SPEED, True),
    (dev("switch"), F.TURN_ON, True),
    # A domain Hearth does not control can do nothing.
    (dev("weather", "rainy"), F.TURN_ON, False),
    (dev("person", "home"), F.OPEN, False),
]


@pytest.mark.parametrize(("device", "feature", "expected"), SUPPORTS, ids=range(len(SUPPORTS)))
def test_supports(device: Device, feature: Feature, expected: bool) -> None:
    assert supports(device, feature) is expected


def test_features_are_only_what_the_bits_say() -> None:
    cover = dev("cover", supported_features=CoverEntityFeature.OPEN | CoverEntityFeature.STOP)
    assert features(cover) == {F.OPEN, F.STOP}
    assert features(dev("weather", "sunny")) == frozenset()


def test_needed_follows_the_domain_and_the_colour_asked_for() -> None:
    assert needed(dev("cover"), K.TURN_ON) is F.OPEN
    assert needed(dev("vacuum"), K.TURN_OFF) is F.STOP
    assert needed(dev("light"), K.SET_COLOR, {"color": "2700K"}) is F.COLOR_TEMP
    assert needed(dev("light"), K.SET_COLOR, {"color": "red"}) is F.COLOR
    assert needed(dev("light"), K.TURN_ON) is None
    assert needed(dev("switch"), K.TURN_ON) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2700K", True), ("4000 k", True), ("k", False), ("pink", False), ("27a0K", False)],
)
def test_is_kelvin(text: str, expected: bool) -> None:
    assert is_kelvin(text) is expected


def test_refusal_names_the_device_and_what_it_cannot_do() -> None:
    hallway = dev("light", name="Hallway Light", supported_color_modes=["onoff"])
    assert refusal(hallway, K.SET_COLOR, {"color": "red"}) == "Hallway Light can't change colour"
    assert refusal(hallway, K.SET_BRIGHTNESS) == "Hallway Light can't be dimmed"
    assert refusal(hallway, K.TURN_ON) is None
    assert refusal(hallway, K.GET_STATE) is None
    garage = dev("cover", name="Garage Door", supported_features=3)
    assert refusal(garage, K.SET_POSITION) == "Garage Door can't be set to a position"
    weather = dev("weather", "rainy", name="Home Forecast")
    assert refusal(weather, K.GET_STATE) is None
    assert refusal(weather, K.TURN_ON) == (
        "Home Forecast can only be asked about; Hearth doesn't control weather entities"
    )


def test_allows_counts_a_white_temperature_as_a_colour_change() -> None:
    white = dev("light", supported_color_modes=["color_temp"])
    assert allows(white, K.SET_COLOR)
    assert refusal(white, K.SET_COLOR, {"color": "blue"}) == "X can't change colour"
    assert not allows(dev("light", supported_color_modes=["brightness"]), K.SET_COLOR)


def test_the_bits_are_home_assistants() -> None:
    """A home exported from Home Assistant is read with its own numbers."""
    assert CoverEntityFeature.SET_POSITION == 4 and CoverEntityFeature.SET_TILT_POSITION == 128
    assert MediaPlayerEntityFeature.PLAY == 16384 and MediaPlayerEntityFeature.TURN_OFF == 256
    assert ClimateEntityFeature.TURN_ON == 256 and ClimateEntityFeature.TURN_OFF == 128
    assert VacuumEntityFeature.START == 8192 and VacuumEntityFeature.RETURN_HOME == 16
