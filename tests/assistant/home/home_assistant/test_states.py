"""Registries and states → Home, and actions → service calls: pure translations, no server."""

from __future__ import annotations

import pytest

from assistant.home import effects
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.home_assistant import services
from assistant.home.home_assistant.states import Registries, build_home
from assistant.home.model import Device, Domain

REGISTRIES = Registries(
    areas=[
        {"area_id": "kitchen", "name": "Kitchen", "aliases": ["galley"], "floor_id": "ground"},
        {"area_id": "den", "name": "Den", "aliases": [], "floor_id": None},
    ],
    floors=[{"floor_id": "ground", "name": "Ground Floor", "aliases": ["downstairs"]}],
    devices=[{"id": "d1", "area_id": "kitchen", "name": "Hue bulb"}],
    entities=[
        {
            "entity_id": "light.bulb",
            "device_id": "d1",
            "area_id": None,
            "name": None,
            "aliases": ["lamp"],
        },
        {"entity_id": "light.moved", "device_id": "d1", "area_id": "den", "name": "Reading Light"},
        {"entity_id": "switch.off_limits", "device_id": None, "area_id": "den", "name": None},
        {"entity_id": "switch.disabled", "area_id": "den", "disabled_by": "user"},
    ],
    exposed={
        "light.bulb": {"conversation": True},
        "light.moved": {"conversation": True},
        "switch.off_limits": {"conversation": False},
        "switch.disabled": {"conversation": True},
        "person.me": {"conversation": True},
    },
)
STATES = [
    {
        "entity_id": "light.bulb",
        "state": "on",
        "attributes": {
            "friendly_name": "Hue bulb",
            "brightness": 128,
            "rgb_color": [255, 0, 0],
            "supported_color_modes": ["hs"],
        },
    },
    {
        "entity_id": "light.moved",
        "state": "off",
        "attributes": {
            "friendly_name": "x",
            "brightness": None,
            "supported_color_modes": ["brightness"],
        },
    },
    {"entity_id": "switch.off_limits", "state": "on", "attributes": {}},
    {"entity_id": "switch.disabled", "state": "on", "attributes": {}},
    {"entity_id": "person.me", "state": "home", "attributes": {}},
]


def test_areas_floors_names_aliases_and_exposure() -> None:
    home = build_home(REGISTRIES, STATES)
    assert home.areas["kitchen"].aliases == ("galley",)
    assert home.floors["ground"].areas == ("kitchen",)
    assert home.floor_of_area("kitchen").name == "Ground Floor"  # type: ignore[union-attr]
    # person.me has no registry entry but is exposed: shown and asked about, never commanded.
    assert set(home.devices) == {"light.bulb", "light.moved", "person.me"}
    assert not home.device("person.me").controllable
    bulb, moved = home.device("light.bulb"), home.device("light.moved")
    assert (bulb.name, bulb.area, bulb.aliases) == ("Hue bulb", "kitchen", ("lamp",))
    assert (moved.name, moved.area) == ("Reading Light", "den")  # the entity's own area wins


def test_everything_enabled_when_exposure_is_not_required() -> None:
    home = build_home(REGISTRIES, STATES, exposed_only=False)
    assert set(home.devices) == {"light.bulb", "light.moved", "switch.off_limits", "person.me"}


def test_attributes_in_hearths_units() -> None:
    home = build_home(REGISTRIES, STATES)
    bulb, moved = home.device("light.bulb"), home.device("light.moved")
    assert (bulb.attributes["brightness"], bulb.attributes["color"]) == (50, "red")
    assert moved.attributes["brightness"] == 0  # off: dimmable, at 0


@pytest.mark.parametrize(
    ("device", "action", "expected"),
    [
        (
            Device("light.a", "A", Domain.LIGHT, attributes={"brightness": 0}),
            Action("light.a", ActionKind.SET_BRIGHTNESS, {"brightness": 35}),
            ("light", "turn_on", {"brightness_pct": 35}),
        ),
        (
            Device("light.a", "A", Domain.LIGHT, attributes={"brightness": 50, "color": "white"}),
            Action("light.a", ActionKind.SET_COLOR, {"color": "warm white"}),
            ("light", "turn_on", {"color_temp_kelvin": 2700}),
        ),
        (
            Device("cover.c", "C", Domain.COVER, attributes={"position": 0}),
            Action("cover.c", ActionKind.SET_POSITION, {"position": 30}),
            ("cover", "set_cover_position", {"position": 30}),
        ),
        (
            Device("lock.l", "L", Domain.LOCK, state="locked"),
            Action("lock.l", ActionKind.UNLOCK),
            ("lock", "unlock", {}),
        ),
        (
            Device("climate.t", "T", Domain.CLIMATE, state="heat"),
            Action("climate.t", ActionKind.SET_TEMPERATURE, {"temperature": 21.5}),
            ("climate", "set_temperature", {"temperature": 21.5}),
        ),
        (
            Device(
                "media_player.m", "M", Domain.MEDIA_PLAYER, state="idle", attributes={"volume": 10}
            ),
            Action("media_player.m", ActionKind.SET_VOLUME, {"volume": 45}),
            ("media_player", "volume_set", {"volume_level": 0.45}),
        ),
    ],
)
def test_one_neutral_action_one_service(device: Device, action: Action, expected: tuple) -> None:
    effects.check(device, action)
    call = services.service_call(device, action)
    assert (call.domain, call.service, call.data) == expected
    assert call.entity_id == device.id


def test_an_action_without_a_service_is_refused_in_hearths_words() -> None:
    sensor = Device("sensor.t", "Thermometer", Domain.SENSOR)
    with pytest.raises(CommandError, match="Thermometer is a sensor and cannot turn_on"):
        services.service_call(sensor, Action("sensor.t", ActionKind.TURN_ON))


def test_undo_becomes_neutral_actions() -> None:
    was = Device(
        "light.a", "A", Domain.LIGHT, state="on", attributes={"brightness": 70, "color": "blue"}
    )
    now = was.with_state("off", {"brightness": 0, "color": "white"})
    assert services.restoring_actions(now, was) == [
        Action("light.a", ActionKind.SET_BRIGHTNESS, {"brightness": 70}),
        Action("light.a", ActionKind.SET_COLOR, {"color": "blue"}),
    ]
    assert services.restoring_actions(was, was) == []
    locked = Device("lock.l", "L", Domain.LOCK, state="locked")
    assert services.restoring_actions(locked, locked.with_state("unlocked")) == [
        Action("lock.l", ActionKind.UNLOCK)
    ]


def test_a_chosen_title_is_refused_not_replaced_by_resume() -> None:
    tv = Device("media_player.tv", "TV", Domain.MEDIA_PLAYER, state="paused")
    assert services.service_call(tv, Action(tv.id, ActionKind.MEDIA_PLAY)).service == "media_play"
    with pytest.raises(CommandError, match="not play a chosen title"):
        services.service_call(tv, Action(tv.id, ActionKind.MEDIA_PLAY, {"media_title": "Jazz"}))
