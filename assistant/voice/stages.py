"""Stage bookkeeping: paired StageStart/StageEnd events with their durations."""

from __future__ import annotations

from collections.abc import Callable

from assistant.events import EventBus, Stage, StageEnd, StageStart


class StageClock:
    """Which stages are open, since when; each closes once, with its duration in ms."""

    def __init__(self, bus: EventBus, now: Callable[[], float]) -> None:
        self.bus = bus
        self.now = now
        self._open: dict[Stage, float] = {}

    def begin(self, stage: Stage, turn_id: str) -> None:
        if stage in self._open:
            return
        self._open[stage] = self.now()
        self.bus.publish(StageStart(stage, turn_id))

    def end(self, stage: Stage, turn_id: str) -> None:
        started = self._open.pop(stage, None)
        if started is None:
            return
        self.bus.publish(StageEnd(stage, round(1000.0 * (self.now() - started), 2), turn_id))

    def end_turn(self, turn_id: str) -> None:
        """Close every stage of a turn (the wait for the wake word is not one)."""
        for stage in list(self._open):
            if stage is not Stage.WAKE:
                self.end(stage, turn_id)
