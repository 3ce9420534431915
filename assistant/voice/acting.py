"""Acting on a final transcript: the act-lane job, and what the user waited for it.

The job runs ``Conversation.handle`` inside ``bus.turn(turn_id)``, so every event of the turn
(intent, actions, device changes, reply, TurnCompleted) carries the utterance's turn id, then
synthesizes the reply. ``UtteranceTimings`` measures from the last speech frame to the moment
the backend executed the command (``ActionWatch``), or to the job's end when nothing ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.conversation import Conversation, TurnResult
from assistant.events import ActionsExecuted, Event, EventBus, EventType, UtteranceTimings
from assistant.tts import Speaker


@dataclass(frozen=True)
class Decision:
    """When and how the utterance was judged over."""

    speech_end_s: float
    decided_s: float
    ended_by: str
    early: bool


@dataclass(frozen=True)
class Acted:
    """What the act job returns: the turn, the reply's audio, and why it could not be spoken."""

    result: TurnResult
    audio: np.ndarray | None = None
    voice_problem: BaseException | None = None


def act_job(
    conversation: Conversation,
    bus: EventBus,
    speaker: Speaker | None,
    turn_id: str,
    text: str,
    asr_ms: float,
) -> Callable[[], Acted]:
    def job() -> Acted:
        with bus.turn(turn_id):
            result = conversation.handle(text, asr_ms=asr_ms)
        if speaker is None or not speaker.speaks or not result.response:
            return Acted(result)
        try:
            return Acted(result, speaker.synthesize(result.response))
        # A broken voice must not lose the executed action.
        except Exception as err:  # noqa: BLE001
            return Acted(result, None, err)

    return job


class ActionWatch:
    """Notes the moment the backend executed a command (published on the act lane)."""

    def __init__(self, bus: EventBus, now: Callable[[], float], acting: Callable[[], bool]):
        self.now = now
        self.acting = acting
        self.action_s: float | None = None
        self.close = bus.subscribe(self._on_actions, [EventType.ACTIONS])

    def reset(self) -> None:
        self.action_s = None

    def _on_actions(self, event: Event) -> None:
        if (
            isinstance(event, ActionsExecuted)
            and not event.pending
            and self.action_s is None
            and self.acting()
        ):
            self.action_s = self.now()


def timings(
    decision: Decision,
    result: TurnResult,
    action_s: float,
    partial_ms: float,
    turn_id: str,
) -> UtteranceTimings:
    stages = {key: round(float(value), 2) for key, value in result.timings_ms.items()}
    stages["partials"] = round(partial_ms, 1)
    return UtteranceTimings(
        speech_end_s=round(decision.speech_end_s, 4),
        decided_s=round(decision.decided_s, 4),
        action_s=round(action_s, 4),
        latency_ms=round(1000.0 * (action_s - decision.speech_end_s), 1),
        early=decision.early,
        ended_by=decision.ended_by,
        stages_ms=stages,
        text=result.text,
        turn_id=turn_id,
    )
