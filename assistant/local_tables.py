"""Small private databases whose every change is one transaction (timers, lists).

Opened through :func:`assistant.storage.open_database` like every other file in the data
folder (0600, damage moved aside); what this adds is the write path a turn relies on.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from assistant.storage import OpenMode, notices, open_database, write_failure

_T = TypeVar("_T")


class LocalTables:
    """A small private database whose every change is one ``BEGIN IMMEDIATE`` transaction.

    For the stores a turn writes to (timers, lists): when a write fails (full disk, folder made
    read-only) what could still be read is carried into memory, the user is told once what that
    means (``unsaved``), and the change is tried once more there, so the turn still succeeds.
    ``path=None`` keeps everything in memory from the start (a temporary home, tests).
    """

    def __init__(self, path: Path | None, schema: str, what: str, unsaved: str) -> None:
        self._lock = threading.RLock()
        self.path, self.schema, self.what, self.unsaved = path, schema, what, unsaved
        if path is None:
            self.connection, self.mode = _memory_database(schema), OpenMode.MEMORY
        else:
            opened = open_database(path, schema, what, unsaved=unsaved)
            self.connection, self.mode = opened.connection, opened.mode
            if self.mode is OpenMode.READ_ONLY:
                self._to_memory()

    def read(self, query: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            return query(self.connection)

    def write(self, change: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``change`` in one transaction; on a failing disk, once more in memory."""
        with self._lock:
            try:
                return self._run(change)
            except sqlite3.Error as err:
                if self.path is None or self.mode is OpenMode.MEMORY:
                    raise
                notices.say(
                    f"could not save to the {self.what} database {self.path} "
                    f"({write_failure(err, self.path)}); "
                    f"{self.unsaved}",
                    key=f"write:{self.path}",
                )
                self._to_memory()
                return self._run(change)

    def _run(self, change: Callable[[sqlite3.Connection], _T]) -> _T:
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            result = change(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return result

    def _to_memory(self) -> None:
        """Copy every table that can still be read into a new in-memory database."""
        memory = _memory_database(self.schema)
        try:
            tables = [
                row[0]
                for row in self.connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                rows = self.connection.execute(f'SELECT * FROM "{table}"').fetchall()
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    memory.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        except sqlite3.Error:
            pass  # nothing readable: start empty, as a damaged file would
        try:
            self.connection.close()
        except sqlite3.Error:
            pass
        self.connection, self.mode = memory, OpenMode.MEMORY

    def close(self) -> None:
        with self._lock:
            self.connection.close()


def _memory_database(schema: str) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.executescript(schema)
    return db
