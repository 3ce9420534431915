"""``hearth mqtt demo``: the demo home as MQTT discovery devices, so anyone with a broker can try
the MQTT backend end to end (``mosquitto`` in one terminal, this in another, then
``hearth config set home.backend mqtt``).

The devices obey their command topics and report their state, retained, as real firmware does;
after a broker restart they announce themselves and their state again.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path

from assistant.home.backend import BackendError
from assistant.home.loader import load_home
from assistant.home.model import Device, Home
from assistant.home.mqtt.connection import Broker, Connection
from assistant.home.mqtt.demo_devices import (
    AVAILABILITY,
    COMMAND_FILTERS,
    ROOT,
    Message,
    announcements,
    base,
    obey,
    publishable,
    reports,
)
from assistant.home.mqtt.setup import broker

DEFAULT_PREFIX = "homeassistant"


class DemoHome:
    """The publisher: devices kept in memory, changed only by the commands they receive."""

    def __init__(self, home: Home, broker: Broker, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = prefix
        self._lock = threading.RLock()
        self._home = home
        self._by_base = {base(d): d.id for d in home.devices.values() if publishable(d)}
        self._connection = Connection(
            broker,
            self._on_command,
            name="hearth-demo",
            on_connect=self._announce,
            will=(AVAILABILITY, "offline"),
        )
        self._connection.subscribe(COMMAND_FILTERS)

    def start(self, timeout_s: float = 5.0) -> None:
        """Connect, announce every device and its state; BackendError (one line) if unreachable."""
        self._connection.open(timeout_s)
        self._connection.barrier(timeout_s)

    def close(self) -> None:
        """Say "offline" (a clean stop sends no last will), then disconnect."""
        if self._connection.connected:
            self._connection.publish(AVAILABILITY, "offline", timeout_s=2.0, retain=True)
        self._connection.close()

    def device(self, device_id: str) -> Device:
        with self._lock:
            return self._home.device(device_id)

    @property
    def count(self) -> int:
        return len(self._by_base)

    def change(self, device: Device) -> None:
        """A change made at the device itself (a wall switch): reported like any other."""
        with self._lock:
            self._home = self._home.with_device(device)
        self._report([device])

    def _announce(self) -> None:
        """On every (re)connect: a restarted broker without persistence has forgotten us."""
        with self._lock:
            home = self._home
        self._connection.send(AVAILABILITY, "online", retain=True)
        for message in announcements(home, self.prefix):
            self._connection.send(message.topic, message.payload, retain=True)
        self._report([d for d in home.devices.values() if publishable(d)])

    def _report(self, devices: list[Device]) -> None:
        for device in devices:
            for message in reports(device):
                self._connection.send(message.topic, message.payload, retain=True)

    def _on_command(self, topic: str, payload: bytes) -> None:
        parts = topic.split("/")
        if len(parts) < 4 or parts[0] != ROOT:
            return
        device_id = self._by_base.get("/".join(parts[:3]))
        if device_id is None:
            return
        with self._lock:
            changed = obey(
                self._home.device(device_id), topic, payload.decode("utf-8", "replace"), self._home
            )
            for device in changed:
                self._home = self._home.with_device(device)
        self._report(changed)


def messages(home: Home, prefix: str = DEFAULT_PREFIX) -> list[Message]:
    """Everything the demo announces and reports at start, for inspection and tests."""
    found = list(announcements(home, prefix))
    for device in home.devices.values():
        if publishable(device):
            found.extend(reports(device))
    return found


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``hearth mqtt demo``'s options; what is not given comes from the ``[mqtt]`` settings."""
    parser.add_argument("--host", default=None, help="the broker's host (mqtt.host)")
    parser.add_argument("--port", type=int, default=None, help="the broker's port (mqtt.port)")
    parser.add_argument(
        "--prefix", default=None, help="the discovery prefix (mqtt.discovery_prefix)"
    )
    parser.add_argument("--home", default=None, help="a home file (default: the demo home)")


def _settings(args: argparse.Namespace) -> tuple[Broker, str]:
    """The broker (user and stored password included) and prefix: the options over the config."""
    from assistant.config import load

    settings = load().mqtt
    settings = replace(
        settings,
        host=args.host or settings.host,
        port=args.port if args.port is not None else settings.port,
        discovery_prefix=args.prefix or settings.discovery_prefix,
    )
    settings.validate()
    return broker(settings), settings.discovery_prefix


def run(args: argparse.Namespace) -> int:
    """Publish until Ctrl-C or SIGTERM; 2 with one line on stderr if the broker can't be used."""
    try:
        target, prefix = _settings(args)
        home = load_home(Path(args.home) if args.home else None)
        demo = DemoHome(home, target, prefix)
        demo.start()
    except (BackendError, OSError, ValueError) as err:  # ConfigError, HomeFileError are too
        print(f"hearth mqtt demo: {err}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        f"Publishing {demo.count} demo devices to {target.where} under {prefix}/ (Ctrl-C to stop)",
        flush=True,
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        demo.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth mqtt demo", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
