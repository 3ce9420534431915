"""Turns that arrive as JSON (bus events, history rows) turned back into TurnResults.

The window draws every turn from a TurnResult, but only the turns it starts itself come back as
one; voice turns, other front ends' turns and the persisted log arrive as plain dicts. Rebuilding
them in one place (``TurnResult.from_dict``) means they are all shown the same way, and an
action kind this UI does not know yet is skipped rather than breaking the whole row.
"""

from __future__ import annotations

from assistant.conversation import TurnResult
from assistant.events import TurnCompleted
from assistant.history import HistoryEntry


def turn_from_event(event: TurnCompleted, confidence: float = 0.0) -> TurnResult:
    """A TurnResult rebuilt from a TurnCompleted event's JSON, for turns started elsewhere."""
    return TurnResult.from_dict(event.result, confidence)


def turn_from_entry(entry: HistoryEntry) -> TurnResult:
    """A TurnResult rebuilt from a persisted history row (to show it at start)."""
    return TurnResult.from_dict(entry.to_dict(), 0.0)
