"""The live pipeline: the state machine on its own thread, fed from an audio source.

One thread (``hearth-pipeline``) owns the :class:`~assistant.voice.machine.Machine` and consumes
one queue holding audio frames, user commands (push-to-talk, cancel) and results coming back
from the work lanes (see ``assistant/voice/scheduler``), so no lock guards the state and the
microphone callback only ever enqueues. A reader thread (``hearth-audio``) iterates the source
into :meth:`Pipeline.feed`. :meth:`Pipeline.simulate` drives the same machine from audio in
memory, in simulated time, instead (files, tests, benchmarks).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from assistant.audio.base import AudioSource
from assistant.audio.vad import SpeechDetector
from assistant.audio.wake import WakeWordDetector
from assistant.conversation import Conversation
from assistant.events import EventBus, PipelineState
from assistant.speech.base import SpeechEngine, VocabularyHint
from assistant.speech.wake_check import WakeVerifier
from assistant.tts import Speaker
from assistant.voice.errors import ErrorCode, InternalError, WakeError
from assistant.voice.machine import Machine
from assistant.voice.options import PipelineOptions
from assistant.voice.parts import PipelineParts, UtteranceAudio
from assistant.voice.scheduler import Lane, SimulatedScheduler, ThreadScheduler
from assistant.voice.simulation import Simulation

_LOGGER = logging.getLogger(__name__)

_FRAME = object()
_TICK = object()


class Pipeline:
    """The voice loop around one Conversation.

    Threaded use (microphone)::

        pipeline = runtime_module.build_voice(runtime, parts, sink)
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
        utterance_audio: UtteranceAudio | None = None,
        wake_verifier: WakeVerifier | None = None,
    ) -> None:
        self.options = options or PipelineOptions()
        parts = PipelineParts(engine, vad, wake, wake_verifier, hint, speaker, utterance_audio)
        self.machine = Machine(conversation, bus, parts, self.options)
        self.dropped_frames = 0
        self._queue: queue.Queue[Any] = queue.Queue()
        self._frames: queue.Queue[tuple[np.ndarray, float]] = queue.Queue(self.options.queue_frames)
        self._thread: threading.Thread | None = None
        self._reader: threading.Thread | None = None
        self._running = threading.Event()
        self._source: Any = None

    @property
    def state(self) -> PipelineState:
        return self.machine.state

    @property
    def wake(self) -> WakeWordDetector | None:
        return self.machine.gate.wake

    @property
    def speaker(self) -> Speaker | None:
        return self.machine.replier.speaker

    # -- public API ------------------------------------------------------------------------------

    def start(self, source: AudioSource | Iterable[np.ndarray] | None = None) -> None:
        """Run the loop on its own thread; with a source, a reader thread feeds it."""
        if self._thread is not None:
            return
        self.machine.scheduler = ThreadScheduler(self._queue.put)
        self._running.set()
        self.machine.begin_idle()
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
        if self.machine.scheduler is not None:
            self.machine.scheduler.close()
        if self.speaker is not None:
            self.speaker.stop()

    def close(self) -> None:
        self.stop()
        self.machine.close()

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
        self._command(self.machine.ptt_start)

    def push_to_talk_stop(self) -> None:
        """The button was released: the utterance ends here."""
        self._command(self.machine.ptt_stop)

    def cancel(self) -> None:
        """Drop whatever is going on (listening, decoding, speaking) and go back to idle."""
        self._command(lambda: self.machine.cancel("api"))

    def simulate(
        self, speed: float = 0.0, lane_costs: Mapping[Lane, float] | None = None
    ) -> Simulation:
        """Drive the same state machine from audio in memory, in simulated time (see module doc
        of ``assistant.voice.scheduler``); ``speed`` > 0 also paces it to that multiple of real
        time, ``lane_costs`` fixes how long decoding and acting take (deterministic tests)."""
        scheduler = SimulatedScheduler(lane_costs)
        self.machine.scheduler = scheduler
        self.machine.begin_idle()
        return Simulation(self.machine, scheduler, speed)

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
            error = WakeError(ErrorCode.WAKE_FAILED, f"the audio source failed: {err}")
            self._queue.put(lambda: self.machine.fail(error))

    def _loop(self) -> None:
        machine = self.machine
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
                    machine.on_frame(frame, stamp)
                elif item is not _TICK:
                    machine.run(item)
                machine.tick()
            # The loop must survive anything a stage does.
            except Exception as err:
                _LOGGER.exception("pipeline step failed")
                machine.fail(InternalError(machine.stage_of_state(), f"internal error: {err}"))

    def _command(self, action: Callable[[], None]) -> None:
        if self._thread is not None:
            self._queue.put(action)
        else:
            self.machine.run(action)
            self.machine.tick()
