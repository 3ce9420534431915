"""``hearth mqtt demo`` as a process (the module the CLI mounts), and Settings' Test connection."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from assistant.config import Config, MqttConfig
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import load_home
from assistant.home.mqtt import demo as demo_module
from assistant.home.mqtt.backend import MqttBackend
from assistant.home.mqtt.demo_devices import publishable
from assistant.home.mqtt.probe import test_connection as probe
from bench.mosquitto import Mosquitto, free_port
from tests.assistant.home.mqtt.conftest import TEST_OPTIONS

ROOT = Path(__file__).resolve().parents[4]


def _demo(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.home.mqtt.demo", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_demo_process_publishes_the_home_until_stopped(mosquitto: Mosquitto) -> None:
    process = _demo("--host", "127.0.0.1", "--port", str(mosquitto.port))
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        count = sum(1 for d in load_home().devices.values() if publishable(d))
        assert line.startswith(f"Publishing {count} demo devices to 127.0.0.1:{mosquitto.port}")
        backend = MqttBackend(mosquitto.broker, TEST_OPTIONS, load_home())
        try:
            assert len(backend.home().devices) == count
            backend.execute([Action("switch.coffee_machine", ActionKind.TURN_ON)])
            assert backend.home().device("switch.coffee_machine").state == "on"
        finally:
            backend.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_demo_with_no_broker_is_one_line_and_exit_2() -> None:
    port = free_port()
    process = _demo("--host", "127.0.0.1", "--port", str(port))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.splitlines() == [
        f"hearth mqtt demo: the MQTT broker isn't reachable at 127.0.0.1:{port}: connection refused"
    ]
    assert out == ""


def test_the_demo_arguments_mount_on_any_parser() -> None:
    parser = argparse.ArgumentParser()
    demo_module.add_arguments(parser)
    args = parser.parse_args(["--port", "1884"])
    assert (args.host, args.port, args.prefix, args.home) == (None, 1884, None, None)


def test_the_demo_takes_what_is_not_given_from_the_mqtt_settings(
    mosquitto: Mosquitto, tmp_path: Path
) -> None:
    """``hearth config set mqtt.port …`` once, and the demo and the backend meet on that broker."""
    from assistant import config as config_module

    settings = replace(Config(), mqtt=MqttConfig(host="127.0.0.1", port=mosquitto.port))
    config_module.save(settings)
    process = _demo()
    try:
        assert process.stdout is not None
        assert f"to 127.0.0.1:{mosquitto.port} under homeassistant/" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    config_module.config_path().write_text("[mqtt]\nport = 0\n")  # refused on load
    process = _demo()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert len(err.splitlines()) == 1 and "mqtt.port must be from 1 to 65535" in err


def test_test_connection_says_what_it_found(mosquitto: Mosquitto, demo: object) -> None:
    config = replace(Config(), mqtt=MqttConfig(host="127.0.0.1", port=mosquitto.port))
    count = sum(1 for d in load_home().devices.values() if publishable(d))
    assert probe(config) == (
        f"Connected to the MQTT broker at 127.0.0.1:{mosquitto.port}: {count} devices in 10 areas"
    )
    empty = replace(config, mqtt=replace(config.mqtt, discovery_prefix="elsewhere"))
    assert probe(empty).startswith("Connected to the MQTT broker at")
    assert "no devices were announced under elsewhere/" in probe(empty)
    port = free_port()
    wrong = replace(config, mqtt=replace(config.mqtt, port=port))
    assert probe(wrong) == (
        f"Cannot use it: the MQTT broker isn't reachable at 127.0.0.1:{port}: connection refused"
    )
