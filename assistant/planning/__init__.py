"""Recognition → neutral device actions and the reply: one handler per intent, by a dict.

Each domain family keeps its handlers in its own module (switch, lights, climate, covers,
media, vacuum, state, clock, timers, lists, weather, talk) and exports them as ``HANDLERS``; ``plan`` picks one by intent.
"""

from __future__ import annotations

from assistant.planning import (
    climate,
    clock,
    covers,
    fans,
    guide,
    lights,
    lists,
    media,
    media_search,
    state,
    switch,
    talk,
    timers,
    vacuum,
    weather,
)
from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.replies import describe_done

__all__ = ["HANDLERS", "Handler", "HandlerContext", "Plan", "describe_done", "plan"]

HANDLERS: dict[str, Handler] = {
    **switch.HANDLERS,
    **lights.HANDLERS,
    **climate.HANDLERS,
    **state.HANDLERS,
    **covers.HANDLERS,
    **fans.HANDLERS,
    **media.HANDLERS,
    **media_search.HANDLERS,
    **vacuum.HANDLERS,
    **clock.HANDLERS,
    **timers.HANDLERS,
    **lists.HANDLERS,
    **weather.HANDLERS,
    **talk.HANDLERS,
    **guide.HANDLERS,
}


def plan(ctx: HandlerContext) -> Plan:
    handler = HANDLERS.get(ctx.recognition.intent)
    if handler is None:
        return Plan(error="Sorry, I can't do that yet")
    return handler(ctx)
