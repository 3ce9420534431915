"""Command → confirmed state change on Home Assistant, beside the simulated home, in one run.

The Home Assistant row runs against the fake server (bench/fake_home_assistant.py) on
127.0.0.1: each command goes through ``HomeAssistantBackend.execute`` — the same effects check,
the service call over the WebSocket, and the wait for the ``state_changed`` that confirms it —
and the time is taken when execute returns with the changed state. Every command changes
something (toggles and alternating levels), and a command whose result shows no change counts as
unconfirmed. The simulated row runs the same commands on a SQLite home in a temporary folder.

This is the row for ``bench/backends.py`` (``home_assistant_row``); run alone it prints both:

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
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.home.backend import Backend
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import load_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant
from bench.fake_home_assistant_data import state_from_home
from bench.intents import percentile

RESULTS = Path(__file__).parent / "results"
WARM_UP = 5


@dataclass(frozen=True)
class BackendRow:
    """One backend's command latency: milliseconds from execute() to the confirmed change."""

    backend: str
    commands: int
    confirmed: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    where: str


def commands(count: int, start: int = 0) -> list[Action]:
    """Commands that each change the demo home: toggles, and levels that alternate (``start``:
    where in the sequence to begin, so the timed commands continue the warm-up's)."""
    cycle: list[Callable[[int], Action]] = [
        lambda i: Action("switch.kettle", ActionKind.TOGGLE),
        lambda i: Action(
            "light.kitchen_ceiling", ActionKind.SET_BRIGHTNESS, {"brightness": 20 + 60 * (i % 2)}
        ),
        lambda i: Action(
            "cover.living_room_blinds", ActionKind.SET_POSITION, {"position": 30 + 40 * (i % 2)}
        ),
        lambda i: Action(
            "media_player.kitchen_speaker", ActionKind.SET_VOLUME, {"volume": 25 + 30 * (i % 2)}
        ),
        lambda i: Action(
            "climate.living_room", ActionKind.SET_TEMPERATURE, {"temperature": 19 + 3 * (i % 2)}
        ),
    ]
    return [cycle[i % len(cycle)](i // len(cycle)) for i in range(start, start + count)]


def time_commands(backend: Backend, count: int) -> tuple[list[float], int]:
    """Milliseconds per command, and how many came back with a confirmed change."""
    for action in commands(WARM_UP):
        backend.execute([action])
    actions = commands(count, start=WARM_UP)
    samples: list[float] = []
    confirmed = 0
    for done, action in enumerate(actions, 1):
        started = time.perf_counter()
        results = backend.execute([action])
        samples.append((time.perf_counter() - started) * 1000)
        confirmed += any(r.changed for r in results)
        if done % 50 == 0:
            print(f"  {done}/{len(actions)} commands", file=sys.stderr, flush=True)
    return samples, confirmed


def _row(name: str, samples: list[float], confirmed: int, where: str) -> BackendRow:
    return BackendRow(
        name,
        len(samples),
        confirmed,
        round(percentile(samples, 50), 2),
        round(percentile(samples, 95), 2),
        round(statistics.fmean(samples), 2),
        where,
    )


def home_assistant_row(count: int = 100, home: Home | None = None) -> BackendRow:
    """The fake Home Assistant on 127.0.0.1 (WebSocket, hass-client, confirmed by state_changed)."""
    from assistant.home.home_assistant.backend import HomeAssistantBackend
    from assistant.home.home_assistant.connection import Settings

    server = FakeHomeAssistant(state_from_home(home or load_home())).start()
    try:
        backend = HomeAssistantBackend(Settings(server.url, TOKEN)).start()
        try:
            samples, confirmed = time_commands(backend, count)
        finally:
            backend.close()
    finally:
        server.close()
    return _row("home_assistant", samples, confirmed, "fake Home Assistant on 127.0.0.1")


def simulated_row(count: int = 100, home: Home | None = None) -> BackendRow:
    """The simulated home: one SQLite transaction per command."""
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as folder:
        backend = SimulatedBackend(home or load_home(), Path(folder) / "home.sqlite3")
        try:
            samples, confirmed = time_commands(backend, count)
        finally:
            backend.close()
    return _row("simulated", samples, confirmed, "SQLite in a temporary folder")


def table(rows: list[BackendRow]) -> str:
    lines = [
        f"Command → confirmed state change ({os.cpu_count()} cores, {platform.machine()})",
        f"{'backend':<16}{'commands':>9}{'confirmed':>11}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}",
    ]
    for r in rows:
        lines.append(
            f"{r.backend:<16}{r.commands:>9}{r.confirmed:>11}{r.p50_ms:>9.2f}{r.p95_ms:>9.2f}"
            f"{r.mean_ms:>9.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=100, help="commands per backend (≥ 100)")
    parser.add_argument("--out", default=str(RESULTS / "backends_ha.json"))
    args = parser.parse_args(argv)
    count = max(100, args.commands)
    home = load_home()
    rows = []
    for name, measure in (("simulated", simulated_row), ("home_assistant", home_assistant_row)):
        print(f"{name}: {count} commands", file=sys.stderr, flush=True)
        rows.append(measure(count, home))
    print(table(rows))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"cores": os.cpu_count(), "rows": [asdict(r) for r in rows]}
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
