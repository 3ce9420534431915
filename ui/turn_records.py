"""Turns that arrive as JSON (bus events, history rows) turned back into TurnResults.

The window draws every turn from a TurnResult, but only the turns it starts itself come back as
one; voice turns, other front ends' turns and the persisted log arrive as plain dicts. Rebuilding
them in one place means they are all shown the same way, and an action kind this UI does not
know yet is skipped rather than breaking the whole row.
"""

from __future__ import annotations

from typing import Any

from assistant.conversation import TurnResult
from assistant.events import TurnCompleted
from assistant.history import HistoryEntry
from assistant.home.commands import Action


def turn_from_event(event: TurnCompleted, confidence: float = 0.0) -> TurnResult:
    """A TurnResult rebuilt from a TurnCompleted event's JSON, for turns started elsewhere."""
    return _turn_from_dict(event.result, confidence)


def turn_from_entry(entry: HistoryEntry) -> TurnResult:
    """A TurnResult rebuilt from a persisted history row (to show it at start)."""
    return _turn_from_dict(entry.to_dict(), 0.0)


def _turn_from_dict(data: dict[str, Any], confidence: float) -> TurnResult:
    actions = []
    for raw in data.get("actions") or ():
        try:
            actions.append(Action.from_dict(raw))
        except (KeyError, ValueError, TypeError):
            continue  # an action kind this UI does not know: show the rest
    return TurnResult(
        text=str(data.get("text", "")),
        intent=data.get("intent"),
        slots=dict(data.get("slots") or {}),
        actions=tuple(actions),
        response=str(data.get("response", "")),
        source=data.get("source"),
        timings_ms={k: float(v) for k, v in (data.get("timings_ms") or {}).items()},
        confirmation_required=bool(data.get("confirmation_required", False)),
        confidence=confidence,
    )
