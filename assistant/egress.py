"""The egress log: one row for every request that tried to leave this computer.

Hearth's promise is that the user can always see what left. The cloud client writes a row per
HTTP attempt (retries included) with the exact bytes of the request body, so what the log shows
is what went on the wire, not a summary of it. The log lives in SQLite under the data dir, next
to the home state; ``hearth privacy`` and the GUI's privacy view read it and can clear it.

This module must stay free of network code: the privacy view imports it even when cloud help is
off, and that must not pull in the HTTP client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.storage import open_database, remove_damaged_copies

EGRESS_FILE = "egress.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS egress (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    host TEXT NOT NULL,
    text TEXT NOT NULL,
    payload TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    result TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class EgressRecord:
    """One request: when, to which host, the user text in it, the exact body and the outcome.

    ``text`` is the sentence the privacy gate let out; ``payload`` is the whole request body as
    sent (instructions, tool definitions, and device states only when the user shares them);
    ``bytes`` is the body's size on the wire.
    """

    time: float
    host: str
    text: str
    payload: str
    bytes: int
    result: str
    id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def when(self) -> str:
        """Local time in ISO form, to the second (what people read in the table)."""
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.time))


class EgressLog:
    """Thread-safe append/read/clear over the egress table (one connection, one lock)."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        # Owner-only; a damaged file is moved aside (and removed by ``clear``), never a crash.
        # secure_delete: cleared rows are overwritten, not just freed.
        opened = open_database(self.path, _SCHEMA, "egress log", secure_delete=True)
        self._db = opened.connection
        self.mode = opened.mode  # not NORMAL: what is recorded now does not outlive this run

    def record(self, host: str, text: str, payload: bytes, result: str) -> EgressRecord:
        """Append one request; the payload is stored as text exactly as it was sent."""
        body = payload.decode("utf-8", errors="replace")
        now = self._clock()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO egress (time, host, text, payload, bytes, result)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (now, host, text, body, len(payload), result),
            )
        return EgressRecord(now, host, text, body, len(payload), result, int(cursor.lastrowid or 0))

    def records(self, limit: int | None = None) -> list[EgressRecord]:
        """Newest first."""
        query = "SELECT time, host, text, payload, bytes, result, id FROM egress ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            query += " LIMIT ?"
            params = (limit,)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [EgressRecord(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM egress").fetchone()[0])

    def clear(self) -> int:
        """Delete every row and compact the file, so cleared text is not left on disk."""
        with self._lock:
            removed = self._db.execute("DELETE FROM egress").rowcount
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        remove_damaged_copies(self.path)  # what was sent must not survive in a moved-aside copy
        return int(removed)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_log(data_dir: Path) -> EgressLog:
    """The user's egress log in Hearth's data dir."""
    return EgressLog(data_dir / EGRESS_FILE)
