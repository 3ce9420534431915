"""What a device attribute may hold, checked once when a home file is read.

Attributes come from hand-written YAML and end up in arithmetic ("+10 %"), JSON (the state
database, the cloud's tool list) and replies. YAML can say far more than that: dates, binary,
sets, NaN, huge numbers. Anything other than plain data is refused here with one line, so no
later step can trip over it; the attributes Hearth itself computes with must also have the
right kind and range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


class AttributeProblem(ValueError):
    """One line saying which attribute is wrong and why (the loader adds file and line)."""


def _percent(value: Any) -> str | None:
    if not _is_number(value) or not 0 <= value <= 100:
        return "must be a number from 0 to 100"
    return None


def _number(value: Any) -> str | None:
    return None if _is_number(value) else "must be a number"


def _count(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "must be a whole number, 0 or more"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text"


def _texts(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "must be a list of texts"
    return None


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


KNOWN: dict[str, Callable[[Any], str | None]] = {
    "brightness": _percent,
    "position": _percent,
    "volume": _percent,
    "temperature": _number,
    "current_temperature": _number,
    "min_temp": _number,
    "max_temp": _number,
    "track": _count,
    "supported_features": _count,
    "playlist": _texts,
    "supported_color_modes": _texts,
    "color": _text,
    "mode": _text,
    "media_title": _text,
    "device_class": _text,
    "unit": _text,
    "unit_of_measurement": _text,
    "entities": _mapping,
}
"""The attributes Hearth reads or computes with, and what each must be."""

_MAX_NUMBER = 1e15


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) <= _MAX_NUMBER


def check_attributes(attributes: dict[Any, Any]) -> None:
    """Raise AttributeProblem unless every value is plain data and known ones fit their use."""
    _check_plain(attributes, "")
    for key, rule in KNOWN.items():
        if key in attributes and (problem := rule(attributes[key])) is not None:
            raise AttributeProblem(f"attribute '{key}' {problem}")


def _check_plain(value: Any, where: str) -> None:
    if value is None or isinstance(value, str | bool):
        return
    if isinstance(value, int | float):
        if not _is_number(value):
            raise AttributeProblem(f"attribute '{where}' must be a finite number of sensible size")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_plain(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AttributeProblem(f"attribute '{where}' has a key that is not text")
            _check_plain(item, f"{where}.{key}" if where else key)
        return
    raise AttributeProblem(
        f"attribute '{where}' is {_kind(value)}; use a number, text, a list or a mapping"
    )


def _kind(value: Any) -> str:
    names = {
        "date": "a date",
        "datetime": "a date and time",
        "bytes": "binary data",
        "set": "a set",
        "tuple": "a tuple",
    }
    return names.get(type(value).__name__, f"a {type(value).__name__}")
