"""Silero VAD on real (synthesized) speech and on silence and noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.vad import SileroVad
from tests.assistant.speech.synth import pad, speak, trim_silence


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def test_scores_speech_high_and_silence_low(vad: SileroVad, tmp_path: Path) -> None:
    speech = trim_silence(speak("turn on the kitchen light", "en-us", tmp_path))
    audio = pad(speech, 1.0, 1.0)
    scores = vad.probabilities(audio)
    window = vad.window_s
    assert vad.window_samples == 512
    assert len(scores) == len(audio) // 512
    times = np.arange(len(scores)) * window
    in_speech = scores[(times > 1.1) & (times < 1.0 + len(speech) / 16000 - 0.1)]
    silent = scores[(times < 0.8) | (times > 1.3 + len(speech) / 16000)]
    assert np.mean(in_speech > 0.5) > 0.8
    assert np.all(silent < 0.3)


def test_arbitrary_frame_sizes_give_the_same_scores(vad: SileroVad) -> None:
    rng = np.random.default_rng(1)
    audio = (rng.standard_normal(16000) * 3000).astype(np.int16)
    whole = vad.probabilities(audio)
    vad.reset()
    pieces: list[float] = []
    for start in range(0, len(audio), 300):
        pieces.extend(vad.process(audio[start : start + 300]))
    assert np.allclose(whole, pieces, atol=1e-5)


def test_steady_noise_is_not_speech(vad: SileroVad) -> None:
    rng = np.random.default_rng(2)
    noise = (rng.standard_normal(16000 * 2) * 1000).astype(np.int16)
    assert np.mean(vad.probabilities(noise) > 0.5) < 0.1
