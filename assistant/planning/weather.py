"""The weather, from a ``weather`` entity's state and attributes (as Home Assistant keeps them).

Hearth has no weather service of its own; a home exported from Home Assistant has one or more
weather entities whose state is the condition ("partlycloudy") and whose attributes hold the
temperature, humidity, wind and, in homes that keep it, a ``forecast`` list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.home.model import Device
from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.replies import number

CONDITIONS = {
    "clear": "clear",
    "clear-night": "clear",
    "cloudy": "cloudy",
    "exceptional": "exceptional weather",
    "fog": "foggy",
    "hail": "hail",
    "lightning": "thunderstorms",
    "lightning-rainy": "thunderstorms and rain",
    "partlycloudy": "partly cloudy",
    "pouring": "pouring rain",
    "rainy": "raining",
    "snowy": "snowing",
    "snowy-rainy": "sleet",
    "sunny": "sunny",
    "windy": "windy",
    "windy-variant": "windy and cloudy",
}


def weather_entities(ctx: HandlerContext) -> list[Device]:
    return sorted(
        (d for d in ctx.home.devices.values() if d.domain == "weather"), key=lambda d: d.id
    )


def _degrees(value: Any, unit: str) -> str:
    return f"{number(value)} {unit}".strip()


def describe(device: Device, today: dt.date | None = None) -> str:
    """ "It's 12 °C and partly cloudy at Home. Tomorrow: raining, 8 to 13 °C"."""
    attrs = device.attributes
    unit = str(attrs.get("temperature_unit", "°C"))
    condition = CONDITIONS.get(device.state, device.state.replace("-", " "))
    parts = []
    if attrs.get("temperature") is not None:
        parts.append(f"It's {_degrees(attrs['temperature'], unit)} and {condition}")
    else:
        parts.append(f"It's {condition}")
    parts[0] += f" at {device.name}" if device.name.casefold() != "home" else " at home"
    if attrs.get("humidity") is not None:
        parts.append(f"humidity {number(attrs['humidity'])} %")
    reply = ", ".join(parts)
    forecast = attrs.get("forecast")
    if isinstance(forecast, list):
        ahead = _next_day(forecast, today)
        if ahead is not None:
            reply += f". {ahead}"
    return reply


def _next_day(forecast: list[Any], today: dt.date | None) -> str | None:
    for entry in forecast:
        if not isinstance(entry, dict):
            continue
        when = _date(entry.get("datetime"))
        if today is not None and when is not None and when <= today:
            continue
        condition = CONDITIONS.get(str(entry.get("condition", "")), str(entry.get("condition", "")))
        high, low = entry.get("temperature"), entry.get("templow")
        day = (
            "Tomorrow"
            if when is None or today is None or when == today + dt.timedelta(1)
            else (when.strftime("%A"))
        )
        if high is not None and low is not None:
            return f"{day}: {condition}, {number(low)} to {number(high)} degrees"
        if high is not None:
            return f"{day}: {condition}, up to {number(high)} degrees"
        return f"{day}: {condition}" if condition else None
    return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


def handle_weather(ctx: HandlerContext) -> Plan:
    found = weather_entities(ctx)
    name = ctx.slots.get("name")
    if name:
        named = [d for d in found if d.name.casefold() == str(name).casefold()]
        found = named or found
    if not found:
        return Plan(error="There's no weather service in this home")
    today = ctx.now().date()
    return Plan(response=describe(found[0], today))


HANDLERS: dict[str, Handler] = {"HassGetWeather": handle_weather}
