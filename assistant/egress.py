"""The egress log: one row for every request that tried to leave this computer.

Hearth's promise is that the user can always see what left. The cloud client writes a row per
HTTP attempt (retries included) with the exact bytes of the request body, so what the log shows
is what went on the wire, not a summary of it. The row is written *before* the request leaves
(``begin``, result "in flight / no answer") and completed when it ends (``finish``), so a Hearth
killed mid-request still shows what it sent. The log lives in SQLite under the data dir, next
to the home state; ``hearth privacy`` and the GUI's privacy view read it and can clear it. A
damaged log file is moved aside and replaced (``storage``), and clearing removes those copies.

This module must stay free of network code: the privacy view imports it even when cloud help is
off, and that must not pull in the HTTP client.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from assistant.storage import (
    DAMAGED_SUFFIX,
    Database,
    is_corruption,
    open_database,
    remove_damaged_copies,
    replace_damaged,
)

EGRESS_FILE = "egress.sqlite3"

#: The result of a request that has left and not (yet) been answered: if Hearth was stopped
#: while waiting, this is what stays in the log.
IN_FLIGHT = "in flight / no answer"

_WHAT = "cloud log"  # "the cloud log database … was damaged …"

T = TypeVar("T")

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
    def in_flight(self) -> bool:
        """Sent, and no answer was recorded (still waiting, or Hearth stopped meanwhile)."""
        return self.result == IN_FLIGHT

    @property
    def when(self) -> str:
        """Local time in ISO form, to the second (what people read in the table)."""
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.time))


class EgressLog:
    """Thread-safe append/read/clear over the egress table (one connection, one lock).

    A file found damaged, when opened or by any statement later, is moved aside with a one-line
    notice (``storage.notices``) and replaced by a new one, and the statement runs again there: a damaged log
    never fails a command, and what is being recorded is not lost.
    """

    def __init__(
        self,
        path: str | Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        # Owner-only; a damaged file is moved aside (and removed by ``clear``), never a crash.
        # secure_delete: cleared rows are overwritten, not just freed.
        self._open(open_database)

    def _open(self, how: Callable[..., Database]) -> None:
        opened = how(self.path, _SCHEMA, _WHAT, secure_delete=True)
        self._db = opened.connection
        self.mode = opened.mode  # not NORMAL: what is recorded now does not outlive this run

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.DatabaseError as err:
                if not is_corruption(err):
                    raise
                self._db.close()
                self._open(replace_damaged)
                return work(self._db)

    def record(self, host: str, text: str, payload: bytes, result: str) -> EgressRecord:
        """Append one request; the payload is stored as text exactly as it was sent."""
        body = payload.decode("utf-8", errors="replace")
        now = self._clock()
        row = self._run(
            lambda db: (
                db.execute(
                    "INSERT INTO egress (time, host, text, payload, bytes, result)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (now, host, text, body, len(payload), result),
                ).lastrowid
            )
        )
        return EgressRecord(now, host, text, body, len(payload), result, int(row or 0))

    def begin(self, host: str, text: str, payload: bytes) -> EgressRecord:
        """Record a request about to leave, as in flight; ``finish`` it when it ends."""
        return self.record(host, text, payload, IN_FLIGHT)

    def finish(self, record: EgressRecord, result: str) -> EgressRecord:
        """Complete a ``begin`` row with the outcome.

        If the row is gone (the file was found damaged and replaced in between), the request is
        recorded again whole, so the log never loses it.
        """
        updated = self._run(
            lambda db: (
                db.execute(
                    "UPDATE egress SET result = ? WHERE id = ? AND time = ? AND result = ?",
                    (result, record.id, record.time, IN_FLIGHT),
                ).rowcount
            )
        )
        if updated:
            return EgressRecord(**{**record.to_dict(), "result": result})
        return self.record(record.host, record.text, record.payload.encode("utf-8"), result)

    def records(self, limit: int | None = None) -> list[EgressRecord]:
        """Newest first."""
        query = "SELECT time, host, text, payload, bytes, result, id FROM egress ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            query += " LIMIT ?"
            params = (limit,)
        rows = self._run(lambda db: db.execute(query, params).fetchall())
        return [EgressRecord(*row) for row in rows]

    def count(self) -> int:
        return int(self._run(lambda db: db.execute("SELECT COUNT(*) FROM egress").fetchone()[0]))

    def damaged_copies(self) -> list[Path]:
        """Damaged log files moved aside earlier (they may still hold sentences that were sent)."""
        return sorted(
            p
            for p in self.path.parent.glob(f"{self.path.name}{DAMAGED_SUFFIX}*")
            if not p.name.endswith(("-wal", "-shm"))
        )

    def clear(self) -> int:
        """Delete every row and compact the file, so cleared text is not left on disk.

        Damaged copies moved aside earlier are deleted too: the user asked to forget what was
        sent, wherever it is still written.
        """

        def wipe(db: sqlite3.Connection) -> int:
            removed = db.execute("DELETE FROM egress").rowcount
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return int(removed)

        removed = self._run(wipe)
        remove_damaged_copies(self.path)
        return removed

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_log(data_dir: Path) -> EgressLog:
    """The user's egress log in Hearth's data dir."""
    return EgressLog(data_dir / EGRESS_FILE)
