"""The utterance log: what was said, understood, done and answered, with per-stage timings.

It listens to the event bus like the UI does, so typed and spoken turns, local and cloud ones,
are all logged the same way. Every event of a turn carries its turn id (``events.new_turn_id``):
stage timings collect per turn id until that turn's TurnCompleted writes the row (``turn_id``
column), a final Transcript with the id marks it spoken, and the pipeline's UtteranceTimings
with the same id adds the voice-only numbers (latency, early decision) to that row, whatever
else was logged in between. Rows older than ``retention_days`` are pruned on open and on every write; ``clear``
empties the log. Audio is written only when the user enabled ``history.store_audio``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.config import HistoryConfig
from assistant.events import (
    Cancelled,
    ErrorEvent,
    Event,
    EventBus,
    EventType,
    StageEnd,
    Transcript,
    TurnCompleted,
    UtteranceTimings,
)
from assistant.storage import OpenMode, WriteGuard, open_database, remove_damaged_copies
from models.files import PRIVATE_FILE_MODE, make_private_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    channel TEXT NOT NULL,
    turn_id TEXT NOT NULL DEFAULT '',
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
CREATE INDEX IF NOT EXISTS turns_at ON turns (at);
"""

_MIGRATE_TURN_ID = (
    # Logs written before turn ids flowed through every event kept the pipeline's utterance id
    # (the same value, for spoken turns) in a column of that name.
    "ALTER TABLE turns RENAME COLUMN utterance_id TO turn_id"
)
_TURN_INDEX = "CREATE INDEX IF NOT EXISTS turns_turn_id ON turns (turn_id)"

_TRACKED_TURNS = 64
"""Turns whose stage timings are still collecting; older unfinished ones are dropped."""


class HistoryError(RuntimeError):
    """The history cannot do what the user asked (clear a read-only log); one line."""


MAX_LIST = 1_000_000
"""More entries than any retention keeps; SQLite's LIMIT takes at most a 64-bit integer."""


@dataclass(frozen=True)
class HistoryEntry:
    """One logged turn (``channel``: "voice" or "text"; ``source``: local, fuzzy, cloud, ...)."""

    id: int
    at: dt.datetime
    channel: str
    text: str
    intent: str | None
    slots: dict[str, Any]
    actions: list[dict[str, Any]]
    response: str
    source: str | None
    timings_ms: dict[str, float]
    latency_ms: float | None
    early: bool | None
    audio: str | None
    turn_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "channel": self.channel,
            "text": self.text,
            "intent": self.intent,
            "slots": self.slots,
            "actions": self.actions,
            "response": self.response,
            "source": self.source,
            "timings_ms": self.timings_ms,
            "latency_ms": self.latency_ms,
            "early": self.early,
            "audio": self.audio,
            "turn_id": self.turn_id,
        }


