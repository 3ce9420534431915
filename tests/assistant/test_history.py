"""The history matches a turn's events by its turn id, and older logs keep working."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from assistant.config import HistoryConfig
from assistant.conversation import Conversation
from assistant.events import EventBus, Stage, StageEnd, Transcript, UtteranceTimings
from assistant.history import History
from tests.conftest import Clock

OLD_SCHEMA = """
CREATE TABLE turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    channel TEXT NOT NULL,
    utterance_id TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    intent TEXT,
    slots TEXT NOT NULL,
    actions TEXT NOT NULL,
    response TEXT NOT NULL,
    source TEXT,
    timings TEXT NOT NULL,
    latency_ms REAL,
    early INTEGER,
    audio TEXT
);
CREATE INDEX turns_at ON turns (at);
"""


def timings_for(turn_id: str, latency_ms: float) -> UtteranceTimings:
    return UtteranceTimings(1.0, 1.1, 1.2, latency_ms, False, "silence", {}, turn_id=turn_id)


def test_a_typed_turn_in_between_does_not_take_a_spoken_turns_numbers(
    tmp_path: Path, bus: EventBus, conversation: Conversation, clock: Clock
) -> None:
    history = History(tmp_path / "history.sqlite3", HistoryConfig(), clock)
    history.attach(bus)
    bus.publish(StageEnd(Stage.VAD, 700.0, "u-spoken"))
    bus.publish(Transcript("turn on the desk lamp", final=True, turn_id="u-spoken"))
    with bus.turn("t-typed"):  # typed in the window while the spoken command is decoded
        conversation.handle("turn on the kitchen lights")
    with bus.turn("u-spoken"):
        conversation.handle("turn on the desk lamp", asr_ms=90.0)
    bus.publish(timings_for("u-spoken", 250.0))
    bus.publish(timings_for("u-unknown", 999.0))  # a turn that was never logged: ignored
    spoken, typed = history.latest(5)
    assert (typed.text, typed.channel, typed.turn_id) == (
        "turn on the kitchen lights",
        "text",
        "t-typed",
    )
    assert typed.latency_ms is None and "vad" not in typed.timings_ms
    assert (spoken.channel, spoken.turn_id, spoken.latency_ms) == ("voice", "u-spoken", 250.0)
    assert spoken.timings_ms["vad"] == 700.0 and spoken.timings_ms["asr"] == 90.0
    assert spoken.to_dict()["turn_id"] == "u-spoken"


def test_a_cancelled_turn_leaves_nothing_for_the_next_one(
    tmp_path: Path, bus: EventBus, conversation: Conversation, clock: Clock
) -> None:
    from assistant.events import Cancelled, PipelineState

    history = History(tmp_path / "history.sqlite3", HistoryConfig(), clock)
    history.attach(bus)
    bus.publish(StageEnd(Stage.VAD, 500.0, "u-1"))
    bus.publish(Transcript("", final=True, turn_id="u-1"))
    bus.publish(Cancelled("no-speech", PipelineState.TRANSCRIBING, "u-1"))
    with bus.turn("t-2"):
        conversation.handle("turn on the desk lamp")
    (entry,) = history.latest(5)
    assert entry.channel == "text" and "vad" not in entry.timings_ms


def test_a_log_from_before_turn_ids_is_migrated_and_kept(
    tmp_path: Path, bus: EventBus, conversation: Conversation, clock: Clock
) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO turns (at, channel, utterance_id, text, intent, slots, actions,"
            " response, source, timings, latency_ms, early) VALUES"
            " (?, 'voice', 'u7', 'turn on the kettle', 'HassTurnOn', '{}', '[]', 'Done', 'local',"
            " ?, 310.0, 1)",
            (clock(), json.dumps({"asr": 80.0})),
        )
    db.close()
    history = History(path, HistoryConfig(), clock)
    history.attach(bus)
    with bus.turn("u-new"):
        conversation.handle("turn off the kettle")
    bus.publish(timings_for("u-new", 120.0))
    new, old = history.latest(5)
    assert (old.text, old.turn_id, old.latency_ms, old.early) == (
        "turn on the kettle",
        "u7",
        310.0,
        True,
    )
    assert (new.turn_id, new.latency_ms) == ("u-new", 120.0)
    history.close()
    reopened = History(path, HistoryConfig(), clock)
    assert [e.turn_id for e in reopened.latest(5)] == ["u-new", "u7"]
    reopened.close()


def test_typed_and_clicked_turns_through_the_runtime_get_their_own_ids(
    tmp_path: Path, clock: Clock
) -> None:
    from assistant.config import Config
    from assistant.home.commands import Action, ActionKind
    from assistant.home.loader import demo_home_path
    from assistant.runtime import build_runtime

    runtime = build_runtime(Config(), home_file=demo_home_path())
    history = History(tmp_path / "history.sqlite3", HistoryConfig(), clock)
    history.attach(runtime.bus)
    try:
        runtime.handle("turn on the desk lamp")
        runtime.run_actions([Action("light.desk_lamp", ActionKind.TURN_OFF)])
        clicked, typed = history.latest(5)
    finally:
        history.close()
        runtime.close()
    assert typed.turn_id.startswith("t-") and clicked.turn_id.startswith("t-")
    assert typed.turn_id != clicked.turn_id
    assert clicked.actions == [{"device": "light.desk_lamp", "action": "turn_off", "params": {}}]
