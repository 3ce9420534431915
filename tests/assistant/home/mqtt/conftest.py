"""A real mosquitto on a free 127.0.0.1 port for each test that asks for one (bench.mosquitto:
a generated config, anonymous, no persistence), and the demo home publishing into it. Skipped
cleanly where mosquitto is not installed (CI installs it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.events import EventBus
from assistant.home.loader import load_home
from assistant.home.mqtt.backend import MqttBackend, MqttOptions
from assistant.home.mqtt.demo import DemoHome
from bench.mosquitto import Mosquitto, MosquittoMissing

#: Tests' waits: generous, because CI machines are slow and shared; never asserted as timings.
TEST_OPTIONS = MqttOptions(command_wait_s=8.0, confirm_s=6.0, settle_s=8.0)


def new_broker(folder: Path, users: dict[str, str] | None = None) -> Mosquitto:
    """A broker (not started yet); the test is skipped where mosquitto is not installed."""
    try:
        return Mosquitto(folder, users)
    except MosquittoMissing as err:
        pytest.skip(str(err))


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    broker = new_broker(tmp_path)
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
