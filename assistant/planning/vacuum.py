"""Vacuums and lawn mowers: start, clean one room, return to the dock (the whole home: no
speaker's-room default)."""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported


def handle_vacuum(ctx: HandlerContext, kind: ActionKind, domain: str = "vacuum") -> Plan:
    targets = ctx.targets(domains=(domain,), use_speaker_area=False)
    return command(ctx, targets, lambda d: supported(d, kind))


def handle_clean_area(ctx: HandlerContext) -> Plan:
    """ "Vacuum the kitchen": the room is where to clean, not where the vacuum is."""
    area = ctx.slots.get("area")
    if not area:
        return handle_vacuum(ctx, ActionKind.START)
    vacuums = [d for d in ctx.home.devices.values() if d.domain == "vacuum"]
    name = ctx.slots.get("name")
    if name:
        vacuums = [d for d in vacuums if d.name.casefold() == str(name).casefold()] or vacuums
    if not vacuums:
        return Plan(error="There's no vacuum in this home")
    if len(vacuums) > 1:
        return Plan(ambiguous=tuple(vacuums))
    action = supported(vacuums[0], ActionKind.START, area=str(area))
    if action is None:
        return Plan(error=f"Sorry, the {vacuums[0].name} can't do that")
    return Plan(actions=(action,), response=f"Cleaning the {area}")


HANDLERS: dict[str, Handler] = {
    "HassVacuumStart": lambda ctx: handle_vacuum(ctx, ActionKind.START),
    "HassVacuumReturnToBase": lambda ctx: handle_vacuum(ctx, ActionKind.RETURN_HOME),
    "HassVacuumCleanArea": handle_clean_area,
    "HassLawnMowerStartMowing": lambda ctx: handle_vacuum(ctx, ActionKind.START, "lawn_mower"),
    "HassLawnMowerDock": lambda ctx: handle_vacuum(ctx, ActionKind.RETURN_HOME, "lawn_mower"),
}
