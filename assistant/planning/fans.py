"""Fan speeds (HassFanSetSpeed) and a thermostat's fan mode (HassClimateSetFanMode).

Home Assistant sets a fan's speed as a percentage with ``fan.turn_on``; "set the fan to 50 %"
or "fan speed 3" becomes a turn-on with ``percentage``, and 0 % turns it off as HA does.
"""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported


def handle_fan_speed(ctx: HandlerContext) -> Plan:
    value = ctx.slots.get("percentage")
    try:
        speed = max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return Plan(error="What speed should the fan be?")
    targets = ctx.targets(domains=("fan",))
    return command(ctx, targets, lambda d: supported(d, ActionKind.TURN_ON, percentage=speed))


def handle_fan_mode(ctx: HandlerContext) -> Plan:
    mode = ctx.slots.get("fan_mode")
    if not mode:
        return Plan(error="Which fan mode?")
    targets = ctx.targets(domains=("climate",))
    return command(ctx, targets, lambda d: supported(d, ActionKind.TURN_ON, fan_mode=str(mode)))


HANDLERS: dict[str, Handler] = {
    "HassFanSetSpeed": handle_fan_speed,
    "HassClimateSetFanMode": handle_fan_mode,
}
