"""Benchmarks (tables + JSON)."""

import os


def speak_with_this_machines_espeak() -> None:
    """Let a benchmark synthesize sentences the committed test speech lacks with this machine's
    espeak-ng (``HEARTH_TEST_SPEECH=live``, inherited by its worker processes).

    Called by each benchmark's ``main``, never on import: tests import bench modules too, and the
    suite must only ever replay the committed clips.
    """
    os.environ.setdefault("HEARTH_TEST_SPEECH", "live")
