"""Where the pipeline's slow work runs and what "now" means: live threads or a simulation.

The voice state machine runs on one thread. Decoding and acting are handed to *lanes* (one
worker each) and their results come back to the pipeline thread as callbacks, so the state
machine never blocks on a model and keeps consuming audio. Two schedulers provide that:

* :class:`ThreadScheduler` (microphone, real time): a real clock, one thread per lane, results
  posted through the pipeline's queue.
* :class:`SimulatedScheduler` (files, tests, benchmarks, faster than real time): a
  :class:`VirtualClock` that jumps to each frame's audio time while the pipeline is idle and runs
  at wall speed while it computes, and lanes that run their job at once, measure it, and deliver
  the result at the virtual time the job would have finished. That is a discrete-event model of
  the threaded pipeline: latencies it reports are those a live user would feel on this machine
  (with one lane job at a time per lane, as in the live pipeline), without waiting in real time.
  Jobs on two lanes overlap in simulated time; that matches the threaded pipeline when each
  uses its own cores (the speech engine's two workers get half the cores each).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

_LOGGER = logging.getLogger(__name__)


class Lane(StrEnum):
    DECODE = "decode"  # speech engine: partials while the user speaks
    FINISH = "finish"  # speech engine, when it decodes two at once: pauses and end of speech
    ACT = "act"  # conversation: intent, actions, reply text


@dataclass(frozen=True)
class Outcome:
    """What a lane job returned, or the exception it raised (delivered, never re-raised)."""

    value: Any = None
    error: BaseException | None = None
    started_s: float = 0.0
    finished_s: float = 0.0


Callback = Callable[[Outcome], None]


class Scheduler(Protocol):
    def now(self) -> float:
        """Seconds on the pipeline clock."""
        ...

    def submit(self, lane: Lane, job: Callable[[], Any], done: Callback) -> None:
        """Run ``job`` on ``lane``; ``done`` runs later on the pipeline thread."""
        ...

    def close(self) -> None: ...


class ThreadScheduler:
    """Real time: one single-thread executor per lane; ``post`` hands callbacks back."""

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post
        self._pools = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"hearth-{lane}")
            for lane in Lane
        }

    def now(self) -> float:
        return time.monotonic()

    def submit(self, lane: Lane, job: Callable[[], Any], done: Callback) -> None:
        def run() -> Outcome:
            started = time.monotonic()
            try:
                value = job()
            # Delivered to the pipeline as a stage error.
            except Exception as err:  # noqa: BLE001
                return Outcome(error=err, started_s=started, finished_s=time.monotonic())
            return Outcome(value=value, started_s=started, finished_s=time.monotonic())

        future = self._pools[lane].submit(run)

        def forward(finished: Future[Outcome]) -> None:
            outcome = finished.result()
            self._post(lambda: done(outcome))

        future.add_done_callback(forward)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)


class VirtualClock:
    """Simulated time: jumps forward to audio arrivals, runs at wall speed during computation.

    ``frozen`` stops the wall-speed part: time then moves only with arrivals and fixed lane
    costs, so a test's outcome cannot depend on how busy the machine happens to be.
    """

    def __init__(self, start_s: float = 0.0, frozen: bool = False) -> None:
        self._base = start_s
        self._frozen = frozen
        self._mark = time.perf_counter()

    def __call__(self) -> float:
        if self._frozen:
            return self._base
        return self._base + (time.perf_counter() - self._mark)

    def arrive(self, at_s: float) -> None:
        """Something arrives at ``at_s``; if the pipeline is still busy past it, time stays."""
        self._base = max(self(), at_s)
        self._mark = time.perf_counter()

    @contextmanager
    def detached(self, start_s: float) -> Iterator[None]:
        """Time a job that runs on another lane from ``start_s``, without charging this one."""
        saved = self()
        self._base = start_s
        self._mark = time.perf_counter()
        try:
            yield
        finally:
            self._base = saved
            self._mark = time.perf_counter()


class SimulatedScheduler:
    """Lanes run jobs inline and deliver results at their simulated finishing time.

    By default a job lasts as long as it took on this machine; with ``lane_costs`` every job on
    a lane lasts exactly that long and the clock is frozen (deterministic tests).
    """

    def __init__(self, lane_costs: Mapping[Lane, float] | None = None) -> None:
        self.lane_costs = dict(lane_costs) if lane_costs is not None else None
        self.clock = VirtualClock(frozen=lane_costs is not None)
        self._busy_until = dict.fromkeys(Lane, 0.0)
        self._due: list[tuple[float, int, Callback, Outcome]] = []
        self._order = itertools.count()
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.clock()

    def submit(self, lane: Lane, job: Callable[[], Any], done: Callback) -> None:
        start = max(self.clock(), self._busy_until[lane])
        with self.clock.detached(start):
            try:
                value = job()
                error: BaseException | None = None
            # Delivered to the pipeline as a stage error.
            except Exception as err:  # noqa: BLE001
                value, error = None, err
            finished = self.clock()
        if self.lane_costs is not None:
            finished = start + self.lane_costs.get(lane, 0.0)
        self._busy_until[lane] = finished
        outcome = Outcome(value=value, error=error, started_s=start, finished_s=finished)
        with self._lock:
            heapq.heappush(self._due, (finished, next(self._order), done, outcome))

    def next_due(self) -> float | None:
        with self._lock:
            return self._due[0][0] if self._due else None

    def deliver_until(self, at_s: float) -> bool:
        """Run the earliest callback due by ``at_s`` (at its own time); False when none is."""
        with self._lock:
            if not self._due or self._due[0][0] > at_s:
                return False
            finished, _, done, outcome = heapq.heappop(self._due)
        self.clock.arrive(finished)
        done(outcome)
        return True

    def close(self) -> None:
        with self._lock:
            self._due.clear()
