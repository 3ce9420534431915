"""What every part of the voice loop shares: its state, the utterance being heard, the clock
and the lanes, the open stages. The transitions between states are in ``machine.py``."""

from __future__ import annotations

import time

from assistant.conversation import Conversation
from assistant.events import EventBus, PipelineState, PipelineStateChanged, Stage, new_turn_id
from assistant.voice.options import PipelineOptions
from assistant.voice.scheduler import Scheduler
from assistant.voice.stages import StageClock
from assistant.voice.utterance import Utterance

_STAGE_OF_STATE = {
    PipelineState.LISTENING: Stage.VAD,
    PipelineState.TRANSCRIBING: Stage.ASR,
    PipelineState.ACTING: Stage.ACTION,
    PipelineState.REPLYING: Stage.REPLY,
}


class Core:
    """The loop's shared state; only its own thread touches it, so it has no lock."""

    def __init__(self, conversation: Conversation, bus: EventBus, options: PipelineOptions):
        self.conversation = conversation
        self.bus = bus
        self.options = options
        self.state = PipelineState.IDLE
        self.scheduler: Scheduler | None = None  # set by the runner or the simulation
        self.utt: Utterance | None = None
        self.deadline: float | None = None  # when the current state times out
        self.stages = StageClock(bus, self.now)
        self.begin_stage, self.end_stage = self.stages.begin, self.stages.end

    def now(self) -> float:
        """Seconds on the loop's clock (simulated time under a simulation)."""
        return self.scheduler.now() if self.scheduler is not None else time.monotonic()

    def next_id(self, kind: str = "u") -> str:
        return new_turn_id(kind)

    def stage_of_state(self) -> Stage:
        return _STAGE_OF_STATE.get(self.state, Stage.WAKE)

    def set_state(self, state: PipelineState) -> None:
        if state is self.state:
            return
        previous, self.state = self.state, state
        self.bus.publish(PipelineStateChanged(state, previous))

    def discard(self) -> None:
        """Forget the current utterance; late lane results for it are ignored."""
        turn_id = self.utt.id if self.utt is not None else ""
        self.utt = None
        self.deadline = None
        self.stages.end_turn(turn_id)
