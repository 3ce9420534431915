"""A small key/value store in SQLite for conversation state that must outlive one process.

``hearth parse "unlock the front door"`` and then ``hearth parse yes`` are two processes; the
pending confirmation and the undo record travel between them here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any


class SessionStore:
    def __init__(self, path: str | Path | None = None) -> None:
        """``None`` keeps everything in memory (a temporary home)."""
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS session (key TEXT PRIMARY KEY, value TEXT)")

    def get(self, key: str) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM session WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:
            return None

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            if value is None:
                self._db.execute("DELETE FROM session WHERE key=?", (key,))
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO session (key, value) VALUES (?, ?)",
                    (key, json.dumps(value)),
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()
