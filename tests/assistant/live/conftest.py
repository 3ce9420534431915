"""Session fixtures: models load once; each test gets a fresh home, bus and pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from assistant.audio.vad import SileroVad
from assistant.audio.wake import load_wake_word
from assistant.config import WakeConfig
from assistant.conversation import Conversation
from assistant.events import EventBus
from assistant.home.model import Home
from assistant.speech.base import SpeechEngine, TranscriptResult, VocabularyHint
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.hint import home_hint
from assistant.speech.wake_check import WakeVerifier
from assistant.tts import Speaker
from assistant.voice.options import PipelineOptions
from assistant.voice.runner import Pipeline
from assistant.voice.scheduler import Lane
from assistant.voice.simulation import Simulation
from bench import voices


@pytest.fixture(scope="session")
def whisper() -> FasterWhisperEngine:
    engine = FasterWhisperEngine()
    engine.load()
    return engine


@pytest.fixture(scope="session")
def hint(demo_home: Home) -> VocabularyHint:
    return home_hint(demo_home)


@dataclass
class Session:
    """A simulated microphone: speech is appended and its exact end time remembered."""

    sim: Simulation
    speech_ends: list[float] = field(default_factory=list)

    def say(self, text: str, pause_s: float = 0.3) -> None:
        self.sim.feed(voices.piper(text))
        self.speech_ends.append(self.sim.audio_s)
        self.sim.silence(pause_s)

    def wake(self, phrase: str = "Okay Nabu.") -> None:
        self.say(phrase, pause_s=0.3)

    def command(self, text: str, after_s: float = 1.5) -> None:
        self.wake()
        self.say(text, pause_s=after_s)


LANE_COSTS = {Lane.DECODE: 0.2, Lane.FINISH: 0.2, Lane.ACT: 0.01}
"""Decode and act times as measured on a 2-core machine, fixed so results do not depend on load."""

PipelineFactory = Callable[..., tuple[Pipeline, Session]]


@pytest.fixture
def live(
    conversation: Conversation, bus: EventBus, whisper: FasterWhisperEngine, hint: VocabularyHint
) -> Iterator[PipelineFactory]:
    """Build a simulated live pipeline over this test's home (real models unless replaced)."""
    made: list[Pipeline] = []

    def make(
        engine: SpeechEngine | None = None,
        options: PipelineOptions | None = None,
        speaker: Speaker | None = None,
        wake: WakeConfig | None = None,
        **kwargs: Any,
    ) -> tuple[Pipeline, Session]:
        # As the app runs it: the speech model double-checks each wake word.
        config = wake or WakeConfig()
        detector = load_wake_word(config)
        kwargs.setdefault(
            "wake_verifier", WakeVerifier(whisper, detector.spec.phrase, config.verify_margin)
        )
        pipeline = Pipeline(
            conversation,
            bus,
            engine or whisper,
            SileroVad(),
            detector,
            options or PipelineOptions(),
            hint=hint,
            speaker=speaker,
            **kwargs,
        )
        made.append(pipeline)
        session = Session(pipeline.simulate(lane_costs=LANE_COSTS))
        session.sim.silence(0.5)
        return pipeline, session

    yield make
    for pipeline in made:
        pipeline.close()


class FailingEngine:
    """Wraps an engine and raises on chosen calls (an engine crash mid-utterance)."""

    name = "failing"

    def __init__(self, inner: SpeechEngine, fail_on: set[int]) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.calls = 0

    def load(self) -> None:
        self.inner.load()

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        self.calls += 1
        if self.calls in self.fail_on:
            raise RuntimeError("simulated engine crash")
        return self.inner.transcribe(audio, hint)
