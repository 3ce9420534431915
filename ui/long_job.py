"""Work off the UI thread with progress and cancel: model downloads, the speed check, reads.

Each run gets a plain daemon thread (a download or a benchmark can take minutes and would starve
Qt's small global pool). The work reports progress through a callback and watches a
``threading.Event`` for cancel; results reach the UI thread through queued signals on a carrier
QObject.

The carrier is where threads and Qt object lifetimes meet, so its life is fixed on purpose:

* it is parented to the application, not to the widget that asked, so closing that widget never
  deletes it while the worker may still emit on it;
* a registry on the UI side holds its Python wrapper (and the job) until the worker thread has
  ended, so the worker never drops the last reference (a wrapper freed on a worker while Qt
  deletes the object on the UI thread is a crash);
* it is deleted with ``deleteLater`` on the UI thread once the result was delivered.

A result that arrives after its owner was closed is dropped quietly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

_LOGGER = logging.getLogger(__name__)

#: The work: gets a progress callback (any object) and the cancel event; returns the result.
Work = Callable[[Callable[[object], None], threading.Event], Any]

#: Runs whose worker may still emit, by carrier; only the UI thread adds and removes. Holding
#: the job here too keeps its slots alive: Qt connections hold bound methods weakly.
_LIVE: dict[QObject, LongJob] = {}


def one_line(err: BaseException) -> str:
    """The first line of an error's message (its type when it has none), for a status line."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


class _Carrier(QObject):
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception the work raised


class LongJob:
    """Runs one :data:`Work` at a time for ``owner``; the callbacks run on the UI thread.

    ``on_failed`` gets the exception itself (cancelling included: the work raises its own
    cancel exception), so the owner can word it for a person.
    """

    def __init__(
        self,
        owner: QObject,
        on_progress: Callable[[object], None] | None,
        on_succeeded: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        self._owner = owner
        self._on_progress = on_progress
        self._on_succeeded = on_succeeded
        self._on_failed = on_failed
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._carrier: _Carrier | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, work: Work, name: str = "hearth-job") -> bool:
        """Start ``work`` unless a run is still going (then False)."""
        if self._thread is not None:
            return False
        cancel = self._cancel = threading.Event()
        carrier = _Carrier(QCoreApplication.instance())
        _LIVE[carrier] = self
        self._carrier = carrier
        queued = Qt.ConnectionType.QueuedConnection  # explicit: plain callables have no thread
        carrier.progress.connect(self._progress, queued)
        carrier.succeeded.connect(self._succeeded, queued)
        carrier.failed.connect(self._failed, queued)

        def report(value: object) -> None:
            carrier.progress.emit(value)

        def run() -> None:
            try:
                result = work(report, cancel)
            except Exception as err:  # worded by the owner; a worker must never die of it
                _LOGGER.debug("job %s failed", name, exc_info=True)
                outcome, value = carrier.failed, err
            else:
                outcome, value = carrier.succeeded, result
            try:
                outcome.emit(value)
            except RuntimeError:  # the app quit meanwhile and deleted the carrier: nobody waits
                _LOGGER.debug("job %s ended after the app", name)

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        """Ask the run to stop; it reports through ``on_failed`` with its cancel exception."""
        self._cancel.set()

    def wait(self, timeout_s: float = 10.0) -> None:
        """Join the thread (tests; an owner whose run must not outlive it)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _owner_alive(self) -> bool:
        return shiboken6.isValid(self._owner)

    def _progress(self, value: object) -> None:
        if self._thread is not None and self._on_progress is not None and self._owner_alive():
            self._on_progress(value)

    def _finish(self) -> None:
        """The worker emitted its last signal: let it end, then free the carrier here."""
        thread, carrier = self._thread, self._carrier
        self._thread = self._carrier = None
        if thread is not None:
            thread.join()  # it only has to return from the emit
        if carrier is not None:
            carrier.deleteLater()
            _LIVE.pop(carrier, None)

    def _succeeded(self, result: object) -> None:
        self._finish()
        if self._owner_alive():
            self._on_succeeded(result)

    def _failed(self, err: object) -> None:
        self._finish()
        if self._owner_alive() and isinstance(err, BaseException):
            self._on_failed(err)


def run_once(
    owner: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
) -> LongJob:
    """A short read off the UI thread (a device list, a home file), without progress or cancel.

    ``on_error`` gets the first line of the exception's message.
    """

    def failed(err: BaseException) -> None:
        if on_error is not None:
            on_error(one_line(err))

    job = LongJob(owner, None, on_done, failed)
    job.start(lambda _progress, _cancel: work(), name="hearth-read")
    return job
