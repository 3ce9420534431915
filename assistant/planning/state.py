"""Questions about state: "is the front door locked?", "which lights are on?", "how warm is it?"."""

from __future__ import annotations

from collections.abc import Callable

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device, Domain
from assistant.planning.context import Handler, HandlerContext, Plan, failed
from assistant.planning.replies import (
    MAX_LISTED,
    capitalized,
    count_devices,
    listing,
    name_devices,
    number,
    view,
)
from assistant.planning.targets import Targets
from intents.responses import render_response


def handle_get_temperature(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("climate",))
    if not targets.devices and not targets.ambiguous and not ctx.slots.get("name"):
        targets = ctx.targets(domains=("sensor",), classes=("temperature",))
    if not targets.ok and not ctx.has_place():
        climates = [d for d in ctx.home.devices.values() if d.domain is Domain.CLIMATE]
        if climates and ctx.speaker_area is None:
            targets = Targets(devices=(climates[0],))
    if (not_found := failed(targets)) is not None:
        return not_found
    device = targets.devices[0]
    value = device.attributes.get("current_temperature", device.state)
    place = ctx.home.areas[device.area].name if device.area in ctx.home.areas else device.name
    return Plan(
        actions=(Action(device.id, ActionKind.GET_STATE),),
        response=f"It's {number(value)} degrees in the {place}",
    )


def handle_get_state(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(use_speaker_area=False)
    if (not_found := failed(targets)) is not None:
        if targets.ambiguous and ctx.recognition.response_key != "one":
            targets = Targets(devices=targets.ambiguous)
        else:
            return not_found
    wanted = ctx.slots.get("state")
    matched = [d for d in targets.devices if wanted is None or d.state == str(wanted)]
    unmatched = [d for d in targets.devices if d not in matched]
    key = ctx.recognition.response_key or "default"
    state_text = str(ctx.recognition.slot_texts.get("state") or wanted or "")
    actions = tuple(Action(d.id, ActionKind.GET_STATE) for d in targets.devices)
    if state_text and key in _LISTS:
        # The devices the answer names are what "turn them off" next refers to.
        named = unmatched if key == "all" else matched
        if named:
            actions = tuple(Action(d.id, ActionKind.GET_STATE) for d in named)
        return Plan(actions=actions, response=_LISTS[key](matched, unmatched, state_text, ctx))
    template = ctx.template(key)
    fallback = ", ".join(f"{d.name} is {d.state}" for d in targets.devices)
    if key == "one":
        response = f"{targets.devices[0].name} is {view(targets.devices[0]).state_with_unit}"
    elif template is None:
        response = fallback
    else:
        response = render_response(
            template,
            dict(ctx.recognition.slot_texts),
            matched=[view(d) for d in matched],
            unmatched=[view(d) for d in unmatched],
            fallback=fallback,
        )
    return Plan(actions=actions, response=response)


Answer = Callable[[list[Device], list[Device], str, HandlerContext], str]


def _which(matched: list[Device], unmatched: list[Device], state: str, ctx: HandlerContext) -> str:
    """ "which lights are on?": every one that is, by name (rooms where names repeat)."""
    if not matched:
        return f"None {'is' if len(unmatched) == 1 else 'are'} {state}"
    return capitalized(listing(matched, ctx.home, state))


def _any(matched: list[Device], unmatched: list[Device], state: str, ctx: HandlerContext) -> str:
    """ "are any lights on?": yes, and which."""
    if not matched:
        return "No"
    return f"Yes, {listing(matched, ctx.home, state)}"


def _all(matched: list[Device], unmatched: list[Device], state: str, ctx: HandlerContext) -> str:
    """ "are all the doors locked?": yes, or which are not."""
    if not unmatched:
        return "Yes"
    return f"No, {listing(unmatched, ctx.home, state, negated=True)}"


def _how_many(
    matched: list[Device], unmatched: list[Device], state: str, ctx: HandlerContext
) -> str:
    """ "how many lights are on?": the number, then which."""
    if not matched:
        return f"None {'is' if len(unmatched) == 1 else 'are'} {state}"
    if len(matched) > MAX_LISTED:
        return capitalized(listing(matched, ctx.home, state))
    verb = "is" if len(matched) == 1 else "are"
    names = name_devices(matched, ctx.home, article=False)
    return f"{count_devices(matched)} {verb} {state}: {names}"


_LISTS: dict[str, Answer] = {"which": _which, "any": _any, "all": _all, "how_many": _how_many}

HANDLERS: dict[str, Handler] = {
    "HassClimateGetTemperature": handle_get_temperature,
    "HassGetState": handle_get_state,
}
