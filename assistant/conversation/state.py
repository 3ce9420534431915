"""Typed dialogue state: the question waiting for an answer, the undo record, the context.

The state outlives one process (``hearth parse "unlock the front door"`` then ``hearth parse
yes``), so it is kept in the ``SessionStore`` under three keys, ``pending``, ``undo`` and
``context``, as the JSON objects earlier versions wrote. Each record here reads and writes
exactly that form, so state files written before this module existed keep working; a record
that cannot be read (damaged, or from a newer version) counts as absent rather than failing
the turn. Only ``DialogueState`` touches the store's keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from assistant.home.commands import Action
from assistant.home.model import Device
from assistant.session import SessionStore
from intents.engine import Recognition

PENDING = "pending"
UNDO = "undo"
CONTEXT = "context"

#: An undo record lives this many times the context timeout ("undo" some minutes later works).
UNDO_LIFETIME_FACTOR = 10

_T = TypeVar("_T")


class StateError(ValueError):
    """A stored record that is not in the expected form."""


@dataclass(frozen=True)
class StoredRecognition:
    """A recognition as stored between turns (the sentence's text is not kept)."""

    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    response_key: str | None = None
    slot_texts: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    source: str = "local"
    confidence: float = 1.0

    @staticmethod
    def of(recognition: Recognition) -> StoredRecognition:
        return StoredRecognition(
            intent=recognition.intent,
            slots=dict(recognition.slots),
            response_key=recognition.response_key,
            slot_texts=dict(recognition.slot_texts),
            context=dict(recognition.context),
            source=recognition.source,
            confidence=recognition.confidence,
        )

    def recognition(self, text: str) -> Recognition:
        return Recognition(
            intent=self.intent,
            slots=dict(self.slots),
            text=text,
            response_key=self.response_key,
            slot_texts=dict(self.slot_texts),
            context=dict(self.context),
            source=self.source,
            confidence=self.confidence,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "slots": self.slots,
            "response_key": self.response_key,
            "slot_texts": self.slot_texts,
            "context": self.context,
            "source": self.source,
            "confidence": self.confidence,
        }

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> StoredRecognition:
        return StoredRecognition(
            intent=str(raw["intent"]),
            slots=dict(raw.get("slots") or {}),
            response_key=raw.get("response_key"),
            slot_texts=dict(raw.get("slot_texts") or {}),
            context=dict(raw.get("context") or {}),
            source=str(raw.get("source") or "local"),
            confidence=float(raw.get("confidence", 1.0)),
        )


@dataclass(frozen=True)
class DeviceSnapshot:
    """A device's state and attributes at one moment (what undo puts back)."""

    id: str
    state: str
    attributes: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def of(device: Device) -> DeviceSnapshot:
        return DeviceSnapshot(device.id, device.state, dict(device.attributes))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "attributes": dict(self.attributes)}

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> DeviceSnapshot:
        return DeviceSnapshot(str(raw["id"]), str(raw["state"]), dict(raw.get("attributes") or {}))


@dataclass(frozen=True)
class PendingConfirmation:
    """Actions (or, for an undo, states to put back) that run only on a clear yes."""

    created: float
    question: str
    actions: tuple[Action, ...]
    #: The reply once confirmed; empty: describe what was done then.
    reply: str = ""
    restore: tuple[DeviceSnapshot, ...] | None = None
    recognition: StoredRecognition | None = None
    #: What the yes would do, for the reply that drops it ("unlock the Front Door").
    what: str = ""

    kind: ClassVar[str] = "confirm"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "created": self.created,
            "question": self.question,
            "actions": [a.to_dict() for a in self.actions],
            "reply": self.reply,
        }
        if self.restore is not None:
            data["restore"] = [s.to_dict() for s in self.restore]
        if self.recognition is not None:
            data["recognition"] = self.recognition.to_dict()
        if self.what:
            data["what"] = self.what
        return data

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> PendingConfirmation:
        restore = raw.get("restore")
        recognition = raw.get("recognition")
        return PendingConfirmation(
            created=float(raw.get("created", 0)),
            question=str(raw.get("question") or ""),
            actions=tuple(Action.from_dict(a) for a in raw["actions"]),
            reply=str(raw.get("reply") or ""),
            restore=None
            if restore is None
            else tuple(DeviceSnapshot.from_dict(s) for s in restore),
            recognition=None if not recognition else StoredRecognition.from_dict(recognition),
            what=str(raw.get("what") or ""),
        )


