"""Feeding audio from memory through the state machine in simulated time."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from assistant.audio.base import SAMPLE_RATE, frame_samples_for
from assistant.voice.scheduler import SimulatedScheduler

if TYPE_CHECKING:
    from assistant.voice.machine import Machine


class Simulation:
    """Feeds audio through a pipeline in simulated time (faster than real time by default)."""

    def __init__(self, machine: Machine, scheduler: SimulatedScheduler, speed: float) -> None:
        self.machine = machine
        self.scheduler = scheduler
        self.speed = speed
        self.audio_s = 0.0
        self._frame = frame_samples_for(20)
        self._wall_start = time.perf_counter()

    @property
    def now(self) -> float:
        return self.scheduler.now()

    def feed(self, samples: np.ndarray) -> None:
        """Audio arriving in 20 ms frames at its real-time pace (on the simulated clock)."""
        samples = np.asarray(samples, dtype=np.int16)
        for start in range(0, len(samples), self._frame):
            self.feed_frame(samples[start : start + self._frame])

    def feed_frame(self, frame: np.ndarray) -> None:
        arrival = self.audio_s + len(frame) / SAMPLE_RATE
        self._deliver(arrival)
        self.scheduler.clock.arrive(arrival)
        self.audio_s = arrival
        if self.speed > 0:
            ahead = arrival / self.speed - (time.perf_counter() - self._wall_start)
            if ahead > 0:
                time.sleep(ahead)
        self.machine.on_frame(frame, arrival)
        self.machine.tick()

    def silence(self, seconds: float) -> None:
        self.feed(np.zeros(int(seconds * SAMPLE_RATE), np.int16))

    def finish(self, tail_s: float = 1.0) -> None:
        """Let pending work finish: ``tail_s`` of silence, then any lane results still due."""
        self.silence(tail_s)
        while (due := self.scheduler.next_due()) is not None:
            self._deliver(due)

    def _deliver(self, until: float) -> None:
        while self.scheduler.deliver_until(until):
            self.machine.tick()
