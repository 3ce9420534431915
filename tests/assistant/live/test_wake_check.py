"""The speech model's second opinion on wake words (assistant/speech/wake_check.py)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.wake import load_wake_word
from assistant.config import ConfigError, WakeConfig
from assistant.events import ActionsExecuted, PipelineState, WakeDetected, WakeRejected
from assistant.home.simulated import SimulatedBackend
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.wake_check import WakeVerifier, wake_verifier
from bench import voices
from tests.assistant.live.conftest import PipelineFactory
from tests.conftest import Recorder

NEAR_MISS = ("okay, I will be there in ten minutes", "en-us+m3", 160)
"""Everyday speech that the default okay_nabu detector takes for the wake word."""


def heard_up_to_detection(clip: np.ndarray) -> np.ndarray:
    """The audio the pipeline has when the default detector fires on ``clip``."""
    audio = np.concatenate([voices.silence(0.5), clip, voices.silence(0.5)])
    detector = load_wake_word(WakeConfig())
    for start in range(0, len(audio), 320):
        if detector.process(audio[start : start + 320]) is not None:
            return audio[: start + 320]
    raise AssertionError("the detector did not fire")


@pytest.fixture(scope="module")
def verifier(whisper: FasterWhisperEngine) -> WakeVerifier:
    return WakeVerifier(whisper, "Okay Nabu", WakeConfig().verify_margin)


@pytest.mark.parametrize(
    "clip",
    [
        pytest.param(lambda: voices.piper("Okay Nabu."), id="piper"),
        pytest.param(lambda: voices.espeak("okay nabu", "en-us", 160), id="espeak"),
        pytest.param(
            lambda: voices.add_noise(voices.espeak("okay nabu", "en-gb+f3", 190), 10.0, seed=5),
            id="espeak-10dB",
        ),
    ],
)
def test_wake_words_are_kept(verifier: WakeVerifier, clip) -> None:  # type: ignore[no-untyped-def]
    verdict = verifier.check(heard_up_to_detection(clip()))
    assert verdict.accepted, verdict


def test_a_phrase_the_detector_takes_for_the_wake_word_is_rejected(verifier: WakeVerifier) -> None:
    text, voice, rate = NEAR_MISS
    verdict = verifier.check(heard_up_to_detection(voices.espeak(text, voice, rate)))
    assert not verdict.accepted
    assert verdict.ratio < -verifier.margin
    assert "will" in verdict.heard.lower()


def test_pipeline_stays_silent_on_a_rejected_wake_and_still_wakes_after(
    live: PipelineFactory, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, session = live()
    text, voice, rate = NEAR_MISS
    session.sim.feed(voices.espeak(text, voice, rate))
    session.sim.silence(1.5)
    rejected = recorder.of(WakeRejected)
    assert len(rejected) == 1 and not recorder.of(WakeDetected)
    assert pipeline.state is PipelineState.IDLE
    assert not recorder.of(ActionsExecuted)

    session.command("Turn on the desk lamp.")
    session.sim.finish()
    assert len(recorder.of(WakeDetected)) == 1
    assert backend.home().devices["light.desk_lamp"].state == "on"


def test_the_check_is_optional_and_needs_a_whisper_engine(whisper: FasterWhisperEngine) -> None:
    assert wake_verifier(whisper, WakeConfig(), "Okay Nabu") is not None
    assert wake_verifier(whisper, WakeConfig(verify=False), "Okay Nabu") is None
    assert wake_verifier(object(), WakeConfig(), "Okay Nabu") is None  # e.g. the grammar engine
    with pytest.raises(ConfigError, match="verify_margin"):
        WakeConfig(verify_margin=-1.0).validate()
