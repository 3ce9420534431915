"""A small home with every kind of way in (lock, garage, door, gate, alarm) for the safety tests.

``OPENING`` is the tests' own statement of what opens each kind, written from the rule ("its
result unlocks, opens a door-like cover or disarms") rather than taken from the code under test.
"""

from __future__ import annotations

from typing import Any

from assistant.home.commands import ActionKind

HOME = """
areas:
  - {id: hallway, name: Hallway}
  - {id: garage, name: Garage}
  - {id: garden, name: Garden}
  - {id: driveway, name: Driveway}
devices:
  - {id: lock.front_door, name: Front Door, area: hallway, domain: lock, state: locked}
  - id: cover.garage_door
    name: Garage Door
    area: garage
    domain: cover
    state: closed
    attributes: {device_class: garage, position: 0}
  - id: cover.patio_door
    name: Patio Door
    area: garden
    domain: cover
    state: closed
    attributes: {device_class: door, position: 0}
  - {id: cover.garden_gate, name: Gate, area: garden, domain: cover, state: closed,
     attributes: {device_class: gate, position: 0}}
  - {id: cover.drive_gate, name: Gate, area: driveway, domain: cover, state: closed,
     attributes: {device_class: gate, position: 0}}
  - {id: cover.blinds, name: Blinds, area: hallway, domain: cover, state: closed,
     attributes: {device_class: blind, position: 0}}
  - {id: alarm_control_panel.house, name: House Alarm, area: hallway,
     domain: alarm_control_panel, state: armed_away}
  - {id: light.porch, name: Porch Light, area: driveway, domain: light, state: "off",
     attributes: {brightness: 0}}
  - id: scene.leave_home
    name: Leave Home
    domain: scene
    attributes:
      entities:
        light.porch: {state: "on", brightness: 100}
        lock.front_door: {state: unlocked}
        alarm_control_panel.house: {state: disarmed}
  - id: scene.bedtime
    name: Bedtime
    domain: scene
    attributes:
      entities:
        light.porch: {state: "off", brightness: 0}
        lock.front_door: {state: locked}
        cover.garage_door: {state: closed, position: 0}
"""

LOCK = "lock.front_door"
DOOR_COVERS = ("cover.garage_door", "cover.patio_door", "cover.garden_gate")
GUARDED = (LOCK, *DOOR_COVERS)
ALARM = "alarm_control_panel.house"

#: Sample parameters for every action that takes one.
PARAMS: dict[ActionKind, list[dict[str, Any]]] = {
    ActionKind.SET_POSITION: [{"position": 30}, {"position": 100}, {"position": 0}],
    ActionKind.SET_BRIGHTNESS: [{"brightness": 50}],
    ActionKind.SET_COLOR: [{"color": "red"}],
    ActionKind.SET_TEMPERATURE: [{"temperature": 20}],
    ActionKind.SET_VOLUME: [{"volume": 50}],
}


def samples(kind: ActionKind) -> list[dict[str, Any]]:
    return PARAMS.get(kind, [{}])


def opening(device_id: str, kind: ActionKind, params: dict[str, Any]) -> bool:
    """Whether this action can leave the device letting someone in (the rule, stated apart)."""
    if device_id == LOCK:
        return kind is ActionKind.UNLOCK
    if device_id in DOOR_COVERS:
        if kind is ActionKind.SET_POSITION:
            return params["position"] > 0
        return kind in {ActionKind.OPEN, ActionKind.TURN_ON, ActionKind.TOGGLE}
    return False
