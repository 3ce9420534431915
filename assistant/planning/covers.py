"""Covers (blinds, curtains, garage doors): move to a position."""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported
from assistant.planning.steps import position_word


def handle_set_position(ctx: HandlerContext) -> Plan:
    """A position in %, or a word for one ("halfway")."""
    said = ctx.slots.get("position")
    position = int(said) if said is not None else position_word(ctx.recognition)
    if position is None:
        return Plan(error="Sorry, to what position?")
    return command(
        ctx,
        ctx.targets(domains=("cover",)),
        lambda d: supported(d, ActionKind.SET_POSITION, position=position),
    )


HANDLERS: dict[str, Handler] = {
    "HassSetPosition": handle_set_position,
}
