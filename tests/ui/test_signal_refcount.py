"""The guard against PySide's emit dropping references to True (ui/signal_refcount.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from ui.signal_refcount import emit_drops_true

# Emits three times as many signals as True has references: with the bug and without the
# guard this aborts ("bool_dealloc"); with the guard, or without the bug, it runs to the end.
_MANY_EMITS = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QObject, Signal
    from ui.signal_refcount import protect_true

    class Chatty(QObject):
        level = Signal(object, bool)

    emits = 3 * sys.getrefcount(True)
    protect_true()
    chatty = Chatty()
    chatty.level.connect(lambda value, ours: None)
    for n in range(emits):
        chatty.level.emit(n, n % 2 == 0)
    print("survived")
    """
)


def test_a_long_stream_of_emits_does_not_crash_the_app():
    done = subprocess.run(
        [sys.executable, "-c", _MANY_EMITS],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_the_probe_leaves_true_as_it_found_it():
    before = sys.getrefcount(True)
    emit_drops_true()
    after = sys.getrefcount(True)
    assert after - before == 0
