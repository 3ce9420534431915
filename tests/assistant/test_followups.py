"""Conversation context: follow-ups lean on the previous command until the context expires."""

from __future__ import annotations

from assistant.config import ConversationConfig
from assistant.conversation import Conversation
from assistant.home.simulated import SimulatedBackend
from tests.conftest import Clock, ConversationFactory


def state(backend: SimulatedBackend, device_id: str) -> str:
    return backend.home().devices[device_id].state


def test_and_the_bedroom_too(conversation: Conversation, backend: SimulatedBackend) -> None:
    conversation.handle("turn on the kitchen lights")
    result = conversation.handle("and the bedroom too")
    assert result.intent == "HassTurnOn"
    assert result.slots["area"] == "Bedroom"
    assert state(backend, "light.bedroom_ceiling") == "on"
    assert state(backend, "light.bedside_lamp") == "on"
    assert state(backend, "light.living_room_ceiling") == "off"


def test_follow_up_keeps_the_device_name(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("turn on the ceiling light in the kitchen")
    conversation.handle("and in the living room too")
    assert state(backend, "light.living_room_ceiling") == "on"
    assert state(backend, "light.bedroom_ceiling") == "off"
    assert state(backend, "light.floor_lamp") == "on"  # was on; not the target anyway


def test_turn_them_off_uses_the_previous_devices(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("turn on the bedroom lights")
    result = conversation.handle("turn them off")
    assert result.intent == "HassTurnOff"
    assert {a.device for a in result.actions} == {"light.bedroom_ceiling", "light.bedside_lamp"}
    assert state(backend, "light.bedroom_ceiling") == "off"
    assert state(backend, "light.kitchen_ceiling") == "on"  # untouched
    assert "Ceiling Light" in result.response and "Bedside Lamp" in result.response


def test_a_bit_brighter_and_make_it_red(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("set the floor lamp to 40%")
    conversation.handle("a bit brighter")
    lamp = backend.home().devices["light.floor_lamp"]
    assert lamp.attributes["brightness"] == 50  # "a bit" is 10 %
    conversation.handle("make it red")
    assert backend.home().devices["light.floor_lamp"].attributes["color"] == "red"
    assert backend.home().devices["light.tv_backlight"].attributes["color"] == "blue"


def test_context_expires(
    make_conversation: ConversationFactory, backend: SimulatedBackend, clock: Clock
) -> None:
    conversation = make_conversation(config=ConversationConfig(context_timeout_s=60))
    conversation.handle("turn on the bedroom lights")
    clock.advance(61)
    result = conversation.handle("turn them off")
    assert result.actions == ()
    assert state(backend, "light.bedroom_ceiling") == "on"
    follow = conversation.handle("and the kitchen too")
    assert follow.intent is None
    assert follow.actions == ()


def test_all_the_lights_ignores_the_context(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("turn on the kitchen lights")
    conversation.handle("turn off all the lights")
    home = backend.home()
    assert all(d.state == "off" for d in home.devices.values() if d.domain.value == "light")


def test_follow_up_of_an_unlock_still_asks(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("lock the front door")
    result = conversation.handle("unlock it")
    assert result.intent == "HassTurnOff"
    assert result.confirmation_required
    assert result.actions == ()  # nothing done yet: it waits for the yes
    assert [a.device for a in result.pending_actions] == ["lock.front_door"]
    assert state(backend, "lock.front_door") == "locked"
    conversation.handle("yes")
    assert state(backend, "lock.front_door") == "unlocked"
