"""The live loop's state machine: idle → wake → listening → transcribing → acting → replying.

One thread owns it (the runner's loop, or a simulation) and calls :meth:`Machine.on_frame`,
:meth:`Machine.tick` and the lane callbacks, so no lock guards the state. Each transition is one
method; the wake gate, the ears (VAD, end-pointing), the decoder and the replier do the work and
call back here. Every stage emits paired StageStart/StageEnd events with timings; a stage that
fails raises its own :class:`~assistant.voice.errors.StageError`, which :meth:`fail` turns into
an ErrorEvent (the only place that does) before going back to idle. Each utterance has a turn id,
stamped (through ``EventBus.turn``) on every event of its turn, the conversation's included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assistant.audio.endpoint import EndpointState, EndReason
from assistant.audio.wake import WakeDetection
from assistant.conversation import Conversation
from assistant.events import (
    Cancelled,
    ErrorEvent,
    EventBus,
    PipelineState,
    Stage,
    Transcript,
)
from assistant.tts import Earcon
from assistant.voice.acting import Acted, ActionWatch, Decision, act_job, timings
from assistant.voice.core import Core
from assistant.voice.decoder import Decoder
from assistant.voice.errors import ActionError, AsrError, ErrorCode, ReplyError, StageError
from assistant.voice.options import PipelineOptions
from assistant.voice.parts import PipelineParts
from assistant.voice.phrases import CANCEL_PHRASES, collapse_repeat, normalize
from assistant.voice.replier import Replier
from assistant.voice.scheduler import Lane, Outcome
from assistant.voice.utterance import Ears, LevelMeter, Utterance, UtteranceKind
from assistant.voice.wake_gate import WakeGate


class Machine(Core):
    """The voice loop around one Conversation; see the module docstring."""

    def __init__(
        self,
        conversation: Conversation,
        bus: EventBus,
        parts: PipelineParts,
        options: PipelineOptions,
    ) -> None:
        super().__init__(conversation, bus, options)
        self.utterance_audio = parts.utterance_audio
        self.gate = WakeGate(self, parts.wake, parts.wake_verifier)
        self.ears = Ears(parts.vad, options)
        understands = lambda text: conversation.recognize(text) is not None
        self.decoder = Decoder(self, parts.engine, parts.hint, understands)
        self.replier = Replier(self, parts.speaker, parts.wake)
        self.level = LevelMeter(options, bus.publish)
        self.decision: Decision | None = None
        self.watch = ActionWatch(bus, self.now, lambda: self.state is PipelineState.ACTING)

    # -- lanes and errors ---------------------------------------------------------

    def submit(self, lane: Lane, job: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        assert self.scheduler is not None
        self.scheduler.submit(lane, job, lambda outcome: self.run(done, outcome))

    def run(self, step: Callable[..., None], *args: Any) -> None:
        """Run one step on the machine's thread; a stage error it raises becomes an event."""
        try:
            step(*args)
        except StageError as err:
            self.fail(err)

    def report(self, error: StageError, turn_id: str = "") -> None:
        """The one place a stage error becomes an ErrorEvent."""
        turn_id = error.turn_id or turn_id or (self.utt.id if self.utt is not None else "")
        self.bus.publish(ErrorEvent(error.stage, error.code.value, error.message, turn_id))

    def close(self) -> None:
        self.watch.close()

    # -- frames and time -----------------------------------------------------------------------------

    def on_frame(self, frame: np.ndarray, arrival_s: float) -> None:
        self.run(self._on_frame, frame, arrival_s)

    def _on_frame(self, frame: np.ndarray, arrival_s: float) -> None:
        self.gate.ring.append(frame)
        self.level.add(frame, self.utt, self.state)
        utt = self.utt
        if self.state is PipelineState.IDLE:
            self.gate.hear(frame, PipelineState.IDLE)
        elif self.state in (PipelineState.LISTENING, PipelineState.WAKE) and utt is not None:
            self.gate.skip(frame)
            self.listen(utt, frame, arrival_s)
        elif self.state is PipelineState.REPLYING and self.options.barge_in:
            if not self.gate.hear(frame, PipelineState.REPLYING):
                self.replier.barge_in(frame, arrival_s)
        else:
            self.gate.skip(frame)

    def tick(self) -> None:
        self.run(self._tick)

    def _tick(self) -> None:
        now = self.now()
        if self.state is PipelineState.REPLYING and self.replier.ends_s is not None:
            if self.replier.finished(now):
                if self.utt is not None and self.utt.kind is UtteranceKind.BARGE_IN:
                    self.utt = None
                self.after_turn(self.replier.follow_up)
            return
        if self.deadline is None or now < self.deadline:
            return
        utt = self.utt
        turn_id = utt.id if utt is not None else ""
        if self.state in (PipelineState.LISTENING, PipelineState.WAKE) and utt is not None:
            self.no_speech(utt)
        elif self.state is PipelineState.TRANSCRIBING:
            raise AsrError(ErrorCode.ASR_TIMEOUT, "the speech engine took too long", turn_id)
        elif self.state is PipelineState.ACTING:
            raise ActionError(ErrorCode.ACT_TIMEOUT, "the command took too long", turn_id)

    # -- transitions ---------------------------------------------------------------------------------

    def begin_idle(self) -> None:
        """→ IDLE: wait for the wake word."""
        self.discard()
        self.replier.ends_s = None
        self.set_state(PipelineState.IDLE)
        if self.gate.wake is not None:
            self.gate.reset()
            self.begin_stage(Stage.WAKE, "")

    def wake(
        self, detection: WakeDetection, preroll_s: float | None = None, verified: bool = False
    ) -> None:
        """→ WAKE: the detector fired; listen at once, silent until the verifier agrees."""
        now = self.now()
        turn_id = self.next_id()
        self.end_stage(Stage.WAKE, turn_id)
        self.set_state(PipelineState.WAKE)
        preroll = self.options.wake_preroll_s if preroll_s is None else preroll_s
        announce = verified or not self.gate.verifies
        if announce:
            self.gate.announce(detection, turn_id, now)
        self.open_utterance(turn_id, UtteranceKind.COMMAND, preroll, False, announce, now)
        if not announce and self.utt is not None:
            self.gate.verify(self.utt, detection)

    def wake_accepted(self, utt: Utterance, detection: WakeDetection) -> None:
        """WAKE → LISTENING: the wake word is confirmed; a command already heard goes on."""
        self.gate.announce(detection, utt.id, self.now())
        if self.state is PipelineState.WAKE:
            self.set_state(PipelineState.LISTENING)
            self.begin_stage(Stage.VAD, utt.id)
        if utt.held is not None:
            text, early = utt.held
            utt.held = None
            self.final_transcript(utt, text, early)

    def open_utterance(
        self,
        turn_id: str,
        kind: UtteranceKind,
        preroll_s: float,
        ptt: bool,
        listening: bool = True,
        now: float | None = None,
    ) -> None:
        """→ LISTENING (unless a barge-in or an unverified wake): a new utterance opens."""
        now = self.now() if now is None else now
        utt = self.ears.open(turn_id, kind, now, ptt)
        self.utt = utt
        if kind is not UtteranceKind.BARGE_IN:
            if listening:
                self.set_state(PipelineState.LISTENING)
                self.begin_stage(Stage.VAD, turn_id)
            self.deadline = utt.deadline_s
        preroll = self.gate.ring.tail(preroll_s) if preroll_s > 0 else np.zeros(0, np.int16)
        if len(preroll):
            self.listen(utt, preroll, now)

    def listen(self, utt: Utterance, frame: np.ndarray, arrival_s: float) -> None:
        heard = self.ears.listen(utt, frame, arrival_s)
        if heard.started and utt.kind is not UtteranceKind.BARGE_IN:
            self.deadline = None  # max_utterance_s bounds it from here
        if heard.end is EndReason.NO_SPEECH:
            self.no_speech(utt)
        elif heard.end is not None:
            self.finalize(utt, early=False)
        elif utt.endpointer.state is EndpointState.SPEECH:
            self.decoder.maybe_decode(utt)
            self.decoder.maybe_act_early(utt)

    def no_speech(self, utt: Utterance) -> None:
        """→ IDLE: nothing was said in time."""
        self.utt = None
        if utt.kind is UtteranceKind.BARGE_IN:
            return
        self.bus.publish(Cancelled("no-speech", PipelineState.LISTENING, utt.id))
        self.begin_idle()

    def finalize(self, utt: Utterance, early: bool, text: str | None = None) -> None:
        """→ TRANSCRIBING: the utterance is over; get its final transcript."""
        now = self.now()
        end = utt.endpointer.reason or EndReason.COMPLETE
        self.decision = Decision(utt.time_of(utt.speech_end_sample()), now, end.value, early)
        if utt.kind is not UtteranceKind.BARGE_IN:
            self.end_stage(Stage.VAD, utt.id)
            self.set_state(PipelineState.TRANSCRIBING)
            self.begin_stage(Stage.ASR, utt.id)
            self.deadline = now + self.options.transcribe_timeout_s
        utt.final_pending = True
        if text is not None:
            self.final_transcript(utt, text, early=True)
        else:
            self.decoder.finish(utt)

    def final_transcript(self, utt: Utterance, text: str, early: bool) -> None:
        """The words are final: cancel, give up, or act on them."""
        if utt.wake_check is not None:
            utt.held = (text, early)  # a short command said before the wake word is confirmed
            return
        utt.final_pending = False
        text = collapse_repeat(text)
        words = normalize(text)
        if utt.kind is UtteranceKind.BARGE_IN:
            self.utt = None
            if words in CANCEL_PHRASES:
                self.replier.stop("spoken")
                self.cancel("spoken")
            return
        self.end_stage(Stage.ASR, utt.id)
        self.bus.publish(Transcript(text, final=True, turn_id=utt.id))
        if self.utterance_audio is not None:
            self.utterance_audio(utt.id, utt.audio().copy())
        if not words:
            self.utt = None
            self.bus.publish(Cancelled("no-speech", PipelineState.TRANSCRIBING, utt.id))
            self.begin_idle()
        elif words in CANCEL_PHRASES:
            self.cancel("spoken")
        else:
            self.act(utt, text)

    def act(self, utt: Utterance, text: str) -> None:
        """→ ACTING: the conversation handles the words on the act lane, the reply is made."""
        self.set_state(PipelineState.ACTING)
        now = self.now()
        self.deadline = now + self.options.act_timeout_s
        self.watch.reset()
        decided_s = self.decision.decided_s if self.decision is not None else now
        speaker, asr_ms = self.replier.speaker, 1000.0 * (now - decided_s)
        job = act_job(self.conversation, self.bus, speaker, utt.id, text, asr_ms)
        self.submit(Lane.ACT, job, lambda outcome: self.acted(utt, outcome))

    def acted(self, utt: Utterance, outcome: Outcome) -> None:
        """ACTING → REPLYING, FOLLOW_UP or IDLE: report the timings, then answer."""
        if utt is not self.utt or self.state is not PipelineState.ACTING:
            return
        self.utt = None
        if outcome.error is not None:
            raise ActionError(
                ErrorCode.ACT_FAILED, f"command failed: {outcome.error}", utt.id
            ) from outcome.error
        acted: Acted = outcome.value
        result = acted.result
        if self.decision is not None:
            action_s = outcome.finished_s if self.watch.action_s is None else self.watch.action_s
            self.bus.publish(timings(self.decision, result, action_s, utt.partial_ms, utt.id))
        if acted.voice_problem is not None:
            message = f"cannot speak: {acted.voice_problem}"
            self.report(ReplyError(ErrorCode.TTS_FAILED, message, utt.id))
        follow_up = result.confirmation_required or result.response.rstrip().endswith("?")
        if acted.audio is not None and self.replier.speaker is not None:
            self.reply(acted.audio, result.response, follow_up, utt.id)
            return
        if result.executed:
            self.replier.chime(Earcon.DONE)
        self.after_turn(follow_up)

    def reply(self, audio: np.ndarray, text: str, follow_up: bool, turn_id: str) -> None:
        """→ REPLYING: the answer plays; ``tick`` ends it, barge-in may cut it short."""
        self.set_state(PipelineState.REPLYING)
        self.begin_stage(Stage.REPLY, turn_id)
        try:
            self.replier.play(audio, text, follow_up, turn_id)
        except ReplyError:
            self.end_stage(Stage.REPLY, turn_id)
            raise
        self.deadline = self.replier.ends_s

    def after_turn(self, follow_up: bool) -> None:
        """→ LISTENING for an answer (no wake word needed), or → IDLE."""
        if follow_up:
            self.open_utterance(self.next_id(), UtteranceKind.FOLLOW_UP, 0.0, False)
        else:
            self.begin_idle()

    def ptt_start(self) -> None:
        """→ LISTENING at once: push-to-talk, with the audio from just before the press."""
        if self.state is PipelineState.REPLYING:
            self.replier.stop("push-to-talk")
        self.discard()
        turn_id = self.next_id()
        self.end_stage(Stage.WAKE, turn_id)
        self.open_utterance(turn_id, UtteranceKind.COMMAND, self.options.ptt_preroll_s, True)

    def ptt_stop(self) -> None:
        """The button was released: the utterance ends here."""
        utt = self.utt
        if self.state is not PipelineState.LISTENING or utt is None:
            return
        event = utt.endpointer.finish()
        if event is not None and event.reason is EndReason.NO_SPEECH:
            self.no_speech(utt)
        else:
            self.finalize(utt, early=False)

    def cancel(self, reason: str) -> None:
        """→ IDLE: the user dropped whatever was going on (and any question asked)."""
        previous = self.state
        turn_id = self.utt.id if self.utt is not None else ""
        if previous is PipelineState.REPLYING:
            self.replier.stop(reason)
        if previous in (
            PipelineState.LISTENING,
            PipelineState.TRANSCRIBING,
            PipelineState.REPLYING,
        ):
            self.conversation.cancel_question()  # a cancelled question is unanswered
        self.discard()
        self.bus.publish(Cancelled(reason, previous, turn_id))
        self.begin_idle()

    def fail(self, error: StageError) -> None:
        """→ ERROR → IDLE: report the stage's error and carry on."""
        turn_id = error.turn_id or (self.utt.id if self.utt is not None else "")
        if self.state is PipelineState.REPLYING:
            self.replier.stop("error")
        self.discard()
        self.report(error, turn_id)
        self.set_state(PipelineState.ERROR)
        self.begin_idle()
