"""The live loop: idle → wake → listening → transcribing → acting → replying → idle.

One thread owns the state machine and consumes one queue holding audio frames, user commands
(push-to-talk, cancel) and results coming back from the work lanes (see ``assistant/scheduler``),
so no lock guards the state and the microphone callback only ever enqueues. Every stage emits
paired StageStart/StageEnd events with timings; a failing stage emits an ErrorEvent with a code
and returns to idle, and the loop carries on.

Why it is fast: while the user speaks, the growing utterance is decoded on the decode lane every
``partial_interval_s``, and as soon as the VAD hears a pause it is decoded again on the finish
lane (when the engine can run two decodes at once), so the decode that may end the utterance
never waits for a periodic partial that started before the pause. When such a partial transcript,
covering all speech so far, is already a whole command this home can execute (the conversation
understands it, repairs of misheard words included) and the pause has lasted ``early_pause_s``,
the command runs without waiting for the end-of-speech silence; otherwise the usual silence
(``vad.silence_s``) ends the utterance and the last partial is reused when it already covers
everything. ``UtteranceTimings`` reports, per utterance, the time from the last speech frame to
the executed action.

With a wake verifier (``assistant/speech/wake_check``), a detection opens the utterance at once
(nothing said is lost) but the pipeline stays in WAKE, silent, until the speech model has checked
the last 1.6 s on the finish lane: then WakeDetected and the chime, or WakeRejected and idle. A
command that is already understood by then waits for the verdict. A wake word heard over a reply
stops the reply only once checked.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE, AudioSource, frame_samples_for
from assistant.audio.endpoint import (
    EndpointConfig,
    Endpointer,
    EndpointEventType,
    EndpointState,
    EndReason,
)
from assistant.audio.ring import RingBuffer
from assistant.audio.vad import SpeechDetector
from assistant.audio.wake import WakeDetection, WakeWordDetector
from assistant.config import Config
from assistant.conversation import Conversation, TurnResult
from assistant.events import (
    ActionsExecuted,
    AudioLevel,
    Cancelled,
    ErrorEvent,
    Event,
    EventBus,
    EventType,
    PipelineState,
    PipelineStateChanged,
    Stage,
    StageEnd,
    StageStart,
    Transcript,
    UtteranceTimings,
    WakeDetected,
    WakeRejected,
)
from assistant.scheduler import (
    Lane,
    Outcome,
    Scheduler,
    SimulatedScheduler,
    ThreadScheduler,
)
from assistant.speech.base import SpeechEngine, TranscriptResult, VocabularyHint
from assistant.speech.wake_check import WakeVerdict, WakeVerifier
from assistant.tts import Earcon, Speaker

_LOGGER = logging.getLogger(__name__)

CANCEL_PHRASES = frozenset(
    {"stop", "cancel", "never mind", "nevermind", "cancel that", "forget it", "stop it", "quiet"}
)
"""Whole utterances that cancel instead of being understood as commands."""


class ErrorCode(StrEnum):
    """Stable codes on ErrorEvent, one family per stage."""

    WAKE_FAILED = "wake-failed"
    VAD_FAILED = "vad-failed"
    ASR_FAILED = "asr-failed"
    ASR_TIMEOUT = "asr-timeout"
    ACT_FAILED = "action-failed"
    ACT_TIMEOUT = "action-timeout"
    TTS_FAILED = "tts-failed"
    INTERNAL = "internal-error"


class UtteranceKind(StrEnum):
    COMMAND = "command"  # after the wake word or push-to-talk
    FOLLOW_UP = "follow-up"  # answering Hearth's question, no wake word needed
    BARGE_IN = "barge-in"  # heard while Hearth speaks: only "stop"/"cancel" count


@dataclass(frozen=True)
class PipelineOptions:
    """Timing rules of the live loop; ``from_config`` maps the user's settings."""

    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    listen_timeout_s: float = 6.0  # after the wake word: no speech by then → idle
    follow_up_s: float = 6.0  # window to answer a question without the wake word
    wake_preroll_s: float = 0.2  # audio from before the wake detection given to the command
    ptt_preroll_s: float = 0.6  # people start speaking just before they press the button
    speech_preroll_s: float = 0.3  # audio before the VAD's start of speech (VAD fires late)
    partial_interval_s: float = 0.6  # decode the growing utterance this often while speaking
    early: bool = True  # act on a partial that is already a complete command
    early_pause_s: float = 0.12  # ... once the VAD has heard this much pause after it
    pause_decode_s: float = 0.05  # quiet this long (past the VAD's own window) is a pause
    transcribe_timeout_s: float = 8.0
    act_timeout_s: float = 20.0  # cloud help has its own, shorter timeouts inside this
    reply_tail_s: float = 0.3  # echo of the reply dies down: wake word still ignored
    level_interval_s: float = 0.1
    barge_in: bool = True
    earcons: bool = True
    barge_in_silence_s: float = 0.3
    queue_frames: int = 400  # 8 s of 20 ms frames before the oldest are dropped

    @classmethod
    def from_config(cls, config: Config) -> PipelineOptions:
        return cls(
            endpoint=EndpointConfig.from_vad_config(config.vad),
            follow_up_s=min(config.conversation.confirmation_timeout_s, 8.0),
            barge_in=config.tts.barge_in,
            earcons=config.tts.earcons,
        )


