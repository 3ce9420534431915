"""Every intent of home-assistant-intents is carried out, spoken as people do, end to end."""

from __future__ import annotations

import pytest
from home_assistant_intents import get_intents

from assistant.conversation import Conversation
from assistant.home.simulated import SimulatedBackend
from assistant.planning import HANDLERS, HandlerContext, plan
from intents.engine import Recognition


def test_every_package_intent_has_a_planner():
    package = get_intents("en")
    assert package is not None
    # HassNevermind is the conversation's own: it drops a question, it plans nothing.
    assert set(package["intents"]) - set(HANDLERS) == {"HassNevermind"}


def test_an_intent_without_a_planner_says_so(demo_home):
    ctx = HandlerContext(Recognition("HassSomethingNew", {}, ""), demo_home, {})
    assert plan(ctx).error == "Sorry, I can't do that yet"


# (sentence, intent, reply) — what a person says, and the whole reply Hearth gives.
TURNS = [
    ("set a timer for 5 minutes", "HassStartTimer", "Timer set for 5 minutes"),
    (
        "how much time is left on my timer",
        "HassTimerStatus",
        "The 5-minute timer has 5 minutes left",
    ),
    ("pause the timer", "HassPauseTimer", "Paused the 5-minute timer"),
    ("resume the timer", "HassUnpauseTimer", "Resumed the 5-minute timer"),
    ("cancel my timer", "HassCancelTimer", "Cancelled the 5-minute timer"),
    ("add milk to my shopping list", "HassShoppingListAddItem", "Added milk to the shopping list"),
    ("what's on my shopping list", "HearthListRead", "The shopping list has 1 item: milk"),
    ("broadcast dinner is ready", "HassBroadcast", "Announcement: dinner is ready"),
    ("mute the tv", "HassMediaPlayerMute", "Muted the TV"),
    ("vacuum the kitchen", "HassVacuumCleanArea", "Cleaning the Kitchen"),
    ("set the thermostat fan mode to auto", "HassClimateSetFanMode", None),
    (
        "make it a bit warmer in the living room",
        "HearthClimateStep",
        "Set the Thermostat to 22 degrees",
    ),
    (
        "lower the heating in the bedroom by 2 degrees",
        "HearthClimateStep",
        "Set the Radiator to 17 degrees",
    ),
]


def test_a_conversation_through_the_new_intents(
    conversation: Conversation, backend: SimulatedBackend
):
    for text, intent, reply in TURNS:
        result = conversation.handle(text)
        assert result.intent == intent, text
        if reply is not None:
            assert result.response == reply, text
    assert backend.home().device("media_player.living_room_tv").attributes["is_volume_muted"]
    assert backend.home().device("vacuum.robot").state == "cleaning"


@pytest.mark.parametrize(
    ("text", "percentage", "state"),
    [("set the bedroom fan speed to 50%", 50, "on"), ("set the ceiling fan to 0%", 0, "off")],
)
def test_fan_speeds(conversation: Conversation, backend: SimulatedBackend, text, percentage, state):
    result = conversation.handle(text)
    assert result.intent == "HassFanSetSpeed"
    fan = next(d for d in backend.home().devices.values() if d.domain == "fan")
    assert (fan.attributes.get("percentage"), fan.state) == (percentage, state)


def test_a_delayed_command_is_a_timer_that_carries_the_command(conversation: Conversation):
    result = conversation.handle("turn off the lights in 10 minutes")
    assert result.intent == "HassStartTimer"
    assert result.response == "OK, I'll turn off the lights in 10 minutes"
    assert result.actions == ()  # nothing happens now
    (timer,) = conversation.services.timers.all()
    assert timer.command == "turn off the lights" and timer.seconds == 600
