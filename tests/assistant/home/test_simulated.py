"""The simulated backend: SQLite persistence, all-or-nothing commands, change events, undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.events import DeviceChanged, Event, EventBus
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.loader import parse_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.storage import notices

K = ActionKind

SMALL = """
areas: [{id: kitchen, name: Kitchen}]
devices:
  - {id: light.a, name: A, area: kitchen, domain: light, state: "off", attributes: {brightness: 0}}
  - {id: light.b, name: B, area: kitchen, domain: light, state: "on", attributes: {brightness: 50}}
  - {id: lock.door, name: Door, domain: lock, state: locked}
  - id: scene.dark
    name: Dark
    domain: scene
    attributes:
      entities:
        light.a: {state: "off", brightness: 0}
        light.b: {state: "off", brightness: 0}
"""


@pytest.fixture
def small() -> Home:
    return parse_home(SMALL)


def states(backend: SimulatedBackend) -> dict[str, tuple[str, dict]]:
    return {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}


def test_state_survives_reopen(small: Home, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    first = SimulatedBackend(small, db)
    first.execute([Action("light.a", K.SET_BRIGHTNESS, {"brightness": 30})])
    first.close()
    second = SimulatedBackend(small, db)
    light = second.home().device("light.a")
    assert (light.state, light.attributes["brightness"]) == ("on", 30)
    second.close()


def test_another_layout_starts_fresh(small: Home, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    first = SimulatedBackend(small, db)
    first.execute([Action("light.a", K.TURN_ON)])
    first.close()
    other = parse_home(SMALL.replace("lock.door, name: Door", "lock.gate, name: Gate"))
    second = SimulatedBackend(other, db)
    assert second.home().device("light.a").state == "off"
    second.close()


def test_batch_is_all_or_nothing(small: Home, tmp_path: Path) -> None:
    bus = EventBus()
    seen: list[Event] = []
    bus.subscribe(seen.append)
    backend = SimulatedBackend(small, tmp_path / "home.sqlite3", bus)
    before = states(backend)
    with pytest.raises(CommandError):
        backend.execute(
            [
                Action("light.a", K.TURN_ON),
                Action("light.b", K.SET_BRIGHTNESS, {"brightness": 500}),
            ]
        )
    assert states(backend) == before
    with pytest.raises(CommandError, match="no device"):
        backend.execute([Action("light.a", K.TURN_ON), Action("light.nope", K.TURN_ON)])
    assert states(backend) == before
    assert seen == []
    backend.close()
    reopened = SimulatedBackend(small, tmp_path / "home.sqlite3")
    assert states(reopened) == before
    reopened.close()


def test_changes_are_published_after_commit(small: Home, tmp_path: Path) -> None:
    bus = EventBus()
    seen: list[Event] = []
    db = tmp_path / "home.sqlite3"
    backend = SimulatedBackend(small, db, bus)

    def check_committed(event: Event) -> None:
        assert isinstance(event, DeviceChanged)
        row = (
            sqlite3.connect(db)
            .execute("SELECT state FROM devices WHERE id=?", (event.device_id,))
            .fetchone()
        )
        assert row[0] == event.state  # another connection already sees it
        seen.append(event)

    bus.subscribe(check_committed)
    results = backend.execute([Action("light.a", K.TURN_ON), Action("light.b", K.TURN_ON)])
    assert [r.changed for r in results] == [True, False]
    assert seen == [DeviceChanged("light.a", "on", {"brightness": 100}, "off")]
    backend.close()


def test_scene_changes_its_members(small: Home, tmp_path: Path) -> None:
    backend = SimulatedBackend(small, tmp_path / "home.sqlite3")
    backend.execute([Action("light.a", K.TURN_ON)])
    results = backend.execute([Action("scene.dark", K.TURN_ON)])
    assert {r.after.id for r in results} == {"scene.dark", "light.a", "light.b"}
    assert backend.home().device("light.a").state == "off"
    assert backend.home().device("light.b").attributes["brightness"] == 0
    backend.close()


def test_restore_undoes_a_batch(small: Home, tmp_path: Path) -> None:
    backend = SimulatedBackend(small, tmp_path / "home.sqlite3")
    before = states(backend)
    results = backend.execute(
        [
            Action("light.a", K.SET_BRIGHTNESS, {"brightness": 10}),
            Action("light.a", K.SET_BRIGHTNESS, {"brightness": 90}),
            Action("lock.door", K.UNLOCK),
        ]
    )
    assert backend.home().device("light.a").attributes["brightness"] == 90
    backend.restore(results)
    assert states(backend) == before
    backend.close()


def test_snapshots_are_immutable(small: Home, tmp_path: Path) -> None:
    backend = SimulatedBackend(small, tmp_path / "home.sqlite3")
    snapshot = backend.home()
    backend.execute([Action("light.a", K.TURN_ON)])
    assert snapshot.device("light.a").state == "off"
    assert backend.home().device("light.a").state == "on"
    backend.close()


def test_corrupt_database_is_rebuilt_from_the_home_file_and_said_once(
    small: Home, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "home.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    backend = SimulatedBackend(small, db)
    assert states(backend) == {d.id: (d.state, dict(d.attributes)) for d in small.devices.values()}
    backend.execute([Action("light.a", K.TURN_ON)])
    backend.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rebuilt it from the home file" in err
    assert [p.name.split(".damaged-")[0] for p in tmp_path.glob("*.damaged-*")] == ["home.sqlite3"]
    reopened = SimulatedBackend(small, db)  # the new file is healthy: nothing more is said
    assert reopened.home().device("light.a").state == "on"
    reopened.close()
    assert capsys.readouterr().err == ""


def test_reads_see_another_connections_changes(small: Home, tmp_path: Path) -> None:
    """Two processes on one file (two connections here): each sees the other's commits."""
    db = tmp_path / "home.sqlite3"
    window, cli = SimulatedBackend(small, db), SimulatedBackend(small, db)
    assert window.home().device("light.a").state == "off"
    cli.execute([Action("light.a", K.TURN_ON)])
    assert window.home().device("light.a").state == "on"
    window.close()
    cli.close()