@dataclass
class _Utterance:
    """Audio and decoding progress of the utterance being listened to."""

    id: str
    kind: UtteranceKind
    opened_s: float
    deadline_s: float
    endpointer: Endpointer
    push_to_talk: bool = False
    chunks: list[np.ndarray] = field(default_factory=list)
    samples: int = 0
    frame_ends: list[int] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    partial_text: str = ""
    partial_covers: int = 0  # samples the latest partial decoded
    partial_ms: float = 0.0
    partials: int = 0
    in_flight: dict[Lane, int] = field(default_factory=dict)  # lane → samples its decode covers
    candidate: tuple[str, int] | None = None  # a partial that is a complete command
    last_partial_at: int = 0
    final_pending: bool = False
    wake_check: WakeDetection | None = None  # the detection that opened it, until verified
    held: tuple[str, bool] | None = None  # a final transcript waiting for that verdict
    loud_end: int = 0  # end of the last VAD window above the threshold itself (no hysteresis)

    def add(self, frame: np.ndarray, arrival_s: float) -> None:
        self.chunks.append(frame)
        self.samples += len(frame)
        self.frame_ends.append(self.samples)
        self.arrivals.append(arrival_s)

    def audio(self) -> np.ndarray:
        if len(self.chunks) > 1:
            self.chunks = [np.concatenate(self.chunks)]
        return self.chunks[0] if self.chunks else np.zeros(0, np.int16)

    def speech_end_sample(self) -> int:
        end = self.endpointer.speech_end_s
        return self.samples if end is None else min(self.samples, int(end * SAMPLE_RATE))

    def speech_start_sample(self) -> int:
        start = self.endpointer.speech_start_s or 0.0
        return max(0, int(start * SAMPLE_RATE))

    def covering(self, sample: int) -> bool:
        """Is a decode running that will cover the audio up to ``sample``?"""
        return any(upto >= sample for upto in self.in_flight.values())

    def time_of(self, sample: int) -> float:
        """Clock time at which ``sample`` of this utterance arrived."""
        index = bisect.bisect_left(self.frame_ends, sample)
        if index >= len(self.frame_ends):
            return self.arrivals[-1] if self.arrivals else self.opened_s
        return self.arrivals[index] - (self.frame_ends[index] - sample) / SAMPLE_RATE


def normalize(text: str) -> str:
    """Lower-case words without punctuation, for comparing short answers and cancel phrases."""
    return " ".join(re.sub(r"[^\w' ]", " ", text.lower()).split())


def collapse_repeat(text: str) -> str:
    """ "yes. Yes." → "yes.": Whisper repeats very short answers when padded to a long window,
    and the engine's own repetition filter needs three words or more to see it."""
    words = text.split()
    half = len(words) // 2
    if (
        half
        and len(words) % 2 == 0
        and normalize(" ".join(words[:half])) == normalize(" ".join(words[half:]))
    ):
        return " ".join(words[:half])
    return text


