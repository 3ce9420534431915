"""The spoken-command set: 41 commands for the demo home and the actions that prove each was
understood. The speech benchmarks measure it and tests/assistant/speech/test_spoken_commands.py
holds faster-whisper and the other engines to floors on it, so both judge the same sentences by
the same actions (device, action, key parameters), as ARCHITECTURE.md asks — not by transcripts.

Each command runs on a fresh demo home. A device that is already as the command asks (the front
door is locked there, the upstairs lights are off) is read (``get_state``), not commanded again,
and the reply says "already locked": those pairs are what carrying the command out means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Spoken:
    """A command and the (device, action) pairs and key parameters that prove it understood."""

    text: str
    actions: frozenset[tuple[str, str]]
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for benchmark reports (the actions sorted)."""
        return {"text": self.text, "actions": sorted(self.actions), "params": self.params}


def spoken(text: str, *pairs: str, **params: Any) -> Spoken:
    return Spoken(text, frozenset(tuple(p.split(":")) for p in pairs), params)  # type: ignore[misc]


UPSTAIRS = ("bedroom_ceiling", "desk_lamp", "bedside_lamp", "night_light", "mirror_light")
SPOKEN = (
    spoken(
        "turn off the kitchen lights",
        "light.kitchen_ceiling:turn_off",
        "light.kitchen_counter:get_state",
    ),
    spoken(
        "turn on the living room lights",
        "light.living_room_ceiling:turn_on",
        "light.floor_lamp:get_state",
        "light.tv_backlight:turn_on",
    ),
    spoken(
        "turn on the bedroom lights", "light.bedroom_ceiling:turn_on", "light.bedside_lamp:turn_on"
    ),
    spoken("turn off the lights in the dining room", "light.chandelier:get_state"),
    spoken("turn on the desk lamp", "light.desk_lamp:turn_on"),
    spoken("turn off the floor lamp", "light.floor_lamp:turn_off"),
    spoken("turn on the hallway light", "light.hallway:turn_on"),
    spoken("turn on the garage light", "light.garage:turn_on"),
    spoken("turn on the porch light", "light.porch:turn_on"),
    spoken("turn on the night light", "light.night_light:turn_on"),
    spoken("turn off the mirror light", "light.mirror_light:get_state"),
    spoken("turn on the garden lights", "light.garden:turn_on"),
    spoken("turn off the TV backlight", "light.tv_backlight:get_state"),
    spoken("turn on the coffee machine", "switch.coffee_machine:turn_on"),
    spoken("turn on the kettle", "switch.kettle:turn_on"),
    spoken("toggle the kettle", "switch.kettle:toggle"),
    spoken("turn on the christmas tree", "switch.christmas_tree:turn_on"),
    spoken("turn on the desk fan", "fan.office:turn_on"),
    spoken("turn on the ceiling fan", "fan.bedroom:turn_on"),
    spoken("lock the front door", "lock.front_door:get_state"),
    spoken("lock the back door", "lock.back_door:get_state"),
    spoken("unlock the front door", "lock.front_door:unlock"),
    spoken("open the garage door", "cover.garage_door:open"),
    spoken("close the curtains", "cover.bedroom_curtains:get_state"),
    spoken("open the blinds in the office", "cover.office_blinds:open"),
    spoken("close the living room blinds", "cover.living_room_blinds:close"),
    spoken("set the desk lamp to fifty percent", "light.desk_lamp:set_brightness", brightness=50),
    spoken(
        "set the floor lamp to twenty percent", "light.floor_lamp:set_brightness", brightness=20
    ),
    spoken("turn the floor lamp red", "light.floor_lamp:set_color", color="red"),
    spoken(
        "set the thermostat to twenty two degrees",
        "climate.living_room:set_temperature",
        temperature=22,
    ),
    spoken("what is the temperature in the bedroom", "climate.bedroom:get_state"),
    spoken("is the front door locked", "lock.front_door:get_state"),
    spoken("pause the kitchen speaker", "media_player.kitchen_speaker:media_pause"),
    spoken("next song", "media_player.kitchen_speaker:media_next"),
    spoken("turn on the TV", "media_player.living_room_tv:turn_on"),
    spoken(
        "set the volume to thirty percent", "media_player.kitchen_speaker:set_volume", volume=30
    ),
    spoken("start the robot vacuum", "vacuum.robot:start"),
    spoken("send the vacuum home", "vacuum.robot:return_home"),
    spoken("activate movie night", "scene.movie_night:turn_on"),
    spoken("turn off the upstairs lights", *(f"light.{d}:get_state" for d in UPSTAIRS)),
    spoken(
        "dim the kitchen lights",
        "light.kitchen_ceiling:set_brightness",
        "light.kitchen_counter:set_brightness",
    ),
)


def check(item: Spoken, actions: list[dict[str, Any]]) -> bool:
    """Whether ``actions`` (the JSON contract's) are exactly what ``item`` asks for."""
    got = frozenset((a["device"], a["action"]) for a in actions)
    if got != item.actions:
        return False
    merged: dict[str, Any] = {}
    for action in actions:
        merged.update(action["params"])
    return all(merged.get(k) == v for k, v in item.params.items())
