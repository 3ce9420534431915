"""Thermostats: set the target temperature."""

from __future__ import annotations

from typing import Any

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Domain
from assistant.planning.context import Handler, HandlerContext, Plan, failed
from assistant.planning.replies import describe_done
from assistant.planning.steps import TEMPERATURE_STEP, direction, relative
from assistant.planning.targets import Targets


def handle_set_temperature(ctx: HandlerContext) -> Plan:
    """An absolute target ("set the heating to 21"), or a step when the sentence says "by"."""
    temperature = ctx.slots.get("temperature")
    step = relative(ctx.recognition) if temperature is not None else None
    if step is not None:
        return _plan(ctx, {"temperature_step": step.sign * float(temperature)})
    if temperature is None:
        return handle_temperature_step(ctx)
    return _plan(ctx, {"temperature": temperature})


def handle_temperature_step(ctx: HandlerContext) -> Plan:
    """ "a bit warmer", "turn the heating down by 2 degrees": a step from the current target."""
    step = direction(ctx.recognition)
    if step is None:
        return Plan(error="Sorry, should it be warmer or cooler?")
    size = ctx.slots.get("temperature_step", ctx.slots.get("temperature")) or TEMPERATURE_STEP
    try:
        degrees = abs(float(size))
    except (TypeError, ValueError):
        return Plan(error="Sorry, by how many degrees?")
    return _plan(ctx, {"temperature_step": step.sign * degrees})


def _plan(ctx: HandlerContext, params: dict[str, Any]) -> Plan:
    targets = ctx.targets(domains=("climate",))
    if not targets.ok and not ctx.slots.get("name") and not ctx.slots.get("area"):
        climates = [d for d in ctx.home.devices.values() if d.domain is Domain.CLIMATE]
        if len(climates) == 1:
            targets = Targets(devices=(climates[0],))
    if (not_found := failed(targets)) is not None:
        return not_found
    actions = tuple(Action(d.id, ActionKind.SET_TEMPERATURE, dict(params)) for d in targets.devices)
    return Plan(actions=actions, render=lambda home: describe_done(actions, home))


HANDLERS: dict[str, Handler] = {
    "HassClimateSetTemperature": handle_set_temperature,
    "HearthClimateStep": handle_temperature_step,
}
