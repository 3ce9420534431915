"""A simulated home whose state lives in SQLite, so it survives restarts and crashes.

Each command set is one transaction in WAL mode: a crash mid-write leaves the previous state,
never half a scene. Changes are published as DeviceChanged events after the commit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.events import DeviceChanged, EventBus
from assistant.home import effects
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.model import Device, Domain, Home
from assistant.storage import OpenMode, notices, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    attributes TEXT NOT NULL
);
"""


def home_fingerprint(home: Home) -> str:
    """Identifies a home layout; state from another layout is not reused."""
    layout = sorted((d.id, d.domain.value) for d in home.devices.values())
    return hashlib.sha256(json.dumps(layout).encode()).hexdigest()


def _state_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


class SimulatedBackend:
    """A home made of SQLite rows; thread-safe."""

    def __init__(self, home: Home, db_path: str | Path, bus: EventBus | None = None) -> None:
        self._layout = home
        self._bus = bus
        self._lock = threading.RLock()
        self.db_path = Path(db_path)
        self._db = _open_state(self.db_path)
        try:
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as err:
            raise BackendError(
                f"{self.db_path}: cannot open the home state database: {err}"
            ) from None
        self._devices = self._load_or_seed(home)

    def _load_or_seed(self, home: Home) -> dict[str, Device]:
        fingerprint = home_fingerprint(home)
        row = self._db.execute("SELECT value FROM meta WHERE key='layout'").fetchone()
        if row is not None and row[0] == fingerprint:
            devices = _stored_devices(self._db, home)
            if devices is not None:
                return devices
            notices.say(
                f"the home state in {self.db_path} was damaged; rebuilt it from the home file "
                "(device states are back to the file's)",
                key=f"home-rebuilt:{self.db_path}",
            )
        with self._transaction() as db:
            db.execute("DELETE FROM devices")
            db.executemany(
                "INSERT INTO devices (id, state, attributes) VALUES (?, ?, ?)",
                [(d.id, d.state, json.dumps(dict(d.attributes))) for d in home.devices.values()],
            )
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('layout', ?)", (fingerprint,)
            )
        return dict(home.devices)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def home(self) -> Home:
        with self._lock:
            return Home(
                self._layout.areas.values(), self._devices.values(), self._layout.floors.values()
            )

    def execute(self, actions: Sequence[Action]) -> list[ActionResult]:
        with self._lock:
            working = dict(self._devices)
            results: list[ActionResult] = []
            for action in actions:
                device = working.get(action.device)
                if device is None:
                    raise CommandError(f"there is no device {action.device!r}")
                after = effects.apply(device, action)
                results.append(ActionResult(action, device, after))
                working[device.id] = after
                if device.domain is Domain.SCENE and action.action is ActionKind.TURN_ON:
                    results.extend(self._scene_results(device, working))
            self._commit(results)
            return results

    def _scene_results(self, scene: Device, working: dict[str, Device]) -> list[ActionResult]:
        results = []
        for member_id, wanted in (scene.attributes.get("entities") or {}).items():
            member = working.get(member_id)
            if member is None:
                continue
            wanted = dict(wanted)
            state = _state_text(wanted.pop("state", member.state))
            after = member.with_state(state, {**member.attributes, **wanted})
            results.append(ActionResult(Action(member_id, ActionKind.TURN_ON), member, after))
            working[member_id] = after
        return results

    def restore(self, results: Sequence[ActionResult]) -> list[ActionResult]:
        with self._lock:
            restored: list[ActionResult] = []
            seen: set[str] = set()
            # The earliest "before" of each device is the state to return to.
            for result in results:
                if result.before.id in seen:
                    continue
                seen.add(result.before.id)
                current = self._devices[result.before.id]
                restored.append(ActionResult(result.action, current, result.before))
            self._commit(restored)
            return restored

    def _commit(self, results: Sequence[ActionResult]) -> None:
        final: dict[str, ActionResult] = {}
        for result in results:
            final[result.after.id] = result
        changed = [
            r
            for r in final.values()
            if (r.after.state, dict(r.after.attributes))
            != (self._devices[r.after.id].state, dict(self._devices[r.after.id].attributes))
        ]
        if not changed:
            return
        previous = {r.after.id: self._devices[r.after.id] for r in changed}
        try:
            with self._transaction() as db:
                db.executemany(
                    "UPDATE devices SET state=?, attributes=? WHERE id=?",
                    [
                        (r.after.state, json.dumps(dict(r.after.attributes)), r.after.id)
                        for r in changed
                    ],
                )
        except sqlite3.DatabaseError as err:
            raise BackendError(f"could not save the home state: {err}") from None
        for result in changed:
            self._devices[result.after.id] = result.after
        if self._bus is not None:
            for result in changed:
                self._bus.publish(
                    DeviceChanged(
                        device_id=result.after.id,
                        state=result.after.state,
                        attributes=dict(result.after.attributes),
                        previous_state=previous[result.after.id].state,
                    )
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _open_state(path: Path) -> sqlite3.Connection:
    """The state database; damage → a fresh one (seeded from the home file by the caller),
    a folder Hearth cannot write → this run's changes are kept in memory. Both said once."""
    opened = open_database(
        path,
        _SCHEMA,
        "home state",
        restarted="rebuilt it from the home file",
        unsaved="device changes are kept for this run only",
    )
    if opened.mode is not OpenMode.READ_ONLY:
        return opened.connection
    memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    opened.connection.backup(memory)
    opened.connection.close()
    return memory


def _stored_devices(db: sqlite3.Connection, home: Home) -> dict[str, Device] | None:
    """The saved states over the home's devices, or None when the rows are not what we wrote."""
    devices = dict(home.devices)
    try:
        rows = db.execute("SELECT id, state, attributes FROM devices").fetchall()
        for device_id, state, attributes in rows:
            if device_id not in devices:
                continue
            values = json.loads(attributes)
            if not isinstance(state, str) or not isinstance(values, dict):
                return None
            devices[device_id] = devices[device_id].with_state(state, values)
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return None
    return devices


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
