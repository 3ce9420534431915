"""The outcome of one turn, and its JSON form: the contract ``hearth parse --json`` prints.

A client reads ``actions`` as "this happened in the home", so it lists only what was carried
out. Actions that wait for the user's yes go under ``pending_actions`` beside
``"confirmation_required": true``; a reply that carried nothing out lists none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from assistant.home.commands import Action, ActionResult
from intents.engine import Recognition


@dataclass(frozen=True)
class TurnResult:
    """The outcome of one sentence (or one device-card click); ``to_dict`` is the JSON contract."""

    text: str
    intent: str | None
    slots: dict[str, Any]
    #: What was carried out, as written to the home (relative steps resolved).
    actions: tuple[Action, ...]
    response: str
    source: str | None
    timings_ms: dict[str, float]
    confirmation_required: bool = False
    executed: tuple[ActionResult, ...] = ()
    confidence: float = 0.0
    #: What waits for a yes (only with ``confirmation_required``); nothing of it has run.
    pending_actions: tuple[Action, ...] = ()

    @property
    def requested_actions(self) -> tuple[Action, ...]:
        """What the sentence asked for: done, or waiting for a yes (what a card or a bench
        compares with what the user said, whether or not it needed confirming)."""
        return self.actions + self.pending_actions

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "intent": self.intent,
            "slots": self.slots,
            "actions": [a.to_dict() for a in self.actions],
            "response": self.response,
            "source": self.source,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.confirmation_required:
            data["confirmation_required"] = True
            data["pending_actions"] = [a.to_dict() for a in self.pending_actions]
        return data

    @staticmethod
    def from_dict(data: dict[str, Any], confidence: float = 0.0) -> TurnResult:
        """A result rebuilt from its JSON (a bus event, a history row). An action kind this
        version does not know is skipped, so one odd action does not lose the whole turn."""
        return TurnResult(
            text=str(data.get("text", "")),
            intent=data.get("intent"),
            slots=dict(data.get("slots") or {}),
            actions=_actions(data.get("actions")),
            response=str(data.get("response", "")),
            source=data.get("source"),
            timings_ms={k: float(v) for k, v in (data.get("timings_ms") or {}).items()},
            confirmation_required=bool(data.get("confirmation_required", False)),
            confidence=confidence,
            pending_actions=_actions(data.get("pending_actions")),
        )


@dataclass
class Turn:
    """Scratch state while one turn is handled; ``result`` turns it into its TurnResult."""

    text: str
    asr_ms: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    recognition: Recognition | None = None
    intent_ms: float = 0.0
    #: "action" and "cloud" (ms), when the turn got that far.
    timings: dict[str, float] = field(default_factory=dict)
    #: Said first when this turn dropped a question that waited for a yes.
    dropped: str = ""

    @property
    def source(self) -> str | None:
        return self.recognition.source if self.recognition else None

    def result(
        self,
        recognition: Recognition | None,
        actions: tuple[Action, ...],
        response: str,
        source: str | None,
        executed: tuple[ActionResult, ...] = (),
        pending_actions: tuple[Action, ...] | None = None,
    ) -> TurnResult:
        """The turn's result; ``pending_actions`` (even empty) means it waits for a yes."""
        timings = {
            "asr": self.asr_ms,
            "intent": self.intent_ms,
            "action": self.timings.get("action", 0.0),
            "total": (time.perf_counter() - self.started) * 1000 + self.asr_ms,
        }
        if "cloud" in self.timings:
            timings["cloud"] = self.timings["cloud"]
        return TurnResult(
            text=self.text,
            intent=recognition.intent if recognition else None,
            slots=dict(recognition.slots) if recognition else {},
            actions=actions,
            response=" ".join(_sentence(part) for part in (self.dropped, response) if part),
            source=source,
            timings_ms=timings,
            confirmation_required=pending_actions is not None,
            executed=executed,
            confidence=recognition.confidence if recognition else 0.0,
            pending_actions=pending_actions or (),
        )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _actions(raw: Any) -> tuple[Action, ...]:
    actions = []
    for item in raw or ():
        try:
            actions.append(Action.from_dict(item))
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    return tuple(actions)
