"""Run Python's cyclic garbage collector only on the UI thread.

Engine work runs on worker threads; an automatic GC pass can start on whichever thread happens to
allocate, and if it frees a cycle holding a Qt object there, Qt crashes (seen in tests as a
segfault inside unrelated code on the worker). Disabling automatic collection and collecting from
a timer on the UI thread removes that whole class of crash; reference counting still frees
everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000
FULL_EVERY = 30  # a full collection every 30 s, young generations every second


class UiThreadCollector(QObject):
    """Owns the timer; create it on the UI thread and keep it parented to the application."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        gc.disable()
        self._timer.start()

    def collect(self) -> None:
        self._ticks += 1
        gc.collect(2 if self._ticks % FULL_EVERY == 0 else 0)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
