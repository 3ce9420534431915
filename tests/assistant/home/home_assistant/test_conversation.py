"""Typed commands through the Conversation change the fake Home Assistant, with the same
confirmation, undo and follow-ups as on the simulated home, and clear replies when it fails."""

from __future__ import annotations

from assistant.conversation import Conversation
from assistant.events import ConnectionState
from assistant.home.home_assistant.backend import HomeAssistantBackend
from assistant.session import SessionStore
from bench.fake_home_assistant import FakeHomeAssistant
from intents.engine import IntentEngine
from tests.assistant.home.home_assistant.conftest import SLOW_TIMEOUT_S, Waiter, settings


def test_typed_commands_change_the_servers_state(
    ha_conversation: Conversation, fake: FakeHomeAssistant
) -> None:
    result = ha_conversation.handle("turn on the kettle")
    assert result.intent == "HassTurnOn"
    assert fake.state_of("switch.kettle")["state"] == "on"
    ha_conversation.handle("set the floor lamp to 40%")
    assert fake.state_of("light.floor_lamp")["attributes"]["brightness"] == round(40 * 255 / 100)
    ha_conversation.handle("a bit brighter")  # a follow-up, resolved from the state now
    assert fake.state_of("light.floor_lamp")["attributes"]["brightness"] > round(40 * 255 / 100)
    ha_conversation.handle("close the blinds in the living room")
    assert fake.state_of("cover.living_room_blinds")["state"] == "closed"


def test_unlock_asks_first_and_only_yes_unlocks(
    ha_conversation: Conversation, fake: FakeHomeAssistant
) -> None:
    asked = ha_conversation.handle("unlock the front door")
    assert asked.to_dict().get("confirmation_required") is True
    assert fake.state_of("lock.front_door")["state"] == "locked"
    assert all(call[1] != "unlock" for call in fake.calls)
    ha_conversation.handle("yes")
    assert fake.state_of("lock.front_door")["state"] == "unlocked"


def test_undo_goes_back_through_home_assistant(
    ha_conversation: Conversation, fake: FakeHomeAssistant
) -> None:
    ha_conversation.handle("turn off the kitchen lights")
    assert fake.state_of("light.kitchen_ceiling")["state"] == "off"
    result = ha_conversation.handle("undo")
    assert result.response == "Undone"
    restored = fake.state_of("light.kitchen_ceiling")
    assert (restored["state"], restored["attributes"]["brightness"]) == (
        "on",
        round(80 * 255 / 100),
    )


def test_a_command_while_disconnected_gets_a_clear_reply(
    ha_conversation: Conversation, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    fake.stop()
    waiter.connection(ConnectionState.RECONNECTING)
    result = ha_conversation.handle("turn on the kettle")
    assert "Home Assistant isn't reachable" in result.response
    assert result.to_dict()["actions"] == []


def test_a_slow_service_call_gets_a_clear_reply(
    fake: FakeHomeAssistant, engine: IntentEngine
) -> None:
    backend = HomeAssistantBackend(settings(fake.url, timeout_s=SLOW_TIMEOUT_S)).start()
    store = SessionStore(None)
    fake.slow_s = SLOW_TIMEOUT_S * 4
    try:
        result = Conversation(backend, engine, store=store).handle("turn on the kettle")
    finally:
        backend.close()
        store.close()
    assert "didn't answer within 0.5 s" in result.response
    assert result.to_dict()["actions"] == []
