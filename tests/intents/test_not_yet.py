"""Recognized requests that nothing carries out yet get an honest reply and change nothing."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.home.simulated import SimulatedBackend
from intents.catalog import ABILITIES, not_yet
from tests.conftest import ConversationFactory

NOT_YET = [
    ("set a timer for 5 minutes", "HassStartTimer", "Sorry, I can't set timers yet"),
    ("cancel my timer", "HassCancelTimer", "Sorry, I can't cancel timers yet"),
    ("how much time is left on my timer", "HassTimerStatus", None),
    ("add milk to my shopping list", "HassShoppingListAddItem", None),
    ("what's the weather like", "HassGetWeather", "Sorry, I can't tell you the weather yet"),
    ("broadcast dinner is ready", "HassBroadcast", None),
    ("play some jazz in the kitchen", "HassMediaSearchAndPlay", None),
]


@pytest.mark.parametrize(("text", "intent", "reply"), NOT_YET, ids=[t for t, _, _ in NOT_YET])
def test_recognized_but_not_yet_possible(
    conversation: Conversation, backend: SimulatedBackend, text: str, intent: str, reply: str | None
) -> None:
    before = {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}
    result = conversation.handle(text)
    assert result.intent == intent
    assert result.actions == ()
    assert result.response == (reply or not_yet(intent))
    assert "can't do that" not in result.response
    after = {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}
    assert after == before


def test_every_package_intent_without_a_planner_has_words() -> None:
    from home_assistant_intents import get_intents

    from assistant.actions import HANDLERS

    package = get_intents("en")
    assert package is not None
    unplanned = set(package["intents"]) - set(HANDLERS) - {"HassNevermind"}
    assert unplanned <= set(ABILITIES), sorted(unplanned - set(ABILITIES))
    assert not_yet("SomethingElse") == "Sorry, I can't do that yet"


def test_a_repair_never_lands_on_free_text(make_conversation: ConversationFactory) -> None:
    """ "plug in the christmas tree" repaired to "play in the christmas tree" would match
    "play {search_query}": a wildcard fits any words, so such a repair proves nothing."""
    conversation = make_conversation(this_room="Living Room")
    found = conversation.recognize("plug in the christmas tree")
    assert found is None or found.source == "local" or not found.wildcard_slots
    exact = conversation.recognize("play some jazz")
    assert exact is not None and exact.intent == "HassMediaSearchAndPlay"
    assert exact.wildcard_slots == ("search_query",)
