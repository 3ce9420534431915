"""Test speech: the command sets the speech tests speak, and espeak-ng clips of them.

The clips are replayed from the committed recordings (tests/speech_clips.py, swapped in by
tests/conftest.py) so that they sound the same on every OS image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.voices import add_noise, pad, speak, trim_silence, write_espeak_wav

# shared with the benchmarks (bench/voices.py)
__all__ = ["add_noise", "pad", "speak", "trim_silence"]

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
    return write_espeak_wav(text, path, voice, speed)


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
