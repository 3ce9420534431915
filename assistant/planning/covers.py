"""Covers (blinds, curtains, garage doors): move to a position."""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported


def handle_set_position(ctx: HandlerContext) -> Plan:
    position = int(ctx.slots.get("position", 0))
    return command(
        ctx,
        ctx.targets(domains=("cover",)),
        lambda d: supported(d, ActionKind.SET_POSITION, position=position),
    )


HANDLERS: dict[str, Handler] = {
    "HassSetPosition": handle_set_position,
}
