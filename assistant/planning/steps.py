"""What a relative request means: "by 1 %" adds, "a bit" is a small step, up or down.

Home Assistant's sentences fill the same number slot for "set the brightness to 40 %" and
"increase the brightness by 40 %", and Hearth's step sentences leave the size to us. The
sentence's own words settle it: "by N" after a word for up or down is a step, not a level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.engine import Recognition
from intents.vocabulary import words_of

#: "make it brighter" / "dim the lights" without a size.
BRIGHTNESS_STEP = 20
#: "a bit brighter", "slightly dimmer".
SMALL_BRIGHTNESS_STEP = 10
#: "a bit warmer" / "turn the heating up" without a size, in degrees.
TEMPERATURE_STEP = 1.0

UP_WORDS = frozenset(
    {"increase", "raise", "up", "brighter", "brighten", "more", "warmer", "hotter", "higher"}
)
DOWN_WORDS = frozenset(
    {"decrease", "lower", "reduce", "down", "dim", "dimmer", "darken", "less", "cooler", "colder"}
)
SMALL_WORDS = ("a bit", "a little", "a touch", "slightly", "a tad")

_BY_NUMBER = re.compile(r"\bby\s+(?:about\s+)?\d")


@dataclass(frozen=True)
class Step:
    """+1 or -1, and whether the sentence asked for only a little."""

    sign: int
    small: bool = False


def direction(recognition: Recognition) -> Step | None:
    """Up or down, from the ``direction`` slot or else the sentence's words; None if neither."""
    text = " ".join(words_of(recognition.text))
    small = any(f" {w} " in f" {text} " for w in SMALL_WORDS)
    slot = recognition.slots.get("direction")
    if slot in ("up", "down"):
        return Step(1 if slot == "up" else -1, small)
    words = set(text.split())
    up, down = bool(words & UP_WORDS), bool(words & DOWN_WORDS)
    if up == down:
        return None
    return Step(1 if up else -1, small)


def relative(recognition: Recognition) -> Step | None:
    """The step when the number in the sentence is an amount to add ("raise it by 2 degrees"),
    None when it is the value to set ("set it to 2")."""
    if not _BY_NUMBER.search(" ".join(words_of(recognition.text))):
        return None
    return direction(recognition)


#: Words that are a cover position by themselves: "open the curtains halfway".
POSITION_WORDS = {"halfway": 50, "half way": 50, "half open": 50, "half closed": 50, "to half": 50}


def position_word(recognition: Recognition) -> int | None:
    """The position a word in the sentence stands for ("halfway" = 50 %), else None."""
    text = f" {' '.join(words_of(recognition.text))} "
    for phrase, position in POSITION_WORDS.items():
        if f" {phrase} " in text:
            return position
    return None
