"""Benchmarks (tables + JSON). They measure on this machine's own espeak-ng where the committed
test speech lacks a sentence (``HEARTH_TEST_SPEECH=live``, inherited by their worker processes)."""

import os

os.environ.setdefault("HEARTH_TEST_SPEECH", "live")
