"""The benchmark's Home Assistant row: every timed command is confirmed by the fake server."""

from __future__ import annotations

from assistant.home.model import Home
from bench.backends_ha import home_assistant_row, simulated_row


def test_every_command_in_the_row_is_a_confirmed_change(demo_home: Home) -> None:
    ha = home_assistant_row(12, demo_home)
    simulated = simulated_row(12, demo_home)
    assert (ha.backend, ha.commands, ha.confirmed) == ("home_assistant", 12, 12)
    assert (simulated.commands, simulated.confirmed) == (12, 12)
    assert 0 < ha.p50_ms <= ha.p95_ms
