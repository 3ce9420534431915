"""Turn on / turn off / toggle, for every domain: each domain's own word for "on" and "off"."""

from __future__ import annotations

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device, Domain
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported
from assistant.planning.steps import position_word

ON_ACTIONS: dict[Domain, ActionKind] = {
    Domain.COVER: ActionKind.OPEN,
    Domain.VALVE: ActionKind.OPEN,
    Domain.LOCK: ActionKind.LOCK,
    Domain.VACUUM: ActionKind.START,
    Domain.LAWN_MOWER: ActionKind.START,
}
OFF_ACTIONS: dict[Domain, ActionKind] = {
    Domain.COVER: ActionKind.CLOSE,
    Domain.VALVE: ActionKind.CLOSE,
    Domain.LOCK: ActionKind.UNLOCK,
    Domain.VACUUM: ActionKind.RETURN_HOME,
    Domain.LAWN_MOWER: ActionKind.RETURN_HOME,
}


#: What "everything in the kitchen" switches: never a lock, a door or the heating.
EVERYTHING = ("light", "switch", "fan", "media_player", "input_boolean", "humidifier")


def handle_turn(ctx: HandlerContext, on: bool) -> Plan:
    slots = ctx.slots
    whole_place = (slots.get("area") or slots.get("floor")) and not any(
        slots.get(k) for k in ("name", "domain", "device_class")
    )
    # "Turn off the kitchen" means its lights and appliances; turning "off" a lock unlocks it.
    targets = ctx.targets(domains=EVERYTHING) if whole_place else ctx.targets()
    table = ON_ACTIONS if on else OFF_ACTIONS
    default = ActionKind.TURN_ON if on else ActionKind.TURN_OFF

    halfway = position_word(ctx.recognition)

    def pick(device: Device) -> Action | None:
        if halfway is not None and device.domain is Domain.COVER:
            # "open the curtains halfway": a position, not all the way.
            return supported(device, ActionKind.SET_POSITION, position=halfway)
        return supported(device, table.get(device.domain, default))

    return command(ctx, targets, pick)


def handle_toggle(ctx: HandlerContext) -> Plan:
    def pick(device: Device) -> Action | None:
        if device.domain is Domain.LOCK:
            kind = ActionKind.UNLOCK if device.state == "locked" else ActionKind.LOCK
            return Action(device.id, kind)
        return supported(device, ActionKind.TOGGLE)

    return command(ctx, ctx.targets(), pick)


HANDLERS: dict[str, Handler] = {
    "HassTurnOn": lambda ctx: handle_turn(ctx, on=True),
    "HassTurnOff": lambda ctx: handle_turn(ctx, on=False),
    "HassToggle": handle_toggle,
}
