"""The benchmark's Home Assistant row: every timed command is seen by the second client."""

from __future__ import annotations

from bench.backends_ha import home_assistant_row, simulated_row


def test_every_command_in_the_row_is_confirmed_by_an_observer() -> None:
    ha = home_assistant_row(12)
    simulated = simulated_row(12)
    assert (ha.backend, ha.commands, ha.confirmed) == ("home_assistant", 12, 12)
    assert (simulated.commands, simulated.confirmed) == (12, 12)
    assert 0 < ha.p50_ms <= ha.p95_ms
