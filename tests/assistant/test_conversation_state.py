"""Typed dialogue state reads and writes the same JSON the session file has always held.

The records below are written by hand in the form earlier versions stored (the dicts under the
``pending``, ``undo`` and ``context`` keys), straight into a session database file, so a state
file from before the typed records keeps working after an upgrade.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.conversation import Conversation
from assistant.conversation.result import TurnResult
from assistant.conversation.state import (
    DialogueState,
    PendingChoice,
    PendingConfirmation,
    TurnContext,
    UndoRecord,
    pending_from_dict,
)
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import parse_home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.assistant.guarded_home import HOME
from tests.conftest import Clock

NOW = Clock().now

OLD_RECOGNITION = {
    "intent": "HassTurnOn",
    "slots": {"name": "Gate", "domain": "cover"},
    "response_key": "default",
    "slot_texts": {"name": "gate"},
    "context": {"domain": "cover"},
    "source": "local",
    "confidence": 1.0,
}
OLD_CONFIRM = {
    "kind": "confirm",
    "created": NOW,
    "question": "Are you sure you want me to open the Gate?",
    "actions": [{"device": "cover.garden_gate", "action": "open", "params": {}}],
    "reply": "Opened the Gate",
    "recognition": {**OLD_RECOGNITION, "slots": {"name": "Gate", "area": "Garden"}},
}
OLD_UNDO_CONFIRM = {
    "kind": "confirm",
    "created": NOW,
    "question": "Are you sure you want me to unlock the Front Door?",
    "actions": [{"device": "lock.front_door", "action": "unlock", "params": {}}],
    "reply": "Undone",
    "restore": [{"id": "lock.front_door", "state": "unlocked", "attributes": {}}],
}
OLD_CLARIFY = {
    "kind": "clarify",
    "created": NOW,
    "question": "Which Gate do you mean: the Garden or the Driveway?",
    "candidates": ["cover.garden_gate", "cover.drive_gate"],
    "recognition": OLD_RECOGNITION,
}
OLD_UNDO = {
    "created": NOW,
    "before": [{"id": "light.porch", "state": "on", "attributes": {"brightness": 40}}],
}
OLD_CONTEXT = {
    "created": NOW,
    "devices": ["light.porch"],
    "recognition": {
        "intent": "HassTurnOn",
        "slots": {"name": "Porch Light", "domain": "light"},
        "response_key": "default",
        "slot_texts": {"name": "porch light"},
        "context": {},
        "source": "local",
        "confidence": 1.0,
    },
}


def write_old_session(path: Path, records: dict[str, Any]) -> None:
    """A session database as an earlier version left it: one JSON text per key."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS session (key TEXT PRIMARY KEY, value TEXT)")
    db.executemany(
        "INSERT OR REPLACE INTO session (key, value) VALUES (?, ?)",
        [(key, json.dumps(value)) for key, value in records.items()],
    )
    db.commit()
    db.close()


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[SimulatedBackend]:
    backend = SimulatedBackend(parse_home(HOME), tmp_path / "guarded.sqlite3")
    yield backend
    backend.close()


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    return tmp_path / "session.sqlite3"


