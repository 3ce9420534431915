"""Property-based fuzzing of what the cloud model answers (hypothesis, derandomized, bounded).

Whatever comes back (random prose with control characters, tool calls with made-up function
names, malformed or non-object JSON arguments, unknown or non-string device handles, values of
the wrong type, extra arguments, several calls at once), streamed or whole, Hearth must answer in
one clean line, change only the devices it says it acted on (and what their scenes set), never
unlock a lock or open the garage door without asking, and log the request with its outcome.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cloud import FAILED_INTENT, INTENT
from assistant.cloud_tools import build_toolset
from assistant.home.commands import Action, ActionKind
from assistant.printable import printable
from tests.assistant.cloud.fake_openai import Script

UNKNOWN = "please make it cosy in here"
SENSITIVE = ("lock.front_door", "lock.back_door", "cover.garage_door")
VALUE_KEYS = ("brightness", "position", "volume", "temperature", "color")

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
odd_numbers = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0", "050", "1.5e2"])


def _arguments(draw: Any, handles: list[str]) -> str:
    """The arguments text of one call: mostly almost-right objects, sometimes plain garbage."""
    kind = draw(st.sampled_from(["object", "object", "object", "garbage", "not-object", "odd"]))
    if kind == "garbage":
        return draw(st.text(max_size=40))
    if kind == "not-object":
        return json.dumps(draw(json_value))
    devices = {
        "known": st.sampled_from(handles),
        "unknown": st.text(max_size=6),
        "wrong-type": json_value,
    }
    arguments: dict[str, Any] = {}
    if draw(st.integers(min_value=0, max_value=9)):  # sometimes no device at all
        which = draw(st.sampled_from(["known", "known", "known", "unknown", "wrong-type"]))
        arguments["device"] = draw(devices[which])
    if draw(st.booleans()):
        key = draw(st.sampled_from(VALUE_KEYS))
        arguments[key] = draw(
            st.one_of(
                st.integers(min_value=-50, max_value=150),
                json_value,
                st.sampled_from(["blue", "2700K"]),
            )
        )
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        arguments[draw(st.text(max_size=8))] = draw(json_leaf)
    if kind == "odd" and len(arguments) > 1:  # a number JSON itself does not allow, raw
        key = next(k for k in arguments if k != "device")
        text = json.dumps({k: v for k, v in arguments.items() if k != key})
        return text[:-1] + f', "{key}": {draw(odd_numbers)}}}'
    return json.dumps(arguments, allow_nan=False)


_VALID_VALUES: dict[str, Any] = {
    "set_brightness": ("brightness", st.integers(min_value=0, max_value=100)),
    "set_position": ("position", st.integers(min_value=0, max_value=100)),
    "set_volume": ("volume", st.integers(min_value=0, max_value=100)),
    "set_temperature": ("temperature", st.sampled_from([18, 20.5, 22])),
    "set_color": ("color", st.sampled_from(["blue", "warm white", "2700k"])),
}


def _valid_call(draw: Any, allowed: dict[str, tuple[str, ...]]) -> tuple[str, str]:
    """A call that fits the home: a known device and an action it allows, with a good value."""
    handle = draw(st.sampled_from(sorted(allowed)))
    action = draw(st.sampled_from(allowed[handle]))
    arguments: dict[str, Any] = {"device": handle}
    if action in _VALID_VALUES:
        key, values = _VALID_VALUES[action]
        arguments[key] = draw(values)
    return action, json.dumps(arguments)


@st.composite
def replies(draw: Any, allowed: dict[str, tuple[str, ...]]) -> tuple[Script, bool]:
    """Prose and/or up to four calls, each either fitting the home or fuzzed; streamed or not."""
    actions = [k.value for k in ActionKind]
    names = st.one_of(st.sampled_from(actions), st.sampled_from(actions), st.text(max_size=16))
    calls = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if draw(st.integers(min_value=0, max_value=2)):
            calls.append(_valid_call(draw, allowed))
        else:
            calls.append((draw(names), _arguments(draw, sorted(allowed))))
    text = draw(st.one_of(st.just(""), st.text(max_size=80)))
    return Script(text=text, calls=tuple(calls)), draw(st.booleans())


def _may_change(actions: tuple[Action, ...], backend) -> set[str]:
    """The devices the reply says it acted on, and those their scenes set."""
    devices = backend.home().devices
    named = {action.device for action in actions}
    for device in list(named):
        if devices[device].domain.value == "scene":
            named |= set(devices[device].attributes.get("entities", {}))
    return named


def _opened(before: tuple[str, dict], after: tuple[str, dict]) -> bool:
    """The effect that must always be asked for: unlocked, or opened (even a little)."""
    (old, old_attributes), (new, new_attributes) = before, after
    if new in ("unlocked", "unlocking", "open", "opening") and new != old:
        return True
    return new_attributes.get("position", 0) > old_attributes.get("position", 0)


def _snapshot(backend) -> dict[str, tuple[str, dict]]:
    return {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_model_reply_gives_a_clean_reply_and_no_unexpected_change(
    data, server, cloud_conversation, backend, egress_log
):
    tools = build_toolset(backend.home(), share_states=False)
    allowed = {h: tuple(k.value for k in e.actions) for h, e in tools.entries.items() if e.actions}
    script, stream = data.draw(replies(allowed))
    server.push(script)
    before = _snapshot(backend)
    logged = egress_log.count()

    result = cloud_conversation(stream=stream).handle(UNKNOWN)

    assert result.source == "cloud" and result.intent in (INTENT, FAILED_INTENT)
    assert result.response and printable(result.response) == result.response
    assert len(result.response) <= 600
    after = _snapshot(backend)
    changed = {device for device in before if before[device] != after[device]}
    assert changed <= _may_change(result.actions, backend)
    assert not [device for device in SENSITIVE if _opened(before[device], after[device])]
    if result.intent == FAILED_INTENT:
        assert not changed and result.actions == ()
    [record] = egress_log.records(limit=1)
    assert egress_log.count() == logged + 1 and not record.in_flight
    assert record.result.startswith(("ok:", "rejected:", "error:"))
