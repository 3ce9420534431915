"""Vacuums: start cleaning, return to the dock (the whole home: no speaker's-room default)."""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported


def handle_vacuum(ctx: HandlerContext, kind: ActionKind) -> Plan:
    targets = ctx.targets(domains=("vacuum",), use_speaker_area=False)
    return command(ctx, targets, lambda d: supported(d, kind))


HANDLERS: dict[str, Handler] = {
    "HassVacuumStart": lambda ctx: handle_vacuum(ctx, ActionKind.START),
    "HassVacuumReturnToBase": lambda ctx: handle_vacuum(ctx, ActionKind.RETURN_HOME),
}
