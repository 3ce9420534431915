"""Kitchen timers and delayed commands that survive a restart and fire once across processes.

A timer is stored by its end time on the wall clock, not as a countdown in memory: closing
Hearth (or running ``hearth parse "set a timer for 5 minutes"`` from a shell while the window
is open) must not lose it. Every change is one SQLite transaction; ``take_due`` removes the
finished timers in the same transaction that reads them, so two processes watching the same
file never ring the same timer twice.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.local_tables import LocalTables, notices

_SCHEMA = """
CREATE TABLE IF NOT EXISTS timers (
    id TEXT PRIMARY KEY,
    name TEXT,
    area TEXT,
    seconds INTEGER NOT NULL,
    started_seconds INTEGER NOT NULL,
    ends_at REAL,
    paused_remaining REAL,
    command TEXT,
    created_at REAL NOT NULL
);
"""
_COLUMNS = (
    "id, name, area, seconds, started_seconds, ends_at, paused_remaining, command, created_at"
)
_UNSAVED = "timers set now last only while Hearth runs"
# A timer longer than this is a misheard number, not a kitchen timer (Home Assistant's lists
# go up to 100 hours).
MAX_TIMER_SECONDS = 100 * 3600


class TimerError(ValueError):
    """A timer request that can't be carried out (no such timer, a length out of range)."""


@dataclass(frozen=True)
class Timer:
    """One timer as stored: running (``ends_at``) or paused (``paused_remaining``)."""

    id: str
    seconds: int
    started_seconds: int
    created_at: float
    ends_at: float | None = None
    paused_remaining: float | None = None
    name: str | None = None
    area: str | None = None
    command: str | None = None

    @property
    def is_active(self) -> bool:
        return self.paused_remaining is None

    def remaining(self, now: float) -> float:
        if self.paused_remaining is not None:
            return self.paused_remaining
        return max(0.0, (self.ends_at or now) - now)

    def finished_message(self) -> str:
        """What is said when it rings: "The pizza timer is done"."""
        if self.command:
            return f"Time's up: {self.command}"
        label = self.label()
        return f"{label[:1].upper()}{label[1:]} is done"

    def label(self) -> str:
        """How a reply names it: "the pizza timer", "the 5 minute timer"."""
        if self.name:
            named = self.name if "timer" in self.name.casefold().split() else f"{self.name} timer"
            return f"the {named}"
        return f"the {spoken_duration(self.started_seconds, joiner='-', singular=True)} timer"


@dataclass(frozen=True)
class TimerQuery:
    """Which timers a sentence means; every field given must match."""

    name: str | None = None
    area: str | None = None
    started_seconds: int | None = None

    def matches(self, timer: Timer) -> bool:
        if self.name is not None and _folded(timer.name) != _folded(self.name):
            return False
        if self.area is not None and _folded(timer.area) != _folded(self.area):
            return False
        return self.started_seconds is None or timer.started_seconds == self.started_seconds


def _folded(text: str | None) -> str:
    words = (text or "").casefold().replace("'s", "").split()
    return " ".join(w for w in words if w not in {"the", "my", "timer"})


