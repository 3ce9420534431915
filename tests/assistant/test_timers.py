"""Timers: stored by end time, shared by processes, rung exactly once."""

from __future__ import annotations

import multiprocessing
import stat

import pytest

from assistant.timers import (
    TimerError,
    TimerQuery,
    TimerStore,
    TimerWatcher,
    spoken_duration,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_timer_rings_once_when_its_time_is_up():
    clock = Clock()
    store = TimerStore(None, clock=clock)
    store.start(300, name="pizza")
    rung = []
    watcher = TimerWatcher(store, rung.append)
    clock.now += 299
    assert watcher.poll() == []
    clock.now += 1
    assert [t.name for t in watcher.poll()] == ["pizza"]
    assert watcher.poll() == []
    assert store.all() == []
    assert len(rung) == 1


def test_pause_keeps_the_time_left_and_resume_counts_down_again():
    clock = Clock()
    store = TimerStore(None, clock=clock)
    timer = store.start(600)
    clock.now += 100
    paused = store.pause(timer)
    assert not paused.is_active and paused.remaining(clock.now) == 500
    clock.now += 10_000
    assert store.take_due() == []
    assert store.all()[0].remaining(clock.now) == 500
    resumed = store.resume(paused)
    assert resumed.is_active and resumed.remaining(clock.now) == 500


def test_adding_and_taking_off_time():
    clock = Clock()
    store = TimerStore(None, clock=clock)
    timer = store.start(300)
    longer = store.adjust(timer, 120)
    assert longer.remaining(clock.now) == 420
    shorter = store.adjust(longer, -1000)
    assert shorter.remaining(clock.now) == 0
    assert len(store.take_due()) == 1


def test_queries_pick_timers_by_name_area_and_length():
    store = TimerStore(None)
    store.start(300, name="Pizza", area="Kitchen")
    store.start(600, area="Bedroom")
    store.start(300, area="Bedroom")
    assert [t.name for t in store.find(TimerQuery(name="the pizza timer"))] == ["Pizza"]
    assert len(store.find(TimerQuery(area="bedroom"))) == 2
    assert len(store.find(TimerQuery(started_seconds=300))) == 2
    assert len(store.find(TimerQuery(area="Bedroom", started_seconds=600))) == 1


def test_out_of_range_lengths_are_refused():
    store = TimerStore(None)
    with pytest.raises(TimerError):
        store.start(0)
    with pytest.raises(TimerError):
        store.start(101 * 3600)


def test_timers_survive_a_restart_in_a_private_file(tmp_path):
    path = tmp_path / "timers.db"
    clock = Clock()
    first = TimerStore(path, clock=clock)
    first.start(90, name="tea")
    first.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = TimerStore(path, clock=clock)
    assert [t.name for t in again.all()] == ["tea"]
    clock.now += 90
    assert [t.name for t in again.take_due()] == ["tea"]


def _take(path: str, queue) -> None:  # runs in a child process
    queue.put([t.name for t in TimerStore(path, clock=lambda: 2e9).take_due()])


def test_two_processes_never_ring_the_same_timer(tmp_path):
    path = tmp_path / "timers.db"
    store = TimerStore(path)
    for n in range(20):
        store.start(1, name=f"t{n}")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_take, args=(str(path), queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    rung = [name for _ in workers for name in queue.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(rung) == sorted(f"t{n}" for n in range(20))


def test_a_failing_disk_keeps_timers_in_memory(tmp_path, monkeypatch):
    store = TimerStore(tmp_path / "timers.db")
    store.start(60, name="eggs")
    original = store._tables.connection

    class Full:
        def __getattr__(self, name):
            return getattr(original, name)

        def execute(self, sql, *args):
            if sql.startswith("BEGIN"):
                import sqlite3

                raise sqlite3.OperationalError("database or disk is full")
            return original.execute(sql, *args)

    store._tables.connection = Full()
    store.start(120, name="rice")
    assert sorted(t.name for t in store.all()) == ["eggs", "rice"]


def test_a_listener_that_fails_does_not_stop_the_others():
    clock = Clock()
    store = TimerStore(None, clock=clock)
    store.start(1, name="a")
    store.start(1, name="b")
    seen = []

    def listener(timer):
        seen.append(timer.name)
        if timer.name == "a":
            raise RuntimeError("speaker gone")

    clock.now += 5
    TimerWatcher(store, listener).poll()
    assert sorted(seen) == ["a", "b"]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300, "5 minutes"),
        (3600, "1 hour"),
        (5400, "1 hour and 30 minutes"),
        (61, "1 minute and 1 second"),
    ],
)
def test_spoken_durations(seconds, text):
    assert spoken_duration(seconds) == text


def test_labels_name_a_timer_as_people_do():
    store = TimerStore(None)
    assert store.start(300).label() == "the 5-minute timer"
    assert store.start(300, name="pizza").label() == "the pizza timer"
    assert store.start(300, name="oven timer").label() == "the oven timer"