def test_a_relative_step_starts_from_the_stored_value(small: Home, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    window, cli = SimulatedBackend(small, db), SimulatedBackend(small, db)
    assert window.home().device("light.b").attributes["brightness"] == 50  # what it last saw
    cli.execute([Action("light.b", K.SET_BRIGHTNESS, {"brightness": 70})])
    [result] = window.execute([Action("light.b", K.SET_BRIGHTNESS, {"brightness_step": 10})])
    assert result.action.params == {"brightness": 80}  # reported as the level written
    assert (result.before.attributes["brightness"], result.after.attributes["brightness"]) == (
        70,
        80,
    )
    assert cli.home().device("light.b").attributes["brightness"] == 80
    window.close()
    cli.close()


def test_a_change_is_written_even_if_this_process_thought_it_was_done(
    small: Home, tmp_path: Path
) -> None:
    """It used to compare with its own stale copy, skip the write and still say "Turned off"."""
    db = tmp_path / "home.sqlite3"
    window, cli = SimulatedBackend(small, db), SimulatedBackend(small, db)
    assert window.home().device("light.a").state == "off"
    cli.execute([Action("light.a", K.TURN_ON)])
    [result] = window.execute([Action("light.a", K.TURN_OFF)])
    assert result.changed and result.before.state == "on"
    assert cli.home().device("light.a").state == "off"
    window.close()
    cli.close()


def test_refresh_announces_outside_changes_once(small: Home, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    bus = EventBus()
    seen: list[Event] = []
    bus.subscribe(seen.append)
    window, cli = SimulatedBackend(small, db, bus), SimulatedBackend(small, db)
    window.execute([Action("light.a", K.TURN_ON)])  # its own change: announced at once
    assert [e.device_id for e in seen] == ["light.a"]  # type: ignore[attr-defined]
    assert window.refresh() == []
    cli.execute([Action("scene.dark", K.TURN_ON)])
    events = window.refresh()
    assert {(e.device_id, e.state) for e in events} == {("light.a", "off"), ("light.b", "off")}
    assert seen[1:] == events
    assert window.refresh() == []
    window.close()
    cli.close()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE devices SET attributes='{not json' WHERE id='light.b'",
        "UPDATE devices SET attributes='[1, 2]' WHERE id='light.b'",
        "UPDATE devices SET attributes=x'00ff' WHERE id='light.b'",
    ],
)
def test_damaged_rows_are_rebuilt_and_said(
    small: Home, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    db = tmp_path / "home.sqlite3"
    SimulatedBackend(small, db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(damage)
    raw.close()
    backend = SimulatedBackend(small, db)
    assert backend.home().device("light.b").attributes == {"brightness": 50}
    backend.close()
    assert "rebuilt it from the home file" in capsys.readouterr().err


class _DiskFillsUp:
    """A connection whose writes fail as on a disk that filled up while Hearth runs."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def executemany(self, sql: str, rows: object) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_a_disk_that_fills_mid_run_keeps_the_home_working_in_memory(
    small: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(notices, "sink", said.append)
    backend = SimulatedBackend(small, tmp_path / "home.sqlite3")
    backend.execute([Action("light.a", K.TURN_ON)])
    backend._db = _DiskFillsUp(backend._db)  # type: ignore[assignment]
    [result] = backend.execute([Action("light.a", K.TURN_OFF)])
    assert result.changed and backend.home().device("light.a").state == "off"
    backend.execute([Action("light.b", K.SET_BRIGHTNESS, {"brightness_step": 10})])
    assert backend.home().device("light.b").attributes["brightness"] == 60
    assert len(said) == 1 and "the disk is full" in said[0] and "this run only" in said[0]
    backend.close()
    reopened = SimulatedBackend(small, tmp_path / "home.sqlite3")
    assert reopened.home().device("light.a").state == "on"  # what was saved before the disk filled
    reopened.close()


def test_other_write_errors_stay_one_line(small: Home, tmp_path: Path) -> None:
    class Broken(_DiskFillsUp):
        def executemany(self, sql: str, rows: object) -> sqlite3.Cursor:
            raise sqlite3.OperationalError("disk I/O error")

    backend = SimulatedBackend(small, tmp_path / "home.sqlite3")
    backend._db = Broken(backend._db)  # type: ignore[assignment]
    with pytest.raises(BackendError, match="could not save the home state: disk I/O error"):
        backend.execute([Action("light.a", K.TURN_ON)])
    backend.close()
