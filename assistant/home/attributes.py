"""What a device attribute may hold, checked once when a home file is read.

Attributes come from hand-written YAML and end up in arithmetic ("+10 %"), JSON (the state
database, the cloud's tool list) and replies. YAML can say far more than that: dates, binary,
sets, NaN, huge numbers. Anything other than plain data is refused here with one line, so no
later step can trip over it; the attributes Hearth itself computes with must also have the
right kind and range.

Home Assistant names some of these differently, or on another scale; :func:`normalize` turns
an exported entity's attributes into Hearth's before they are checked (brightness in percent,
``position``, ``volume`` in percent), and fills the defaults a device's capabilities imply.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from assistant.home.capabilities import Feature, mode_features
from assistant.home.model import Domain


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


def _optional_text(value: Any) -> str | None:
    """Text, or null where Home Assistant knows a light can change colour but not its name."""
    return None if value is None else _text(value)


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
    "color": _optional_text,
    "mode": _text,
    "media_title": _text,
    "device_class": _text,
    "unit": _text,
    "unit_of_measurement": _text,
    "entities": _mapping,
    "percentage": _percent,
    "percentage_step": _number,
    "target_temp_step": _number,
    "hvac_modes": _texts,
    "preset_modes": _texts,
    "source_list": _texts,
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


#: Home Assistant's light brightness is 0-255; Hearth's is a percentage.
HA_BRIGHTNESS_MAX = 255


def normalize(domain: str, state: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """Hearth's attributes for an entity written the way Home Assistant exports it.

    - A light carrying ``color_mode`` (every Home Assistant light does, null when off) has its
      ``brightness`` on Home Assistant's 0-255 scale; it becomes a percentage. A light whose
      ``supported_color_modes`` allow dimming always has a ``brightness`` (0 when off), and one
      that can change colour a ``color`` (its name, or "2700K" for a white temperature; null
      when unknown), so every later step reads one model.
    - A cover's ``current_position`` becomes ``position``; a media player's ``volume_level``
      (0-1) becomes ``volume`` (percent).
    - A thermostat without ``mode`` remembers the mode it returns to when turned on: its state
      if that is one of its ``hvac_modes``, else the first that is not "off".
    - Other null values are dropped: Home Assistant writes null for "no value now".

    Values of the wrong kind are left as they are, for :func:`check_attributes` to refuse.
    """
    result = {key: value for key, value in attributes.items() if value is not None}
    if domain == Domain.LIGHT:
        _light(state, attributes, result)
    elif domain == Domain.COVER or domain == Domain.VALVE:
        _rename(result, "current_position", "position", 1.0)
    elif domain == Domain.MEDIA_PLAYER:
        _rename(result, "volume_level", "volume", 100.0)
    elif domain == Domain.CLIMATE:
        _climate_mode(state, result)
    return result


def _rename(result: dict[str, Any], source: str, target: str, scale: float) -> None:
    value = result.pop(source, None)
    if target in result or value is None:
        return
    result[target] = round(value * scale) if _is_number(value) else value


def _light(state: str, attributes: dict[str, Any], result: dict[str, Any]) -> None:
    brightness = result.get("brightness")
    if "color_mode" in attributes and _is_number(brightness):
        percent = round(brightness * 100 / HA_BRIGHTNESS_MAX)
        result["brightness"] = max(1, percent) if brightness > 0 else 0  # lit is never 0 %
    modes = attributes.get("supported_color_modes")
    if not isinstance(modes, list):
        return
    can = mode_features(modes)
    if Feature.BRIGHTNESS in can and "brightness" not in result:
        result["brightness"] = 100 if state == "on" else 0
    if can & {Feature.COLOR, Feature.COLOR_TEMP} and "color" not in result:
        kelvin = result.get("color_temp_kelvin")
        warm = result.get("color_mode") == "color_temp" and _is_number(kelvin)
        result["color"] = f"{round(kelvin)}K" if warm else None


def _climate_mode(state: str, result: dict[str, Any]) -> None:
    modes = result.get("hvac_modes")
    if "mode" in result or not isinstance(modes, list):
        return
    if state in modes and state != "off":
        result["mode"] = state
        return
    for mode in modes:
        if isinstance(mode, str) and mode != "off":
            result["mode"] = mode
            return
