"""Home backends: command → confirmed remote state change, side by side in one run.

Each row times ``--commands`` commands (switching one device on and off in turn): from the
moment Hearth calls ``backend.execute`` until an independent observer — not the backend that
sent it — sees the device in its new state: a second process's view of the SQLite home for the
simulated backend, a separate MQTT subscriber on the device's state topic for the local broker.
Prints a table and writes JSON (bench/results/backends.json).

Adding a backend is one function decorated with ``@row("label")`` that enters what it needs
into the ``ExitStack`` and returns a ``Subject`` (the backend, the device to switch and how the
observer reads it); raise ``Unavailable`` to leave a row out with a reason.

    python -m bench.backends [--commands 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.home.backend import Backend, BackendError
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.loader import load_home

RESULTS = Path(__file__).parent / "results"
#: The most one command may take before it counts as failed (seconds).
GIVE_UP_S = 10.0


class Unavailable(RuntimeError):
    """This row cannot run here (a server or tool is missing); the message says why."""


@dataclass(frozen=True)
class Subject:
    """One backend under test: which device to switch and how an outsider reads its state."""

    backend: Backend
    device_id: str
    observed: Callable[[], str | None]


Setup = Callable[[ExitStack], Subject]
ROWS: dict[str, Setup] = {}


def row(label: str) -> Callable[[Setup], Setup]:
    """Register a backend row under ``label`` (rows run in the order they are defined)."""

    def register(setup: Setup) -> Setup:
        ROWS[label] = setup
        return setup

    return register


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@row("simulated (SQLite, seen by a second process's view)")
def simulated(stack: ExitStack) -> Subject:
    from assistant.home.simulated import SimulatedBackend

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hearth-bench-")))
    home = load_home()
    backend = SimulatedBackend(home, folder / "home.sqlite3")
    stack.callback(backend.close)
    observer = SimulatedBackend(home, folder / "home.sqlite3")
    stack.callback(observer.close)
    device = "switch.kettle"
    return Subject(backend, device, lambda: observer.home().device(device).state)


@row("MQTT (local mosquitto, demo devices, seen by a separate subscriber)")
def mqtt(stack: ExitStack) -> Subject:
    try:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        from assistant.home.mqtt.backend import MqttBackend
        from assistant.home.mqtt.demo import DemoHome
        from bench.mosquitto import Mosquitto, MosquittoMissing
    except ImportError as err:
        raise Unavailable(f"{err.name} is not installed (pip install 'hearth[home]')") from None
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hearth-bench-")))
    try:
        broker = Mosquitto(folder)
    except MosquittoMissing as err:
        raise Unavailable(str(err)) from None
    broker.start()
    stack.callback(broker.stop)
    demo = DemoHome(load_home(), broker.broker)
    demo.start()
    stack.callback(demo.close)
    backend = MqttBackend(broker.broker, layout=load_home())
    stack.callback(backend.close)

    seen: dict[str, str] = {}
    ready = threading.Event()
    observer = paho.Client(CallbackAPIVersion.VERSION2)
    observer.on_connect = lambda client, *_: client.subscribe("hearth-demo/switch/kettle/state", 1)
    observer.on_subscribe = lambda *_: ready.set()
    observer.on_message = lambda _c, _u, message: seen.update(kettle=message.payload.decode())
    observer.connect(broker.broker.host, broker.port)
    observer.loop_start()
    stack.callback(observer.loop_stop)
    stack.callback(observer.disconnect)
    ready.wait(GIVE_UP_S)
    states = {"ON": "on", "OFF": "off"}
    return Subject(backend, "switch.kettle", lambda: states.get(seen.get("kettle", "")))


def measure(subject: Subject, commands: int) -> dict[str, Any]:
    """Time ``commands`` on/off switches to the observer's confirmation."""
    samples: list[float] = []
    failures = 0
    state = subject.backend.home().device(subject.device_id).state
    for index in range(commands):
        wanted = "off" if state == "on" else "on"
        action = Action(subject.device_id, ActionKind(f"turn_{wanted}"))
        started = time.perf_counter()
        try:
            subject.backend.execute([action])
        except (BackendError, CommandError) as err:  # counted, and the run goes on
            failures += 1
            print(f"  command {index} failed: {err}", file=sys.stderr)
            continue
        while subject.observed() != wanted:
            if time.perf_counter() - started > GIVE_UP_S:
                failures += 1
                break
            time.sleep(0.0002)
        else:
            samples.append((time.perf_counter() - started) * 1000)
        state = wanted
    if not samples:
        return {"n": 0, "failures": failures}
    return {
        "n": len(samples),
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "max_ms": max(samples),
        "mean_ms": statistics.fmean(samples),
        "failures": failures,
    }


def run(commands: int, only: list[str] | None = None) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "commands": commands,
        "rows": {},
    }
    for label, setup in ROWS.items():
        if only and not any(word.casefold() in label.casefold() for word in only):
            continue
        print(f"{label}...", file=sys.stderr)
        with ExitStack() as stack:
            try:
                subject = setup(stack)
            except Unavailable as err:
                report["rows"][label] = {"skipped": str(err)}
                continue
            report["rows"][label] = measure(subject, commands)
    return report


def table(report: dict[str, Any]) -> str:
    lines = [
        (
            f"Command → confirmed remote state change ({report['machine']['cores']} cores, "
            f"{report['commands']} commands per backend; ms)"
        ),
        "",
        "| backend | n | p50 | p95 | max | failed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, result in report["rows"].items():
        if "skipped" in result:
            lines.append(f"| {label} | skipped: {result['skipped']} | | | | |")
        elif not result["n"]:
            lines.append(f"| {label} | 0 | | | | {result['failures']} |")
        else:
            lines.append(
                f"| {label} | {result['n']} | {result['p50_ms']:.2f} | {result['p95_ms']:.2f} | "
                f"{result['max_ms']:.2f} | {result['failures']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200, help="commands per backend (200)")
    parser.add_argument("--only", nargs="*", help="rows whose label contains one of these words")
    parser.add_argument("--out", default=str(RESULTS / "backends.json"))
    args = parser.parse_args(argv)
    if args.commands < 1:
        parser.error("--commands must be at least 1")
    report = run(args.commands, args.only)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nJSON written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
