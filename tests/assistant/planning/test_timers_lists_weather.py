"""Timers, lists, weather and talk: the handlers plan, and the work happens when the plan runs."""

from __future__ import annotations

import datetime as dt

from assistant.home.model import Device, Home
from assistant.lists import SHOPPING_LIST
from assistant.planning import HandlerContext, plan
from assistant.planning.services import Services
from assistant.timers import TimerStore
from intents.engine import Recognition

NOW = dt.datetime(2026, 12, 6, 9, 30)


class Clock:
    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


def run(home: Home, services: Services, intent: str, room: str | None = None, key=None, **slots):
    ctx = HandlerContext(
        recognition=Recognition(intent=intent, slots=slots, text="", response_key=key),
        home=home,
        responses={},
        speaker_area=room,
        now=lambda: NOW,
        services=services,
    )
    planned = plan(ctx)
    if planned.error:
        return planned.error
    assert not planned.actions, "timers, lists and talk never touch devices"
    return planned.perform() if planned.perform else planned.response


def test_planning_changes_nothing_until_the_plan_runs(demo_home):
    services = Services()
    ctx = HandlerContext(
        recognition=Recognition("HassStartTimer", {"minutes": 5}, ""),
        home=demo_home,
        responses={},
        services=services,
    )
    planned = plan(ctx)
    assert services.timers.all() == []
    assert planned.perform() == "Timer set for 5 minutes"
    assert len(services.timers.all()) == 1


def test_timers_from_start_to_status_to_cancel(demo_home):
    clock = Clock()
    services = Services(timers=TimerStore(None, clock=clock))
    kitchen = next(a.id for a in demo_home.areas.values() if a.name == "Kitchen")
    assert run(demo_home, services, "HassStartTimer", kitchen, minutes=10, name="pizza") == (
        "Pizza timer set for 10 minutes"
    )
    assert run(demo_home, services, "HassStartTimer", hours=1, minutes=30) == (
        "Timer set for 1 hour and 30 minutes"
    )
    clock.now += 90
    status = run(demo_home, services, "HassTimerStatus")
    assert status == (
        "The pizza timer has 8 minutes and 30 seconds left and the 1-hour and 30-minute timer "
        "has 1 hour, 28 minutes and 30 seconds left"
    )
    assert "Which one should I cancel?" in run(demo_home, services, "HassCancelTimer")
    # In the kitchen, "cancel the timer" means the kitchen's.
    assert run(demo_home, services, "HassCancelTimer", kitchen) == "Cancelled the pizza timer"
    assert run(demo_home, services, "HassPauseTimer") == "Paused the 1-hour and 30-minute timer"
    assert "paused" in run(demo_home, services, "HassTimerStatus")
    assert run(demo_home, services, "HassUnpauseTimer").startswith("Resumed")
    reply = run(
        demo_home, services, "HassIncreaseTimer", minutes=5, start_hours=1, start_minutes=30
    )
    assert reply.startswith("Added 5 minutes to the 1-hour and 30-minute timer")
    assert run(demo_home, services, "HassCancelAllTimers") == "Cancelled 1 timer"
    assert run(demo_home, services, "HassTimerStatus") == "There are no timers running"
    assert run(demo_home, services, "HassCancelTimer") == "There are no timers running"


def test_a_timer_with_a_command_is_a_delayed_command(demo_home):
    services = Services()
    reply = run(
        demo_home,
        services,
        "HassStartTimer",
        minutes=10,
        conversation_command="turn off the lights",
    )
    assert reply == "OK, I'll turn off the lights in 10 minutes"
    assert services.timers.all()[0].command == "turn off the lights"


def test_a_timer_without_a_length_asks_for_one(demo_home):
    assert run(demo_home, Services(), "HassStartTimer", name="tea") == (
        "How long should the timer be?"
    )


