"""Timers and delayed commands: Home Assistant's timer intents with its slot names.

"Set a pizza timer for 10 minutes", "how much time is left?", "add 2 minutes to the pizza
timer", "turn off the lights in 10 minutes". Slots: ``hours``/``minutes``/``seconds`` for a
length, ``start_hours``/``start_minutes``/``start_seconds`` for the length a timer was set with
("cancel the 5 minute timer"), ``name``, ``area`` and ``conversation_command``. A timer is
started in the speaker's room, so "cancel the timer" in the kitchen means the kitchen's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.replies import join_words
from assistant.timers import Timer, TimerError, TimerQuery, spoken_duration

_UNITS = (("hours", 3600), ("minutes", 60), ("seconds", 1))
# Past this many timers, a status answer counts instead of reading each one out.
MAX_LISTED = 8


def _amount(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().casefold()
    if text in {"half", "1/2", "a half"}:
        return 0.5
    try:
        return float(text)
    except ValueError:
        return None


def duration(slots: dict[str, Any], prefix: str = "") -> int | None:
    """Seconds from ``hours``/``minutes``/``seconds`` (with ``prefix``), None if none given."""
    total, found = 0.0, False
    for unit, scale in _UNITS:
        if prefix + unit in slots:
            amount = _amount(slots[prefix + unit])
            if amount is not None:
                total += amount * scale
                found = True
    return round(total) if found else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _area_name(ctx: HandlerContext) -> str | None:
    area = ctx.home.areas.get(ctx.speaker_area or "")
    return area.name if area else None


def _query(ctx: HandlerContext) -> TimerQuery:
    slots = ctx.slots
    name = slots.get("name")
    area = slots.get("area")
    return TimerQuery(
        name=str(name) if name else None,
        area=str(area) if area else None,
        started_seconds=duration(slots, "start_"),
    )


def _which(ctx: HandlerContext, verb: str) -> Timer | Plan:
    """The one timer the sentence means, or a plan that says why there isn't one."""
    query = _query(ctx)
    found = ctx.services.timers.find(query)
    if not found:
        if query == TimerQuery() or not ctx.services.timers.all():
            return Plan(error="There are no timers running")
        return Plan(error="I couldn't find that timer")
    if len(found) > 1 and query.area is None:
        here = _area_name(ctx)
        local = [t for t in found if here and t.area == here]
        found = local if len(local) == 1 else found
    if len(found) > 1:
        names = join_words([t.label() for t in found[:MAX_LISTED]])
        return Plan(error=f"You have {len(found)} timers: {names}. Which one should I {verb}?")
    return found[0]


def _act(ctx: HandlerContext, verb: str, change: Callable[[Timer], str]) -> Plan:
    timer = _which(ctx, verb)
    if isinstance(timer, Plan):
        return timer

    def perform() -> str:
        try:
            return change(timer)
        except TimerError as err:
            return f"Sorry, {err}"

    return Plan(perform=perform)


def handle_start(ctx: HandlerContext) -> Plan:
    seconds = duration(ctx.slots)
    if seconds is None:
        return Plan(error="How long should the timer be?")
    name = ctx.slots.get("name")
    command = ctx.slots.get("conversation_command")
    area = _area_name(ctx)
    store = ctx.services.timers

    def perform() -> str:
        try:
            timer = store.start(
                seconds, name=str(name) if name else None, area=area, command=command or None
            )
        except TimerError as err:
            return f"Sorry, {err}"
        length = spoken_duration(timer.seconds)
        if command:
            return f"OK, I'll {str(command).strip()} in {length}"
        if timer.name:
            return f"{_sentence(timer.label().removeprefix('the '))} set for {length}"
        return f"Timer set for {length}"

    return Plan(perform=perform)


def handle_cancel(ctx: HandlerContext) -> Plan:
    store = ctx.services.timers

    def cancel(timer: Timer) -> str:
        store.cancel([timer])
        return f"Cancelled {timer.label()}"

    return _act(ctx, "cancel", cancel)


def handle_cancel_all(ctx: HandlerContext) -> Plan:
    store = ctx.services.timers
    area = ctx.slots.get("area")

    def perform() -> str:
        found = store.find(TimerQuery(area=str(area) if area else None))
        count = store.cancel(found)
        where = f" in the {area}" if area else ""
        if count == 0:
            return f"There were no timers{where}"
        return f"Cancelled {count} timer{'s' if count != 1 else ''}{where}"

    return Plan(perform=perform)


def handle_pause(ctx: HandlerContext) -> Plan:
    store = ctx.services.timers

    def pause(timer: Timer) -> str:
        if not timer.is_active:
            return f"{_sentence(timer.label())} is already paused"
        store.pause(timer)
        return f"Paused {timer.label()}"

    return _act(ctx, "pause", pause)


def handle_resume(ctx: HandlerContext) -> Plan:
    store = ctx.services.timers

    def resume(timer: Timer) -> str:
        if timer.is_active:
            return f"{_sentence(timer.label())} is already running"
        store.resume(timer)
        return f"Resumed {timer.label()}"

    return _act(ctx, "resume", resume)


def _adjust(ctx: HandlerContext, sign: int) -> Plan:
    delta = duration(ctx.slots)
    if delta is None:
        return Plan(error="How much time should I add or take off?")
    store = ctx.services.timers

    def adjust(timer: Timer) -> str:
        changed = store.adjust(timer, sign * delta)
        done = "Added" if sign > 0 else "Took"
        joint = "to" if sign > 0 else "off"
        left = spoken_duration(changed.remaining(store.clock()))
        return f"{done} {spoken_duration(delta)} {joint} {timer.label()}; {left} left"

    return _act(ctx, "change", adjust)


def handle_status(ctx: HandlerContext) -> Plan:
    store = ctx.services.timers
    query = _query(ctx)

    def perform() -> str:
        found = store.find(query)
        if not found:
            return "There are no timers running" if query == TimerQuery() else "No such timer"
        now = store.clock()
        if len(found) > MAX_LISTED:
            soonest = found[0]
            return (
                f"You have {len(found)} timers; {soonest.label()} ends first, "
                f"in {spoken_duration(soonest.remaining(now))}"
            )
        parts = []
        for timer in found:
            left = spoken_duration(timer.remaining(now))
            paused = " (paused)" if not timer.is_active else ""
            parts.append(f"{timer.label()} has {left} left{paused}")
        return _sentence(join_words(parts))

    return Plan(perform=perform)


HANDLERS: dict[str, Handler] = {
    "HassStartTimer": handle_start,
    "HassCancelTimer": handle_cancel,
    "HassCancelAllTimers": handle_cancel_all,
    "HassPauseTimer": handle_pause,
    "HassUnpauseTimer": handle_resume,
    "HassIncreaseTimer": lambda ctx: _adjust(ctx, +1),
    "HassDecreaseTimer": lambda ctx: _adjust(ctx, -1),
    "HassTimerStatus": handle_status,
}