def spoken_duration(seconds: float, joiner: str = " ", singular: bool = False) -> str:
    """ "1 hour and 30 minutes", or "5-minute" (``joiner='-'``, ``singular``) for a label."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for amount, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if amount:
            plural = "" if amount == 1 or singular else "s"
            parts.append(f"{amount}{joiner}{unit}{plural}")
    if not parts:
        return f"0{joiner}seconds" if not singular else f"0{joiner}second"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class TimerStore:
    """The timers table; ``None`` keeps timers in memory (a temporary home, tests)."""

    def __init__(self, path: str | Path | None = None, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.path = None if path is None else Path(path)
        self._tables = LocalTables(self.path, _SCHEMA, "timers", _UNSAVED)

    def all(self) -> list[Timer]:
        """Every timer, soonest to end first (paused ones by what they have left)."""
        now = self.clock()
        rows = self._tables.read(lambda db: db.execute(f"SELECT {_COLUMNS} FROM timers").fetchall())
        return sorted((_timer(r) for r in rows), key=lambda t: (t.remaining(now), t.created_at))

    def find(self, query: TimerQuery) -> list[Timer]:
        return [t for t in self.all() if query.matches(t)]

    def start(
        self,
        seconds: int,
        name: str | None = None,
        area: str | None = None,
        command: str | None = None,
    ) -> Timer:
        if not 0 < seconds <= MAX_TIMER_SECONDS:
            raise TimerError("a timer can be from 1 second to 100 hours long")
        now = self.clock()
        timer = Timer(
            id=uuid.uuid4().hex,
            seconds=seconds,
            started_seconds=seconds,
            created_at=now,
            ends_at=now + seconds,
            name=" ".join(name.split()) if name and name.strip() else None,
            area=area or None,
            command=command or None,
        )
        self._tables.write(
            lambda db: db.execute(
                f"INSERT INTO timers ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", _row(timer)
            )
        )
        return timer

    def cancel(self, timers: Sequence[Timer]) -> int:
        def change(db: sqlite3.Connection) -> int:
            return sum(
                db.execute("DELETE FROM timers WHERE id=?", (t.id,)).rowcount for t in timers
            )

        return self._tables.write(change)

    def pause(self, timer: Timer) -> Timer:
        return self._update(timer.id, _paused)

    def resume(self, timer: Timer) -> Timer:
        return self._update(timer.id, _resumed)

    def adjust(self, timer: Timer, delta_seconds: int) -> Timer:
        """Add (or with a negative delta, take off) time; a timer never goes below zero."""

        def change(current: Timer, now: float) -> Timer:
            left = max(0.0, current.remaining(now) + delta_seconds)
            seconds = max(0, current.seconds + delta_seconds)
            if not current.is_active:
                return replace(current, seconds=seconds, paused_remaining=left)
            return replace(current, seconds=seconds, ends_at=now + left)

        return self._update(timer.id, change)

    def take_due(self) -> list[Timer]:
        """Remove and return the running timers whose time is up (each exactly once)."""
        now = self.clock()

        def change(db: sqlite3.Connection) -> list[Sequence[object]]:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM timers WHERE paused_remaining IS NULL AND ends_at <= ?",
                (now,),
            ).fetchall()
            db.executemany("DELETE FROM timers WHERE id=?", [(row[0],) for row in rows])
            return rows

        return sorted((_timer(r) for r in self._tables.write(change)), key=lambda t: t.ends_at or 0)

    def close(self) -> None:
        self._tables.close()

    def _update(self, timer_id: str, change: Callable[[Timer, float], Timer]) -> Timer:
        now = self.clock()

        def write(db: sqlite3.Connection) -> Timer:
            row = db.execute(f"SELECT {_COLUMNS} FROM timers WHERE id=?", (timer_id,)).fetchone()
            if row is None:
                raise TimerError("that timer has already finished or was cancelled")
            changed = change(_timer(row), now)
            db.execute(
                "UPDATE timers SET seconds=?, ends_at=?, paused_remaining=? WHERE id=?",
                (changed.seconds, changed.ends_at, changed.paused_remaining, timer_id),
            )
            return changed

        return self._tables.write(write)


def _paused(current: Timer, now: float) -> Timer:
    if not current.is_active:
        return current
    return replace(current, ends_at=None, paused_remaining=current.remaining(now))


def _resumed(current: Timer, now: float) -> Timer:
    if current.is_active:
        return current
    return replace(current, ends_at=now + current.remaining(now), paused_remaining=None)


def _row(timer: Timer) -> tuple[object, ...]:
    return (
        timer.id,
        timer.name,
        timer.area,
        timer.seconds,
        timer.started_seconds,
        timer.ends_at,
        timer.paused_remaining,
        timer.command,
        timer.created_at,
    )


def _timer(row: Sequence[Any]) -> Timer:
    ident, name, area, seconds, started, ends_at, paused, command, created = row
    return Timer(
        id=str(ident),
        name=name if isinstance(name, str) else None,
        area=area if isinstance(area, str) else None,
        seconds=int(seconds),
        started_seconds=int(started),
        ends_at=float(ends_at) if ends_at is not None else None,
        paused_remaining=float(paused) if paused is not None else None,
        command=command if isinstance(command, str) else None,
        created_at=float(created),
    )


class TimerWatcher:
    """A daemon thread that rings finished timers: ``on_finished`` is called once per timer.

    It polls rather than sleeping until the next end, because another process (a shell
    command, the window) may add or change timers in the same file at any time.
    """

    def __init__(
        self,
        store: TimerStore,
        on_finished: Callable[[Timer], None],
        interval_s: float = 0.25,
    ) -> None:
        self.store = store
        self.on_finished = on_finished
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hearth-timers", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def poll(self) -> list[Timer]:
        """Ring whatever is due now (the thread calls this; tests call it directly)."""
        try:
            due = self.store.take_due()
        except (sqlite3.Error, TimerError) as err:
            notices.say(f"could not read the timers ({err})", key="timers:read")
            return []
        for timer in due:
            try:
                self.on_finished(timer)
            except Exception as err:  # noqa: BLE001 - one bad listener must not stop the rest
                notices.say(f"a finished timer could not be announced ({err})", key="timers:ring")
        return due

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.poll()
