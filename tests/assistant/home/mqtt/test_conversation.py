"""Hearth on an MQTT home end to end: the config picks the backend, typed commands (as
``hearth parse`` runs them) change the remote devices, confirmation, undo and follow-ups behave
as on the simulated home, and a broker problem is one line (exit 2 on the command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import tomli_w

from assistant import api_key
from assistant.config import Config, HomeConfig, MqttConfig
from assistant.home.backend import BackendError
from assistant.home.mqtt.demo import DemoHome
from assistant.home.mqtt.setup import broker
from assistant.runtime import Runtime, build_runtime
from bench.mosquitto import Mosquitto, free_port
from tests.assistant.home.mqtt.conftest import new_broker
from tests.assistant.home.mqtt.test_backend import Watcher, wait_for

ROOT = Path(__file__).resolve().parents[4]


def _config(port: int, **mqtt: object) -> Config:
    return replace(
        Config(),
        home=HomeConfig(backend="mqtt"),
        mqtt=MqttConfig(host="127.0.0.1", port=port, **mqtt),  # type: ignore[arg-type]
    )


@pytest.fixture
def runtime(mosquitto: Mosquitto, demo: DemoHome) -> Iterator[Runtime]:
    built = build_runtime(_config(mosquitto.port), temporary=True)
    yield built
    built.close()


def test_typed_commands_confirmation_undo_and_follow_ups(
    runtime: Runtime, mosquitto: Mosquitto, demo: DemoHome
) -> None:
    assert type(runtime.backend).__name__ == "MqttBackend"
    kettle = Watcher(mosquitto.broker, "hearth-demo/switch/kettle/state")
    try:
        talk = runtime.conversation.handle
        done = talk("turn on the kettle")
        assert [a.to_dict() for a in done.actions] == [
            {"device": "switch.kettle", "action": "turn_on", "params": {}}
        ]
        assert wait_for(lambda: kettle.last == "ON")
        assert talk("undo").response == "Undone"
        assert wait_for(lambda: kettle.last == "OFF")

        asked = talk("unlock the front door")
        assert asked.confirmation_required
        assert demo.device("lock.front_door").state == "locked"
        talk("yes")
        assert demo.device("lock.front_door").state == "unlocked"

        talk("turn on the ceiling light in the living room")
        assert demo.device("light.living_room_ceiling").state == "on"
        talk("and in the bedroom")
        assert demo.device("light.bedroom_ceiling").state == "on"
        answer = talk("is the kettle on")
        assert "off" in answer.response.lower()
    finally:
        kettle.close()


def _hearth(*args: str, config: Config, folder: Path) -> subprocess.CompletedProcess[str]:
    file = folder / "config.toml"
    file.write_text(tomli_w.dumps(config.to_dict()))
    env = {**os.environ, "HEARTH_CONFIG": str(file), "HEARTH_DATA_DIR": str(folder / "data")}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_hearth_parse_drives_the_broker_and_a_wrong_port_exits_2(
    mosquitto: Mosquitto, demo: DemoHome, tmp_path: Path
) -> None:
    ran = _hearth(
        "parse", "turn on the printer", "--json", config=_config(mosquitto.port), folder=tmp_path
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["actions"][0]["device"] == "switch.printer"
    assert demo.device("switch.printer").state == "on"

    port = free_port()
    ran = _hearth("parse", "turn on the printer", config=_config(port), folder=tmp_path)
    assert ran.returncode == 2
    assert ran.stderr.splitlines() == [
        f"hearth: the MQTT broker isn't reachable at 127.0.0.1:{port}: connection refused"
    ]
    assert "Traceback" not in ran.stderr


def test_the_password_comes_from_the_secret_store_and_a_wrong_one_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secured = new_broker(tmp_path, users={"hearth": "right-password"})
    secured.start()
    try:
        monkeypatch.setattr(api_key, "system_keyring", lambda: None)  # the 0600 file, then
        from assistant.config import config_path

        store = api_key.default_store(config_path(), api_key.Secret.MQTT_PASSWORD)
        store.set("right-password")
        settings = MqttConfig(host="127.0.0.1", port=secured.port, username="hearth")
        assert broker(settings).password == "right-password"
        runtime = build_runtime(_config(secured.port, username="hearth"), temporary=True)
        runtime.close()

        store.set("wrong-password")
        with pytest.raises(BackendError) as refused:
            build_runtime(_config(secured.port, username="hearth"), temporary=True)
        assert str(refused.value) == (
            f"the MQTT broker at 127.0.0.1:{secured.port} refused us: not authorized"
        )
    finally:
        secured.stop()


def test_tls_against_a_plain_broker_is_one_line(mosquitto: Mosquitto) -> None:
    with pytest.raises(BackendError) as refused:
        build_runtime(_config(mosquitto.port, tls=True), temporary=True)
    message = str(refused.value)
    assert message.startswith(f"the MQTT broker isn't reachable at 127.0.0.1:{mosquitto.port}: ")
    assert "TLS failed" in message
    assert "\n" not in message


def test_hearth_devices_shows_the_live_remote_state(
    mosquitto: Mosquitto, demo: DemoHome, tmp_path: Path
) -> None:
    demo.change(demo.device("switch.christmas_tree").with_state("on"))
    ran = _hearth("devices", config=_config(mosquitto.port), folder=tmp_path)
    assert ran.returncode == 0, ran.stderr
    [line] = [line for line in ran.stdout.splitlines() if "Christmas Tree" in line]
    assert "on" in line.split()


def test_a_partial_failure_reply_names_what_changed_and_what_did_not(
    mosquitto: Mosquitto, demo: DemoHome
) -> None:
    """The kitchen's lights: the demo's obey, a light nobody answers for does not."""
    from assistant.home.mqtt.backend import MqttBackend

    silent = '{"name": "Pantry Light", "cmd_t": "pantry/set", "stat_t": "pantry/state", "dev": {"ids": ["p"], "name": "Pantry Light", "sa": "Kitchen"}}'
    watcher = Watcher(mosquitto.broker, "pantry/none")
    watcher.publish("homeassistant/light/pantry/config", silent, qos=1, retain=True)
    watcher.publish("pantry/state", "OFF", qos=1, retain=True)
    try:
        runtime = build_runtime(_config(mosquitto.port), temporary=True)
        try:
            backend = runtime.backend
            assert isinstance(backend, MqttBackend)
            assert wait_for(lambda: "light.pantry" in backend.home().devices)
            backend.options = replace(backend.options, confirm_s=0.5)
            reply = runtime.conversation.handle("turn on the lights in the kitchen").response
            assert "changed Counter Lights" in reply  # the ceiling light was already on
            assert "didn't change Pantry Light (the device didn't confirm the change)" in reply
            assert demo.device("light.kitchen_counter").state == "on"
        finally:
            runtime.close()
    finally:
        watcher.close()