class Pipeline:
    """The voice loop around one Conversation.

    Threaded use (microphone)::

        pipeline = Pipeline(runtime.conversation, runtime.bus, engine, SileroVad(), wake, options)
        pipeline.start(MicrophoneSource(sd))   # or start() and call feed(frame) yourself
        pipeline.push_to_talk_start(); pipeline.push_to_talk_stop(); pipeline.cancel()
        pipeline.stop()

    Simulated use (files, tests, benchmarks): ``sim = pipeline.simulate()``, then
    ``sim.feed(samples)`` as often as needed and ``sim.finish()``; see :class:`Simulation`.
    """

    def __init__(
        self,
        conversation: Conversation,
        bus: EventBus,
        engine: SpeechEngine,
        vad: SpeechDetector,
        wake: WakeWordDetector | None,
        options: PipelineOptions | None = None,
        *,
        hint: VocabularyHint | None = None,
        speaker: Speaker | None = None,
        utterance_audio: Callable[[str, np.ndarray], None] | None = None,
        wake_verifier: WakeVerifier | None = None,
    ) -> None:
        self.conversation = conversation
        self.bus = bus
        self.engine = engine
        self.vad = vad
        self.wake = wake
        self.options = options or PipelineOptions()
        self.hint = hint
        self.speaker = speaker
        self.utterance_audio = utterance_audio
        self.wake_verifier = wake_verifier
        self.state = PipelineState.IDLE
        self.dropped_frames = 0
        self.ring = RingBuffer(max(1.0, wake_verifier.window_s if wake_verifier else 0.0))
        self._scheduler: Scheduler | None = None
        self._utt: _Utterance | None = None
        self._ids = itertools.count(1)
        self._open: dict[Stage, float] = {}
        self._deadline: float | None = None
        self._reply_ends: float | None = None
        self._reply_text = ""
        self._reply_utterance = ""
        self._follow_up_next = False
        self._last_result: TurnResult | None = None
        self._action_s: float | None = None
        self._timing: dict[str, Any] = {}
        self._level_peak = 0.0
        self._level_samples = 0
        self._queue: queue.Queue[Any] = queue.Queue()
        self._frames: queue.Queue[tuple[np.ndarray, float]] = queue.Queue(self.options.queue_frames)
        self._thread: threading.Thread | None = None
        self._reader: threading.Thread | None = None
        self._running = threading.Event()
        self._source: Any = None
        self._unsubscribe = bus.subscribe(self._on_actions, [EventType.ACTIONS])

    # -- public API ------------------------------------------------------------------------------

    def start(self, source: AudioSource | Iterable[np.ndarray] | None = None) -> None:
        """Run the loop on its own thread; with a source, a reader thread feeds it."""
        if self._thread is not None:
            return
        self._scheduler = ThreadScheduler(self._queue.put)
        self._running.set()
        self._begin_idle()
        self._thread = threading.Thread(target=self._loop, name="hearth-pipeline", daemon=True)
        self._thread.start()
        if source is not None:
            self._source = source
            self._reader = threading.Thread(
                target=self._read, args=(source,), name="hearth-audio", daemon=True
            )
            self._reader.start()

    def stop(self) -> None:
        """Stop the loop (and the source's reader); safe to call twice."""
        self._running.clear()
        close = getattr(self._source, "close", None)
        if close is not None:
            close()
        self._queue.put(None)
        for thread in (self._reader, self._thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=5)
        self._thread = self._reader = None
        if self._scheduler is not None:
            self._scheduler.close()
        if self.speaker is not None:
            self.speaker.stop()

    def close(self) -> None:
        self.stop()
        self._unsubscribe()

    def feed(self, frame: np.ndarray, block: bool = False) -> bool:
        """Hand over one frame (from any thread); never blocks unless asked. False: dropped."""
        stamp = time.monotonic()
        try:
            self._frames.put((frame, stamp), block=block)
        except queue.Full:
            self.dropped_frames += 1
            return False
        self._queue.put(_FRAME)
        return True

    def push_to_talk_start(self) -> None:
        """Listen for a command now, without the wake word (a button pressed or clicked)."""
        self._command(self._ptt_start)

    def push_to_talk_stop(self) -> None:
        """The button was released: the utterance ends here."""
        self._command(self._ptt_stop)

    def cancel(self) -> None:
        """Drop whatever is going on (listening, decoding, speaking) and go back to idle."""
        self._command(lambda: self._cancel("api"))

    def simulate(
        self, speed: float = 0.0, lane_costs: Mapping[Lane, float] | None = None
    ) -> Simulation:
        """Drive the same state machine from audio in memory, in simulated time (see module doc
        of ``assistant.scheduler``); ``speed`` > 0 also paces it to that multiple of real time,
        ``lane_costs`` fixes how long decoding and acting take (deterministic tests)."""
        scheduler = SimulatedScheduler(lane_costs)
        self._scheduler = scheduler
        self._begin_idle()
        return Simulation(self, scheduler, speed)

    # -- threads ---------------------------------------------------------------------------------

    def _read(self, source: Iterable[np.ndarray]) -> None:
        try:
            for frame in source:
                if not self._running.is_set():
                    return
                self.feed(frame, block=False)
        # A device that fails mid-stream: report, keep the loop alive.
        except Exception as err:  # noqa: BLE001
            _LOGGER.warning("audio source failed: %s", err)
            message = f"the audio source failed: {err}"
            self._queue.put(lambda: self._error(Stage.WAKE, ErrorCode.WAKE_FAILED, message))

    def _loop(self) -> None:
        while self._running.is_set():
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                item = _TICK
            if item is None:
                return
            try:
                if item is _FRAME:
                    frame, stamp = self._frames.get_nowait()
                    self._on_frame(frame, stamp)
                elif item is not _TICK:
                    item()
                self._tick()
            # The loop must survive anything a stage does.
            except Exception as err:
                _LOGGER.exception("pipeline step failed")
                self._error(self._stage_of_state(), ErrorCode.INTERNAL, f"internal error: {err}")

    def _command(self, action: Callable[[], None]) -> None:
        if self._thread is not None:
            self._queue.put(action)
        else:
            action()
            self._tick()

    def _now(self) -> float:
        return self._scheduler.now() if self._scheduler is not None else time.monotonic()

    # -- frames ----------------------------------------------------------------------------------

    def _on_frame(self, frame: np.ndarray, arrival_s: float) -> None:
        self.ring.append(frame)
        self._level(frame)
        utt = self._utt
        if self.state is PipelineState.IDLE:
            self._listen_for_wake(frame, PipelineState.IDLE)
        elif self.state in (PipelineState.LISTENING, PipelineState.WAKE) and utt is not None:
            if self.wake is not None:
                self.wake.skip(frame)
            self._listen(utt, frame, arrival_s)
        elif self.state is PipelineState.REPLYING and self.options.barge_in:
            if not self._listen_for_wake(frame, PipelineState.REPLYING):
                self._barge_in(frame, arrival_s)
        elif self.wake is not None:
            self.wake.skip(frame)

    def _listen_for_wake(self, frame: np.ndarray, state: PipelineState) -> bool:
        if self.wake is None:
            return False
        try:
            detection = self.wake.process(frame)
        # A broken model must not stop push-to-talk or the loop.
        except Exception as err:  # noqa: BLE001
            self._error(Stage.WAKE, ErrorCode.WAKE_FAILED, f"wake word detector failed: {err}")
            return False
        if detection is None:
            return False
        if state is PipelineState.REPLYING:
            if self._reply_has_wake_word():
                return False
            if self.wake_verifier is not None and self._scheduler is not None:
                self._check_wake_over_reply(detection)
                return True
            self._stop_reply("wake-word")
        self._on_wake(detection)
        return True

    def _check_wake(self, on_verdict: Callable[[Outcome], None]) -> None:
        """Have the speech model check the audio up to now (the finish lane is idle at a wake)."""
        verifier, scheduler = self.wake_verifier, self._scheduler
        assert verifier is not None and scheduler is not None
        audio = self.ring.tail(verifier.window_s)
        scheduler.submit(self._finish_lane, lambda: verifier.check(audio), on_verdict)

    def _check_wake_over_reply(self, detection: WakeDetection) -> None:
        """A wake word heard while Hearth speaks: the reply goes on until the check agrees."""
        heard_s = self._now()
        self._check_wake(lambda outcome: self._on_reply_wake_checked(detection, heard_s, outcome))

    def _on_reply_wake_checked(
        self, detection: WakeDetection, heard_s: float, outcome: Outcome
    ) -> None:
        if outcome.error is None and not outcome.value.accepted:
            verdict: WakeVerdict = outcome.value
            self._publish_rejected(detection, verdict, "")
            return
        utt = self._utt
        if self.state is PipelineState.REPLYING:
            self._stop_reply("wake-word")
        elif not (
            self.state is PipelineState.IDLE
            or (
                self.state is PipelineState.LISTENING
                and utt
                and utt.kind is UtteranceKind.FOLLOW_UP
            )
        ):
            return  # push-to-talk or another command started meanwhile
        self._discard()
        # The command may have begun while the check ran: keep what was said since the word.
        since = self._now() - heard_s
        self._on_wake(detection, preroll_s=self.options.wake_preroll_s + since, verified=True)

    def _on_wake(
        self, detection: WakeDetection, preroll_s: float | None = None, verified: bool = False
    ) -> None:
        now = self._now()
        utterance_id = f"u{next(self._ids)}"
        self._end_stage(Stage.WAKE, utterance_id)
        self._set_state(PipelineState.WAKE)
        preroll = self.options.wake_preroll_s if preroll_s is None else preroll_s
        if verified or self.wake_verifier is None or self._scheduler is None:
            self._announce_wake(detection, utterance_id, now)
            self._open_utterance(utterance_id, UtteranceKind.COMMAND, preroll, now, False)
            return
        # Listen at once (nothing the user says is lost) but stay in WAKE, silent, until the
        # speech model agrees it was the wake word.
        self._open_utterance(
            utterance_id, UtteranceKind.COMMAND, preroll, now, False, listening=False
        )
        utt = self._utt
        assert utt is not None
        utt.wake_check = detection
        self._check_wake(lambda outcome: self._on_wake_checked(utt, outcome))

    def _publish_rejected(
        self, detection: WakeDetection, verdict: WakeVerdict, utterance_id: str
    ) -> None:
        self.bus.publish(
            WakeRejected(
                detection.word,
                round(detection.probability, 3),
                round(verdict.ratio, 2),
                verdict.heard,
                utterance_id,
            )
        )

    def _announce_wake(self, detection: WakeDetection, utterance_id: str, at_s: float) -> None:
        self.bus.publish(
            WakeDetected(detection.word, round(detection.probability, 3), at_s, utterance_id)
        )
        self._chime(Earcon.WAKE)

    def _on_wake_checked(self, utt: _Utterance, outcome: Outcome) -> None:
        detection = utt.wake_check
        if utt is not self._utt or detection is None:
            return  # cancelled meanwhile
        utt.wake_check = None
        if outcome.error is not None:
            # The detector's word stands when the second opinion cannot be had.
            _LOGGER.warning("wake word check failed: %s", outcome.error)
        elif not outcome.value.accepted:
            self._publish_rejected(detection, outcome.value, utt.id)
            self._begin_idle()
            return
        self._announce_wake(detection, utt.id, self._now())
        if self.state is PipelineState.WAKE:
            self._set_state(PipelineState.LISTENING)
            self._begin_stage(Stage.VAD, utt.id)
        if utt.held is not None:
            text, early = utt.held
            utt.held = None
            self._final_transcript(utt, text, early)

    def _open_utterance(
        self,
        utterance_id: str,
        kind: UtteranceKind,
        preroll_s: float,
        now: float,
        ptt: bool,
        listening: bool = True,
    ) -> None:
        timeout = (
            self.options.follow_up_s
            if kind is UtteranceKind.FOLLOW_UP
            else (self.options.listen_timeout_s)
        )
        config = self.options.endpoint
        if kind is UtteranceKind.BARGE_IN:
            config = EndpointConfig(
                threshold=config.threshold,
                min_speech_s=config.min_speech_s,
                silence_s=self.options.barge_in_silence_s,
                max_utterance_s=3.0,
            )
        self.vad.reset()
        utt = _Utterance(
            id=utterance_id,
            kind=kind,
            opened_s=now,
            deadline_s=now + timeout,
            endpointer=Endpointer(config),
            push_to_talk=ptt,
        )
        self._utt = utt
        if kind is not UtteranceKind.BARGE_IN:
            if listening:
                self._set_state(PipelineState.LISTENING)
                self._begin_stage(Stage.VAD, utterance_id)
            self._deadline = utt.deadline_s
        preroll = self.ring.tail(preroll_s) if preroll_s > 0 else np.zeros(0, np.int16)
        if len(preroll):
            self._listen(utt, preroll, now)

    def _listen(self, utt: _Utterance, frame: np.ndarray, arrival_s: float) -> None:
        utt.add(frame, arrival_s)
        endpointer = utt.endpointer
        try:
            scores = self.vad.process(frame)
        # E.g. a corrupt model file: report and give up this utterance.
        except Exception as err:  # noqa: BLE001
            self._error(Stage.VAD, ErrorCode.VAD_FAILED, f"voice activity detection failed: {err}")
            return
        window_s = self.vad.window_s
        for score in scores:
            event = endpointer.process(window_s, score)
            if score >= endpointer.config.threshold:
                utt.loud_end = int(endpointer.elapsed_s * SAMPLE_RATE)
            if event is None:
                continue
            if event.type is EndpointEventType.SPEECH_START:
                if utt.kind is not UtteranceKind.BARGE_IN:
                    self._deadline = None  # max_utterance_s bounds it from here
            elif event.reason is EndReason.NO_SPEECH:
                self._no_speech(utt)
                return
            else:
                self._finalize(utt, early=False)
                return
        if endpointer.state is EndpointState.SPEECH:
            self._maybe_decode(utt)
            self._maybe_act_early(utt)

    def _barge_in(self, frame: np.ndarray, arrival_s: float) -> None:
        utt = self._utt
        if utt is None or utt.kind is not UtteranceKind.BARGE_IN:
            utt = None
            self._open_utterance(
                f"b{next(self._ids)}", UtteranceKind.BARGE_IN, 0.0, self._now(), False
            )
            utt = self._utt
        if utt is not None and not utt.final_pending:
            self._listen(utt, frame, arrival_s)

    # -- decoding --------------------------------------------------------------------------------

    @property
    def _finish_lane(self) -> Lane:
        """Where decodes that may end the utterance run: their own lane when the engine can
        decode two utterances at once, so they never wait for a periodic partial."""
        return Lane.FINISH if getattr(self.engine, "concurrent", False) else Lane.DECODE

    def _maybe_decode(self, utt: _Utterance) -> None:
        """Start a partial decode: periodically while speaking, and at once on a pause."""
        if utt.final_pending:
            return
        # A pause starts when the VAD score drops under its threshold; the end-pointer's lower
        # hysteresis line (which keeps word endings inside an utterance) would start it later.
        speech_end = min(utt.speech_end_sample(), max(utt.loud_end, utt.speech_start_sample()))
        if utt.samples - speech_end >= self.options.pause_decode_s * SAMPLE_RATE:
            # A pause: decode everything said so far, right now.
            if utt.partial_covers >= speech_end or utt.covering(speech_end):
                return  # the pause is already decoded, or being decoded
            if self._finish_lane not in utt.in_flight:
                self._submit_decode(utt, utt.samples, final=False, lane=self._finish_lane)
            return
        grown = utt.samples - utt.last_partial_at >= self.options.partial_interval_s * SAMPLE_RATE
        if grown and Lane.DECODE not in utt.in_flight:
            self._submit_decode(utt, utt.samples, final=False)

    def _submit_decode(
        self, utt: _Utterance, upto: int, final: bool, lane: Lane = Lane.DECODE
    ) -> None:
        assert self._scheduler is not None
        first = max(0, utt.speech_start_sample() - int(self.options.speech_preroll_s * SAMPLE_RATE))
        audio = utt.audio()[first:upto].copy()
        utt.in_flight[lane] = upto
        utt.last_partial_at = upto
        engine, hint = self.engine, self.hint
        self._scheduler.submit(
            lane,
            lambda: engine.transcribe(audio, hint),
            lambda outcome: self._on_decoded(utt, upto, final, outcome, lane),
        )

    def _on_decoded(
        self, utt: _Utterance, upto: int, final: bool, outcome: Outcome, lane: Lane = Lane.DECODE
    ) -> None:
        if utt is not self._utt:
            return  # cancelled or superseded meanwhile
        utt.in_flight.pop(lane, None)
        if outcome.error is not None:
            self._error(
                Stage.ASR,
                ErrorCode.ASR_FAILED,
                f"speech engine failed: {outcome.error}",
                utt.id,
            )
            return
        result: TranscriptResult = outcome.value
        utt.partials += 0 if final else 1
        utt.partial_ms += 1000.0 * (outcome.finished_s - outcome.started_s)
        newest = upto >= utt.partial_covers  # with two lanes, an older decode can finish last
        if newest:
            utt.partial_text, utt.partial_covers = result.text, upto
        if utt.final_pending:
            speech_end = utt.speech_end_sample()
            if utt.partial_covers >= speech_end:
                self._final_transcript(utt, utt.partial_text, early=False)
            elif not utt.covering(speech_end) and self._finish_lane not in utt.in_flight:
                self._submit_decode(utt, utt.samples, final=True, lane=self._finish_lane)
            return  # else a decode in flight covers the end (or is retried when it returns)
        if newest:
            text = collapse_repeat(result.text)
            if text and utt.kind is not UtteranceKind.BARGE_IN:
                self.bus.publish(Transcript(text, final=False, utterance_id=utt.id))
            if self._complete(text, utt.kind) and upto >= utt.loud_end:
                utt.candidate = (text, upto)
            else:
                utt.candidate = None
            self._maybe_act_early(utt)
        if (
            self._utt is utt
            and self.state in (PipelineState.LISTENING, PipelineState.REPLYING)
            and utt.endpointer.state is EndpointState.SPEECH
        ):
            self._maybe_decode(utt)

    def _maybe_act_early(self, utt: _Utterance) -> None:
        if utt.candidate is None or not self.options.early or utt.push_to_talk:
            return
        text, covered = utt.candidate
        if utt.loud_end > covered:
            utt.candidate = None  # the user went on talking after the decoded part
            return
        pause_s = (utt.samples - utt.loud_end) / SAMPLE_RATE
        if pause_s + 1e-9 < self.options.early_pause_s:
            return
        utt.endpointer.complete()
        self._finalize(utt, early=True, text=text)

    def _complete(self, text: str, kind: UtteranceKind) -> bool:
        """Is ``text`` a whole command to act on now (or a cancel phrase)?"""
        words = normalize(text)
        if not words:
            return False
        if words in CANCEL_PHRASES:
            return True
        if kind is UtteranceKind.BARGE_IN:
            return False
        # The same recognition, repairs included, that the turn itself will run.
        return self.conversation.recognize(text) is not None

    def _finalize(self, utt: _Utterance, early: bool, text: str | None = None) -> None:
        """The utterance is over: get its final transcript (reusing a partial when it can)."""
        now = self._now()
        end = utt.endpointer.reason or EndReason.COMPLETE
        self._timing = {
            "utterance_id": utt.id,
            "speech_end_s": utt.time_of(utt.speech_end_sample()),
            "decided_s": now,
            "ended_by": end.value,
            "early": early,
            "partials": utt.partials,
        }
        if utt.kind is not UtteranceKind.BARGE_IN:
            self._end_stage(Stage.VAD, utt.id)
            self._set_state(PipelineState.TRANSCRIBING)
            self._begin_stage(Stage.ASR, utt.id)
            self._deadline = now + self.options.transcribe_timeout_s
        utt.final_pending = True
        if text is not None:
            self._final_transcript(utt, text, early=True)
        elif utt.partial_covers >= utt.speech_end_sample() and utt.partial_text:
            self._final_transcript(utt, utt.partial_text, early=False)
        elif not utt.covering(utt.speech_end_sample()) and self._finish_lane not in utt.in_flight:
            self._submit_decode(utt, utt.samples, final=True, lane=self._finish_lane)
        # else: a decode in flight finishes first; _on_decoded takes it from there

    def _final_transcript(self, utt: _Utterance, text: str, early: bool) -> None:
        if utt.wake_check is not None:
            utt.held = (text, early)  # a short command said before the wake word is confirmed
            return
        utt.final_pending = False
        text = collapse_repeat(text)
        words = normalize(text)
        if utt.kind is UtteranceKind.BARGE_IN:
            self._utt = None
            if words in CANCEL_PHRASES:
                self._stop_reply("spoken")
                self._cancel("spoken")
            return
        self._end_stage(Stage.ASR, utt.id)
        self.bus.publish(Transcript(text, final=True, utterance_id=utt.id))
        if self.utterance_audio is not None:
            self.utterance_audio(utt.id, utt.audio().copy())
        if not words:
            self._utt = None
            self.bus.publish(Cancelled("no-speech", PipelineState.TRANSCRIBING, utt.id))
            self._begin_idle()
            return
        if words in CANCEL_PHRASES:
            self._cancel("spoken")
            return
        self._act(utt, text)

    # -- acting and replying ---------------------------------------------------------------------

    def _act(self, utt: _Utterance, text: str) -> None:
        assert self._scheduler is not None
        self._set_state(PipelineState.ACTING)
        now = self._now()
        self._deadline = now + self.options.act_timeout_s
        self._action_s = None
        asr_ms = 1000.0 * (now - self._timing.get("decided_s", now))
        conversation, speaker = self.conversation, self.speaker

        def job() -> tuple[TurnResult, np.ndarray | None, BaseException | None]:
            result = conversation.handle(text, asr_ms=asr_ms)
            audio = None
            problem = None
            if speaker is not None and speaker.speaks and result.response:
                try:
                    audio = speaker.synthesize(result.response)
                # A broken voice must not lose the executed action.
                except Exception as err:  # noqa: BLE001
                    problem = err
            return result, audio, problem

        self._scheduler.submit(Lane.ACT, job, lambda outcome: self._on_acted(utt, outcome))

    def _on_actions(self, event: Event) -> None:
        """Bus listener: the moment the backend executed a command (on the act lane)."""
        if (
            isinstance(event, ActionsExecuted)
            and not event.pending
            and self._action_s is None
            and self.state is PipelineState.ACTING
        ):
            self._action_s = self._now()

    def _on_acted(self, utt: _Utterance, outcome: Outcome) -> None:
        if utt is not self._utt or self.state is not PipelineState.ACTING:
            return
        self._utt = None
        if outcome.error is not None:
            self._error(
                Stage.INTENT, ErrorCode.ACT_FAILED, f"command failed: {outcome.error}", utt.id
            )
            return
        result, audio, problem = outcome.value
        self._last_result = result
        action_s = self._action_s if self._action_s is not None else outcome.finished_s
        timing = self._timing
        stages = {key: round(float(value), 2) for key, value in result.timings_ms.items()}
        stages["partials"] = round(utt.partial_ms, 1)
        latency_ms = 1000.0 * (action_s - timing["speech_end_s"])
        self.bus.publish(
            UtteranceTimings(
                speech_end_s=round(timing["speech_end_s"], 4),
                decided_s=round(timing["decided_s"], 4),
                action_s=round(action_s, 4),
                latency_ms=round(latency_ms, 1),
                early=bool(timing["early"]),
                ended_by=str(timing["ended_by"]),
                stages_ms=stages,
                text=result.text,
                utterance_id=utt.id,
            )
        )
        if problem is not None:
            self.bus.publish(
                ErrorEvent(Stage.REPLY, ErrorCode.TTS_FAILED, f"cannot speak: {problem}", utt.id)
            )
        follow_up = result.confirmation_required or result.response.rstrip().endswith("?")
        if audio is not None and self.speaker is not None:
            self._reply(audio, result.response, follow_up, utt.id)
            return
        if result.executed:
            self._chime(Earcon.DONE)
        self._after_turn(follow_up)

    def _reply(self, audio: np.ndarray, text: str, follow_up: bool, utterance_id: str) -> None:
        assert self.speaker is not None
        self._set_state(PipelineState.REPLYING)
        self._begin_stage(Stage.REPLY, utterance_id)
        try:
            duration = self.speaker.play(audio)
        # An unplugged speaker: report and carry on silently.
        except Exception as err:  # noqa: BLE001
            self._end_stage(Stage.REPLY, utterance_id)
            self._error(Stage.REPLY, ErrorCode.TTS_FAILED, f"cannot play the reply: {err}")
            return
        self._reply_text = text
        self._reply_ends = self._now() + duration
        self._deadline = self._reply_ends
        self._follow_up_next = follow_up
        self._reply_utterance = utterance_id

    def _stop_reply(self, reason: str) -> None:
        if self.speaker is not None:
            self.speaker.stop()
        if self.state is PipelineState.REPLYING:
            self._end_stage(Stage.REPLY, self._reply_utterance)
        self._reply_ends = None
        if self.wake is not None:
            self.wake.debouncer.suppress(0.0)
        _LOGGER.debug("reply interrupted (%s)", reason)

    def _reply_has_wake_word(self) -> bool:
        if self.wake is None:
            return False
        phrase = normalize(self.wake.spec.phrase)
        return phrase in normalize(self._reply_text) or phrase.split()[-1] in normalize(
            self._reply_text
        )

    def _after_turn(self, follow_up: bool) -> None:
        if follow_up:
            now = self._now()
            self._open_utterance(f"u{next(self._ids)}", UtteranceKind.FOLLOW_UP, 0.0, now, False)
        else:
            self._begin_idle()

    # -- push-to-talk, cancel, timeouts, errors --------------------------------------------------

    def _ptt_start(self) -> None:
        if self.state is PipelineState.REPLYING:
            self._stop_reply("push-to-talk")
        self._discard()
        utterance_id = f"u{next(self._ids)}"
        self._end_stage(Stage.WAKE, utterance_id)
        self._open_utterance(
            utterance_id, UtteranceKind.COMMAND, self.options.ptt_preroll_s, self._now(), True
        )

    def _ptt_stop(self) -> None:
        utt = self._utt
        if self.state is not PipelineState.LISTENING or utt is None:
            return
        event = utt.endpointer.finish()
        if event is not None and event.reason is EndReason.NO_SPEECH:
            self._no_speech(utt)
        else:
            self._finalize(utt, early=False)

    def _cancel(self, reason: str) -> None:
        previous = self.state
        utterance_id = self._utt.id if self._utt is not None else ""
        if previous is PipelineState.REPLYING:
            self._stop_reply(reason)
        if previous in (
            PipelineState.LISTENING,
            PipelineState.TRANSCRIBING,
            PipelineState.REPLYING,
        ):
            self.conversation.cancel_question()  # a cancelled question is unanswered
        self._discard()
        self.bus.publish(Cancelled(reason, previous, utterance_id))
        self._begin_idle()

    def _no_speech(self, utt: _Utterance) -> None:
        self._utt = None
        if utt.kind is UtteranceKind.BARGE_IN:
            return
        self.bus.publish(Cancelled("no-speech", PipelineState.LISTENING, utt.id))
        self._begin_idle()

    def _tick(self) -> None:
        now = self._now()
        if self.state is PipelineState.REPLYING and self._reply_ends is not None:
            if now >= self._reply_ends:
                self._end_stage(Stage.REPLY, self._reply_utterance)
                self._reply_ends = None
                if self.wake is not None:
                    self.wake.debouncer.suppress(self.options.reply_tail_s)
                if self._utt is not None and self._utt.kind is UtteranceKind.BARGE_IN:
                    self._utt = None
                self._after_turn(self._follow_up_next)
            return
        if self._deadline is None or now < self._deadline:
            return
        utt = self._utt
        if self.state in (PipelineState.LISTENING, PipelineState.WAKE) and utt is not None:
            self._no_speech(utt)
        elif self.state is PipelineState.TRANSCRIBING:
            self._error(Stage.ASR, ErrorCode.ASR_TIMEOUT, "the speech engine took too long")
        elif self.state is PipelineState.ACTING:
            self._error(Stage.ACTION, ErrorCode.ACT_TIMEOUT, "the command took too long")

    def _error(self, stage: Stage, code: ErrorCode, message: str, utterance_id: str = "") -> None:
        utterance_id = utterance_id or (self._utt.id if self._utt is not None else "")
        previous = self.state
        if previous is PipelineState.REPLYING:
            self._stop_reply("error")
        self._discard()
        self.bus.publish(ErrorEvent(stage, code.value, message, utterance_id))
        self._set_state(PipelineState.ERROR)
        self._begin_idle()

    def _discard(self) -> None:
        """Forget the current utterance; late lane results for it are ignored."""
        utterance_id = self._utt.id if self._utt is not None else ""
        self._utt = None
        self._deadline = None
        for stage in list(self._open):
            if stage is not Stage.WAKE:
                self._end_stage(stage, utterance_id)

    def _begin_idle(self) -> None:
        self._discard()
        self._reply_ends = None
        self._set_state(PipelineState.IDLE)
        if self.wake is not None:
            self.wake.reset()
            self._begin_stage(Stage.WAKE, "")

    def _stage_of_state(self) -> Stage:
        return {
            PipelineState.LISTENING: Stage.VAD,
            PipelineState.TRANSCRIBING: Stage.ASR,
            PipelineState.ACTING: Stage.ACTION,
            PipelineState.REPLYING: Stage.REPLY,
        }.get(self.state, Stage.WAKE)

    # -- events ----------------------------------------------------------------------------------

    def _set_state(self, state: PipelineState) -> None:
        if state is self.state:
            return
        previous, self.state = self.state, state
        self.bus.publish(PipelineStateChanged(state, previous))

    def _begin_stage(self, stage: Stage, utterance_id: str) -> None:
        if stage in self._open:
            return
        self._open[stage] = self._now()
        self.bus.publish(StageStart(stage, utterance_id))

    def _end_stage(self, stage: Stage, utterance_id: str) -> None:
        started = self._open.pop(stage, None)
        if started is None:
            return
        self.bus.publish(StageEnd(stage, round(1000.0 * (self._now() - started), 2), utterance_id))

    def _chime(self, kind: Earcon) -> None:
        if self.speaker is None or not self.options.earcons:
            return
        try:
            self.speaker.chime(kind)
        # A missing output device must not stop the command.
        except Exception as err:  # noqa: BLE001
            _LOGGER.warning("cannot play the %s earcon: %s", kind, err)

    def _level(self, frame: np.ndarray) -> None:
        if len(frame) == 0:
            return
        rms = float(np.sqrt(np.mean(np.square(frame.astype(np.float32) / 32768.0))))
        self._level_peak = max(self._level_peak, rms)
        self._level_samples += len(frame)
        if self._level_samples < self.options.level_interval_s * SAMPLE_RATE:
            return
        db = 20.0 * math.log10(max(self._level_peak, 1e-6))
        utt = self._utt
        speech = (
            utt is not None
            and utt.endpointer.state is EndpointState.SPEECH
            and utt.speech_end_sample() >= utt.samples - frame_samples_for(40)
        )
        self.bus.publish(
            AudioLevel(round(min(1.0, max(0.0, (db + 60.0) / 60.0)), 3), speech, self.state)
        )
        self._level_peak = 0.0
        self._level_samples = 0


_FRAME = object()
_TICK = object()


class Simulation:
    """Feeds audio through a pipeline in simulated time (faster than real time by default)."""

    def __init__(self, pipeline: Pipeline, scheduler: SimulatedScheduler, speed: float) -> None:
        self.pipeline = pipeline
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
        self.pipeline._on_frame(frame, arrival)
        self.pipeline._tick()

    def silence(self, seconds: float) -> None:
        self.feed(np.zeros(int(seconds * SAMPLE_RATE), np.int16))

    def finish(self, tail_s: float = 1.0) -> None:
        """Let pending work finish: ``tail_s`` of silence, then any lane results still due."""
        self.silence(tail_s)
        while (due := self.scheduler.next_due()) is not None:
            self._deliver(due)

    def _deliver(self, until: float) -> None:
        while self.scheduler.deliver_until(until):
            self.pipeline._tick()
