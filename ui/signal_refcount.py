"""A guard against a PySide6 bug that would crash a listening Hearth within minutes.

PySide6 6.12.0's ``SignalInstance.emit()`` returns ``True`` without owning a reference to it,
so every ``emit`` from Python takes one reference away from ``True``. On Python 3.12+ ``True``
is immortal and nothing happens; on 3.11 its count reaches zero after a few thousand emits and
the interpreter aborts ("Fatal Python error: bool_dealloc"). The app emits several signals per
engine event, and while voice listens the microphone's level alone is a stream of events: about
20 references a second, a crash after some six minutes of listening, or at exit.

``protect_true`` checks whether the running PySide has the bug (a few emits, counted) and only
then gives ``True`` a reference count no run will ever use up, which is what Python 3.12 does
for every interpreter. It does nothing elsewhere, so it can stay after PySide is fixed.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

#: References given to ``True``: at a million emits a second, enough for 30 years.
RESERVE = 1 << 50
_PROBES = 8


class _Probe(QObject):
    ping = Signal()


def emit_drops_true() -> bool:
    """Whether ``Signal.emit`` hands back ``True`` without a reference of its own."""
    probe = _Probe()
    before = sys.getrefcount(True)
    results = [probe.ping.emit() for _ in range(_PROBES)]
    owned = sys.getrefcount(True) - before  # _PROBES where each result owns its reference
    del results
    if owned >= _PROBES:
        return False
    ctypes.c_ssize_t.from_address(id(True)).value += _PROBES - owned  # what the probe took
    return True


def protect_true() -> bool:
    """Keep ``True`` alive whatever the emits take; True when the bug was there to guard."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal there (and ob_refcnt is CPython's layout)
    if not emit_drops_true():
        return False
    ctypes.c_ssize_t.from_address(id(True)).value += RESERVE
    return True
