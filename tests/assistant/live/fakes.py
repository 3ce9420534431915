"""Stand-ins for the models, so the state machine is tested fast and exactly.

Fake "speech" is loud noise, the fake wake word is a run of one constant sample value, and the
scripted engine says whatever the test tells it; timing then depends on the simulated clock only.
"""

from __future__ import annotations

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.wake import (
    DebounceConfig,
    WakeEngine,
    WakeWordDetector,
    WakeWordSpec,
)
from assistant.speech.base import TranscriptResult, VocabularyHint

WAKE_VALUE = 7777


def speech(seconds: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-3000, 3000, int(seconds * SAMPLE_RATE)).astype(np.int16)


def wake_word(seconds: float = 0.1) -> np.ndarray:
    return np.full(int(seconds * SAMPLE_RATE), WAKE_VALUE, dtype=np.int16)


class FakeVad:
    """Speech probability 1 for noisy frames, 0 for silence and for the wake marker."""

    window_s = 0.02

    def __init__(self) -> None:
        self._pending = np.zeros(0, np.int16)

    def reset(self) -> None:
        self._pending = np.zeros(0, np.int16)

    def process(self, frame: np.ndarray) -> list[float]:
        """One score per whole 20 ms window, buffering the rest (as Silero does)."""
        audio = np.concatenate([self._pending, frame])
        usable = len(audio) - len(audio) % 320
        scores = []
        for start in range(0, usable, 320):
            window = audio[start : start + 320]
            loud = float(np.abs(window.astype(np.float32)).mean()) > 300
            scores.append(1.0 if loud and not np.all(window == WAKE_VALUE) else 0.0)
        self._pending = audio[usable:]
        return scores


class FakeWakeModel:
    chunk_s = 0.02
    default_cutoff = 0.5

    def process(self, frame: np.ndarray) -> list[float]:
        return [1.0 if len(frame) and np.all(frame == WAKE_VALUE) else 0.0]

    def reset(self) -> None:
        pass


def fake_wake(refractory_s: float = 1.0) -> WakeWordDetector:
    spec = WakeWordSpec("okay_nabu", "Okay Nabu", WakeEngine.MICRO, "fake", True)
    return WakeWordDetector(FakeWakeModel(), spec, DebounceConfig(0.5, 1, refractory_s))


class ScriptedEngine:
    """Returns ``text`` for whatever audio it gets; fails on chosen calls."""

    name = "scripted"

    def __init__(self, text: str = "", concurrent: bool = False) -> None:
        self.text = text
        self.concurrent = concurrent  # True: two decodes may run at once (two lanes)
        self.fail_on: set[int] = set()
        self.calls = 0
        self.lengths: list[int] = []

    def load(self) -> None:
        pass

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        self.calls += 1
        self.lengths.append(len(audio))
        if self.calls in self.fail_on:
            raise RuntimeError("engine exploded")
        return TranscriptResult(self.text, 1.0, 1000.0 * len(audio) / SAMPLE_RATE, 1.0, self.name)


class FakeSink:
    def __init__(self) -> None:
        self.played: list[int] = []
        self.stops = 0

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        self.played.append(len(samples))

    def stop(self) -> None:
        self.stops += 1


class FakeVoice:
    """Two seconds of "audio" per reply: enough for the tests to talk over it."""

    name = "fake"

    def __init__(self) -> None:
        self.said: list[str] = []

    def synthesize(self, text: str) -> np.ndarray:
        self.said.append(text)
        return np.zeros(2 * SAMPLE_RATE, dtype=np.int16)
