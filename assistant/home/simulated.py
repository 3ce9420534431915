"""A simulated home whose state lives in SQLite, shared by every Hearth process on the machine.

The window, ``hearth parse``, ``hearth ptt`` and the voice pipeline are separate processes on one
home, so the database is the only truth: nothing is decided from a copy kept in memory.

- Every command set is one read-modify-write transaction (``BEGIN IMMEDIATE``): the devices are
  read inside it, the effects (relative steps such as "+1 %" included) are computed from what
  was read, and the result is written before the write lock is let go. Another process's change
  is never overwritten or lost, and a reply always describes what really happened.
- WAL mode: a crash (kill -9) mid-write leaves the previous state, never half a scene.
- Reads see other processes' commits: a snapshot is re-read whenever SQLite's ``data_version``
  says another connection committed. ``refresh`` publishes DeviceChanged for those outside
  changes, so a long-lived front end (the window) can show them.
- With ``allow_sensitive=False`` a change that opens a lock, a door-like cover or an alarm (see
  ``sensitivity``) is refused inside the transaction, judged on the state actually written.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.events import DeviceChanged, EventBus
from assistant.home import effects, sensitivity
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.model import Device, Domain, Home
from assistant.storage import OpenMode, is_disk_full, notices, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    attributes TEXT NOT NULL
);
"""
#: How long a writer waits for another process's transaction before giving up (seconds).
BUSY_TIMEOUT_S = 30.0

Plan = Callable[[dict[str, Device]], list[ActionResult]]


def home_fingerprint(home: Home) -> str:
    """Identifies a home layout; state from another layout is not reused."""
    layout = sorted((d.id, str(d.domain)) for d in home.devices.values())
    return hashlib.sha256(json.dumps(layout).encode()).hexdigest()


def _differs(before: Device, after: Device) -> bool:
    return (before.state, dict(before.attributes)) != (after.state, dict(after.attributes))


