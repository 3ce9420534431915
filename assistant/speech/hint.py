"""The vocabulary hint for one home: its names and the shapes of commands people say to it.

Speech engines are biased toward these words (Whisper's prompt, the grammar engine's JSGF), which
is how a command engine beats a general dictation model on names like "Chandelier".
"""

from __future__ import annotations

from assistant.home.model import Home
from assistant.speech.base import VocabularyHint

_TEMPLATES = (
    "turn (on|off) the {name}",
    "turn (on|off) the {area} (light|lights|lamp)",
    "turn (on|off) the lights in the {area}",
    "(lock|unlock) the {name}",
    "(open|close) the {name}",
    "set the {name} to {percent} percent",
    "set the {area} lights to {percent} percent",
    "what is the temperature in the {area}",
    "set the thermostat to {degrees} degrees",
    "(pause|play) the music",
    "is the {name} (on|off|locked|open)",
)


def home_hint(home: Home) -> VocabularyHint:
    """Names and command shapes of this home, to bias the speech engine toward them."""
    names: list[str] = []
    for device in home.devices.values():
        names.extend(n.lower() for n in (device.name, *device.aliases))
    areas: list[str] = []
    for area in home.areas.values():
        areas.extend(n.lower() for n in (area.name, *area.aliases))
    return VocabularyHint(
        sentences=_TEMPLATES,
        slots={
            "name": tuple(dict.fromkeys(names)),
            "area": tuple(dict.fromkeys(areas)),
            "percent": ("10", "20", "50", "100"),
            "degrees": ("18", "20", "22"),
        },
        names=("yes", "no", "undo", "cancel", "stop"),
    )
