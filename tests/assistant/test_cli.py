"""`hearth` as a user runs it: a real subprocess, the JSON contract, bad input, persistence.

Each subprocess costs about a second, so the cases are chosen, not enumerated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.home.loader import demo_home_path, load_home

CONTRACT_KEYS = {"text", "intent", "slots", "actions", "response", "source", "timings_ms"}
TIMING_KEYS = {"asr", "intent", "action", "total"}
ACTIONS = {
    "turn_on",
    "turn_off",
    "toggle",
    "set_brightness",
    "set_color",
    "set_temperature",
    "set_position",
    "open",
    "close",
    "lock",
    "unlock",
    "media_play",
    "media_pause",
    "media_next",
    "media_previous",
    "set_volume",
    "get_state",
    "start",
    "stop",
    "return_home",
}
DEMO = str(demo_home_path())


def hearth(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def check_contract(obj: dict[str, Any]) -> None:
    waiting = {"confirmation_required", "pending_actions"}
    assert set(obj) - waiting == CONTRACT_KEYS
    assert "confirmation_required" in obj or "pending_actions" not in obj
    assert isinstance(obj["text"], str)
    assert obj["intent"] is None or isinstance(obj["intent"], str)
    assert isinstance(obj["slots"], dict)
    assert isinstance(obj["response"], str) and obj["response"]
    assert obj["source"] in {"local", "fuzzy", "semantic", "cloud", None}
    assert set(obj["timings_ms"]) == TIMING_KEYS
    assert all(isinstance(v, int | float) and v >= 0 for v in obj["timings_ms"].values())
    for action in [*obj["actions"], *obj.get("pending_actions", [])]:
        assert set(action) == {"device", "action", "params"}
        assert isinstance(action["device"], str)
        assert action["action"] in ACTIONS
        assert isinstance(action["params"], dict)
    if "confirmation_required" in obj:
        assert obj["confirmation_required"] is True
        assert obj["pending_actions"], "a question names what waits for the yes"
        assert obj["actions"] == [], "nothing runs before the yes"


def json_lines(out: str) -> list[dict[str, Any]]:
    objects = [json.loads(line) for line in out.splitlines()]
    for obj in objects:
        check_contract(obj)
    return objects


def test_parse_json_contract() -> None:
    done = hearth("parse", "--home", DEMO, "--json", "turn off the kitchen lights")
    assert done.returncode == 0, done.stderr
    (obj,) = json_lines(done.stdout)
    assert obj["text"] == "turn off the kitchen lights"
    assert obj["intent"] == "HassTurnOff"
    assert obj["slots"] == {"area": "Kitchen", "domain": "light"}
    assert {"device": "light.kitchen_ceiling", "action": "turn_off", "params": {}} in obj["actions"]
    # The counter lights were off already: read, not switched, and the reply says so.
    assert {"device": "light.kitchen_counter", "action": "turn_off", "params": {}} not in obj[
        "actions"
    ]
    assert obj["response"] == (
        "Turned off the Ceiling Light in the Kitchen; the Counter Lights were already off"
    )
    assert obj["source"] == "local"
    assert "confirmation_required" not in obj
    assert done.stderr == ""


def test_parse_human_output_shows_reply_and_change() -> None:
    done = hearth("parse", "--home", DEMO, "turn on the kettle")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("» ")
    assert "Kettle (Kitchen): off → on" in done.stdout


def test_parse_area_flag_is_this_room() -> None:
    done = hearth("parse", "--home", DEMO, "--area", "bedroom", "--json", "turn on the lights")
    (obj,) = json_lines(done.stdout)
    assert obj["slots"]["area"] == "Bedroom"
    assert {a["device"] for a in obj["actions"]} == {"light.bedroom_ceiling", "light.bedside_lamp"}


def test_batch_file(tmp_path: Path) -> None:
    batch = tmp_path / "commands.txt"
    batch.write_text(
        "turn on the kettle\n\nis the kettle on\n"
        "turn on the jacuzzi\nwhat's the capital of France\n",
        encoding="utf-8",
    )
    done = hearth("parse", "--home", DEMO, "--batch", str(batch), "--json")
    assert done.returncode == 0, done.stderr
    objects = json_lines(done.stdout)
    assert [o["text"] for o in objects] == [
        "turn on the kettle",
        "is the kettle on",
        "turn on the jacuzzi",
        "what's the capital of France",
    ]
    assert objects[1]["response"] == "Yes"  # the batch shares one home
    assert objects[2]["intent"] is None and "jacuzzi" in objects[2]["response"]
    assert objects[2]["actions"] == [] and objects[2]["source"] is None
    assert objects[3]["intent"] is None and objects[3]["actions"] == []


def test_batch_stdin_streams_one_object_per_line() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "parse", "--home", DEMO, "--batch", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write("turn on the desk lamp\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # arrives before stdin is closed
        check_contract(first)
        assert first["intent"] == "HassTurnOn"
        proc.stdin.write("is the desk lamp on\n")
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert second["response"] == "Yes"
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait()


def test_confirmation_across_two_invocations(isolated_dirs: Path) -> None:
    asked = json_lines(hearth("parse", "--json", "unlock the front door").stdout)[0]
    assert asked["confirmation_required"] is True
    assert asked["actions"] == []
    assert asked["pending_actions"] == [
        {"device": "lock.front_door", "action": "unlock", "params": {}}
    ]
    assert (isolated_dirs / "data" / "session.sqlite3").exists()

    confirmed = json_lines(hearth("parse", "--json", "yes").stdout)[0]
    assert confirmed["intent"] == "HearthConfirm"
    assert confirmed["actions"] == asked["pending_actions"]
    assert "confirmation_required" not in confirmed and "pending_actions" not in confirmed

    state = json_lines(hearth("parse", "--json", "is the front door locked").stdout)[0]
    assert state["response"] == "No, unlocked"


def test_denied_across_two_invocations() -> None:
    hearth("parse", "--json", "unlock the back door")
    denied = json_lines(hearth("parse", "--json", "no").stdout)[0]
    assert denied["intent"] == "HearthDeny"
    assert denied["actions"] == []
    state = json_lines(hearth("parse", "--json", "is the back door locked").stdout)[0]
    assert state["response"] == "Yes"


def _junk(path: Path) -> list[str]:
    path.write_bytes(bytes(range(256)) * 4)
    return ["parse", "--batch", str(path), "--json"]


def _latin1(path: Path) -> list[str]:
    path.write_bytes("turn on the kettle\nallumez la lumière\n".encode("latin-1"))
    return ["parse", "--batch", str(path), "--json"]


def _long(path: Path) -> list[str]:
    path.write_text("turn on the lights " * 5300 + "\n", encoding="utf-8")  # ~100 kB
    return ["parse", "--batch", str(path), "--json"]


def _empty(path: Path) -> list[str]:
    path.write_bytes(b"")
    return ["parse", "--batch", str(path), "--json"]


def _missing(path: Path) -> list[str]:
    return ["parse", "--batch", str(path / "nope.txt"), "--json"]


def _home(text: str) -> Any:
    def make(path: Path) -> list[str]:
        path.write_text(text, encoding="utf-8")
        return ["parse", "--home", str(path), "--json", "turn on the lights"]

    return make


BAD_INPUT = [
    pytest.param(_empty, "empty", id="empty-file"),
    pytest.param(_junk, "binary", id="binary-junk"),
    pytest.param(_latin1, "UTF-8", id="non-utf8"),
    pytest.param(_long, "too long", id="100kB-line"),
    pytest.param(_missing, "cannot read", id="missing-file"),
    pytest.param(_home("areas: [\n  {id: kitchen\n"), "not valid YAML", id="malformed-yaml"),
    pytest.param(
        _home(
            "areas:\n  - {id: kitchen, name: Kitchen}\ndevices:\n"
            "  - {id: light.x, name: X, area: kitchn, domain: light}\n"
        ),
        ":4: device 'light.x' is in unknown area 'kitchn'",
        id="unknown-area",
    ),
    pytest.param(
        _home("devices:\n  - {id: jacuzzi.tub, name: Tub, domain: Jacuzzi Tub}\n"),
        ":2: device 'jacuzzi.tub' has domain 'Jacuzzi Tub', which is no Home Assistant domain",
        id="bad-domain-name",
    ),
]


@pytest.mark.parametrize(("make", "message"), BAD_INPUT)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, make: Any, message: str) -> None:
    args = make(tmp_path / "input")
    done = hearth(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("hearth: ")
    assert message in lines[0]
    assert done.stdout == ""


def test_a_bad_device_is_reported_with_its_line_and_the_rest_works(tmp_path: Path) -> None:
    """ARCHITECTURE: a bad entity is reported (file:line) and skipped."""
    home = tmp_path / "home.yaml"
    home.write_text(
        "devices:\n  - {id: light.x, name: X, domain: light}\n"
        "  - {id: light.x, name: Y, domain: light}\n",
        encoding="utf-8",
    )
    done = hearth("parse", "--home", str(home), "--json", "turn on x")
    assert done.returncode == 0
    assert json.loads(done.stdout)["actions"][0]["device"] == "light.x"
    assert done.stderr == (
        f"hearth: {home}:3: duplicate device id 'light.x'; left that device out\n"
    )


def test_devices_table() -> None:
    done = hearth("devices", "--home", DEMO)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["Where", "Device", "Id", "State"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    rows = {line.split("  ")[0].strip(): line for line in lines[2:]}
    assert any(r.startswith("Ground Floor / Kitchen") for r in rows)
    assert any(r.startswith("First Floor / Bedroom") for r in rows)
    kitchen = next(line for line in lines if "light.kitchen_ceiling" in line)
    assert "on, 80%, white" in kitchen
    assert any("lock.front_door" in line and "locked" in line for line in lines)
    assert sum("scene." in line for line in lines) == 3
    assert len(lines) == 2 + len(load_home())  # every device once


def test_config_set_writes_the_env_config(isolated_dirs: Path) -> None:
    done = hearth("config", "set", "home.this_room", "bedroom")
    assert done.returncode == 0, done.stderr
    written = (isolated_dirs / "config" / "config.toml").read_text(encoding="utf-8")
    assert 'this_room = "bedroom"' in written


def test_version_is_the_installed_package_version() -> None:
    from importlib.metadata import version

    done = hearth("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"hearth {version('hearth')}"