class History:
    """SQLite log under the data dir; thread-safe (events arrive from the pipeline's lanes)."""

    def __init__(
        self,
        path: str | Path,
        config: HistoryConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.config = config or HistoryConfig()
        self._clock = clock
        self._lock = threading.Lock()
        opened = open_database(self.path, _SCHEMA, "history")
        self._db = opened.connection
        self.mode = opened.mode
        self._guard = WriteGuard("history", self.path)
        self._turn_column = self._migrate()
        self._stages: dict[str, dict[str, float]] = {}  # turn id → stage → ms
        self._spoken: dict[str, None] = {}  # turn ids with a final transcript (insertion order)
        self._audio: dict[str, str] = {}  # turn id → the kept recording
        self.prune()

    def _migrate(self) -> str:
        """Bring an older log up to date; returns the name of its turn id column.

        A log that cannot be written (read-only folder) is read as it is."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(turns)")}
        column = "turn_id" if "turn_id" in columns else "utterance_id"
        if self.mode is OpenMode.READ_ONLY:
            return column
        try:
            if column != "turn_id":
                self._db.execute(_MIGRATE_TURN_ID)
                column = "turn_id"
            self._db.execute(_TURN_INDEX)
        except sqlite3.Error as err:
            self._guard.failed(err)
        return column

    @property
    def audio_dir(self) -> Path:
        return self.path.parent / "history-audio"

    # -- feeding ---------------------------------------------------------------------------------

    def attach(self, bus: EventBus) -> Callable[[], None]:
        """Log every turn published on ``bus``; returns the unsubscribe function."""
        return bus.subscribe(
            self.on_event,
            [
                EventType.STAGE_END,
                EventType.TURN_COMPLETED,
                EventType.UTTERANCE_TIMINGS,
                EventType.TRANSCRIPT,
                EventType.CANCELLED,
                EventType.ERROR,
            ],
        )

    def on_event(self, event: Event) -> None:
        if not self.config.enabled:
            return
        if isinstance(event, StageEnd):
            with self._lock:
                stages = self._stages.setdefault(event.turn_id, {})
                key = event.stage.value
                stages[key] = round(stages.get(key, 0.0) + event.duration_ms, 2)
                _bound(self._stages)
        elif isinstance(event, Transcript) and event.final:
            with self._lock:
                self._spoken[event.turn_id] = None
                _bound(self._spoken)
        elif isinstance(event, TurnCompleted):
            self._record(event)
        elif isinstance(event, UtteranceTimings):
            self._add_timings(event)
        elif isinstance(event, Cancelled | ErrorEvent):
            self._forget(event.turn_id)

    def _forget(self, turn_id: str) -> None:
        """A turn that ended without a TurnCompleted: nothing of it is logged."""
        if not turn_id:
            return
        with self._lock:
            self._stages.pop(turn_id, None)
            self._spoken.pop(turn_id, None)
            audio = self._audio.pop(turn_id, None)
        if audio is not None:
            Path(audio).unlink(missing_ok=True)

    def _record(self, event: TurnCompleted) -> None:
        result, turn_id = event.result, event.turn_id
        with self._lock:
            stages = self._stages.pop(turn_id, {})
            channel = "voice" if turn_id in self._spoken else "text"
            self._spoken.pop(turn_id, None)
            audio = self._audio.pop(turn_id, None)
            timings = {**stages, **(result.get("timings_ms") or {})}
            self._write(
                f"INSERT INTO turns (at, channel, {self._turn_column}, text, intent, slots,"
                " actions, response, source, timings, audio)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._clock(),
                    channel,
                    turn_id,
                    str(result.get("text") or ""),
                    result.get("intent"),
                    json.dumps(result.get("slots") or {}),
                    json.dumps(result.get("actions") or []),
                    str(result.get("response") or ""),
                    result.get("source"),
                    json.dumps(timings),
                    audio,
                ),
            )
        self.prune()

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor | None:
        """One write; a failure (disk full, read-only folder) is reported once, never raised.

        The caller holds the lock."""
        if self.mode is OpenMode.READ_ONLY:
            return None
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as err:
            self._guard.failed(err)
            return None

    def _add_timings(self, event: UtteranceTimings) -> None:
        """The voice-only numbers, added to the row of the same turn (found by its id)."""
        if not event.turn_id:
            return
        with self._lock:
            row = self._db.execute(
                f"SELECT id, timings FROM turns WHERE {self._turn_column}=?"
                " ORDER BY id DESC LIMIT 1",
                (event.turn_id,),
            ).fetchone()
            if row is None:
                return
            timings = {**json.loads(row[1]), **event.stages_ms}
            self._write(
                "UPDATE turns SET latency_ms=?, early=?, timings=?, channel='voice' WHERE id=?",
                (event.latency_ms, int(event.early), json.dumps(timings), row[0]),
            )

    def add_audio(self, turn_id: str, samples: np.ndarray) -> Path | None:
        """Keep a spoken command's audio, only if the user allowed it (``store_audio``)."""
        if not (self.config.enabled and self.config.store_audio):
            return None
        stamp = dt.datetime.fromtimestamp(self._clock()).strftime("%Y%m%d-%H%M%S")
        target = self.audio_dir / f"{stamp}-{turn_id}.wav"
        try:
            make_private_dir(self.audio_dir)
            # Created owner-only before a byte of the user's voice is written into it.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
            with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as writer:
                writer.setnchannels(1)
                writer.setsampwidth(2)
                writer.setframerate(SAMPLE_RATE)
                writer.writeframes(np.asarray(samples, dtype="<i2").tobytes())
        except OSError as err:
            target.unlink(missing_ok=True)
            self._guard.failed(err)
            return None
        with self._lock:
            # Stored with the turn's row when its TurnCompleted arrives.
            self._audio[turn_id] = str(target)
            _bound(self._audio)
        return target

    # -- reading and housekeeping ----------------------------------------------------------------

    def latest(self, limit: int = 20) -> list[HistoryEntry]:
        """Newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at, channel, text, intent, slots, actions, response, source, timings,"
                f" latency_ms, early, audio, {self._turn_column} FROM turns"
                " ORDER BY id DESC LIMIT ?",
                (min(max(0, limit), MAX_LIST),),
            ).fetchall()
        return [
            HistoryEntry(
                id=row[0],
                at=dt.datetime.fromtimestamp(row[1]),
                channel=row[2],
                text=row[3],
                intent=row[4],
                slots=json.loads(row[5]),
                actions=json.loads(row[6]),
                response=row[7],
                source=row[8],
                timings_ms=json.loads(row[9]),
                latency_ms=row[10],
                early=None if row[11] is None else bool(row[11]),
                audio=row[12],
                turn_id=row[13],
            )
            for row in rows
        ]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM turns").fetchone()[0])

    def prune(self) -> int:
        """Delete turns (and their audio) older than the retention; 0 days keeps nothing old."""
        cutoff = self._clock() - self.config.retention_days * 86400
        with self._lock:
            old = self._db.execute(
                "SELECT audio FROM turns WHERE at < ? AND audio IS NOT NULL", (cutoff,)
            ).fetchall()
            cursor = self._write("DELETE FROM turns WHERE at < ?", (cutoff,))
            if cursor is None:
                return 0
            deleted = cursor.rowcount
        for (audio,) in old:
            Path(audio).unlink(missing_ok=True)
        return int(deleted)

    def clear(self) -> int:
        """Forget everything, audio included."""
        with self._lock:
            if self.mode is OpenMode.READ_ONLY:
                raise HistoryError(
                    f"{self.path}: cannot clear the history: the folder is read-only"
                )
            try:
                deleted = self._db.execute("DELETE FROM turns").rowcount
            except sqlite3.Error as err:
                raise HistoryError(f"{self.path}: cannot clear the history: {err}") from None
        remove_damaged_copies(self.path)
        if self.audio_dir.is_dir():
            for file in self.audio_dir.glob("*.wav"):
                file.unlink(missing_ok=True)
        return int(deleted)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _bound(turns: dict[str, Any]) -> None:
    """Keep only the newest turns (a dict keeps insertion order)."""
    while len(turns) > _TRACKED_TURNS:
        del turns[next(iter(turns))]


def open_history(data_dir: Path, config: HistoryConfig | None = None) -> History:
    return History(data_dir / "history.sqlite3", config)


@contextmanager
def logging_turns(
    bus: EventBus, data_dir: Path, config: HistoryConfig | None = None
) -> Iterator[History]:
    """Log every turn published on ``bus`` while the block runs (a CLI command's lifetime).

    Every entry point that handles turns (the window, ``hearth shell``, ``parse``, ``listen``)
    logs them, so ``hearth history`` has them all whichever way they were given.
    """
    history = open_history(data_dir, config)
    detach = history.attach(bus)
    try:
        yield history
    finally:
        detach()
        history.close()
