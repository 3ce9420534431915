"""Shared helpers for the UI tests (fixtures live in conftest.py)."""

from __future__ import annotations

from assistant.config import Config
from assistant.home.loader import demo_home_path
from assistant.runtime import Runtime, build_runtime

#: Generous: the first build compiles the intent templates (well under a second here).
LOAD_TIMEOUT_MS = 15_000


def demo_runtime() -> Runtime:
    """A fresh temporary copy of the demo home (HEARTH_DATA_DIR is a tmp dir in the tests)."""
    return build_runtime(Config(), home_file=demo_home_path())
