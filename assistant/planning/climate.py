"""Thermostats: set the target temperature."""

from __future__ import annotations

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Domain
from assistant.planning.context import Handler, HandlerContext, Plan, failed
from assistant.planning.replies import describe_done
from assistant.planning.targets import Targets


def handle_set_temperature(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("climate",))
    if not targets.ok and not ctx.slots.get("name") and not ctx.slots.get("area"):
        climates = [d for d in ctx.home.devices.values() if d.domain is Domain.CLIMATE]
        if len(climates) == 1:
            targets = Targets(devices=(climates[0],))
    temperature = ctx.slots.get("temperature")
    if (not_found := failed(targets)) is not None:
        return not_found
    actions = tuple(
        Action(d.id, ActionKind.SET_TEMPERATURE, {"temperature": temperature})
        for d in targets.devices
    )
    return Plan(actions=actions, render=lambda home: describe_done(actions, home))


HANDLERS: dict[str, Handler] = {
    "HassClimateSetTemperature": handle_set_temperature,
}
