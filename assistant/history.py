"""The utterance log: what was said, understood, done and answered, with per-stage timings.

It listens to the event bus like the UI does, so typed and spoken turns, local and cloud ones,
are all logged the same way: stage timings collect until a TurnCompleted writes the row, and the
pipeline's UtteranceTimings (sent right after) adds the voice-only numbers (latency, early
decision). Rows older than ``retention_days`` are pruned on open and on every write; ``clear``
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
    Event,
    EventBus,
    EventType,
    StageEnd,
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
CREATE INDEX IF NOT EXISTS turns_at ON turns (at);
"""


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
        self._stages: dict[str, float] = {}
        self._last_row: int | None = None
        self._voice_pending = False
        self._pending_audio: str | None = None
        self.prune()

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
            ],
        )

    def on_event(self, event: Event) -> None:
        if not self.config.enabled:
            return
        if isinstance(event, StageEnd):
            with self._lock:
                key = event.stage.value
                self._stages[key] = round(self._stages.get(key, 0.0) + event.duration_ms, 2)
        elif event.type is EventType.TRANSCRIPT and getattr(event, "final", False):
            self._voice_pending = True
        elif isinstance(event, TurnCompleted):
            self._record(event.result)
        elif isinstance(event, UtteranceTimings):
            self._add_timings(event)

    def _record(self, result: dict[str, Any]) -> None:
        with self._lock:
            stages, self._stages = self._stages, {}
            channel = "voice" if self._voice_pending else "text"
            audio, self._pending_audio = self._pending_audio, None
            self._voice_pending = False
            timings = {**stages, **(result.get("timings_ms") or {})}
            cursor = self._write(
                "INSERT INTO turns (at, channel, text, intent, slots, actions, response, source,"
                " timings, audio) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._clock(),
                    channel,
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
            self._last_row = None if cursor is None else cursor.lastrowid
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
        with self._lock:
            if self._last_row is None:
                return
            row = self._db.execute(
                "SELECT timings FROM turns WHERE id=?", (self._last_row,)
            ).fetchone()
            if row is None:
                return
            timings = {**json.loads(row[0]), **event.stages_ms}
            self._write(
                "UPDATE turns SET utterance_id=?, latency_ms=?, early=?, timings=?, channel='voice'"
                " WHERE id=?",
                (
                    event.utterance_id,
                    event.latency_ms,
                    int(event.early),
                    json.dumps(timings),
                    self._last_row,
                ),
            )

    def add_audio(self, utterance_id: str, samples: np.ndarray) -> Path | None:
        """Keep a spoken command's audio, only if the user allowed it (``store_audio``)."""
        if not (self.config.enabled and self.config.store_audio):
            return None
        stamp = dt.datetime.fromtimestamp(self._clock()).strftime("%Y%m%d-%H%M%S")
        target = self.audio_dir / f"{stamp}-{utterance_id}.wav"
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
            # The turn for this audio is logged next (TurnCompleted follows the transcript).
            self._pending_audio = str(target)
        return target

    # -- reading and housekeeping ----------------------------------------------------------------

    def latest(self, limit: int = 20) -> list[HistoryEntry]:
        """Newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at, channel, text, intent, slots, actions, response, source, timings,"
                " latency_ms, early, audio FROM turns ORDER BY id DESC LIMIT ?",
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
            self._last_row = None
        remove_damaged_copies(self.path)
        if self.audio_dir.is_dir():
            for file in self.audio_dir.glob("*.wav"):
                file.unlink(missing_ok=True)
        return int(deleted)

    def close(self) -> None:
        with self._lock:
            self._db.close()


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
