"""Test speech: espeak-ng voices (replayed from the committed library), padding and noise.

The clips come from ``tests/speech_clips.py`` so that they sound the same on every OS image;
noise is mixed in here with a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.file import read_audio
from tests.speech_clips import write_wav

VOICES = ("en-us", "en-gb+f3")


@dataclass(frozen=True)
class Command:
    """A spoken command and the words its transcript must contain."""

    text: str
    keywords: tuple[str, ...]


_AREAS = ("kitchen", "living room", "bedroom", "office", "garage", "hallway")
COMMANDS: tuple[Command, ...] = (
    *(Command(f"turn on the {a} light", (a, "light")) for a in _AREAS),
    *(Command(f"turn off the lights in the {a}", (a, "light")) for a in _AREAS),
    *(Command(f"turn off the {a} light", (a, "light")) for a in _AREAS),
    Command("lock the front door", ("lock", "front door")),
    Command("unlock the back door", ("unlock", "back door")),
    Command("open the garage door", ("open", "garage door")),
    Command("close the garage door", ("close", "garage door")),
    Command("close the blinds in the bedroom", ("close", "blinds", "bedroom")),
    Command("open the blinds in the living room", ("open", "blinds", "living room")),
    Command("turn on the fan", ("fan",)),
    Command("turn off the office fan", ("office", "fan")),
    Command("turn on the bedroom lamp", ("bedroom", "lamp")),
    Command("turn off the kitchen lamp", ("kitchen", "lamp")),
    Command("set the bedroom lamp to fifty percent", ("bedroom", "lamp", "50")),
    Command("set the kitchen light to twenty percent", ("kitchen", "light", "20")),
    Command("what is the temperature in the office", ("temperature", "office")),
    Command("what is the temperature in the bedroom", ("temperature", "bedroom")),
    Command("set the thermostat to twenty degrees", ("thermostat", "20")),
    Command("pause the music", ("pause", "music")),
    Command("start the vacuum", ("vacuum",)),
    Command("turn on the heater", ("heater",)),
    Command("turn off the heater", ("heater",)),
    Command("turn on the television", ("television",)),
)

SLOTS = {
    "area": _AREAS,
    "device": ("light", "lights", "lamp", "fan", "heater", "television", "thermostat", "vacuum"),
    "door": ("front door", "back door", "garage door"),
    "percent": ("10", "20", "50", "100"),
    "degrees": ("18", "20", "22"),
}
TEMPLATES = (
    "turn (on|off) the {area} (light|lamp|fan)",
    "turn (on|off) the lights in the {area}",
    "turn (on|off) the {device}",
    "turn (on|off) the {area} {device}",
    "(lock|unlock) the {door}",
    "(open|close) the {door}",
    "(open|close) the blinds in the {area}",
    "set the {area} (light|lamp) to {percent} percent",
    "what is the temperature in the {area}",
    "set the thermostat to {degrees} degrees",
    "(pause|play) the music",
    "start the vacuum",
)


def speak_to_file(text: str, voice: str, path: Path, speed: int = 160) -> Path:
    """espeak-ng's own output (22.05 kHz mono 16-bit WAV), as recorded in the clip library."""
    return write_wav(text, path, voice, speed)


def speak(text: str, voice: str, directory: Path, speed: int = 160) -> np.ndarray:
    """16 kHz int16 speech for ``text`` (resampled by the code under test's own FileSource)."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in f"{voice}_{text}")[:80]
    return read_audio(speak_to_file(text, voice, directory / f"{safe}.wav", speed))


def trim_silence(audio: np.ndarray, level: int = 64) -> np.ndarray:
    """Cut espeak's leading/trailing digital silence so the last spoken sample is known."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > level)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio[:0]


def pad(audio: np.ndarray, before_s: float, after_s: float) -> np.ndarray:
    return np.concatenate(
        [
            np.zeros(int(before_s * 16000), np.int16),
            audio,
            np.zeros(int(after_s * 16000), np.int16),
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


def normalize(text: str) -> str:
    """Lower-case words with punctuation removed, numbers as Whisper writes them."""
    out = text.lower().replace("%", " percent ")
    for word, digits in (("fifty", "50"), ("twenty", "20")):
        out = out.replace(word, digits)
    for ch in ".,?!;:-'\"":
        out = out.replace(ch, " ")
    return " ".join(out.split())


def has_keywords(transcript: str, command: Command) -> bool:
    norm = f" {normalize(transcript)} "
    return all(f" {normalize(key)}" in norm for key in command.keywords)