class SimulatedBackend:
    """A home made of SQLite rows; thread-safe, and safe with other processes on the same file."""

    def __init__(self, home: Home, db_path: str | Path, bus: EventBus | None = None) -> None:
        self._layout = home
        self._bus = bus
        self._lock = threading.RLock()
        self.db_path = Path(db_path)
        self._cache: dict[str, Device] | None = None
        self._cache_version: int | None = None
        self._in_memory = False  # True once a full disk made this run keep state in memory
        self._db = _open_state(self.db_path)
        try:
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._seed(home)
            # What this process has shown so far; ``refresh`` announces anything else.
            self._announced: dict[str, Device] = self._devices()
        except sqlite3.DatabaseError as err:
            self._db.close()
            raise BackendError(
                f"{self.db_path}: cannot open the home state database: {err}"
            ) from None

    def _seed(self, home: Home) -> None:
        """Write the home file's states, unless the database already holds this layout.

        Checked and written under the write lock, so two processes starting at once agree.
        """
        fingerprint = home_fingerprint(home)
        if self._seeded(fingerprint, home):
            if _rows_readable(self._db, home):
                return  # nothing to write (a read-only data folder can still be read)
            notices.say(
                f"the home state in {self.db_path} was damaged; rebuilt it from the home file "
                "(device states are back to the file's)",
                key=f"home-rebuilt:{self.db_path}",
            )
            with self._transaction() as db:
                _write_layout(db, home, fingerprint)
            return
        with self._transaction() as db:
            if self._seeded(fingerprint, home):
                return  # another process seeded it first
            row = db.execute("SELECT value FROM meta WHERE key='layout'").fetchone()
            if row is not None and row[0] == fingerprint:
                db.executemany(  # the layout is known but rows are missing: only add those
                    "INSERT OR IGNORE INTO devices (id, state, attributes) VALUES (?, ?, ?)",
                    [_row(d) for d in home.devices.values()],
                )
                return
            _write_layout(db, home, fingerprint)

    def _seeded(self, fingerprint: str, home: Home) -> bool:
        row = self._db.execute("SELECT value FROM meta WHERE key='layout'").fetchone()
        if row is None or row[0] != fingerprint:
            return False
        stored = {r[0] for r in self._db.execute("SELECT id FROM devices")}
        return stored >= set(home.devices)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- reading ------------------------------------------------------------------------------

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _read(self) -> dict[str, Device]:
        """Every device as stored now (the home file's state for a row that cannot be read)."""
        devices = dict(self._layout.devices)
        for device_id, state, attributes in self._db.execute(
            "SELECT id, state, attributes FROM devices"
        ):
            layout = devices.get(device_id)
            if layout is None:
                continue
            try:
                stored = json.loads(attributes)
            except (TypeError, ValueError):
                continue
            if isinstance(stored, dict) and isinstance(state, str):
                devices[device_id] = layout.with_state(state, stored)
        return devices

    def _devices(self) -> dict[str, Device]:
        """The current state, re-read only when another connection has committed since."""
        version = self._version()
        if self._cache is None or version != self._cache_version:
            # Read after the version: a commit in between is only read twice, never missed.
            self._cache = self._read()
            self._cache_version = version
        return self._cache

    def home(self) -> Home:
        with self._lock:
            try:
                devices = self._devices()
            except sqlite3.DatabaseError as err:
                raise BackendError(f"could not read the home state: {err}") from None
            layout = self._layout
            return Home(
                layout.areas.values(),
                devices.values(),
                layout.floors.values(),
                layout.warnings,
                layout.media,
            )

    def refresh(self) -> list[DeviceChanged]:
        """Publish (and return) DeviceChanged for changes other processes made since last time."""
        with self._lock:
            try:
                current = self._devices()
            except sqlite3.DatabaseError as err:
                raise BackendError(f"could not read the home state: {err}") from None
            events = [
                _changed(self._announced[d.id], d)
                for d in current.values()
                if d.id in self._announced and _differs(self._announced[d.id], d)
            ]
            self._announced = dict(current)
        self._publish(events)
        return events

    # -- writing ------------------------------------------------------------------------------

    def execute(
        self, actions: Sequence[Action], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        """Run the commands as one transaction on the state as stored at that moment."""

        def plan(working: dict[str, Device]) -> list[ActionResult]:
            results: list[ActionResult] = []
            for action in actions:
                device = working.get(action.device)
                if device is None:
                    raise CommandError(f"there is no device {action.device!r}")
                done = effects.resolve(device, action)
                after = effects.apply(device, done)
                results.append(ActionResult(done, device, after))
                working[device.id] = after
                if device.domain is Domain.SCENE and action.action is ActionKind.TURN_ON:
                    for member in effects.scene_members(device, working):
                        member_action = Action(member.id, ActionKind.TURN_ON)
                        results.append(
                            ActionResult(member_action, working[member.id], member, via=device.id)
                        )
                        working[member.id] = member
            return results

        return self._write(plan, allow_sensitive)

    def restore(
        self, results: Sequence[ActionResult], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        """Put devices back as they were before ``results`` (undo), from their current state."""

        def plan(working: dict[str, Device]) -> list[ActionResult]:
            restored: list[ActionResult] = []
            seen: set[str] = set()
            # The earliest "before" of each device is the state to return to.
            for result in results:
                target = result.before
                if target.id in seen or target.id not in working:
                    continue
                seen.add(target.id)
                current = working[target.id]
                after = current.with_state(target.state, dict(target.attributes))
                restored.append(ActionResult(result.action, current, after))
                working[target.id] = after
            return restored

        return self._write(plan, allow_sensitive)

    def _write(self, plan: Plan, allow_sensitive: bool) -> list[ActionResult]:
        with self._lock:
            try:
                return self._write_once(plan, allow_sensitive)
            except sqlite3.DatabaseError as err:
                if not is_disk_full(err) or self._in_memory:
                    raise BackendError(f"could not save the home state: {err}") from None
                self._keep_in_memory()
                return self._write_once(plan, allow_sensitive)

    def _keep_in_memory(self) -> None:
        """The disk filled up while Hearth runs: go on with a copy of the state in memory (said
        once), so commands keep working and sensitive ones still ask; nothing more is saved."""
        memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._db.backup(memory)
        self._db.close()
        self._db = memory
        self._in_memory = True
        self._cache = None
        notices.say(
            f"cannot save the home state in {self.db_path} (the disk is full); device changes "
            "are kept for this run only",
            key=f"home-full:{self.db_path}",
        )

    def _write_once(self, plan: Plan, allow_sensitive: bool) -> list[ActionResult]:
        """One read-modify-write transaction; a database error is left to ``_write``."""
        with self._lock:
            with self._transaction() as db:
                version = self._version()
                current = self._read()
                results = plan(dict(current))
                final: dict[str, Device] = {}
                for result in results:
                    final[result.after.id] = result.after
                changed = [
                    ActionResult(Action(i, ActionKind.GET_STATE), current[i], after)
                    for i, after in final.items()
                    if _differs(current[i], after)
                ]
                if not allow_sensitive and (risky := sensitivity.opened(changed)):
                    raise sensitivity.NeedsConfirmation(risky)
                db.executemany(
                    "UPDATE devices SET state=?, attributes=? WHERE id=?",
                    [(*_row(r.after)[1:], r.after.id) for r in changed],
                )
            # No other writer could commit while we held the lock: this is the state now.
            self._cache = {**current, **{r.after.id: r.after for r in changed}}
            self._cache_version = version
            for result in changed:
                self._announced[result.after.id] = result.after
        self._publish([_changed(r.before, r.after) for r in changed])
        return results

    def _publish(self, events: Sequence[DeviceChanged]) -> None:
        if self._bus is not None:
            for event in events:
                self._bus.publish(event)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _row(device: Device) -> tuple[str, str, str]:
    return (device.id, device.state, json.dumps(dict(device.attributes)))


def _write_layout(db: sqlite3.Connection, home: Home, fingerprint: str) -> None:
    """Every device as the home file has it, and the layout they belong to (inside a write)."""
    db.execute("DELETE FROM devices")
    db.executemany(
        "INSERT INTO devices (id, state, attributes) VALUES (?, ?, ?)",
        [_row(d) for d in home.devices.values()],
    )
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('layout', ?)", (fingerprint,))


def _changed(before: Device, after: Device) -> DeviceChanged:
    return DeviceChanged(
        device_id=after.id,
        state=after.state,
        attributes=dict(after.attributes),
        previous_state=before.state,
    )


def _open_state(path: Path) -> sqlite3.Connection:
    """The state database; damage → a fresh one (seeded from the home file by the caller),
    a folder Hearth cannot write → this run's changes are kept in memory. Both said once."""
    opened = open_database(
        path,
        _SCHEMA,
        "home state",
        restarted="rebuilt it from the home file",
        unsaved="device changes are kept for this run only",
        busy_timeout_s=BUSY_TIMEOUT_S,
    )
    if opened.mode is not OpenMode.READ_ONLY:
        return opened.connection
    memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    opened.connection.backup(memory)
    opened.connection.close()
    return memory


def _rows_readable(db: sqlite3.Connection, home: Home) -> bool:
    """Whether the saved rows of the home's devices are what Hearth writes (state text and a
    JSON object of attributes); rows damaged by hand or by a crash of something else are not."""
    try:
        rows = db.execute("SELECT id, state, attributes FROM devices").fetchall()
        for device_id, state, attributes in rows:
            if device_id in home.devices and (
                not isinstance(state, str) or not isinstance(json.loads(attributes), dict)
            ):
                return False
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return False
    return True


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