def open_conversation(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> tuple[Conversation, SessionStore]:
    store = SessionStore(session_file)
    return Conversation(guarded, engine, store=store, clock=clock), store


# -- the same JSON both ways ------------------------------------------------------------------


@pytest.mark.parametrize("raw", [OLD_CONFIRM, OLD_UNDO_CONFIRM, OLD_CLARIFY], ids=str)
def test_an_old_question_reads_and_writes_back_unchanged(raw: dict[str, Any]) -> None:
    assert pending_from_dict(raw).to_dict() == raw


def test_an_old_undo_record_and_context_read_and_write_back_unchanged() -> None:
    assert UndoRecord.from_dict(OLD_UNDO).to_dict() == OLD_UNDO
    assert TurnContext.from_dict(OLD_CONTEXT).to_dict() == OLD_CONTEXT


def test_what_this_version_writes_has_the_old_keys(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    conversation.handle("open the gate in the garden")
    written = store.get("pending")
    store.close()
    assert set(written) == {*OLD_CONFIRM, "what"}
    assert written["what"] == "open the Gate"
    assert isinstance(pending_from_dict(written), PendingConfirmation)


# -- old files drive the conversation -----------------------------------------------------------


def test_an_old_confirmation_is_answered_by_yes(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    write_old_session(session_file, {"pending": OLD_CONFIRM})
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    assert conversation.pending_question() == OLD_CONFIRM["question"]
    done = conversation.handle("yes")
    assert done.response == "Opened the Gate"
    assert guarded.home().devices["cover.garden_gate"].state == "open"
    # The stored recognition is the context of a follow-up, as it always was.
    again = conversation.handle("and in the driveway too")
    assert again.confirmation_required and again.pending_actions[0].device == "cover.drive_gate"
    store.close()


def test_an_old_undo_confirmation_restores_on_yes(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    write_old_session(session_file, {"pending": OLD_UNDO_CONFIRM})
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    assert conversation.handle("yes").response == "Undone"
    assert guarded.home().devices["lock.front_door"].state == "unlocked"
    store.close()


def test_an_old_which_one_question_is_answered_by_a_room(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    write_old_session(session_file, {"pending": OLD_CLARIFY})
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    answer = conversation.handle("the driveway")
    assert answer.slots["area"] == "Driveway"
    assert [a.device for a in answer.pending_actions] == ["cover.drive_gate"]
    store.close()


def test_an_old_undo_record_and_context_still_work(
    session_file: Path, guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    write_old_session(session_file, {"undo": OLD_UNDO, "context": OLD_CONTEXT})
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    turned = conversation.handle("turn it on")  # "it": the porch light from the old context
    assert [a.device for a in turned.actions] == ["light.porch"]
    write_old_session(session_file, {"undo": OLD_UNDO})
    assert conversation.handle("undo").response == "Undone"
    porch = guarded.home().devices["light.porch"]
    assert (porch.state, porch.attributes["brightness"]) == ("on", 40)
    store.close()


# -- what cannot be read counts as absent ---------------------------------------------------------


@pytest.mark.parametrize(
    "damaged",
    [
        "not an object",
        ["a", "list"],
        {"kind": "confirm", "created": NOW, "actions": [{"device": "x", "action": "fly"}]},
        {"kind": "interrogate", "created": NOW},
        {"kind": "clarify", "created": NOW, "question": "Which?"},  # no recognition
        {"kind": "confirm", "created": "yesterday", "actions": []},
    ],
    ids=str,
)
def test_a_damaged_question_is_forgotten_not_a_traceback(
    session_file: Path,
    guarded: SimulatedBackend,
    engine: IntentEngine,
    clock: Clock,
    damaged: Any,
) -> None:
    write_old_session(session_file, {"pending": damaged, "undo": damaged, "context": damaged})
    conversation, store = open_conversation(session_file, guarded, engine, clock)
    assert conversation.pending_question() is None
    assert conversation.handle("yes").response == "There is nothing to confirm"
    assert conversation.handle("undo").response == "There is nothing to undo"
    assert conversation.handle("turn on the porch light").actions  # the turn goes on
    assert store.get("pending") is None  # the unreadable question was removed
    store.close()


def test_expired_records_are_not_used(clock: Clock) -> None:
    store = SessionStore(None)
    state = DialogueState(store, clock)
    state.ask(PendingChoice.from_dict(OLD_CLARIFY))
    store.set("context", OLD_CONTEXT)
    clock.advance(31)
    assert state.pending(timeout_s=30) is None
    assert store.get("pending") is None
    assert state.context(timeout_s=120) is not None
    clock.advance(100)
    assert state.context(timeout_s=120) is None
    store.close()


# -- the result's JSON read back (bus events, history rows) -------------------------------------


def test_a_result_read_back_from_its_json_keeps_what_waits_apart() -> None:
    unlock = Action("lock.front_door", ActionKind.UNLOCK)
    asked = TurnResult(
        text="unlock the front door",
        intent="HassTurnOff",
        slots={"name": "Front Door"},
        actions=(),
        response="Are you sure you want me to unlock the Front Door?",
        source="local",
        timings_ms={"total": 1.0},
        confirmation_required=True,
        pending_actions=(unlock,),
    )
    data = asked.to_dict()
    data["pending_actions"].append({"device": "x", "action": "teleport", "params": {}})
    back = TurnResult.from_dict(data)
    assert back.actions == () and back.pending_actions == (unlock,)
    assert back.confirmation_required and back.requested_actions == (unlock,)


def test_only_the_state_module_names_the_stored_keys() -> None:
    """No front end, pipeline or bench reads or writes dialogue state by its key any more."""
    root = Path(__file__).resolve().parents[2]
    # The session store's own calls (``store.get("undo")``); a server's JSON reply may well
    # have a "context" of its own (Home Assistant's does).
    by_key = re.compile(r"""store\.(?:get|set)\(\s*["'](?:pending|undo|context)["']""")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in ("assistant", "ui", "bench")
        for path in sorted((root / package).rglob("*.py"))
        if path.name != "state.py" or path.parent.name != "conversation"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_key.search(line)
    ]
    assert offenders == []
