"""State that survives damage: corrupt, unreadable, read-only and full-disk data folders.

Every case asserts what the user sees (one line, once) and that Hearth keeps working: typed
commands run, a sensitive action still asks, ``hearth history`` and ``hearth privacy`` answer.
The read-only folder and the full disk are real (a tmpfs where we are root, chmod otherwise).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant import config as cfg
from assistant.config import HistoryConfig
from assistant.egress import EgressLog, open_log
from assistant.events import TurnCompleted
from assistant.history import History, open_history
from assistant.session import SessionStore
from assistant.storage import OpenMode, notices, open_database
from tests.filesystems import fill, read_only_folder, small_filesystem


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    notices.reset()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def turn(text: str) -> TurnCompleted:
    return TurnCompleted(result={"text": text, "intent": None, "actions": [], "response": "ok"})


CORRUPTIONS = {
    "garbage": lambda raw: b"this is not a database at all " * 200,
    "truncated": lambda raw: raw[:1500],
    "zeroed-header": lambda raw: b"\0" * 100 + raw[100:],
    "zeroed-pages": lambda raw: raw[:4096] + b"\0" * (len(raw) - 4096),
    "empty": lambda raw: b"",
}


def _history_with_rows(data: Path, count: int = 3) -> Path:
    history = open_history(data)
    for index in range(count):
        history.on_event(turn(f"turn {index}"))
    history.close()
    return data / "history.sqlite3"


@pytest.mark.parametrize("damage", sorted(CORRUPTIONS))
def test_corrupt_history_is_moved_aside_and_recreated(
    damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = cfg.data_dir()
    path = _history_with_rows(data, 40)
    path.write_bytes(CORRUPTIONS[damage](path.read_bytes()))
    for _ in range(2):
        code, out, err = run(capsys, "history")
        assert code == 0 and out == "The history is empty.\n"
        if _ == 0 and damage != "empty":
            assert err.count("\n") == 1 and "moved it aside" in err, err
        else:
            assert err == ""  # said once: the new file is healthy
    moved = list(data.glob("history.sqlite3.damaged-*"))
    assert len(moved) == (0 if damage == "empty" else 1)
    history = open_history(data)
    history.on_event(turn("after"))
    assert [e.text for e in history.latest()] == ["after"]
    history.close()


@pytest.mark.parametrize("damage", ["garbage", "zeroed-pages"])
def test_corrupt_session_still_asks_before_unlocking(
    damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "parse", "turn on the kitchen lights")
    session = cfg.data_dir() / "session.sqlite3"
    store = SessionStore(session)
    store.set("filler", {"x": "y" * 20000})
    store.close()
    session.write_bytes(CORRUPTIONS[damage](session.read_bytes()))
    code, out, err = run(capsys, "parse", "unlock the front door", "--json")
    assert code == 0 and json.loads(out)["confirmation_required"] is True
    assert err.count("\n") == 1 and "session database" in err
    code, out, err = run(capsys, "parse", "yes", "--json")
    assert code == 0 and err == ""
    assert [a["action"] for a in json.loads(out)["actions"]] == ["unlock"]


def test_corrupt_egress_log_is_moved_aside_and_clear_removes_the_copy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = cfg.data_dir()
    log = open_log(data)
    log.record("api.example", "secret sentence", b'{"text": "secret sentence"}', "ok")
    log.close()
    (data / "egress.sqlite3").write_bytes(b"garbage" * 500)
    code, out, err = run(capsys, "privacy")
    assert code == 0 and "Nothing has been sent." in out
    assert err.count("\n") == 1 and "moved it aside" in err
    assert list(data.glob("egress.sqlite3.damaged-*"))
    code, out, err = run(capsys, "privacy", "--clear")
    assert code == 0 and err == ""
    assert not list(data.glob("egress.sqlite3.damaged-*"))


def test_a_busy_database_is_never_taken_for_a_damaged_one(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    History(path).close()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        opened = open_database(
            path, "CREATE TABLE IF NOT EXISTS t (x);", "test", busy_timeout_s=0.05
        )
        opened.connection.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(tmp_path.glob("*.damaged-*"))


def test_read_only_data_folder(capsys: pytest.CaptureFixture[str]) -> None:
    data = cfg.data_dir()
    code, _, _ = run(capsys, "parse", "turn on the kitchen lights")
    _history_with_rows(data, 2)
    open_log(data).close()
    with read_only_folder(data):
        code, out, err = run(capsys, "history")
        assert code == 0 and "turn 0" in out and "turn 1" in out
        assert err.count("\n") <= 1 and err.startswith("hearth: ") and "read-only" in err
        code, out, err = run(capsys, "privacy")
        assert code == 0 and "Nothing has been sent." in out
        code, out, err = run(capsys, "parse", "turn off the kitchen lights", "--json")
        assert code == 0 and json.loads(out)["actions"], err
        code, out, err = run(capsys, "parse", "unlock the front door", "--json")
        assert code == 0 and json.loads(out)["confirmation_required"] is True
        assert "Traceback" not in err and all(
            line.startswith("hearth: ") for line in err.splitlines()
        )
        code, _, err = run(capsys, "history", "--clear")
        assert code == 2 and err.count("\n") == 1 and "read-only" in err
        code, _, err = run(capsys, "privacy", "--clear")
        assert code == 2 and "cannot clear the egress log" in err and "Traceback" not in err


def test_parse_with_wal_and_shm_files_in_a_read_only_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = cfg.data_dir()
    run(capsys, "parse", "turn on the kitchen lights")
    # Leave -wal/-shm behind as a killed process would: a second connection keeps them open.
    keep = [sqlite3.connect(data / name) for name in ("home.sqlite3", "session.sqlite3")]
    for db in keep:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS keep_wal (x)")
        db.execute("INSERT INTO keep_wal VALUES (1)")
        db.commit()
    assert list(data.glob("*-wal")) and list(data.glob("*-shm"))
    with read_only_folder(data):
        code, out, err = run(capsys, "parse", "turn off the kitchen lights", "--json")
        assert code == 0 and json.loads(out)["actions"]
        assert "Traceback" not in err
    for db in keep:
        db.close()


def test_full_disk_history_write_failure_is_said_once(tmp_path: Path) -> None:
    said: list[str] = []
    notices.sink = said.append
    try:
        with small_filesystem(tmp_path / "small", 256) as folder:
            history = History(folder / "history.sqlite3", HistoryConfig(store_audio=True))
            history.on_event(turn("before"))
            fill(folder)
            for index in range(5):
                history.on_event(turn(f"lost {index}"))
            assert history.add_audio("u1", np.zeros(16000, dtype=np.int16)) is None
            assert [e.text for e in history.latest(1)] in (["before"], [f"lost {4}"])
            history.close()
    finally:
        notices.sink = type(notices)().sink
    assert len(said) == 1 and "the disk is full" in said[0]


def test_full_disk_commands_still_work_and_unlock_still_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_filesystem(tmp_path / "small", 512) as folder:
        monkeypatch.setenv(cfg.DATA_ENV, str(folder / "data"))
        run(capsys, "parse", "turn on the kitchen lights")
        fill(folder)
        code, out, err = run(capsys, "parse", "unlock the front door", "--json")
        assert code == 0 and json.loads(out)["confirmation_required"] is True
        assert "Traceback" not in err
        code, out, err = run(capsys, "parse", "turn off the kitchen lights", "--json")
        assert code == 0 and json.loads(out)["actions"]
        code, out, err = run(capsys, "history")
        assert code == 0 and "Traceback" not in err


def test_data_folder_and_files_are_private(capsys: pytest.CaptureFixture[str]) -> None:
    data = cfg.data_dir()
    data.chmod(0o755)
    History(data / "history.sqlite3").close()
    (data / "history.sqlite3").chmod(0o644)  # as an older Hearth left it
    run(capsys, "parse", "unlock the front door")
    history = History(data / "history.sqlite3", HistoryConfig(store_audio=True))
    history.on_event(turn("hello"))
    audio = history.add_audio("u1", np.zeros(1600, dtype=np.int16))
    log = EgressLog(data / "egress.sqlite3")
    log.record("h", "t", b"{}", "ok")
    assert stat.S_IMODE(cfg.data_dir().stat().st_mode) == 0o700
    assert audio is not None and stat.S_IMODE(audio.parent.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {
        "home.sqlite3",
        "session.sqlite3",
        "history.sqlite3",
        "egress.sqlite3",
        audio.name,
    }
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    history.close()
    log.close()


def test_memory_mode_when_nothing_can_be_opened(tmp_path: Path) -> None:
    said: list[str] = []
    notices.sink = said.append
    try:
        opened = open_database(
            tmp_path / "missing-parent" / "x" / "db.sqlite3",
            "CREATE TABLE IF NOT EXISTS t (x);",
            "test",
        )
    finally:
        notices.sink = type(notices)().sink
    assert opened.mode is OpenMode.NORMAL  # a missing parent is simply created
    opened.connection.close()
    assert said == []


class _FailingWrites:
    """Stands in for a connection on a disk that fills up mid-run (works without root)."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return self.real.execute(sql, params)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_history_writes_failing_mid_run_are_said_once(tmp_path: Path) -> None:
    said: list[str] = []
    notices.sink = said.append
    try:
        history = History(tmp_path / "history.sqlite3")
        history.on_event(turn("kept"))
        history._db = _FailingWrites(history._db)  # type: ignore[assignment]
        for index in range(4):
            history.on_event(turn(f"lost {index}"))
        assert [e.text for e in history.latest()] == ["kept"]
        history.close()
    finally:
        notices.sink = type(notices)().sink
    assert len(said) == 1 and "the disk is full" in said[0]


