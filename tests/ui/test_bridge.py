"""The bridge: events cross from worker threads to the UI thread; engine calls leave it."""

from __future__ import annotations

import threading

from assistant.events import DeviceChanged, ErrorEvent, Stage
from assistant.home.backend import BackendError
from tests.ui.helpers import LOAD_TIMEOUT_MS, demo_runtime
from ui.status import AssistantState


def test_events_from_a_worker_thread_arrive_on_the_ui_thread(qtbot, bridge):
    bridge.attach(demo_runtime())
    seen: list[tuple[str, int]] = []
    bridge.device_changed.connect(lambda e: seen.append((e.device_id, threading.get_ident())))
    event = DeviceChanged("light.kitchen_ceiling", "off", {"brightness": 0}, "on")

    worker = threading.Thread(target=bridge.runtime.bus.publish, args=(event,))
    worker.start()
    worker.join()
    assert seen == []  # queued: nothing ran on the worker; it waits for the UI event loop

    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen == [("light.kitchen_ceiling", threading.get_ident())]


def test_every_event_also_arrives_on_the_generic_signal(qtbot, bridge):
    bridge.attach(demo_runtime())
    with qtbot.waitSignals([bridge.error, bridge.event_received], timeout=2000):
        threading.Thread(
            target=bridge.runtime.bus.publish, args=(ErrorEvent(Stage.ASR, "boom", "It broke"),)
        ).start()


def test_engine_calls_run_off_the_ui_thread(qtbot, bridge):
    runtime = demo_runtime()
    bridge.attach(runtime)
    threads: list[int] = []
    original = runtime.conversation.handle

    def recording_handle(text: str, asr_ms: float = 0.0):
        threads.append(threading.get_ident())
        return original(text, asr_ms)

    runtime.conversation.handle = recording_handle
    with qtbot.waitSignal(bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert bridge.send_text("turn on the kettle")
    assert blocker.args[0].intent == "HassTurnOn"
    assert threads and threads[0] != threading.get_ident()


def test_busy_is_reported_around_a_call(qtbot, bridge):
    bridge.attach(demo_runtime())
    states: list[bool] = []
    bridge.busy_changed.connect(states.append)
    with qtbot.waitSignal(bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        bridge.send_text("turn on the kettle")
    qtbot.waitUntil(lambda: states == [True, False], timeout=2000)


def test_a_failing_load_is_shown_as_an_error(qtbot, window_factory):
    win, bridge = window_factory()

    def broken():
        raise BackendError("the mqtt backend is not available in this version")

    with qtbot.waitSignal(bridge.runtime_failed, timeout=LOAD_TIMEOUT_MS):
        bridge.load(broken)
    assert win.state.state is AssistantState.ERROR
    assert "mqtt backend is not available" in win.state.text
    assert "could not start" in win.reply.text()
    assert not win.command.isEnabled()


def test_calls_after_shutdown_are_refused(qtbot, bridge):
    bridge.attach(demo_runtime())
    bridge.shutdown()
    assert bridge.runtime is None
    assert not bridge.send_text("turn on the kettle")
    bridge.shutdown()  # idempotent
