"""Replies that tell the truth: devices by name (rooms where names repeat), "already on" when
nothing needed to change, every device that answers a question, one tense throughout."""

from __future__ import annotations

from assistant.conversation import Conversation
from assistant.home.commands import Action, ActionKind
from assistant.home.model import Area, Device, Domain, Home
from assistant.home.simulated import SimulatedBackend
from assistant.planning.replies import describe_done, listing, name_devices

KITCHEN_LIGHTS = ("light.kitchen_ceiling", "light.kitchen_counter")


def _home() -> Home:
    areas = [Area("kitchen", "Kitchen"), Area("living", "Living Room"), Area("bed", "Bedroom")]
    devices = [
        Device("light.k", "Ceiling Light", Domain.LIGHT, "kitchen", state="on"),
        Device("light.l", "Ceiling Light", Domain.LIGHT, "living", state="on"),
        Device("light.b", "Bedside Lamp", Domain.LIGHT, "bed", state="on"),
        Device("light.c", "Counter Light", Domain.LIGHT, "kitchen", state="on"),
        Device("switch.t", "Christmas Tree", Domain.SWITCH, "living", state="off"),
        Device("cover.b", "Blinds", Domain.COVER, "living", state="open"),
    ]
    return Home(areas, devices)


def test_names_get_rooms_only_where_names_repeat() -> None:
    home = _home()
    d = home.devices
    assert name_devices([d["switch.t"]], home) == "the Christmas Tree"
    assert name_devices([d["light.k"]], home) == "the Ceiling Light in the Kitchen"
    # All in one room: the room is said once.
    assert (
        name_devices([d["light.c"], d["light.k"]], home)
        == "the Ceiling Light and the Counter Light in the Kitchen"
    )


def test_a_question_lists_every_answer_with_rooms() -> None:
    home = _home()
    lights = [home.devices[i] for i in ("light.k", "light.l", "light.b")]
    assert listing(lights, home, "on") == (
        "Bedside Lamp in the Bedroom, Ceiling Light in the Kitchen and"
        " Ceiling Light in the Living Room are on"
    )


def test_past_eight_the_answer_counts_by_room() -> None:
    areas = [Area("kitchen", "Kitchen"), Area("hall", "Hallway")]
    devices = [
        Device(f"light.{i}", f"Lamp {i}", Domain.LIGHT, "kitchen" if i < 6 else "hall", state="on")
        for i in range(9)
    ]
    home = Home(areas, devices)
    assert listing(devices, home, "on") == "9 lights are on: 6 in the Kitchen and 3 in the Hallway"
    eight = listing(devices[:8], home, "on")
    assert eight.startswith("Lamp 0, Lamp 1") and eight.endswith("and Lamp 7 are on")


def test_one_tense_when_several_kinds_of_thing_were_done() -> None:
    home = _home()
    done = describe_done(
        [Action("cover.b", ActionKind.CLOSE), Action("switch.t", ActionKind.TURN_ON)], home
    )
    assert done == "Closed the Blinds; Turned on the Christmas Tree"


def test_a_switch_is_named_not_called_the_switch(conversation: Conversation) -> None:
    result = conversation.handle("turn on the christmas tree")
    assert result.response == "Turned on the Christmas Tree"
    assert [a.action for a in result.actions] == [ActionKind.TURN_ON]


def test_already_on_is_said_and_not_counted_as_an_action(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("turn on the christmas tree")
    again = conversation.handle("turn on the christmas tree")
    assert again.response == "The Christmas Tree is already on"
    assert ActionKind.TURN_ON not in {a.action for a in again.actions}
    assert not any(r.changed for r in again.executed)
    # Nothing changed, so there is nothing to undo from this turn.
    assert backend.home().devices["switch.christmas_tree"].state == "on"


def test_only_the_lights_that_change_are_switched(conversation: Conversation) -> None:
    # In the demo home the kitchen's ceiling light is on and its counter lights are off.
    result = conversation.handle("turn on the kitchen lights")
    assert [(a.device, a.action) for a in result.actions if a.action is ActionKind.TURN_ON] == [
        ("light.kitchen_counter", ActionKind.TURN_ON)
    ]
    assert result.response == (
        "Turned on the Counter Lights; the Ceiling Light in the Kitchen was already on"
    )
    again = conversation.handle("turn on the kitchen lights")
    assert (
        again.response == "The Ceiling Light and the Counter Lights in the Kitchen are already on"
    )


def test_locking_a_locked_door_says_so(conversation: Conversation) -> None:
    result = conversation.handle("lock the front door")
    assert result.response == "The Front Door is already locked"
    assert not result.executed


def test_unlocking_an_unlocked_door_asks_nothing(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    backend.execute([Action("lock.back_door", ActionKind.UNLOCK)], allow_sensitive=True)
    result = conversation.handle("unlock the back door")
    assert not result.confirmation_required
    assert result.response == "The Back Door is already unlocked"


def test_which_lights_are_on_names_them_all(conversation: Conversation) -> None:
    conversation.handle("turn on the bedside lamp")
    result = conversation.handle("which lights are on?")
    assert result.response == (
        "Bedside Lamp in the Bedroom, Ceiling Light in the Kitchen and"
        " Floor Lamp in the Living Room are on"
    )


def test_many_lights_on_are_counted_by_room(conversation: Conversation) -> None:
    conversation.handle("turn on all the lights")
    result = conversation.handle("which lights are on?")
    assert result.response.startswith("15 lights are on: 2 in the Kitchen, 3 in the Living Room")


def test_how_many_gives_the_number_and_the_names(conversation: Conversation) -> None:
    result = conversation.handle("how many lights are on")
    assert result.response == (
        "2 lights are on: Ceiling Light in the Kitchen and Floor Lamp in the Living Room"
    )


def test_a_step_names_the_level_it_reached(conversation: Conversation) -> None:
    conversation.handle("set the floor lamp to 40%")
    result = conversation.handle("make the floor lamp brighter")
    assert result.response == "Set the brightness of the Floor Lamp to 60%"


def test_a_vacuum_is_sent_home_and_already_cleaning_is_said(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    assert conversation.handle("start the vacuum").response == "Started the Robot Vacuum"
    again = conversation.handle("start the vacuum")
    assert again.response == "The Robot Vacuum is already cleaning"
    assert not again.executed
    home = conversation.handle("send the vacuum back to its base")
    assert home.response == "Sent the Robot Vacuum home"


def test_turning_on_a_playing_speaker_keeps_it_playing(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    """It used to stop the music: "turn on" set a playing player to idle."""
    result = conversation.handle("turn on the kitchen speaker")
    assert result.response == "The Kitchen Speaker is already on"
    assert backend.home().devices["media_player.kitchen_speaker"].state == "playing"
