"""Lights: brightness, colour and colour temperature, set or stepped."""

from __future__ import annotations

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported
from assistant.planning.steps import (
    BRIGHTNESS_STEP,
    SMALL_BRIGHTNESS_STEP,
    direction,
    relative,
)
from assistant.planning.targets import Targets


def handle_light_set(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("light",))
    slots = ctx.slots
    if "brightness" in slots and (step := relative(ctx.recognition)) is not None:
        # "increase the brightness by 1 %" adds 1 %; it does not set 1 %.
        return _step_brightness(ctx, targets, step.sign * int(slots["brightness"]))
    if "brightness" in slots:
        return command(
            ctx,
            targets,
            lambda d: (
                supported(d, ActionKind.SET_BRIGHTNESS, brightness=int(slots["brightness"]))
                if "brightness" in d.attributes
                else None
            ),
        )
    if "color" in slots:
        color = str(slots["color"])
        return command(
            ctx,
            targets,
            lambda d: (
                Action(d.id, ActionKind.SET_COLOR, {"color": color})
                if "color" in d.attributes
                else None
            ),
        )
    if "temperature" in slots:
        kelvin = int(slots["temperature"])
        return command(
            ctx,
            targets,
            lambda d: (
                Action(d.id, ActionKind.SET_COLOR, {"color": f"{kelvin}K"})
                if "color" in d.attributes
                else None
            ),
        )
    return Plan(error="Sorry, what should I set the light to?")


def handle_brightness_step(ctx: HandlerContext) -> Plan:
    step = direction(ctx.recognition)
    small = step is not None and step.small
    size = int(
        ctx.slots.get("brightness_step") or (SMALL_BRIGHTNESS_STEP if small else BRIGHTNESS_STEP)
    )
    sign = -1 if ctx.slots.get("direction") == "down" else 1
    return _step_brightness(ctx, ctx.targets(domains=("light",)), sign * size)


def _step_brightness(ctx: HandlerContext, targets: Targets, step: int) -> Plan:
    def pick(device: Device) -> Action | None:
        if "brightness" not in device.attributes:
            return None
        # Relative: the backend adds the step to the brightness as it is when it writes, so
        # a step another process made at the same moment is not lost.
        return Action(device.id, ActionKind.SET_BRIGHTNESS, {"brightness_step": step})

    return command(ctx, targets, pick)


HANDLERS: dict[str, Handler] = {
    "HassLightSet": handle_light_set,
    "HearthBrightnessStep": handle_brightness_step,
}
