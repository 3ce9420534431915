"""What each neutral action does to each domain, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.effects import apply, check, supported_actions
from assistant.home.model import Device, Domain

K = ActionKind


def dev(domain: str, state: str, **attributes: Any) -> Device:
    return Device(
        id=f"{domain}.x", name="X", domain=Domain(domain), state=state, attributes=attributes
    )


PLAYLIST = {"playlist": ["a", "b", "c"], "track": 0, "volume": 30}

EFFECTS = [
    (dev("light", "off", brightness=0), K.TURN_ON, {}, "on", {"brightness": 100}),
    (dev("light", "off", brightness=40), K.TURN_ON, {}, "on", {"brightness": 40}),
    (dev("light", "on", brightness=40), K.TURN_OFF, {}, "off", {}),
    (dev("light", "off", brightness=0), K.TOGGLE, {}, "on", {"brightness": 100}),
    (dev("light", "on", brightness=40), K.TOGGLE, {}, "off", {}),
    (
        dev("light", "off", brightness=0),
        K.SET_BRIGHTNESS,
        {"brightness": 30},
        "on",
        {"brightness": 30},
    ),
    (
        dev("light", "on", brightness=30),
        K.SET_BRIGHTNESS,
        {"brightness": 0},
        "off",
        {"brightness": 0},
    ),
    (
        dev("light", "on", brightness=30),
        K.SET_BRIGHTNESS,
        {"brightness": "55.4"},
        "on",
        {"brightness": 55},
    ),
    (
        dev("light", "off", brightness=0, color="white"),
        K.SET_COLOR,
        {"color": " Red "},
        "on",
        {"color": "red", "brightness": 100},
    ),
    (dev("switch", "off"), K.TURN_ON, {}, "on", {}),
    (dev("switch", "on"), K.TOGGLE, {}, "off", {}),
    (dev("fan", "off"), K.TOGGLE, {}, "on", {}),
    (dev("cover", "closed", position=0), K.OPEN, {}, "open", {"position": 100}),
    (dev("cover", "open", position=100), K.CLOSE, {}, "closed", {"position": 0}),
    (
        dev("cover", "closed", position=0),
        K.SET_POSITION,
        {"position": 40},
        "open",
        {"position": 40},
    ),
    (dev("cover", "open", position=40), K.SET_POSITION, {"position": 0}, "closed", {"position": 0}),
    (dev("cover", "open", position=100), K.TOGGLE, {}, "closed", {"position": 0}),
    (dev("lock", "locked"), K.UNLOCK, {}, "unlocked", {}),
    (dev("lock", "unlocked"), K.LOCK, {}, "locked", {}),
    (
        dev("climate", "heat", temperature=20),
        K.SET_TEMPERATURE,
        {"temperature": 22.5},
        "heat",
        {"temperature": 22.5},
    ),
    (
        dev("climate", "heat", temperature=20),
        K.SET_TEMPERATURE,
        {"temperature": "23"},
        "heat",
        {"temperature": 23},
    ),
    (
        dev("climate", "off", temperature=20, mode="cool"),
        K.SET_TEMPERATURE,
        {"temperature": 18},
        "cool",
        {"temperature": 18},
    ),
    (dev("climate", "heat", temperature=20), K.TURN_OFF, {}, "off", {"mode": "heat"}),
    (dev("climate", "off", mode="cool"), K.TURN_ON, {}, "cool", {}),
    (dev("media_player", "off", **PLAYLIST), K.TURN_ON, {}, "idle", {}),
    (dev("media_player", "idle", **PLAYLIST), K.MEDIA_PLAY, {}, "playing", {}),
    (dev("media_player", "playing", **PLAYLIST), K.MEDIA_PAUSE, {}, "paused", {}),
    (
        dev("media_player", "playing", **PLAYLIST),
        K.MEDIA_NEXT,
        {},
        "playing",
        {"track": 1, "media_title": "b"},
    ),
    (
        dev("media_player", "playing", **PLAYLIST),
        K.MEDIA_PREVIOUS,
        {},
        "playing",
        {"track": 2, "media_title": "c"},
    ),
    (
        dev("media_player", "playing", **PLAYLIST),
        K.SET_VOLUME,
        {"volume": 80},
        "playing",
        {"volume": 80},
    ),
    (dev("media_player", "off", **PLAYLIST), K.SET_VOLUME, {"volume": 10}, "idle", {"volume": 10}),
    (dev("vacuum", "docked"), K.START, {}, "cleaning", {}),
    (dev("vacuum", "cleaning"), K.RETURN_HOME, {}, "returning", {}),
    (dev("vacuum", "cleaning"), K.STOP, {}, "idle", {}),
    (dev("sensor", "20.5"), K.GET_STATE, {}, "20.5", {}),
]


@pytest.mark.parametrize(
    ("device", "kind", "params", "state", "attributes"),
    EFFECTS,
    ids=[f"{d.domain.value}-{k.value}-{i}" for i, (d, k, *_rest) in enumerate(EFFECTS)],
)
def test_effect(
    device: Device, kind: ActionKind, params: dict[str, Any], state: str, attributes: dict[str, Any]
) -> None:
    after = apply(device, Action(device.id, kind, params))
    assert after.state == state
    for key, value in attributes.items():
        assert after.attributes[key] == value
    assert after.id == device.id
    assert (
        device.state != after.state or device.attributes != after.attributes or kind is K.GET_STATE
    )


REFUSED = [
    (dev("light", "on", brightness=50), K.SET_BRIGHTNESS, {"brightness": 101}, "0 to 100"),
    (dev("light", "on", brightness=50), K.SET_BRIGHTNESS, {"brightness": -1}, "0 to 100"),
    (dev("light", "on", brightness=50), K.SET_BRIGHTNESS, {"brightness": "lots"}, "number"),
    (dev("light", "on", brightness=50), K.SET_BRIGHTNESS, {}, "number"),
    (dev("light", "on"), K.SET_BRIGHTNESS, {"brightness": 50}, "can't be dimmed"),
    (dev("light", "on", brightness=50), K.SET_COLOR, {"color": "red"}, "can't change colour"),
    (dev("light", "on", color="red"), K.SET_COLOR, {"color": "  "}, "colour is needed"),
    (dev("cover", "open", position=100), K.SET_POSITION, {"position": 150}, "0 to 100"),
    (
        dev("climate", "heat", min_temp=7, max_temp=30),
        K.SET_TEMPERATURE,
        {"temperature": 31},
        "from 7 to 30",
    ),
    (dev("climate", "heat"), K.SET_TEMPERATURE, {"temperature": 2}, "from 5 to 35"),
    (dev("climate", "heat"), K.SET_TEMPERATURE, {"temperature": "warm"}, "number"),
    (dev("media_player", "playing", volume=10), K.SET_VOLUME, {"volume": 300}, "0 to 100"),
    (dev("media_player", "playing"), K.MEDIA_NEXT, {}, "nothing queued"),
    (dev("lock", "locked"), K.SET_BRIGHTNESS, {"brightness": 5}, "cannot set_brightness"),
    (dev("sensor", "20"), K.TURN_ON, {}, "is a sensor and cannot turn_on"),
    (dev("binary_sensor", "off"), K.TOGGLE, {}, "binary sensor"),
    (dev("switch", "off"), K.UNLOCK, {}, "cannot unlock"),
]


@pytest.mark.parametrize(
    ("device", "kind", "params", "message"),
    REFUSED,
    ids=[f"{d.domain.value}-{k.value}-{i}" for i, (d, k, *_rest) in enumerate(REFUSED)],
)
def test_refused(device: Device, kind: ActionKind, params: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        check(device, Action(device.id, kind, params))


def test_supported_actions() -> None:
    assert K.UNLOCK in supported_actions(Domain.LOCK)
    assert K.TURN_ON not in supported_actions(Domain.LOCK)
    assert supported_actions(Domain.SENSOR) == {K.GET_STATE}
    assert {K.MEDIA_PLAY, K.SET_VOLUME} <= supported_actions(Domain.MEDIA_PLAYER)


def test_action_round_trip() -> None:
    action = Action("light.x", K.SET_BRIGHTNESS, {"brightness": 20})
    assert Action.from_dict(action.to_dict()) == action
    assert action.to_dict() == {
        "device": "light.x",
        "action": "set_brightness",
        "params": {"brightness": 20},
    }


@pytest.mark.parametrize(
    ("device", "kind", "params", "resolved"),
    [
        (dev("light", "on", brightness=40), K.SET_BRIGHTNESS, {"brightness_step": 20}, 60),
        (dev("light", "on", brightness=90), K.SET_BRIGHTNESS, {"brightness_step": 20}, 100),
        (dev("light", "on", brightness=10), K.SET_BRIGHTNESS, {"brightness_step": -20}, 0),
        # An off light counts as 0 %, whatever brightness it remembers.
        (dev("light", "off", brightness=70), K.SET_BRIGHTNESS, {"brightness_step": 20}, 20),
        (dev("media_player", "playing", volume=30), K.SET_VOLUME, {"volume_step": -10}, 20),
        (dev("media_player", "idle"), K.SET_VOLUME, {"volume_step": 10}, 60),
    ],
)
def test_a_relative_step_resolves_from_the_current_value(device, kind, params, resolved) -> None:
    from assistant.home.effects import resolve

    key = "brightness" if kind is K.SET_BRIGHTNESS else "volume"
    action = resolve(device, Action(device.id, kind, params))
    assert action.params == {key: resolved}
    assert apply(device, Action(device.id, kind, params)).attributes[key] == resolved


@pytest.mark.parametrize("step", [float("nan"), float("inf"), 101, -1000, "a lot", None])
def test_a_bad_step_is_refused(step) -> None:
    lamp = dev("light", "on", brightness=40)
    with pytest.raises(CommandError, match="brightness_step"):
        check(lamp, Action(lamp.id, K.SET_BRIGHTNESS, {"brightness_step": step}))


def test_an_absolute_action_is_left_as_it_is() -> None:
    from assistant.home.effects import resolve

    lamp = dev("light", "on", brightness=40)
    action = Action(lamp.id, K.SET_BRIGHTNESS, {"brightness": 10})
    assert resolve(lamp, action) is action
