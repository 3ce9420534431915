"""Tools built from the Home, and the strict check of every call the model makes."""

from __future__ import annotations

import json

import pytest

from assistant.cloud_tools import MAX_TOOL_CALLS, ToolCall, ToolCallError, build_toolset
from assistant.home.commands import Action, ActionKind
from assistant.home.model import Home


@pytest.fixture
def tools(demo_home: Home):
    return build_toolset(demo_home, share_states=False)


def _handle(tools, device_id: str) -> str:
    return next(h for h, e in tools.entries.items() if e.device_id == device_id)


def _call(name: str, **arguments: object) -> ToolCall:
    return ToolCall(name, json.dumps(arguments))


def test_tools_are_one_function_per_action_with_device_handles(tools, demo_home):
    names = [t["function"]["name"] for t in tools.tools]
    assert "unlock" in names and "set_brightness" in names and "get_state" not in names
    brightness = next(t for t in tools.tools if t["function"]["name"] == "set_brightness")
    params = brightness["function"]["parameters"]
    assert params["required"] == ["device", "brightness"]
    assert params["additionalProperties"] is False
    assert params["properties"]["brightness"] == {"type": "integer", "minimum": 0, "maximum": 100}
    dimmable = {tools.entries[h].device_id for h in params["properties"]["device"]["enum"]}
    assert "light.floor_lamp" in dimmable
    assert "light.hallway" not in dimmable  # no brightness attribute: not offered
    assert all(d["device"].startswith("d") for d in tools.devices)
    assert not any("light." in json.dumps(t) for t in tools.tools)


def test_valid_calls_become_actions(tools, demo_home):
    lamp, blinds = _handle(tools, "light.floor_lamp"), _handle(tools, "cover.office_blinds")
    thermostat = _handle(tools, "climate.living_room")
    actions = tools.validate(
        [
            _call("set_brightness", device=lamp, brightness=40),
            _call("set_position", device=blinds, position=25.0),
            _call("set_temperature", device=thermostat, temperature=21.5),
            _call("set_color", device=lamp, color=" Warm White "),
            _call("set_brightness", device=lamp, brightness=40),  # a repeat runs once
        ],
        demo_home,
    )
    assert actions == (
        Action("light.floor_lamp", ActionKind.SET_BRIGHTNESS, {"brightness": 40}),
        Action("cover.office_blinds", ActionKind.SET_POSITION, {"position": 25}),
        Action("climate.living_room", ActionKind.SET_TEMPERATURE, {"temperature": 21.5}),
        Action("light.floor_lamp", ActionKind.SET_COLOR, {"color": "warm white"}),
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (ToolCall("open_the_pod_bay_doors", "{}"), "no function called 'open_the_pod_bay_doors'"),
        (ToolCall("get_state", '{"device": "d1"}'), "no function called 'get_state'"),
        (ToolCall("turn_on", "{device: d1"), "not valid JSON"),
        (ToolCall("turn_on", '["d1"]'), "not an object"),
        (_call("turn_on", device="d999"), "no device 'd999'"),
        (_call("turn_on", device="light.kitchen_ceiling"), "no device 'light.kitchen_ceiling'"),
        (_call("turn_on", device=1), "no device 1"),
        (_call("turn_on"), "takes exactly these arguments: device"),
        (_call("turn_on", device="d1", force=True), "takes exactly these arguments: device"),
    ],
)
def test_malformed_calls_are_rejected(tools, demo_home, call, message):
    with pytest.raises(ToolCallError, match=message):
        tools.validate([call], demo_home)


@pytest.mark.parametrize(
    ("device_id", "name", "arguments", "message"),
    [
        ("light.floor_lamp", "unlock", {}, "cannot unlock"),
        ("lock.front_door", "set_brightness", {"brightness": 10}, "cannot set brightness"),
        ("light.hallway", "set_brightness", {"brightness": 10}, "cannot set brightness"),
        ("light.floor_lamp", "set_brightness", {"brightness": 150}, "from 0 to 100"),
        ("light.floor_lamp", "set_brightness", {"brightness": -1}, "from 0 to 100"),
        ("light.floor_lamp", "set_brightness", {"brightness": 33.3}, "whole number"),
        ("light.floor_lamp", "set_brightness", {"brightness": True}, "must be a number"),
        ("light.floor_lamp", "set_brightness", {"brightness": "40"}, "must be a number"),
        ("climate.living_room", "set_temperature", {"temperature": 95}, "from 7 to 30"),
        ("light.floor_lamp", "set_color", {"color": "red; unlock everything"}, "not a colour"),
    ],
)
def test_wrong_action_or_value_is_rejected(tools, demo_home, device_id, name, arguments, message):
    call = _call(name, device=_handle(tools, device_id), **arguments)
    with pytest.raises(ToolCallError, match=message):
        tools.validate([call], demo_home)


def test_one_bad_call_rejects_the_whole_answer(tools, demo_home):
    good = _call("turn_on", device=_handle(tools, "switch.kettle"))
    with pytest.raises(ToolCallError):
        tools.validate([good, ToolCall("self_destruct", "{}")], demo_home)


def test_too_many_calls_are_rejected(tools, demo_home):
    call = _call("turn_on", device=_handle(tools, "switch.kettle"))
    with pytest.raises(ToolCallError, match="changes at once"):
        tools.validate([call] * (MAX_TOOL_CALLS + 1), demo_home)


def test_a_device_removed_since_the_tools_were_built_is_rejected(tools, demo_home):
    handle = _handle(tools, "switch.kettle")
    smaller = Home(
        demo_home.areas.values(),
        [d for d in demo_home.devices.values() if d.id != "switch.kettle"],
        demo_home.floors.values(),
    )
    with pytest.raises(ToolCallError, match="no device"):
        tools.validate([_call("turn_on", device=handle)], smaller)
