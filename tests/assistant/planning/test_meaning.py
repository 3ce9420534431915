"""What people say beyond the templates, as planning reads it: steps that add, "a bit",
"halfway", "the lamp" when there are several, and "them" after several devices."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import planning
from assistant.conversation import Conversation
from assistant.home import effects
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.model import Area, Device, Domain, Home
from assistant.home.simulated import SimulatedBackend
from assistant.planning import HandlerContext, Plan
from assistant.planning.targets import singular_noun
from intents.engine import Recognition
from tests.conftest import ConversationFactory


def _plan(home: Home, intent: str, text: str, **slots: Any) -> Plan:
    recognition = Recognition(intent=intent, slots=slots, text=text)
    return planning.plan(HandlerContext(recognition=recognition, home=home, responses={}))


def _run(backend: SimulatedBackend, plan: Plan) -> None:
    assert plan.error is None and not plan.ambiguous, plan
    backend.execute(list(plan.actions))


def _attribute(backend: SimulatedBackend, device_id: str, key: str) -> Any:
    return backend.home().devices[device_id].attributes.get(key)


# -- steps that add ------------------------------------------------------------------------------


def test_increase_the_brightness_by_one_percent_adds_one(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    """It used to set the floor lamp (at 60 %) to 1 %."""
    result = conversation.handle("increase the floor lamp brightness by 1%")
    assert result.intent == "HassLightSet"
    assert _attribute(backend, "light.floor_lamp", "brightness") == 61
    assert result.response == "Set the brightness of the Floor Lamp to 61%"


def test_decrease_by_is_a_step_down_and_set_to_is_still_a_level(
    backend: SimulatedBackend,
) -> None:
    home = backend.home()
    _run(
        backend,
        _plan(
            home, "HassLightSet", "decrease the floor lamp by 15%", name="Floor Lamp", brightness=15
        ),
    )
    assert _attribute(backend, "light.floor_lamp", "brightness") == 45
    _run(
        backend,
        _plan(
            backend.home(),
            "HassLightSet",
            "set the floor lamp to 15%",
            name="Floor Lamp",
            brightness=15,
        ),
    )
    assert _attribute(backend, "light.floor_lamp", "brightness") == 15


def test_a_bit_brighter_is_ten_percent_and_brighter_twenty(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("make the floor lamp a bit brighter")
    assert _attribute(backend, "light.floor_lamp", "brightness") == 70
    conversation.handle("make the floor lamp brighter")
    assert _attribute(backend, "light.floor_lamp", "brightness") == 90


def test_lower_the_heating_by_two_degrees(backend: SimulatedBackend) -> None:
    plan = _plan(
        backend.home(),
        "HassClimateSetTemperature",
        "lower the heating in the bedroom by 2 degrees",
        area="Bedroom",
        temperature=2,
    )
    _run(backend, plan)
    assert _attribute(backend, "climate.bedroom", "temperature") == 17  # was 19
    assert plan.render is not None
    assert plan.render(backend.home()) == "Set the Radiator to 17 degrees"


def test_a_bit_warmer_and_a_bit_cooler_are_one_degree(backend: SimulatedBackend) -> None:
    text = "make it a bit warmer in the living room"
    _run(backend, _plan(backend.home(), "HearthClimateStep", text, area="Living Room"))
    assert _attribute(backend, "climate.living_room", "temperature") == 22  # was 21
    text = "a bit cooler in the living room"
    _run(backend, _plan(backend.home(), "HearthClimateStep", text, area="Living Room"))
    _run(backend, _plan(backend.home(), "HearthClimateStep", text, area="Living Room"))
    assert _attribute(backend, "climate.living_room", "temperature") == 20


def test_neither_warmer_nor_cooler_is_a_question_not_a_guess(backend: SimulatedBackend) -> None:
    plan = _plan(backend.home(), "HearthClimateStep", "change the heating", area="Bedroom")
    assert plan.error is not None and not plan.actions


def test_a_temperature_step_stays_inside_the_range() -> None:
    radiator = Device(
        "climate.r",
        "Radiator",
        Domain.CLIMATE,
        state="heat",
        attributes={"temperature": 29, "min_temp": 7, "max_temp": 30},
    )
    up = Action("climate.r", ActionKind.SET_TEMPERATURE, {"temperature_step": 5})
    assert effects.apply(radiator, up).attributes["temperature"] == 30
    down = Action("climate.r", ActionKind.SET_TEMPERATURE, {"temperature_step": -2.5})
    assert effects.apply(radiator, down).attributes["temperature"] == 26.5
    with pytest.raises(CommandError, match="temperature_step"):
        effects.apply(
            radiator, Action("climate.r", ActionKind.SET_TEMPERATURE, {"temperature_step": "x"})
        )


# -- halfway --------------------------------------------------------------------------------------


def test_open_the_curtains_halfway_is_fifty_percent(backend: SimulatedBackend) -> None:
    plan = _plan(
        backend.home(),
        "HassTurnOn",
        "open the bedroom curtains halfway",
        name="Curtains",
        domain="cover",
    )
    assert [a.action for a in plan.actions] == [ActionKind.SET_POSITION]
    _run(backend, plan)
    curtains = backend.home().devices["cover.bedroom_curtains"]
    assert (curtains.state, curtains.attributes["position"]) == ("open", 50)


def test_set_position_without_a_number_reads_halfway(backend: SimulatedBackend) -> None:
    plan = _plan(backend.home(), "HassSetPosition", "put the curtains halfway", name="Curtains")
    assert [a.params for a in plan.actions] == [{"position": 50}]


# -- "the lamp" -----------------------------------------------------------------------------------


def test_singular_and_plural_nouns() -> None:
    assert singular_noun("turn on the lamp") == "lamp"
    assert singular_noun("turn on the lamps") is None
    assert singular_noun("turn off every light in the house") is None
    assert singular_noun("turn on both lamps") is None


def test_the_lamp_with_lamps_in_several_rooms_asks_which(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    """It used to ask about every room with a light; now only about the rooms with a lamp."""
    before = {d.id: d.state for d in backend.home().devices.values()}
    result = conversation.handle("turn on the lamp")
    assert result.response == "In which room: the Living Room, the Office or the Bedroom?"
    assert result.actions == ()
    assert {d.id: d.state for d in backend.home().devices.values()} == before


def test_the_lamp_in_a_room_with_one_lamp_is_that_lamp(
    make_conversation: ConversationFactory, backend: SimulatedBackend
) -> None:
    """In the living room (ceiling light, floor lamp, TV backlight) it used to switch all three."""
    backend.execute([Action("light.floor_lamp", ActionKind.TURN_OFF)])
    conversation = make_conversation(this_room="Living Room")
    result = conversation.handle("turn on the lamp")
    assert [(a.device, a.action) for a in result.actions] == [
        ("light.floor_lamp", ActionKind.TURN_ON)
    ]
    assert backend.home().devices["light.living_room_ceiling"].state == "off"
    assert backend.home().devices["light.tv_backlight"].state == "off"


def test_two_lamps_in_different_rooms_of_the_house_are_a_question() -> None:
    home = Home(
        [Area("a", "Study"), Area("b", "Den")],
        [
            Device("light.1", "Reading Lamp", Domain.LIGHT, "a", state="off"),
            Device("light.2", "Corner Lamp", Domain.LIGHT, "b", state="off"),
            Device("light.3", "Ceiling Light", Domain.LIGHT, "b", state="off"),
        ],
    )
    plan = _plan(home, "HassTurnOn", "turn on the lamp", domain="light")
    assert {d.id for d in plan.ambiguous} == {"light.1", "light.2"}
    assert plan.actions == ()


# -- "it" / "them" after several devices ----------------------------------------------------------


def test_them_after_several_devices_means_all_of_them(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("turn on the kitchen lights")  # one was on already, one is switched
    result = conversation.handle("turn them off")
    assert {a.device for a in result.actions} == {"light.kitchen_ceiling", "light.kitchen_counter"}
    assert backend.home().devices["light.kitchen_ceiling"].state == "off"


def test_them_after_a_question_means_the_answer(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("which lights are on?")
    result = conversation.handle("turn them off")
    assert {a.device for a in result.actions} == {"light.kitchen_ceiling", "light.floor_lamp"}
    assert "already" not in result.response


def test_the_lamp_in_a_named_room_is_its_lamp_not_every_light(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    """It used to turn off the ceiling light and the TV backlight too."""
    backend.execute(
        [Action(i, ActionKind.TURN_ON) for i in ("light.living_room_ceiling", "light.tv_backlight")]
    )
    result = conversation.handle("turn off the lamp in the living room")
    assert [a.device for a in result.actions] == ["light.floor_lamp"]
    assert result.response == "Turned off the Floor Lamp"
    assert backend.home().devices["light.living_room_ceiling"].state == "on"


def test_everything_in_a_room_is_its_lights_and_appliances_never_its_locks(
    backend: SimulatedBackend,
) -> None:
    """Off for a lock is unlock: "turn off the kitchen" used to mean unlocking the back door."""
    plan = _plan(
        backend.home(), "HassTurnOff", "turn off everything in the kitchen", area="Kitchen"
    )
    done = {a.device for a in plan.actions if a.action is not ActionKind.GET_STATE}
    assert done == {"light.kitchen_ceiling", "media_player.kitchen_speaker"}
    assert "lock.back_door" not in {a.device for a in plan.actions}
    _run(backend, plan)
    assert backend.home().devices["lock.back_door"].state == "locked"
    assert plan.render is not None
    assert plan.render(backend.home()) == (
        "Turned off the Ceiling Light and the Kitchen Speaker in the Kitchen;"
        " the Coffee Machine, the Counter Lights and the Kettle were already off"
    )
