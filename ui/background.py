"""Small one-off jobs off the UI thread (device lists, home files, model states).

The engine has its own one-thread bridge; these are the dialogs' short reads that must not
freeze a window even when a disk or an audio server is slow. The carrier QObject is created on
the UI thread and parented to the widget that asked, so it is destroyed with that widget on the
UI thread, never by Python's GC on a worker. A job that finishes after its widget is gone is
dropped quietly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

_LOGGER = logging.getLogger(__name__)


class _Carrier(QObject):
    """Delivers a job's outcome to the UI thread through queued signals."""

    done = Signal(object)
    failed = Signal(str)


class _Runnable(QRunnable):
    def __init__(self, carrier: _Carrier, work: Callable[[], Any]) -> None:
        super().__init__()
        self._carrier = carrier
        self._work = work
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as err:  # the caller shows it; a worker must never die of it
            _LOGGER.debug("background job failed", exc_info=True)
            outcome: tuple[bool, Any] = (False, _one_line(err))
        else:
            outcome = (True, result)
        try:
            if outcome[0]:
                self._carrier.done.emit(outcome[1])
            else:
                self._carrier.failed.emit(outcome[1])
        except RuntimeError:  # the widget (and its carrier) was closed meanwhile
            pass


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def run_in_background(
    owner: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Run ``work`` on Qt's global pool; the callbacks run on ``owner``'s (UI) thread."""
    carrier = _Carrier(owner)
    queued = Qt.ConnectionType.QueuedConnection  # explicit: plain callables have no thread
    carrier.done.connect(on_done, queued)
    carrier.done.connect(carrier.deleteLater, queued)
    if on_error is not None:
        carrier.failed.connect(on_error, queued)
    carrier.failed.connect(carrier.deleteLater, queued)
    QThreadPool.globalInstance().start(_Runnable(carrier, work))