def test_session_writes_failing_mid_run_carry_on_in_memory(tmp_path: Path) -> None:
    said: list[str] = []
    notices.sink = said.append
    try:
        store = SessionStore(tmp_path / "session.sqlite3")
        store.set("undo", {"kept": True})
        store._db = _FailingWrites(store._db)  # type: ignore[assignment]
        store.set("pending", {"kind": "confirm"})  # a question must still find its answer
        assert store.get("pending") == {"kind": "confirm"}
        assert store.get("undo") == {"kept": True}
        store.set("pending", None)
        assert store.get("pending") is None
        store.close()
    finally:
        notices.sink = type(notices)().sink
    assert len(said) == 1 and "only within this run" in said[0]


def test_corrupt_egress_log_with_cloud_on_no_longer_fails_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: with cloud help on, a damaged egress log was a traceback on every command."""
    cfg.config_path().parent.mkdir(parents=True, exist_ok=True)
    cfg.config_path().write_text(
        '[cloud]\nenabled = true\nbase_url = "http://127.0.0.1:9/v1"\n', encoding="utf-8"
    )
    (cfg.data_dir() / "egress.sqlite3").write_bytes(b"garbage" * 100)
    code, out, err = run(capsys, "parse", "turn on the kitchen lights", "--json")
    assert code == 0 and json.loads(out)["actions"]
    assert err.count("\n") == 1 and "cloud log database" in err and "moved it aside" in err


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a chmod-000 file anyway"
)
def test_unreadable_history_is_moved_aside(capsys: pytest.CaptureFixture[str]) -> None:
    data = cfg.data_dir()
    path = _history_with_rows(data, 2)
    path.chmod(0)
    code, out, err = run(capsys, "history")
    assert code == 0 and out == "The history is empty.\n"
    assert err.count("\n") == 1 and "moved it aside" in err
