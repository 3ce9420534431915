"""File or array → VAD and end-pointing → one engine: the audio half of ``hearth listen --wav``.

Audio is streamed through Silero VAD and the end-pointer exactly as microphone audio would be;
the first utterance is cut out (with a little audio before the detected start, since VAD fires
after the first phoneme, and a little after the last speech) and handed to the engine. Times are measured in audio seconds from the
start of the file, so ``endpoint_s - speech_end_s`` is the silence the user waited for.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.endpoint import (
    EndpointConfig,
    Endpointer,
    EndpointEventType,
    EndReason,
)
from assistant.audio.file import FileSource
from assistant.audio.memory import MemorySource
from assistant.audio.vad import SileroVad, SpeechDetector
from assistant.config import VadConfig
from assistant.speech.base import SpeechEngine, VocabularyHint

MAX_FILE_S = 120.0
"""Longest file ``transcribe_file`` accepts; a spoken command is seconds long."""

PRE_ROLL_S = 0.3
"""Audio kept before the detected start of speech (VAD fires a little after the onset)."""

POST_ROLL_S = 0.3
"""Audio kept after the last speech chunk; the rest of the end-of-speech silence is not decoded
(it only costs decoder steps and invites Whisper to hallucinate in silence)."""


@dataclass(frozen=True)
class UtteranceResult:
    """The first utterance in some audio and what the engine made of it."""

    text: str
    confidence: float
    engine: str
    ended_by: EndReason
    audio_s: float  # audio consumed (up to the end-point, or the whole input)
    speech_start_s: float | None
    speech_end_s: float | None  # end of the last audio chunk that held speech
    endpoint_s: float | None  # when the end-pointer decided the utterance was over
    timings_ms: dict[str, float] = field(default_factory=dict)  # "vad", "asr"

    @property
    def has_speech(self) -> bool:
        return self.speech_start_s is not None

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "engine": self.engine,
            "ended_by": self.ended_by.value,
            "audio_s": round(self.audio_s, 3),
            "speech_start_s": self.speech_start_s,
            "speech_end_s": self.speech_end_s,
            "endpoint_s": self.endpoint_s,
            "timings_ms": {key: round(value, 1) for key, value in self.timings_ms.items()},
        }


def transcribe_file(
    path: str | Path,
    engine: SpeechEngine,
    vad_config: VadConfig | None = None,
    hint: VocabularyHint | None = None,
    *,
    vad: SpeechDetector | None = None,
    max_file_s: float = MAX_FILE_S,
) -> UtteranceResult:
    """Transcribe the first spoken utterance of a WAV/FLAC file.

    Raises :class:`~assistant.audio.base.AudioError` (one-line message) for a missing,
    unreadable, empty or too long file; silence gives ``text == ""`` with
    ``ended_by == EndReason.NO_SPEECH``. Pass a loaded ``engine`` and a ``vad`` to reuse them.
    """
    source = FileSource(path, max_duration_s=max_file_s)
    return transcribe_frames(source, engine, vad_config, hint, vad=vad)


def transcribe_audio(
    samples: np.ndarray,
    engine: SpeechEngine,
    vad_config: VadConfig | None = None,
    hint: VocabularyHint | None = None,
    *,
    sample_rate: int = SAMPLE_RATE,
    vad: SpeechDetector | None = None,
) -> UtteranceResult:
    """As :func:`transcribe_file`, for audio already in memory (tests, benchmarks)."""
    return transcribe_frames(MemorySource(samples, sample_rate), engine, vad_config, hint, vad=vad)


def transcribe_frames(
    frames: Iterable[np.ndarray],
    engine: SpeechEngine,
    vad_config: VadConfig | None = None,
    hint: VocabularyHint | None = None,
    *,
    vad: SpeechDetector | None = None,
) -> UtteranceResult:
    """The first utterance of any 16 kHz int16 frame stream (a source, or a list of arrays)."""
    detector = vad or SileroVad()
    detector.reset()
    endpointer = Endpointer(EndpointConfig.from_vad_config(vad_config or VadConfig()))
    kept: list[np.ndarray] = []
    kept_samples = 0
    vad_s = 0.0
    end = None
    for frame in frames:
        kept.append(frame)
        kept_samples += len(frame)
        started = time.perf_counter()
        scores = detector.process(frame)
        vad_s += time.perf_counter() - started
        for score in scores:
            event = endpointer.process(detector.window_s, score)
            if event is not None and event.type is EndpointEventType.SPEECH_END:
                end = event
                break
        if end is not None:
            break
    if end is None:
        end = endpointer.finish()
    assert end is not None
    audio_s = kept_samples / SAMPLE_RATE
    timings = {"vad": 1000.0 * vad_s, "asr": 0.0}
    if end.reason is EndReason.NO_SPEECH or end.speech_start_s is None:
        return UtteranceResult(
            "", 0.0, engine.name, EndReason.NO_SPEECH, audio_s, None, None, None, timings
        )
    audio = np.concatenate(kept)
    first = max(0, int((end.speech_start_s - PRE_ROLL_S) * SAMPLE_RATE))
    stop_s = end.at_s if end.speech_end_s is None else min(end.at_s, end.speech_end_s + POST_ROLL_S)
    last = min(len(audio), int(stop_s * SAMPLE_RATE))
    started = time.perf_counter()
    result = engine.transcribe(audio[first:last], hint)
    timings["asr"] = 1000.0 * (time.perf_counter() - started)
    return UtteranceResult(
        text=result.text,
        confidence=result.confidence,
        engine=engine.name,
        ended_by=end.reason or EndReason.END_OF_AUDIO,
        audio_s=audio_s,
        speech_start_s=round(end.speech_start_s, 3),
        speech_end_s=round(end.speech_end_s, 3) if end.speech_end_s is not None else None,
        endpoint_s=round(end.at_s, 3),
        timings_ms=timings,
    )