def test_lists_add_read_complete_remove(demo_home):
    services = Services()
    assert run(demo_home, services, "HassShoppingListAddItem", item="oat milk") == (
        "Added oat milk to the shopping list"
    )
    run(demo_home, services, "HassShoppingListAddItem", item="bread")
    assert run(demo_home, services, "HearthListRead") == (
        "The shopping list has 2 items: oat milk and bread"
    )
    assert run(demo_home, services, "HassShoppingListCompleteItem", item="Bread") == (
        "Checked off bread on the shopping list"
    )
    assert run(demo_home, services, "HassListRemoveItem", item="cheese").startswith("Sorry,")
    assert [i.item for i in services.lists.items(SHOPPING_LIST)] == ["oat milk"]


def test_a_todo_entity_names_a_list(demo_home):
    todo = Device(id="todo.chores", name="Chores", domain="todo", state="0", area=None)
    home = demo_home.with_device(todo)
    services = Services()
    assert run(home, services, "HassListAddItem", item="hoover", name="chores") == (
        "Added hoover to the chores"
    )
    assert [i.item for i in services.lists.items("Chores")] == ["hoover"]


def test_weather_from_a_weather_entity(demo_home):
    weather = Device(
        id="weather.home",
        name="Home",
        domain="weather",
        state="partlycloudy",
        area=None,
        attributes={
            "temperature": 12.5,
            "temperature_unit": "°C",
            "humidity": 81,
            "forecast": [
                {"datetime": "2026-12-06T12:00:00+00:00", "condition": "sunny", "temperature": 14},
                {
                    "datetime": "2026-12-07T12:00:00+00:00",
                    "condition": "rainy",
                    "temperature": 11,
                    "templow": 6,
                },
            ],
        },
    )
    home = demo_home.with_device(weather)
    assert run(home, Services(), "HassGetWeather") == (
        "It's 12.5 °C and partly cloudy at home, humidity 81 %. Tomorrow: raining, 6 to 11 degrees"
    )
    assert run(demo_home, Services(), "HassGetWeather") == (
        "There's no weather service in this home"
    )


def test_broadcast_is_spoken_here_and_respond_speaks_as_hearth(demo_home):
    services = Services()
    assert run(demo_home, services, "HassBroadcast", message="dinner is ready") == (
        "Announcement: dinner is ready"
    )
    reply = run(demo_home, services, "HassRespond", key="data")
    assert "stays on this computer" in reply and "Home Assistant" not in reply


def test_help_gives_this_homes_own_examples(make_conversation):
    reply = make_conversation().handle("what can I say").response
    assert reply.startswith("You can say things like")
    assert "kitchen" in reply and "set a timer" in reply
    # The help answer's own examples are understood.
    conversation = make_conversation()
    for example in reply.split("“")[1:]:
        sentence = example.split("”")[0]
        if "timer" in sentence or "shopping" in sentence:
            continue  # recognized once the timer and list intents are loaded
        assert conversation.recognize(sentence) is not None, sentence


def test_reading_a_list_back_by_voice(make_conversation):
    conversation = make_conversation()
    assert conversation.handle("what's on my shopping list").response == (
        "The shopping list is empty"
    )
    conversation.services.lists.add("Shopping List", "eggs")
    assert conversation.handle("what do we need from the shop").response == (
        "The shopping list has 1 item: eggs"
    )


def test_play_from_the_media_library(backend):
    services = Services()
    home = backend.home()
    ctx = HandlerContext(
        recognition=Recognition(
            "HassMediaSearchAndPlay", {"search_query": "some jazz", "name": "Kitchen Speaker"}, ""
        ),
        home=home,
        responses={},
        services=services,
    )
    planned = plan(ctx)
    assert planned.response == "Playing Kind of Blue by Miles Davis on the Kitchen Speaker"
    backend.execute(planned.actions)
    speaker = backend.home().device("media_player.kitchen_speaker")
    assert speaker.state == "playing"
    assert speaker.attributes["media_title"] == "Kind of Blue"
    assert speaker.attributes["media_artist"] == "Miles Davis"
    assert speaker.attributes["volume"] == 40  # the rest of the player is as it was


def test_nothing_in_the_library_is_said_plainly(demo_home):
    reply = run(demo_home, Services(), "HassMediaSearchAndPlay", search_query="polka")
    assert reply == "Sorry, I couldn't find “polka” in the media library"
