"""The wake gate: detect → verify → accept or reject.

The detector (microWakeWord/openWakeWord) runs on every idle frame. With a wake verifier
(``assistant/speech/wake_check``), a detection opens the utterance at once (nothing said is
lost) but the machine stays in WAKE, silent, until the speech model has checked the last 1.6 s
on the finish lane: then WakeDetected and the chime, or WakeRejected and idle. A command that
is already understood by then waits for the verdict. A wake word heard over a reply stops the
reply only once checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from assistant.audio.ring import RingBuffer
from assistant.audio.wake import WakeDetection, WakeWordDetector
from assistant.events import PipelineState, WakeDetected, WakeRejected
from assistant.speech.wake_check import WakeVerdict, WakeVerifier
from assistant.tts import Earcon
from assistant.voice.errors import ErrorCode, WakeError
from assistant.voice.scheduler import Outcome
from assistant.voice.utterance import Utterance, UtteranceKind

if TYPE_CHECKING:
    from assistant.voice.machine import Machine

_LOGGER = logging.getLogger(__name__)


class WakeGate:
    """Runs the detector, has detections verified, and tells the machine the verdict."""

    def __init__(
        self, machine: Machine, wake: WakeWordDetector | None, verifier: WakeVerifier | None
    ) -> None:
        self.machine = machine
        self.wake = wake
        self.verifier = verifier
        self.ring = RingBuffer(max(1.0, verifier.window_s if verifier else 0.0))

    @property
    def verifies(self) -> bool:
        return self.verifier is not None

    def reset(self) -> None:
        if self.wake is not None:
            self.wake.reset()

    def skip(self, frame: np.ndarray) -> None:
        """A frame the detector must not act on (it keeps its features in step)."""
        if self.wake is not None:
            self.wake.skip(frame)

    def hear(self, frame: np.ndarray, state: PipelineState) -> bool:
        """Run the detector on ``frame``; True when it fired and the gate took it from there."""
        if self.wake is None:
            return False
        try:
            detection = self.wake.process(frame)
        # A broken model must not stop push-to-talk or the loop.
        except Exception as err:
            raise WakeError(ErrorCode.WAKE_FAILED, f"wake word detector failed: {err}") from err
        if detection is None:
            return False
        machine = self.machine
        if state is PipelineState.REPLYING:
            if machine.replier.has_wake_word():
                return False
            if self.verifier is not None:
                heard_s = machine.now()
                self._check(lambda outcome: self._reply_checked(detection, heard_s, outcome))
                return True  # the reply goes on until the check agrees
            machine.replier.stop("wake-word")
        machine.wake(detection)
        return True

    def verify(self, utt: Utterance, detection: WakeDetection) -> None:
        """Have the speech model check the detection that opened ``utt``."""
        utt.wake_check = detection
        self._check(lambda outcome: self._checked(utt, outcome))

    def _check(self, on_verdict: Callable[[Outcome], None]) -> None:
        """Check the audio up to now (the finish lane is idle at a wake)."""
        verifier = self.verifier
        assert verifier is not None
        audio = self.ring.tail(verifier.window_s)
        self.machine.submit(
            self.machine.decoder.finish_lane, lambda: verifier.check(audio), on_verdict
        )

    def _checked(self, utt: Utterance, outcome: Outcome) -> None:
        detection = utt.wake_check
        if utt is not self.machine.utt or detection is None:
            return  # cancelled meanwhile
        utt.wake_check = None
        if outcome.error is not None:
            # The detector's word stands when the second opinion cannot be had.
            _LOGGER.warning("wake word check failed: %s", outcome.error)
        elif not outcome.value.accepted:
            self.reject(detection, outcome.value, utt.id)
            self.machine.begin_idle()
            return
        self.machine.wake_accepted(utt, detection)

    def _reply_checked(self, detection: WakeDetection, heard_s: float, outcome: Outcome) -> None:
        if outcome.error is None and not outcome.value.accepted:
            self.reject(detection, outcome.value, "")
            return
        machine = self.machine
        utt = machine.utt
        if machine.state is PipelineState.REPLYING:
            machine.replier.stop("wake-word")
        elif not (
            machine.state is PipelineState.IDLE
            or (
                machine.state is PipelineState.LISTENING
                and utt
                and utt.kind is UtteranceKind.FOLLOW_UP
            )
        ):
            return  # push-to-talk or another command started meanwhile
        machine.discard()
        # The command may have begun while the check ran: keep what was said since the word.
        since = machine.now() - heard_s
        machine.wake(detection, preroll_s=machine.options.wake_preroll_s + since, verified=True)

    def reject(self, detection: WakeDetection, verdict: WakeVerdict, turn_id: str) -> None:
        self.machine.bus.publish(
            WakeRejected(
                detection.word,
                round(detection.probability, 3),
                round(verdict.ratio, 2),
                verdict.heard,
                turn_id,
            )
        )

    def announce(self, detection: WakeDetection, turn_id: str, at_s: float) -> None:
        self.machine.bus.publish(
            WakeDetected(detection.word, round(detection.probability, 3), at_s, turn_id)
        )
        self.machine.replier.chime(Earcon.WAKE)
