"""A real mosquitto on a free 127.0.0.1 port for each test that asks for one, and the demo
home publishing into it. Skipped cleanly where mosquitto is not installed (CI installs it)."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.events import EventBus
from assistant.home.loader import load_home
from assistant.home.mqtt.backend import MqttBackend, MqttOptions
from assistant.home.mqtt.connection import Broker
from assistant.home.mqtt.demo import DemoHome

MOSQUITTO = shutil.which("mosquitto") or next(
    (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)),
    None,
)
#: Tests' waits: generous, because CI machines are slow and shared; never asserted as timings.
TEST_OPTIONS = MqttOptions(command_wait_s=8.0, confirm_s=6.0, settle_s=8.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mosquitto:
    """One broker process; ``stop``/``start`` keep the port (a restart mid-session)."""

    def __init__(self, folder: Path, users: dict[str, str] | None = None) -> None:
        if MOSQUITTO is None:
            pytest.skip("mosquitto is not installed (apt install mosquitto)")
        self.port = free_port()
        self.config = folder / "mosquitto.conf"
        access = "allow_anonymous true\n"
        if users:
            access = f"allow_anonymous false\npassword_file {_password_file(folder, users)}\n"
        self.config.write_text(
            # As root mosquitto would switch to the "mosquitto" user, who can't read tmp_path.
            f"listener {self.port} 127.0.0.1\n{access}persistence false\nuser {getpass.getuser()}\n"
            "log_dest none\nset_tcp_nodelay true\n"
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def broker(self) -> Broker:
        return Broker("127.0.0.1", self.port)

    def start(self) -> None:
        assert MOSQUITTO is not None
        self._process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError("mosquitto exited at start") from None
                time.sleep(0.02)
        raise RuntimeError("mosquitto did not start listening")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def _password_file(folder: Path, users: dict[str, str]) -> Path:
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        pytest.skip("mosquitto_passwd is not installed")
    file = folder / "passwords"
    file.touch(mode=0o600)
    for user, password in users.items():
        subprocess.run([tool, "-b", str(file), user, password], check=True, capture_output=True)
    return file


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    broker = Mosquitto(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def demo(mosquitto: Mosquitto) -> Iterator[DemoHome]:
    publisher = DemoHome(load_home(), mosquitto.broker)
    publisher.start()
    try:
        yield publisher
    finally:
        publisher.close()


@pytest.fixture
def mqtt_backend(mosquitto: Mosquitto, demo: DemoHome, bus: EventBus) -> Iterator[MqttBackend]:
    backend = MqttBackend(mosquitto.broker, TEST_OPTIONS, load_home(), bus)
    try:
        yield backend
    finally:
        backend.close()
