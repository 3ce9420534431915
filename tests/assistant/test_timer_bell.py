"""A finished timer rings once in the running front end, and a delayed command is carried out."""

from __future__ import annotations

import threading

from assistant.config import Config
from assistant.events import TimerFinished
from assistant.runtime import build_runtime


def _wait_for(condition, seconds: float = 20.0) -> bool:
    done = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return condition()


def test_a_finished_timer_is_announced_on_the_bus():
    runtime = build_runtime(Config(), temporary=True)
    rung: list[TimerFinished] = []
    runtime.bus.subscribe(lambda e: rung.append(e) if isinstance(e, TimerFinished) else None)
    try:
        runtime.start_timers()
        assert runtime.handle("set a timer for 1 second").response == "Timer set for 1 second"
        assert _wait_for(lambda: rung)
        assert rung[0].message == "The 1-second timer is done"
        assert runtime.services.timers.all() == []
    finally:
        runtime.close()
    assert len(rung) == 1


def test_a_delayed_command_runs_when_its_timer_ends():
    runtime = build_runtime(Config(), temporary=True)
    try:
        runtime.start_timers()
        reply = runtime.handle("turn on the kettle in 1 second").response
        assert reply == "OK, I'll turn on the kettle in 1 second"
        assert runtime.backend.home().device("switch.kettle").state == "off"
        assert _wait_for(lambda: runtime.backend.home().device("switch.kettle").state == "on")
    finally:
        runtime.close()


def test_a_delayed_unlock_still_asks_first():
    runtime = build_runtime(Config(), temporary=True)
    try:
        runtime.start_timers()
        runtime.handle("unlock the front door in 1 second")
        assert _wait_for(lambda: runtime.conversation.pending_question() is not None)
        assert runtime.backend.home().device("lock.front_door").state == "locked"
    finally:
        runtime.close()


class _Sink:
    def __init__(self) -> None:
        self.played: list[int] = []

    def play(self, samples, sample_rate: int) -> None:
        self.played.append(len(samples))

    def stop(self) -> None:
        pass


class _Voice:
    def synthesize(self, text: str):
        import numpy as np

        return np.ones(1600, np.int16)  # 0.1 s "speech"


def test_the_bell_rings_then_says_what_finished_and_only_one_bell_rings():
    from assistant.tts import Earcon, Speaker, earcon, timer_bell

    runtime = build_runtime(Config(), temporary=True)
    first, second = _Sink(), _Sink()
    try:
        runtime.ring_on(timer_bell(Speaker(first, _Voice())))
        runtime.ring_on(timer_bell(Speaker(second, _Voice())))  # the voice was rebuilt
        runtime.bus.publish(TimerFinished("t1", "The tea timer is done"))
    finally:
        runtime.close()
    assert first.played == []
    assert second.played == [len(earcon(Earcon.ALARM)) + 1600]
