"""The time and the date, from the context's clock (tests pass a fixed one)."""

from __future__ import annotations

from assistant.planning.context import Handler, HandlerContext, Plan


def handle_time(ctx: HandlerContext) -> Plan:
    now = ctx.now()
    return Plan(response=f"It's {now.strftime('%I:%M %p').lstrip('0')}")


def handle_date(ctx: HandlerContext) -> Plan:
    now = ctx.now()
    return Plan(response=f"Today is {now.strftime('%A, %B')} {now.day}, {now.year}")


HANDLERS: dict[str, Handler] = {
    "HassGetCurrentTime": handle_time,
    "HassGetCurrentDate": handle_date,
}
