"""Recognition → neutral device actions and the reply; one handler per intent, chosen by a dict.

Handlers only plan: they read a Home snapshot and return a Plan. The conversation decides whether
a plan runs now, waits for a confirmation, or turns into a question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.home.commands import Action, ActionKind
from assistant.home.effects import supported_actions
from assistant.home.model import Device, Domain, Home
from assistant.targets import TargetQuery, Targets, resolve
from intents.catalog import not_yet
from intents.engine import Recognition
from intents.responses import StateView, render_response

BRIGHTNESS_STEP = 20
VOLUME_STEP = 10

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


@dataclass(frozen=True)
class Plan:
    """What to do for one recognized sentence, and what to say once it is done."""

    actions: tuple[Action, ...] = ()
    response: str = ""
    ambiguous: tuple[Device, ...] = ()
    error: str | None = None
    # Rendered after execution, when the response depends on the new state.
    render: Callable[[Home], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class HandlerContext:
    recognition: Recognition
    home: Home
    responses: dict[str, dict[str, str]]
    speaker_area: str | None = None
    now: Callable[[], dt.datetime] = dt.datetime.now
    # Devices the previous command acted on, while the conversation context is fresh.
    previous: tuple[str, ...] = ()

    @property
    def slots(self) -> dict[str, Any]:
        return self.recognition.slots

    def template(self, key: str | None = None) -> str | None:
        by_key = self.responses.get(self.recognition.intent, {})
        return by_key.get(key or self.recognition.response_key or "default") or by_key.get(
            "default"
        )

    def say(self, devices: Sequence[Device], fallback: str, **extra_slots: Any) -> str:
        template = self.template()
        if template is None:
            return fallback
        slots = {**self.recognition.slot_texts, **extra_slots}
        return render_response(
            template, slots, states=[view(d) for d in devices], fallback=fallback
        )

    def targets(
        self,
        domains: Sequence[str] = (),
        classes: Sequence[str] = (),
        use_speaker_area: bool = True,
    ) -> Targets:
        slots = self.slots
        wanted_domains = set(domains)
        if isinstance(slots.get("domain"), str):
            wanted_domains = {slots["domain"]} if not domains else wanted_domains
        context_domain = self.recognition.context.get("domain")
        if slots.get("name") and isinstance(context_domain, str):
            wanted_domains = {context_domain}
        wanted_classes = set(classes)
        if isinstance(slots.get("device_class"), str):
            wanted_classes = {slots["device_class"]}
        everywhere = self.recognition.response_key in {"light_all", "locks_all"}
        if (
            use_speaker_area
            and not everywhere
            and not any(slots.get(k) for k in ("name", "area", "floor"))
        ):
            # "turn them off", "a bit brighter": the devices we just talked about.
            earlier = [self.home.devices[i] for i in self.previous if i in self.home.devices]
            earlier = [
                d
                for d in earlier
                if (not wanted_domains or d.domain.value in wanted_domains)
                and (not wanted_classes or d.device_class in wanted_classes)
            ]
            if earlier:
                return Targets(devices=tuple(earlier))
        return resolve(
            self.home,
            TargetQuery(
                name=slots.get("name"),
                spoken_name=self.recognition.slot_texts.get("name"),
                area=slots.get("area"),
                floor=slots.get("floor"),
                domains=frozenset(wanted_domains),
                device_classes=frozenset(wanted_classes),
                speaker_area=self.speaker_area if use_speaker_area else None,
                everywhere=everywhere,
                require_place=use_speaker_area,
            ),
        )


PAST_TENSE = {
    ActionKind.UNLOCK: "Unlocked",
    ActionKind.LOCK: "Locked",
    ActionKind.OPEN: "Opening",
    ActionKind.CLOSE: "Closing",
    ActionKind.SET_POSITION: "Moving",
    ActionKind.TOGGLE: "Toggled",
    ActionKind.TURN_ON: "Turned on",
    ActionKind.TURN_OFF: "Turned off",
    ActionKind.START: "Started",
    ActionKind.RETURN_HOME: "Sent home",
}


def describe_done(actions: Sequence[Action], home: Home) -> str:
    """A reply naming what was done, for when no response template fits (several devices,
    or an action confirmed later): "Turned off the Ceiling Light and the Bedside Lamp"."""
    groups: dict[str, list[str]] = {}
    for action in actions:
        device = home.devices.get(action.device)
        if device is not None:
            verb = PAST_TENSE.get(action.action, "Done:")
            groups.setdefault(verb, []).append(f"the {device.name}")
    parts = []
    for verb, names in groups.items():
        shown = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
        parts.append(f"{verb} {join_words(shown)}")
    return "; ".join(parts) or "Done"


def join_words(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def view(device: Device) -> StateView:
    return StateView(device.id, device.name, device.domain.value, device.state, device.attributes)


def _failed(targets: Targets) -> Plan | None:
    if targets.error:
        return Plan(error=targets.error)
    if targets.ambiguous:
        return Plan(ambiguous=targets.ambiguous)
    return None


def _command(
    ctx: HandlerContext,
    targets: Targets,
    pick: Callable[[Device], Action | None],
    fallback: str,
) -> Plan:
    if (failed := _failed(targets)) is not None:
        return failed
    actions = [a for d in targets.devices if (a := pick(d)) is not None]
    if not actions:
        names = ", ".join(sorted({d.name for d in targets.devices}))
        return Plan(error=f"Sorry, {names} can't do that")
    done = [ctx.home.device(a.device) for a in actions]

    def render(home: Home) -> str:
        if len(done) > 1 and ctx.recognition.response_key in (None, "default"):
            return describe_done(actions, home)
        return ctx.say([home.device(d.id) for d in done], fallback)

    return Plan(actions=tuple(actions), render=render)


def _supported(device: Device, kind: ActionKind, **params: Any) -> Action | None:
    if kind in supported_actions(device.domain):
        return Action(device.id, kind, params)
    return None


def handle_turn(ctx: HandlerContext, on: bool) -> Plan:
    targets = ctx.targets()
    table = ON_ACTIONS if on else OFF_ACTIONS
    default = ActionKind.TURN_ON if on else ActionKind.TURN_OFF

    def pick(device: Device) -> Action | None:
        return _supported(device, table.get(device.domain, default))

    return _command(ctx, targets, pick, "Turned on" if on else "Turned off")


def handle_toggle(ctx: HandlerContext) -> Plan:
    def pick(device: Device) -> Action | None:
        if device.domain is Domain.LOCK:
            kind = ActionKind.UNLOCK if device.state == "locked" else ActionKind.LOCK
            return Action(device.id, kind)
        return _supported(device, ActionKind.TOGGLE)

    return _command(ctx, ctx.targets(), pick, "Toggled")


def handle_light_set(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("light",))
    slots = ctx.slots
    if "brightness" in slots:
        return _command(
            ctx,
            targets,
            lambda d: (
                _supported(d, ActionKind.SET_BRIGHTNESS, brightness=int(slots["brightness"]))
                if "brightness" in d.attributes
                else None
            ),
            "Brightness set",
        )
    if "color" in slots:
        color = str(slots["color"])
        return _command(
            ctx,
            targets,
            lambda d: (
                Action(d.id, ActionKind.SET_COLOR, {"color": color})
                if "color" in d.attributes
                else None
            ),
            "Color set",
        )
    if "temperature" in slots:
        kelvin = int(slots["temperature"])
        return _command(
            ctx,
            targets,
            lambda d: (
                Action(d.id, ActionKind.SET_COLOR, {"color": f"{kelvin}K"})
                if "color" in d.attributes
                else None
            ),
            "Color temperature set",
        )
    return Plan(error="Sorry, what should I set the light to?")


def handle_brightness_step(ctx: HandlerContext) -> Plan:
    step = int(ctx.slots.get("brightness_step") or BRIGHTNESS_STEP)
    sign = -1 if ctx.slots.get("direction") == "down" else 1

    def pick(device: Device) -> Action | None:
        if "brightness" not in device.attributes:
            return None
        # Relative: the backend adds the step to the brightness as it is when it writes, so
        # a step another process made at the same moment is not lost.
        return Action(device.id, ActionKind.SET_BRIGHTNESS, {"brightness_step": sign * step})

    plan = _command(ctx, ctx.targets(domains=("light",)), pick, "Brightness set")
    if plan.actions:
        return Plan(actions=plan.actions, response="Brighter" if sign > 0 else "Dimmed")
    return plan


def handle_set_temperature(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("climate",))
    if not targets.ok and not ctx.slots.get("name") and not ctx.slots.get("area"):
        climates = [d for d in ctx.home.devices.values() if d.domain is Domain.CLIMATE]
        if len(climates) == 1:
            targets = Targets(devices=(climates[0],))
    temperature = ctx.slots.get("temperature")
    if (failed := _failed(targets)) is not None:
        return failed
    actions = tuple(
        Action(d.id, ActionKind.SET_TEMPERATURE, {"temperature": temperature})
        for d in targets.devices
    )
    degrees = f"{temperature:g}" if isinstance(temperature, float) else str(temperature)
    return Plan(actions=actions, response=f"Temperature set to {degrees} degrees")


def handle_get_temperature(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(domains=("climate",))
    if not targets.devices and not targets.ambiguous and not ctx.slots.get("name"):
        targets = ctx.targets(domains=("sensor",), classes=("temperature",))
    if not targets.ok and not any(ctx.slots.get(k) for k in ("name", "area", "floor")):
        climates = [d for d in ctx.home.devices.values() if d.domain is Domain.CLIMATE]
        if climates and ctx.speaker_area is None:
            targets = Targets(devices=(climates[0],))
    if (failed := _failed(targets)) is not None:
        return failed
    device = targets.devices[0]
    value = device.attributes.get("current_temperature", device.state)
    place = ctx.home.areas[device.area].name if device.area in ctx.home.areas else device.name
    return Plan(
        actions=(Action(device.id, ActionKind.GET_STATE),),
        response=f"It's {_number(value)} degrees in the {place}",
    )


def _number(value: Any) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def handle_get_state(ctx: HandlerContext) -> Plan:
    targets = ctx.targets(use_speaker_area=False)
    if (failed := _failed(targets)) is not None:
        if targets.ambiguous and ctx.recognition.response_key != "one":
            targets = Targets(devices=targets.ambiguous)
        else:
            return failed
    wanted = ctx.slots.get("state")
    matched = [d for d in targets.devices if wanted is None or d.state == str(wanted)]
    unmatched = [d for d in targets.devices if d not in matched]
    key = ctx.recognition.response_key or "default"
    template = ctx.template(key)
    fallback = ", ".join(f"{d.name} is {d.state}" for d in targets.devices)
    slots = dict(ctx.recognition.slot_texts)
    if key == "one":
        response = f"{targets.devices[0].name} is {view(targets.devices[0]).state_with_unit}"
    elif template is None:
        response = fallback
    else:
        response = render_response(
            template,
            slots,
            matched=[view(d) for d in matched],
            unmatched=[view(d) for d in unmatched],
            fallback=fallback,
        )
    return Plan(
        actions=tuple(Action(d.id, ActionKind.GET_STATE) for d in targets.devices),
        response=response,
    )


def handle_set_position(ctx: HandlerContext) -> Plan:
    position = int(ctx.slots.get("position", 0))
    return _command(
        ctx,
        ctx.targets(domains=("cover",)),
        lambda d: _supported(d, ActionKind.SET_POSITION, position=position),
        "Position set",
    )


def _media(ctx: HandlerContext, kind: ActionKind, states: frozenset[str], fallback: str) -> Plan:
    has_place = any(ctx.slots.get(k) for k in ("name", "area", "floor"))
    targets = ctx.targets(domains=("media_player",), use_speaker_area=False)
    if not has_place:
        local = ctx.targets(domains=("media_player",))
        active = [
            d
            for d in ctx.home.devices.values()
            if d.domain is Domain.MEDIA_PLAYER and d.state in states
        ]
        if local.ok and ctx.speaker_area:
            targets = local
        elif active:
            targets = Targets(devices=tuple(active))
        else:
            return Plan(
                error="Sorry, nothing is playing"
                if "playing" in states
                else "Sorry, nothing is paused"
            )
    return _command(ctx, targets, lambda d: _supported(d, kind), fallback)


def handle_volume(ctx: HandlerContext) -> Plan:
    level = ctx.slots.get("volume_level")
    step = ctx.slots.get("volume_step")

    def pick(device: Device) -> Action | None:
        if level is not None:
            return _supported(device, ActionKind.SET_VOLUME, volume=int(level))
        delta = VOLUME_STEP if step in ("up", None) else -VOLUME_STEP
        if isinstance(step, int | float):
            delta = int(step)
        # Relative, like brightness steps: computed from the volume when it is written.
        return _supported(device, ActionKind.SET_VOLUME, volume_step=delta)

    has_place = any(ctx.slots.get(k) for k in ("name", "area", "floor"))
    targets = ctx.targets(domains=("media_player",))
    if not has_place and not ctx.speaker_area:
        playing = [
            d
            for d in ctx.home.devices.values()
            if d.domain is Domain.MEDIA_PLAYER and d.state == "playing"
        ]
        targets = Targets(devices=tuple(playing)) if playing else targets
    return _command(ctx, targets, pick, "Volume set")


def handle_vacuum(ctx: HandlerContext, kind: ActionKind, fallback: str) -> Plan:
    targets = ctx.targets(domains=("vacuum",), use_speaker_area=False)
    return _command(ctx, targets, lambda d: _supported(d, kind), fallback)


def handle_time(ctx: HandlerContext) -> Plan:
    now = ctx.now()
    return Plan(response=f"It's {now.strftime('%I:%M %p').lstrip('0')}")


def handle_date(ctx: HandlerContext) -> Plan:
    now = ctx.now()
    return Plan(response=f"Today is {now.strftime('%A, %B')} {now.day}, {now.year}")


Handler = Callable[[HandlerContext], Plan]

HANDLERS: dict[str, Handler] = {
    "HassTurnOn": lambda ctx: handle_turn(ctx, on=True),
    "HassTurnOff": lambda ctx: handle_turn(ctx, on=False),
    "HassToggle": handle_toggle,
    "HassLightSet": handle_light_set,
    "HearthBrightnessStep": handle_brightness_step,
    "HassClimateSetTemperature": handle_set_temperature,
    "HassClimateGetTemperature": handle_get_temperature,
    "HassGetState": handle_get_state,
    "HassSetPosition": handle_set_position,
    "HassMediaPause": lambda ctx: _media(
        ctx, ActionKind.MEDIA_PAUSE, frozenset({"playing"}), "Paused"
    ),
    "HassMediaUnpause": lambda ctx: _media(
        ctx, ActionKind.MEDIA_PLAY, frozenset({"paused"}), "Resumed"
    ),
    "HassMediaNext": lambda ctx: _media(
        ctx, ActionKind.MEDIA_NEXT, frozenset({"playing", "paused"}), "Playing next"
    ),
    "HassMediaPrevious": lambda ctx: _media(
        ctx, ActionKind.MEDIA_PREVIOUS, frozenset({"playing", "paused"}), "Playing previous"
    ),
    "HassSetVolume": handle_volume,
    "HassSetVolumeRelative": handle_volume,
    "HassVacuumStart": lambda ctx: handle_vacuum(ctx, ActionKind.START, "Started"),
    "HassVacuumReturnToBase": lambda ctx: handle_vacuum(ctx, ActionKind.RETURN_HOME, "Returning"),
    "HassGetCurrentTime": handle_time,
    "HassGetCurrentDate": handle_date,
}


def plan(ctx: HandlerContext) -> Plan:
    handler = HANDLERS.get(ctx.recognition.intent)
    if handler is None:
        return Plan(error=not_yet(ctx.recognition.intent))
    return handler(ctx)
