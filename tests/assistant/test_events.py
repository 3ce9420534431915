"""Every event round-trips through a plain dict and JSON; the bus isolates failing listeners."""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from enum import StrEnum
from typing import Any

import pytest

from assistant import events
from assistant.events import (
    DeviceChanged,
    Event,
    EventBus,
    EventType,
    Reply,
    Stage,
    StageEnd,
    StageStart,
)


def event_classes() -> list[type[Event]]:
    return sorted(
        (
            cls
            for _, cls in inspect.getmembers(events, inspect.isclass)
            if issubclass(cls, Event) and cls is not Event
        ),
        key=lambda cls: cls.__name__,
    )


def sample(hint: Any, name: str) -> Any:
    """A non-default value of the annotated type, so the round trip really carries data."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return sample(next(a for a in args if a is not type(None)), name)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return list(hint)[-1]
    if hint is str:
        return f"{name}-value"
    if hint is bool:
        return True
    if hint is int:
        return 7
    if hint is float:
        return 12.5
    if origin is dict:
        return {"brightness": 40, "nested": {"a": [1, 2]}}
    if origin is tuple:
        return ({"device": "light.x", "action": "turn_on", "params": {}},)
    raise AssertionError(f"no sample for {name}: {hint}")


def test_every_type_has_one_class() -> None:
    classes = event_classes()
    assert len(classes) >= 10
    assert {cls.type for cls in classes} == set(EventType)


@pytest.mark.parametrize("cls", event_classes(), ids=lambda cls: cls.__name__)
def test_round_trip(cls: type[Event]) -> None:
    hints = typing.get_type_hints(cls)
    values = {f.name: sample(hints[f.name], f.name) for f in dataclasses.fields(cls)}
    event = cls(**values)
    wire = json.loads(json.dumps(event.to_event()))
    assert wire["type"] == cls.type.value
    back = Event.from_event(wire)
    assert type(back) is cls
    assert back == event
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(back, dataclasses.fields(cls)[0].name, None)


def test_bus_delivers_in_order_and_filters_by_type() -> None:
    bus = EventBus()
    everything: list[Event] = []
    replies: list[Event] = []
    bus.subscribe(everything.append)
    bus.subscribe(replies.append, [EventType.REPLY])
    bus.publish(StageStart(Stage.INTENT))
    bus.publish(Reply("hello"))
    bus.publish(StageEnd(Stage.INTENT, 1.0))
    assert [type(e) for e in everything] == [StageStart, Reply, StageEnd]
    assert replies == [Reply("hello")]


def test_a_failing_listener_does_not_break_the_others(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()
    got: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    bus.subscribe(broken)
    bus.subscribe(got.append)
    event = DeviceChanged("light.x", "on", {}, "off")
    bus.publish(event)  # must not raise
    assert got == [event]
    assert "listener failed" in caplog.text


def test_unsubscribe() -> None:
    bus = EventBus()
    got: list[Event] = []
    stop = bus.subscribe(got.append)
    bus.publish(Reply("one"))
    stop()
    stop()  # twice is harmless
    bus.publish(Reply("two"))
    assert got == [Reply("one")]


def test_the_bus_stamps_the_current_turn_on_this_threads_turn_events_only() -> None:
    import threading

    from assistant.events import AudioLevel, EventBus, Reply, Transcript, new_turn_id

    bus = EventBus()
    seen: list[Any] = []
    bus.subscribe(seen.append)
    turn = new_turn_id("u")
    other: list[str] = []
    with bus.turn(turn):
        bus.publish(Reply("Done"))
        bus.publish(Transcript("hi", final=True, turn_id="u-given"))  # an explicit id stays
        bus.publish(AudioLevel(0.5))  # not a turn event: nothing to stamp
        worker = threading.Thread(target=lambda: other.append(bus.current_turn()))
        worker.start()
        worker.join()
    bus.publish(Reply("after"))
    assert turn.startswith("u-") and new_turn_id("u") != turn
    assert [getattr(e, "turn_id", None) for e in seen] == [turn, "u-given", None, ""]
    assert other == [""]  # another thread is not in this turn
    assert bus.current_turn() == ""
