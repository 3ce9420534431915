"""The one door between the headless engine and Qt: events become signals, calls go to a worker.

The engine publishes events on whatever thread did the work (a worker here, the audio thread
later), and Qt widgets may only be touched on the UI thread. So every bus event is posted
through a queued connection and re-emitted on the UI thread, and every blocking engine call
(building the runtime, ``Conversation.handle``, ``run_actions``) runs on a one-thread pool: one
thread because a conversation is a sequence (a "yes" must run after the question it answers).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from assistant.conversation import TurnResult
from assistant.events import Event, EventType
from assistant.home.commands import Action
from assistant.runtime import Runtime
from ui.long_job import one_line

_LOGGER = logging.getLogger(__name__)

#: How long closing the window waits for a running engine call before giving up (ms).
SHUTDOWN_WAIT_MS = 5000

#: Set while a bridge job runs on the worker, so events it publishes are known to be ours.
_in_job = threading.local()


class _Job(QRunnable):
    """Runs one engine call on the pool and reports back through the bridge's queued signals."""

    def __init__(
        self, bridge: EngineBridge, job_id: int, work: Callable[[], Any], quiet: bool = False
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self._job_id = job_id
        self._work = work
        self._quiet = quiet
        self.setAutoDelete(True)

    def run(self) -> None:
        _in_job.active = True
        try:
            result = self._work()
        except Exception as err:  # any engine failure must reach the user, not kill the thread
            if self._quiet:  # setup that may fail on a machine (no microphone): one line
                _LOGGER.warning("%s", one_line(err))
                _LOGGER.debug("background job failed", exc_info=True)
            else:
                _LOGGER.exception("engine call failed")
            self._bridge._job_failed.emit(self._job_id, one_line(err))
        else:
            self._bridge._job_done.emit(self._job_id, result)
        finally:
            _in_job.active = False


def _build(factory: Callable[[], Runtime]) -> Runtime:
    runtime = factory()
    try:
        runtime.conversation.warm_up()  # the first real command should be fast too
    except Exception:
        runtime.close()
        raise
    return runtime


class EngineBridge(QObject):
    """Owns the Runtime for the GUI: loads it, calls it off the UI thread, relays its events."""

    # Engine events, re-emitted on the UI thread; each carries the event dataclass.
    event_received = Signal(object)
    stage_started = Signal(object)
    stage_ended = Signal(object)
    pipeline_state_changed = Signal(object)
    transcript = Signal(object)
    intent_recognized = Signal(object)
    actions_executed = Signal(object)
    reply = Signal(object)
    confirmation_requested = Signal(object)
    device_changed = Signal(object)
    error = Signal(object)
    #: Every finished turn (TurnCompleted) and whether this bridge started it; voice turns and
    #: other front ends' turns arrive with False, so the window can show them too.
    turn_completed = Signal(object, bool)

    # Results of calls made through the bridge.
    runtime_ready = Signal(object)  # Runtime
    runtime_reloading = Signal()  # the old runtime is closed; a new one is being built
    runtime_failed = Signal(str)
    turn_finished = Signal(object)  # TurnResult
    turn_failed = Signal(str)
    home_loaded = Signal(object)  # Home snapshot
    busy_changed = Signal(bool)
    #: Emitted first thing in ``shutdown``, while the runtime still exists (voice stops here).
    closing = Signal()

    # Internal hops from other threads to this object's thread.
    _event_posted = Signal(object, bool)
    _job_done = Signal(int, object)
    _job_failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._runtime: Runtime | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._ids = count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self._quiet: set[int] = set()  # background jobs that do not make the window "busy"
        self._closed = False
        self._refreshing = False  # one look for other processes' changes at a time
        self._by_type: dict[EventType, Any] = {
            EventType.STAGE_START: self.stage_started,
            EventType.STAGE_END: self.stage_ended,
            EventType.PIPELINE_STATE: self.pipeline_state_changed,
            EventType.TRANSCRIPT: self.transcript,
            EventType.INTENT: self.intent_recognized,
            EventType.ACTIONS: self.actions_executed,
            EventType.REPLY: self.reply,
            EventType.CONFIRMATION: self.confirmation_requested,
            EventType.DEVICE_CHANGED: self.device_changed,
            EventType.ERROR: self.error,
        }
        queued = Qt.ConnectionType.QueuedConnection
        self._event_posted.connect(self._dispatch, queued)
        self._job_done.connect(self._on_job_done, queued)
        self._job_failed.connect(self._on_job_failed, queued)

    # -- runtime lifecycle ------------------------------------------------------------------------

    @property
    def runtime(self) -> Runtime | None:
        return self._runtime

    @property
    def busy(self) -> bool:
        return any(job not in self._quiet for job in self._callbacks)

    @property
    def closed(self) -> bool:
        return self._closed

    def load(self, factory: Callable[[], Runtime]) -> None:
        """Build the runtime on the worker so the window paints while the engine compiles."""
        self._submit(lambda: _build(factory), self._on_loaded, self.runtime_failed.emit)

    def reload(self, factory: Callable[[], Runtime]) -> bool:
        """Swap in a runtime built from new settings, on the worker, after queued calls.

        Calls already queued run on the old runtime first (the pool is one thread, in order);
        from now until ``runtime_ready`` the bridge refuses new calls, so nothing can reach an
        engine that is being closed. False when the bridge is shut down.
        """
        if self._closed:
            return False
        old = self._runtime
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._runtime = None
        self.runtime_reloading.emit()

        def rebuild() -> Runtime:
            if old is not None:
                old.close()
            return _build(factory)

        self._submit(rebuild, self._on_loaded, self.runtime_failed.emit)
        return True

    def attach(self, runtime: Runtime) -> None:
        """Use an already built runtime (tests, or a front end that built it itself)."""
        self._on_loaded(runtime)

    def _on_loaded(self, runtime: Runtime) -> None:
        if self._closed:
            runtime.close()
            return
        self._runtime = runtime
        self._unsubscribe = runtime.bus.subscribe(self._post)
        self.runtime_ready.emit(runtime)

    def _post(self, event: Event) -> None:
        """The bus listener, on the publishing thread: hop to the UI thread, tagged."""
        self._event_posted.emit(event, bool(getattr(_in_job, "active", False)))

    def shutdown(self) -> None:
        """Stop listening, let a running call finish, and close the engine (idempotent)."""
        if self._closed:
            return
        self.closing.emit()
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._pool.clear()
        if not self._pool.waitForDone(SHUTDOWN_WAIT_MS):
            _LOGGER.warning("an engine call was still running when the window closed")
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None

    # -- engine calls -----------------------------------------------------------------------------

    def send_text(self, text: str) -> bool:
        """Handle a typed (or transcribed) sentence; False when the engine is not ready."""
        runtime = self._runtime
        if runtime is None or self._closed:
            return False
        self._submit(lambda: runtime.handle(text), self._emit_turn, self.turn_failed.emit)
        return True

    def run_actions(self, actions: Sequence[Action], confirmed: bool = False) -> bool:
        """Direct control from a device card: same checks, confirmation and undo as voice."""
        runtime = self._runtime
        if runtime is None or self._closed:
            return False
        chosen = tuple(actions)
        self._submit(
            lambda: runtime.run_actions(chosen, confirmed=confirmed),
            self._emit_turn,
            self.turn_failed.emit,
        )
        return True

    def fetch_home(self) -> bool:
        """Take a snapshot of the home on the worker (a remote backend may have to ask)."""
        runtime = self._runtime
        if runtime is None or self._closed:
            return False
        self._submit(runtime.backend.home, self.home_loaded.emit, self.turn_failed.emit)
        return True

    def refresh_home(self) -> bool:
        """Look for changes other processes (``hearth parse``, voice) made to the home.

        They arrive as DeviceChanged events like the window's own. Quiet, and never queued
        twice: a slow step on the worker only delays the next look.
        """
        runtime = self._runtime
        if runtime is None or self._closed or self._refreshing:
            return False
        self._refreshing = True

        def done(_: object) -> None:
            self._refreshing = False

        self._submit(runtime.backend.refresh, done, done, quiet=True)
        return True

    def submit_background(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> bool:
        """Run a slow setup step (loading speech models) on the worker, in order with the rest.

        It does not count as busy: the window keeps saying what it loads, not "Thinking…".
        """
        if self._closed:
            return False
        self._submit(work, on_done, on_error, quiet=True)
        return True

    def _emit_turn(self, result: TurnResult) -> None:
        if not self._closed:  # a call that finished while closing has no window to go to
            self.turn_finished.emit(result)

    def _submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
        quiet: bool = False,
    ) -> None:
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = (on_done, on_error)
        if quiet:
            self._quiet.add(job_id)
        elif not was_busy:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, job_id, work, quiet))

    # -- UI-thread side of the queued hops ------------------------------------------------------------

    @Slot(object, bool)
    def _dispatch(self, event: Event, ours: bool) -> None:
        if self._closed:
            return
        self.event_received.emit(event)
        signal = self._by_type.get(event.type)
        if signal is not None:
            signal.emit(event)
        if event.type is EventType.TURN_COMPLETED:
            self.turn_completed.emit(event, ours)

    @Slot(int, object)
    def _on_job_done(self, job_id: int, result: Any) -> None:
        quiet = job_id in self._quiet
        callbacks = self._callbacks.pop(job_id, None)
        self._quiet.discard(job_id)
        if callbacks is not None:
            callbacks[0](result)
        self._after_job(quiet)

    @Slot(int, str)
    def _on_job_failed(self, job_id: int, message: str) -> None:
        quiet = job_id in self._quiet
        callbacks = self._callbacks.pop(job_id, None)
        self._quiet.discard(job_id)
        if callbacks is not None:
            callbacks[1](message)
        self._after_job(quiet)

    def _after_job(self, quiet: bool) -> None:
        if not quiet and not self.busy:
            self.busy_changed.emit(False)
