"""One home, many processes: the window, ``hearth parse``, ``hearth ptt`` and voice share one file.

Every change is a read-modify-write in one SQLite transaction on the state as stored at that
moment, so processes never lose each other's changes, never report a change that did not
happen, and a kill -9 mid-write never leaves half a command behind. These run real processes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import data_dir
from assistant.conversation import Conversation
from assistant.events import DeviceChanged, EventBus
from assistant.home.loader import load_home, parse_home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.conftest import Recorder

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 4
STEPS = 20

LAMP_HOME = """
areas: [{id: office, name: Office}]
devices:
  - {id: light.lamp, name: Lamp, area: office, domain: light, state: "on",
     attributes: {brightness: 10}}
  - {id: light.twin, name: Twin, area: office, domain: light, state: "on",
     attributes: {brightness: 10}}
"""

# A worker: waits for the start signal, then makes its relative changes one transaction each.
STEPPER = """
import sys, time
from pathlib import Path
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import load_home
from assistant.home.simulated import SimulatedBackend
home_file, db, go, steps = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
backend = SimulatedBackend(load_home(home_file), db)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
for _ in range(steps):
    [result] = backend.execute(
        [Action("light.lamp", ActionKind.SET_BRIGHTNESS, {"brightness_step": 1})]
    )
    print(result.after.attributes["brightness"], flush=True)
backend.close()
"""

# A worker that writes both lamps to the same value in each transaction, forever.
PAIR_WRITER = """
import sys
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import load_home
from assistant.home.simulated import SimulatedBackend
backend = SimulatedBackend(load_home(sys.argv[1]), sys.argv[2])
print("ready", flush=True)
level = 0
while True:
    level = level % 100 + 1
    backend.execute([
        Action("light.lamp", ActionKind.SET_BRIGHTNESS, {"brightness": level}),
        Action("light.twin", ActionKind.SET_BRIGHTNESS, {"brightness": level}),
    ])
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _stored(db: Path, device_id: str) -> tuple[str, dict]:
    with sqlite3.connect(db) as connection:
        state, attributes = connection.execute(
            "SELECT state, attributes FROM devices WHERE id=?", (device_id,)
        ).fetchone()
    return state, json.loads(attributes)


@pytest.fixture
def lamp_home(tmp_path: Path) -> Path:
    file = tmp_path / "lamp.yaml"
    file.write_text(LAMP_HOME, encoding="utf-8")
    return file


def test_relative_steps_from_many_processes_are_all_kept(lamp_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    SimulatedBackend(load_home(lamp_home), db).close()  # seeded once, as the window would
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", STEPPER, str(lamp_home), str(db), str(go), str(STEPS)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    go.touch()
    reported: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reported += [int(line) for line in out.split()]

    assert len(reported) == PROCESSES * STEPS
    state, attributes = _stored(db, "light.lamp")
    assert (state, attributes["brightness"]) == ("on", 10 + PROCESSES * STEPS)
    # Each step saw the one before it: every reported level is distinct and none is made up.
    assert sorted(reported) == list(range(11, 11 + PROCESSES * STEPS))


def test_hearth_parse_processes_keep_every_step() -> None:
    """The reported case through the real CLI: 4 processes × 20 "+1 %" on one lamp."""
    env = _env()
    _parse("set the floor lamp to 10%")
    batch = data_dir().parent / "steps.txt"
    batch.write_text("brighten the floor lamp by 1%\n" * STEPS, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "parse", "--batch", str(batch), "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    levels: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
        for line in out.splitlines():
            [action] = json.loads(line)["actions"]
            levels.append(action["params"]["brightness"])

    _, attributes = _stored(data_dir() / "home.sqlite3", "light.floor_lamp")
    assert attributes["brightness"] == 10 + PROCESSES * STEPS == max(levels)
    assert sorted(levels) == list(range(11, 11 + PROCESSES * STEPS))


def _parse(text: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "parse", text, "--json"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_long_lived_process_never_reports_a_change_that_did_not_happen(
    engine: IntentEngine,
) -> None:
    """The window is open; meanwhile ``hearth parse`` turns the lamp on; then the window is
    asked to turn it off. It used to answer "Turned off" and leave the lamp on."""
    db = data_dir() / "home.sqlite3"
    bus = EventBus()
    seen = Recorder()
    bus.subscribe(seen)
    backend = SimulatedBackend(load_home(), db, bus)
    store = SessionStore(None)
    window = Conversation(backend, engine, bus=bus, store=store)
    try:
        assert backend.home().devices["light.desk_lamp"].state == "off"  # what it has seen

        _parse("turn on the desk lamp")  # another process

        assert window.handle("is the desk lamp on").response == "Yes"
        result = window.handle("turn off the desk lamp")
        assert result.response == "Turned off the Desk Lamp"
        assert [r.changed for r in result.executed] == [True]
        assert _stored(db, "light.desk_lamp")[0] == "off"  # the reply matches reality

        _parse("turn on the desk lamp")
        events = backend.refresh()  # the window's timer: outside changes become events
        assert [(e.device_id, e.state) for e in events] == [("light.desk_lamp", "on")]
        assert seen.of(DeviceChanged)[-1] == events[0]
        assert backend.refresh() == []  # each outside change is announced once
    finally:
        store.close()
        backend.close()


def test_kill_9_mid_write_never_leaves_half_a_command(lamp_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "home.sqlite3"
    rng = random.Random(17)
    levels: set[int] = set()
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", PAIR_WRITER, str(lamp_home), str(db)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.02, 0.3))
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
        with sqlite3.connect(db) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        lamp, twin = _stored(db, "light.lamp"), _stored(db, "light.twin")
        assert lamp == twin  # both written in one transaction, or neither
        levels.add(lamp[1]["brightness"])
    assert len(levels) > 1  # the writer really was writing when it was killed
    reopened = SimulatedBackend(parse_home(LAMP_HOME), db)
    assert (
        reopened.home().devices["light.lamp"].attributes["brightness"]
        == (_stored(db, "light.lamp")[1]["brightness"])
    )
    reopened.close()