@dataclass(frozen=True)
class PendingChoice:
    """ "Which one do you mean?": the request, waiting for a room that narrows it."""

    created: float
    question: str
    candidates: tuple[str, ...]
    recognition: StoredRecognition

    kind: ClassVar[str] = "clarify"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": self.created,
            "question": self.question,
            "candidates": list(self.candidates),
            "recognition": self.recognition.to_dict(),
        }

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> PendingChoice:
        return PendingChoice(
            created=float(raw.get("created", 0)),
            question=str(raw.get("question") or ""),
            candidates=tuple(str(c) for c in raw.get("candidates") or ()),
            recognition=StoredRecognition.from_dict(raw["recognition"]),
        )


Pending = PendingConfirmation | PendingChoice


@dataclass(frozen=True)
class UndoRecord:
    """How the devices the last command changed were before it."""

    created: float
    before: tuple[DeviceSnapshot, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "before": [s.to_dict() for s in self.before]}

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> UndoRecord:
        return UndoRecord(
            float(raw.get("created", 0)),
            tuple(DeviceSnapshot.from_dict(s) for s in raw["before"]),
        )


@dataclass(frozen=True)
class TurnContext:
    """The last command's devices and meaning, for "turn them off" and "and the bedroom too"."""

    created: float
    devices: tuple[str, ...]
    recognition: StoredRecognition

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "devices": list(self.devices),
            "recognition": self.recognition.to_dict(),
        }

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> TurnContext:
        return TurnContext(
            float(raw.get("created", 0)),
            tuple(str(d) for d in raw.get("devices") or ()),
            StoredRecognition.from_dict(raw["recognition"]),
        )


def pending_from_dict(raw: Mapping[str, Any]) -> Pending:
    kind = raw.get("kind")
    if kind == PendingConfirmation.kind:
        return PendingConfirmation.from_dict(raw)
    if kind == PendingChoice.kind:
        return PendingChoice.from_dict(raw)
    raise StateError(f"unknown kind of question {kind!r}")


class DialogueState:
    """The conversation's state in its store, read and written as typed records.

    Reads drop what has expired (a question after ``timeout_s``) or cannot be read, so a
    stale or damaged record never answers for a fresh one.
    """

    def __init__(self, store: SessionStore, clock: Callable[[], float]) -> None:
        self.store = store
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    # -- the question waiting for an answer ------------------------------------------------------

    def pending(self, timeout_s: float) -> Pending | None:
        """The question still waiting; an expired or unreadable one is forgotten here."""
        raw = self.store.get(PENDING)
        if raw is None:
            return None
        pending = _parse(raw, pending_from_dict)
        if pending is None or self._clock() - pending.created > timeout_s:
            self.clear_pending()
            return None
        return pending

    def ask(self, pending: Pending) -> None:
        self.store.set(PENDING, pending.to_dict())

    def clear_pending(self) -> None:
        self.store.set(PENDING, None)

    # -- undo ------------------------------------------------------------------------------------

    def undo(self, context_timeout_s: float) -> UndoRecord | None:
        record = _parse(self.store.get(UNDO), UndoRecord.from_dict)
        if record is None or not record.before:
            return None
        if self._clock() - record.created > context_timeout_s * UNDO_LIFETIME_FACTOR:
            return None
        return record

    def remember_undo(self, before: tuple[DeviceSnapshot, ...]) -> None:
        self.store.set(UNDO, UndoRecord(self._clock(), before).to_dict())

    def clear_undo(self) -> None:
        self.store.set(UNDO, None)

    # -- context ---------------------------------------------------------------------------------

    def context(self, timeout_s: float) -> TurnContext | None:
        context = _parse(self.store.get(CONTEXT), TurnContext.from_dict)
        if context is not None and self._clock() - context.created > timeout_s:
            self.store.set(CONTEXT, None)
            return None
        return context

    def remember_context(self, devices: tuple[str, ...], recognition: Recognition) -> None:
        record = TurnContext(self._clock(), devices, StoredRecognition.of(recognition))
        self.store.set(CONTEXT, record.to_dict())


def _parse(raw: Any, parse: Callable[[Mapping[str, Any]], _T]) -> _T | None:
    """A stored record as its type; None when absent or not in the expected form."""
    if raw is None:
        return None
    try:
        if not isinstance(raw, Mapping):
            raise StateError("the record is not an object")
        return parse(raw)
    except (StateError, KeyError, ValueError, TypeError, AttributeError):
        return None
