"""Checking and converting settings' values: types, ranges, one line of text.

Kept apart from the sections in :mod:`assistant.config` so each section's ``validate`` and
``hearth config set`` use the same rules, and so a bad value is always one clear line.
"""

from __future__ import annotations

import math
import typing
from dataclasses import fields
from typing import Any


class ConfigError(ValueError):
    """A config file or value that cannot be used; the message is one line for the user."""


def positive(name: str, value: float) -> None:
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, not {value}")


def unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name} must be between 0 and 1, not {value}")


def field_types(cls: type) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def parse_text(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"true", "on", "yes", "1"}:
            return True
        if lowered in {"false", "off", "no", "0"}:
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if kind in (int, float):
        try:
            value = kind(raw.strip())
        except ValueError:
            raise ConfigError(f"{name} must be a number, not {raw!r}") from None
        return finite(name, value)
    return short_text(name, raw)


MAX_TEXT = 4096


def short_text(name: str, value: str) -> str:
    """One line of text: what ``config set`` stores must load again (TOML keeps NUL as \\u0000,
    which the loader then refuses, so refusing it here keeps a saved config loadable)."""
    if "\x00" in value or len(value) > MAX_TEXT:
        raise ConfigError(f"{name} must be a line of text of at most {MAX_TEXT} characters")
    return value


MAX_NUMBER = 1e9
"""No setting is meaningful beyond this (seconds, tokens, days); bigger is a typo or an attack."""


def finite(name: str, value: float) -> float:
    """NaN compares false with everything, so ``nan > 0`` checks would let it through: refuse it
    (and infinities and absurd sizes) here, before any range check runs."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value}")
    if abs(value) > MAX_NUMBER:
        raise ConfigError(f"{name} is out of range ({value:g})")
    return value


def coerce(name: str, value: Any, kind: type) -> Any:
    """Check a TOML value against the field's type; ints are accepted where floats are."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return finite(name, float(value))
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, not {shown(value)}")
    if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, kind)):
        raise ConfigError(f"{name} must be a number, not {shown(value)}")
    if kind in (int, float):
        return finite(name, value)
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{name} must be a string, not {shown(value)}")
    if kind is str:
        return short_text(name, value)
    return value


def shown(value: Any) -> str:
    """A value in an error message: short, one line (a TOML table can be arbitrarily big)."""
    if isinstance(value, dict | list):
        return "a table" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
