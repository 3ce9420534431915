"""The utterance being listened to: its audio, and where its speech starts and ends.

:class:`Ears` opens utterances (with the right end-pointing rules for their kind) and feeds
each frame through the VAD into the utterance's pure end-pointer; it reports what it heard and
leaves the transitions to the state machine.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from assistant.audio.base import SAMPLE_RATE, frame_samples_for
from assistant.audio.endpoint import (
    EndpointConfig,
    Endpointer,
    EndpointEventType,
    EndpointState,
    EndReason,
)
from assistant.audio.vad import SpeechDetector
from assistant.audio.wake import WakeDetection
from assistant.events import AudioLevel, PipelineState
from assistant.voice.errors import ErrorCode, VadError
from assistant.voice.options import PipelineOptions
from assistant.voice.scheduler import Lane


class UtteranceKind(StrEnum):
    COMMAND = "command"  # after the wake word or push-to-talk
    FOLLOW_UP = "follow-up"  # answering Hearth's question, no wake word needed
    BARGE_IN = "barge-in"  # heard while Hearth speaks: only "stop"/"cancel" count


@dataclass
class Utterance:
    """Audio and decoding progress of the utterance being listened to; ``id`` is its turn id."""

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
    checking: int | None = None  # samples of the partial whose completeness is being checked
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


@dataclass(frozen=True)
class Heard:
    """What one frame did to an utterance: speech began, and/or the utterance ended."""

    started: bool = False
    end: EndReason | None = None


class Ears:
    """Opens utterances and runs the VAD and end-pointer over their frames."""

    def __init__(self, vad: SpeechDetector, options: PipelineOptions) -> None:
        self.vad = vad
        self.options = options

    def open(self, turn_id: str, kind: UtteranceKind, now: float, ptt: bool) -> Utterance:
        timeout = (
            self.options.follow_up_s
            if kind is UtteranceKind.FOLLOW_UP
            else self.options.listen_timeout_s
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
        return Utterance(
            id=turn_id,
            kind=kind,
            opened_s=now,
            deadline_s=now + timeout,
            endpointer=Endpointer(config),
            push_to_talk=ptt,
        )

    def listen(self, utt: Utterance, frame: np.ndarray, arrival_s: float) -> Heard:
        """Add ``frame`` to ``utt`` and end-point it; raises VadError when the VAD fails."""
        utt.add(frame, arrival_s)
        endpointer = utt.endpointer
        try:
            scores = self.vad.process(frame)
        # E.g. a corrupt model file: report and give up this utterance.
        except Exception as err:
            raise VadError(
                ErrorCode.VAD_FAILED, f"voice activity detection failed: {err}", utt.id
            ) from err
        started = False
        for score in scores:
            event = endpointer.process(self.vad.window_s, score)
            if score >= endpointer.config.threshold:
                utt.loud_end = int(endpointer.elapsed_s * SAMPLE_RATE)
            if event is None:
                continue
            if event.type is EndpointEventType.SPEECH_START:
                started = True
            else:
                return Heard(started, event.reason or EndReason.COMPLETE)
        return Heard(started)


class LevelMeter:
    """The microphone level about ten times a second (``AudioLevel``), for meters."""

    def __init__(self, options: PipelineOptions, publish: Callable[[AudioLevel], None]) -> None:
        self.options = options
        self.publish = publish
        self._peak = 0.0
        self._samples = 0

    def add(self, frame: np.ndarray, utt: Utterance | None, state: PipelineState) -> None:
        if len(frame) == 0:
            return
        rms = float(np.sqrt(np.mean(np.square(frame.astype(np.float32) / 32768.0))))
        self._peak = max(self._peak, rms)
        self._samples += len(frame)
        if self._samples < self.options.level_interval_s * SAMPLE_RATE:
            return
        db = 20.0 * math.log10(max(self._peak, 1e-6))
        speech = (
            utt is not None
            and utt.endpointer.state is EndpointState.SPEECH
            and utt.speech_end_sample() >= utt.samples - frame_samples_for(40)
        )
        self.publish(AudioLevel(round(min(1.0, max(0.0, (db + 60.0) / 60.0)), 3), speech, state))
        self._peak = 0.0
        self._samples = 0
