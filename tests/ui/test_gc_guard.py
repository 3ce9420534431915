"""The app collects Python garbage only on the UI thread."""

from __future__ import annotations

import gc

from ui.gc_guard import UiThreadCollector


def test_collector_owns_garbage_collection(qapp) -> None:
    gc.enable()
    collector = UiThreadCollector(qapp)
    try:
        assert not gc.isenabled()
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        collector.collect()
        assert gc.garbage == []
    finally:
        collector.stop()
        collector.deleteLater()
    assert gc.isenabled()
    gc.disable()  # the UI test package runs with automatic collection off
