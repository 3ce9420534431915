"""Command → confirmed state change on Home Assistant, beside the simulated home, in one run.

Each command switches one device on or off through ``backend.execute`` (the effects check, the
service call over the WebSocket, the wait for its ``state_changed``); the time runs until an
independent observer — not the backend that sent it — sees the new state: a second WebSocket
client of the same server for Home Assistant (the fake server of bench/fake_home_assistant.py on
127.0.0.1), a second view of the SQLite file for the simulated home.

``home_assistant_subject`` is the Home Assistant row for ``bench/backends.py``::

    @row("Home Assistant (fake server on 127.0.0.1, seen by a second client)")
    def home_assistant(stack: ExitStack) -> Subject:
        return Subject(*home_assistant_subject(stack))

Run alone it times both rows:

    python -m bench.backends_ha [--commands 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.home.backend import Backend
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import load_home
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant
from bench.fake_home_assistant_data import state_from_home
from bench.intents import percentile

RESULTS = Path(__file__).parent / "results"
DEVICE = "switch.kettle"
#: The most one command may take before it counts as unconfirmed (seconds).
GIVE_UP_S = 10.0

Observed = Callable[[], str | None]


@dataclass(frozen=True)
class BackendRow:
    """One backend: milliseconds from execute() to the observer seeing the change."""

    backend: str
    commands: int
    confirmed: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    where: str


def home_assistant_subject(stack: ExitStack) -> tuple[Backend, str, Observed]:
    """The fake server, Hearth's backend on it, and a second client that watches the device."""
    from assistant.home.home_assistant.backend import HomeAssistantBackend
    from assistant.home.home_assistant.connection import Settings

    server = FakeHomeAssistant(state_from_home(load_home())).start()
    stack.callback(server.close)
    backend = HomeAssistantBackend(Settings(server.url, TOKEN)).start()
    stack.callback(backend.close)
    observer = HomeAssistantBackend(Settings(server.url, TOKEN)).start()
    stack.callback(observer.close)
    return backend, DEVICE, lambda: observer.home().device(DEVICE).state


def simulated_subject(stack: ExitStack) -> tuple[Backend, str, Observed]:
    """The simulated home, and a second opening of its file (another process's view)."""
    from assistant.home.simulated import SimulatedBackend

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hearth-bench-")))
    home = load_home()
    backend = SimulatedBackend(home, folder / "home.sqlite3")
    stack.callback(backend.close)
    observer = SimulatedBackend(home, folder / "home.sqlite3")
    stack.callback(observer.close)
    return backend, DEVICE, lambda: observer.home().device(DEVICE).state


def time_commands(backend: Backend, device: str, observed: Observed, count: int) -> list[float]:
    """Milliseconds per on/off command until ``observed`` shows it; unconfirmed ones left out."""
    samples: list[float] = []
    state = backend.home().device(device).state
    for done in range(1, count + 1):
        wanted = "off" if state == "on" else "on"
        started = time.perf_counter()
        backend.execute([Action(device, ActionKind(f"turn_{wanted}"))])
        while observed() != wanted and time.perf_counter() - started < GIVE_UP_S:
            time.sleep(0.0002)
        if observed() == wanted:
            samples.append((time.perf_counter() - started) * 1000)
        state = wanted
        if done % 50 == 0:
            print(f"  {done}/{count} commands", file=sys.stderr, flush=True)
    return samples


def measure(
    name: str, where: str, subject: Callable[[ExitStack], tuple[Backend, str, Observed]], count: int
) -> BackendRow:
    with ExitStack() as stack:
        samples = time_commands(*subject(stack), count)
    if not samples:
        return BackendRow(name, count, 0, 0.0, 0.0, 0.0, where)
    return BackendRow(
        name,
        count,
        len(samples),
        round(percentile(samples, 50), 2),
        round(percentile(samples, 95), 2),
        round(statistics.fmean(samples), 2),
        where,
    )


def home_assistant_row(count: int = 100) -> BackendRow:
    return measure(
        "home_assistant",
        "fake Home Assistant on 127.0.0.1, seen by a second client",
        home_assistant_subject,
        count,
    )


def simulated_row(count: int = 100) -> BackendRow:
    return measure("simulated", "SQLite, seen by a second view", simulated_subject, count)


def table(rows: list[BackendRow]) -> str:
    lines = [
        f"Command → confirmed state change ({os.cpu_count()} cores, {platform.machine()}; ms)",
        "| backend | commands | confirmed | p50 | p95 | mean |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.backend} ({r.where}) | {r.commands} | {r.confirmed} | {r.p50_ms:.2f} | "
            f"{r.p95_ms:.2f} | {r.mean_ms:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200, help="commands per backend (≥ 100)")
    parser.add_argument("--out", default=str(RESULTS / "backends_ha.json"))
    args = parser.parse_args(argv)
    count = max(100, args.commands)
    rows = []
    for name, row in (("simulated", simulated_row), ("home_assistant", home_assistant_row)):
        print(f"{name}: {count} commands", file=sys.stderr, flush=True)
        rows.append(row(count))
    print(table(rows))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"cores": os.cpu_count(), "rows": [asdict(r) for r in rows]}
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
