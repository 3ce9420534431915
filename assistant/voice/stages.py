"""Stage bookkeeping: paired StageStart/StageEnd events with their durations."""

from __future__ import annotations

from collections.abc import Callable

from assistant.events import EventBus, Stage, StageEnd, StageStart


class StageClock:
    """Which stages are open, since when and for which turn; each closes once, with its
    duration in ms, under the turn it was opened for unless a turn id is given (the wait for the
    wake word opens before its turn exists and closes as part of it)."""

    def __init__(self, bus: EventBus, now: Callable[[], float]) -> None:
        self.bus = bus
        self.now = now
        self._open: dict[Stage, tuple[float, str]] = {}

    def begin(self, stage: Stage, turn_id: str) -> None:
        if stage in self._open:
            return
        self._open[stage] = (self.now(), turn_id)
        self.bus.publish(StageStart(stage, turn_id))

    def end(self, stage: Stage, turn_id: str = "") -> None:
        opened = self._open.pop(stage, None)
        if opened is None:
            return
        started, opened_for = opened
        duration_ms = round(1000.0 * (self.now() - started), 2)
        self.bus.publish(StageEnd(stage, duration_ms, turn_id or opened_for))

    def end_turn(self, turn_id: str = "") -> None:
        """Close every stage of a turn (the wait for the wake word is not one)."""
        for stage in list(self._open):
            if stage is not Stage.WAKE:
                self.end(stage, turn_id)
