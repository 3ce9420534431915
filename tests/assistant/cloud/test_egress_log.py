"""The egress log holds every request from before it leaves, and survives damage.

* A request is in the log while it is on its way ("in flight / no answer"), and completed with
  its outcome when it ends; a Hearth killed mid-request (a real subprocess, kill -9) still shows
  what it sent.
* A damaged log never fails a command with cloud help on: it is moved aside with one line on
  stderr and a new one started; ``hearth privacy`` shows it and ``--clear`` deletes it all.
* If the log cannot be written, nothing is sent.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import storage
from assistant.cli import main
from assistant.config import CONFIG_ENV, data_dir
from assistant.egress import EGRESS_FILE, IN_FLIGHT, EgressLog
from tests.assistant.cloud.fake_openai import FakeOpenAI, Mode, Script

ROOT = Path(__file__).resolve().parents[3]
UNKNOWN = "please make it cosy in here"
SECRET = "my neighbour's wifi password is hunter2"


def _wait_for(condition: Callable[[], bool], limit_s: float) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _cloud_on(server: FakeOpenAI, timeout_s: float = 60.0) -> None:
    """Turn cloud help on in this test's config file, pointed at the fake server."""
    path = Path(os.environ[CONFIG_ENV])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[cloud]\nenabled = true\nbase_url = "{server.url}"\ntimeout_s = {timeout_s}\n'
        "max_retries = 0\n",
        encoding="utf-8",
    )


def test_the_row_is_written_before_the_request_leaves_and_completed_after(
    server, cloud_conversation, egress_log
):
    server.push(Script(Mode.SLOW, text="Here you are", delay_s=1.0))
    conversation = cloud_conversation(timeout_s=10.0)
    seen: list[list] = []
    reader = EgressLog(egress_log.path)  # another connection, as `hearth privacy` would open

    def watch() -> None:
        if _wait_for(lambda: bool(server.requests), 10):
            seen.append(reader.records())

    watcher = threading.Thread(target=watch)
    watcher.start()
    result = conversation.handle(UNKNOWN)
    watcher.join()
    reader.close()

    assert result.response == "Here you are"
    [[during]] = seen
    assert during.result == IN_FLIGHT and during.in_flight
    assert during.text == UNKNOWN and during.payload.encode() == server.requests[0].raw
    [after] = egress_log.records()
    assert (after.id, after.result, after.payload) == (during.id, "ok: answer", during.payload)


def test_hearth_killed_mid_request_still_shows_what_it_sent(server: FakeOpenAI, capsys):
    server.push(Script(Mode.SILENT))
    _cloud_on(server)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "parse", UNKNOWN],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        arrived = _wait_for(lambda: bool(server.requests) or process.poll() is not None, 120)
        assert arrived and process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
    finally:
        process.kill()
        process.wait(30)
        process.stderr.close()  # type: ignore[union-attr]

    assert main(["privacy", "--json"]) == 0
    [request] = json.loads(capsys.readouterr().out)["requests"]
    assert request["result"] == IN_FLIGHT
    assert request["text"] == UNKNOWN
    assert request["payload"].encode() == server.requests[0].raw
    assert main(["privacy"]) == 0
    table = capsys.readouterr().out
    assert "1 request" in table and IN_FLIGHT in table and UNKNOWN in table


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _header_smashed(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\xff" * 100
    path.write_bytes(bytes(data))


def _pages_smashed(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(page, len(data), page):  # every page after the first: b-trees broken
        data[start : start + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 7])


CORRUPTIONS = {
    "garbage": _garbage,
    "header": _header_smashed,
    "pages": _pages_smashed,
    "truncated": _truncated,
}


def _damaged_log() -> Path:
    """A log holding SECRET, written and checkpointed, then left for a corruption to damage."""
    path = data_dir() / EGRESS_FILE
    log = EgressLog(path)
    for number in range(40):  # several pages, so that damage inside the file is possible
        log.record("127.0.0.1", f"{SECRET} {number}", b"x" * 300, "ok: answer")
    log.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS))
def test_a_damaged_cloud_log_fails_no_command_and_is_said_once(corrupt, server: FakeOpenAI, capsys):
    path = _damaged_log()
    CORRUPTIONS[corrupt](path)
    _cloud_on(server, timeout_s=5.0)

    assert main(["parse", UNKNOWN]) == 0
    first = capsys.readouterr()
    assert "» Hello" in first.out
    [notice] = first.err.strip().splitlines()
    assert notice.startswith("hearth: the cloud log") and "moved it aside" in notice
    assert main(["parse", "who wrote hamlet"]) == 0
    second = capsys.readouterr()
    assert "» Hello" in second.out and second.err == ""

    log = EgressLog(path)
    assert [r.text for r in log.records()] == ["who wrote hamlet", UNKNOWN]
    assert len(log.damaged_copies()) == 1
    log.close()


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS))
def test_privacy_shows_and_clears_a_damaged_log(corrupt, capsys):
    path = _damaged_log()
    CORRUPTIONS[corrupt](path)

    assert main(["privacy"]) == 0
    shown = capsys.readouterr()
    assert "Nothing has been sent." in shown.out and "moved it aside" in shown.err

    assert main(["privacy", "--clear"]) == 0
    cleared = capsys.readouterr().out
    assert "Cleared the egress log" in cleared and "deleted 1 damaged copy" in cleared
    leftovers = [p for p in path.parent.iterdir() if p.name.startswith(EGRESS_FILE)]
    assert not any(SECRET.encode() in p.read_bytes() for p in leftovers)
    assert all(".damaged-" not in p.name for p in leftovers)


def test_clear_works_on_a_log_damaged_while_open(tmp_path: Path, monkeypatch):
    notices: list[str] = []
    monkeypatch.setattr(storage.notices, "sink", notices.append)
    path = tmp_path / EGRESS_FILE
    log = EgressLog(path)
    for number in range(40):
        log.record("127.0.0.1", f"{SECRET} {number}", b"x" * 300, "ok: answer")
    log._run(lambda db: db.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    log._run(lambda db: db.execute("PRAGMA cache_size=1"))  # read pages from the file again
    _pages_smashed(path)

    log.clear()

    assert len(notices) == 1 and "moved it aside" in notices[0]
    assert log.count() == 0 and log.damaged_copies() == []
    assert not any(SECRET.encode() in p.read_bytes() for p in tmp_path.iterdir())
    log.close()


def test_when_the_log_cannot_be_written_nothing_is_sent(
    server, cloud_conversation, egress_log, monkeypatch
):
    def disk_full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(egress_log, "begin", disk_full)
    result = cloud_conversation().handle(UNKNOWN)
    assert result.response == "Sorry, I couldn't write the cloud log, so nothing was sent"
    assert server.requests == []
