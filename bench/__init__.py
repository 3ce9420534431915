"""Benchmarks (tables + JSON)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
_SPEECH = "HEARTH_TEST_SPEECH"


def speaks_with_this_machines_espeak(main: Callable[P, R]) -> Callable[P, R]:
    """Run a benchmark's ``main`` letting sentences the committed test speech lacks be spoken by
    this machine's espeak-ng (``HEARTH_TEST_SPEECH=live``, inherited by its worker processes).

    Scoped to the call, never set on import: tests import bench modules (and call a ``main``)
    too, and the suite must only ever replay the committed clips.
    """

    @functools.wraps(main)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        before = os.environ.get(_SPEECH)
        os.environ.setdefault(_SPEECH, "live")
        try:
            return main(*args, **kwargs)
        finally:
            if before is None:
                os.environ.pop(_SPEECH, None)

    return run
