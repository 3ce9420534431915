"""bench.backends: every row times real commands to an outside observer; a row is one function."""

from __future__ import annotations

from contextlib import ExitStack

from bench import backends
from bench.mosquitto import MOSQUITTO


def test_each_backend_row_confirms_every_command() -> None:
    @backends.row("nowhere (needs a server this machine lacks)")
    def nowhere(stack: ExitStack) -> backends.Subject:
        raise backends.Unavailable("no such server here")

    try:
        report = backends.run(commands=6)
    finally:
        backends.ROWS.pop("nowhere (needs a server this machine lacks)")
    rows = report["rows"]
    simulated = next(r for label, r in rows.items() if label.startswith("simulated"))
    assert (simulated["n"], simulated["failures"]) == (6, 0)
    assert simulated["p50_ms"] <= simulated["p95_ms"] <= simulated["max_ms"]
    mqtt = next(r for label, r in rows.items() if label.startswith("MQTT"))
    if MOSQUITTO is None:
        assert "mosquitto is not installed" in mqtt["skipped"]
    else:
        assert (mqtt["n"], mqtt["failures"]) == (6, 0)
    assert rows["nowhere (needs a server this machine lacks)"] == {"skipped": "no such server here"}
    assert "skipped: no such server here" in backends.table(report)
