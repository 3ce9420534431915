"""A small key/value store in SQLite for conversation state that must outlive one process.

``hearth parse "unlock the front door"`` and then ``hearth parse yes`` are two processes; the
pending confirmation and the undo record travel between them here.

The store never fails a turn: a damaged file is moved aside when opened (``storage``), and when
writing stops working (full disk, folder made read-only) it carries on in memory with what it
held, so a sensitive action still asks and a "yes" in the same process still finds its question.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from assistant.storage import OpenMode, notices, open_database

_SCHEMA = "CREATE TABLE IF NOT EXISTS session (key TEXT PRIMARY KEY, value TEXT);"
_UNSAVED = "an answer such as 'yes' reaches a question only within this run"


class SessionStore:
    def __init__(self, path: str | Path | None = None) -> None:
        """``None`` keeps everything in memory (a temporary home)."""
        self._lock = threading.Lock()
        self.path = None if path is None else Path(path)
        if self.path is None:
            self._db = _memory()
            self.mode = OpenMode.MEMORY
        else:
            opened = open_database(self.path, _SCHEMA, "session", unsaved=_UNSAVED)
            self._db, self.mode = opened.connection, opened.mode
            if self.mode is OpenMode.READ_ONLY:
                self._to_memory()

    def get(self, key: str) -> Any:
        with self._lock:
            try:
                row = self._db.execute("SELECT value FROM session WHERE key=?", (key,)).fetchone()
            except sqlite3.Error as err:
                self._failed(err)
                row = self._db.execute("SELECT value FROM session WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:
            return None

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            try:
                self._set(key, value)
            except sqlite3.Error as err:
                self._failed(err)
                self._set(key, value)

    def _set(self, key: str, value: Any) -> None:
        if value is None:
            self._db.execute("DELETE FROM session WHERE key=?", (key,))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO session (key, value) VALUES (?, ?)",
                (key, json.dumps(value)),
            )

    def _failed(self, err: sqlite3.Error) -> None:
        """Keep going in memory; say once that questions won't carry over to the next command."""
        if self.path is None or self.mode is OpenMode.MEMORY:
            raise err
        notices.say(
            f"could not save to the session database {self.path} ({err}); {_UNSAVED}",
            key=f"write:{self.path}",
        )
        self._to_memory()

    def _to_memory(self) -> None:
        """Carry what can still be read into an in-memory table and use that from now on."""
        memory = _memory()
        try:
            rows = self._db.execute("SELECT key, value FROM session").fetchall()
        except sqlite3.Error:
            rows = []
        memory.executemany("INSERT OR REPLACE INTO session (key, value) VALUES (?, ?)", rows)
        self._db.close()
        self._db, self.mode = memory, OpenMode.MEMORY

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _memory() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.executescript(_SCHEMA)
    return db
