"""Hearth's colour names ↔ the RGB triples and colour temperatures MQTT lights speak.

Hearth's lights carry a colour *name* ("warm white", "blue", or a temperature such as
"2700K"); MQTT lights take ``r,g,b`` or mireds. A name Hearth does not know cannot be sent.
"""

from __future__ import annotations

import re

from assistant.home.commands import CommandError

RGB: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "warm white": (255, 197, 143),
    "cool white": (212, 235, 255),
    "red": (255, 0, 0),
    "orange": (255, 165, 0),
    "yellow": (255, 255, 0),
    "green": (0, 255, 0),
    "cyan": (0, 255, 255),
    "blue": (0, 0, 255),
    "purple": (128, 0, 128),
    "magenta": (255, 0, 255),
    "pink": (255, 192, 203),
}
_KELVIN = re.compile(r"^\s*(\d{3,5})\s*k\s*$", re.IGNORECASE)


def kelvin(color: str) -> int | None:
    """2700 for "2700K"; None for a colour name."""
    match = _KELVIN.match(color)
    return int(match.group(1)) if match else None


def to_rgb(color: str) -> tuple[int, int, int]:
    """The RGB triple of a colour name; CommandError for a name this table lacks."""
    rgb = RGB.get(color.strip().casefold())
    if rgb is None:
        raise CommandError(f"the colour {color!r} cannot be sent to an MQTT light")
    return rgb


def from_rgb(rgb: tuple[int, int, int]) -> str:
    """The nearest colour name (exact names round-trip)."""
    return min(RGB, key=lambda name: sum((a - b) ** 2 for a, b in zip(RGB[name], rgb, strict=True)))


def to_mireds(kelvins: int) -> int:
    return round(1_000_000 / max(kelvins, 1))


def from_mireds(mireds: float) -> str:
    """ "2700K": the temperature rounded to 100 K, as Hearth names it."""
    return f"{round(1_000_000 / max(mireds, 1) / 100) * 100}K"
