"""Start-up: the window is there, responsive and says it is loading before the engine is.

No wall-clock assertions: the engine's build and the speech models' load are held on an Event,
so "while loading" is a state the test controls, however fast or slow the machine is.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer

from assistant.runtime import Runtime
from tests.ui.helpers import LOAD_TIMEOUT_MS
from tests.ui.voice_fakes import BlockedBuild, FakePipeline, silent_input
from ui.app_services import AppServices
from ui.bridge import EngineBridge
from ui.main_window import VOICE_LOADING, MainWindow
from ui.status import AssistantState


class BlockedFactory:
    """Builds the real runtime, but only once ``release`` is set."""

    def __init__(self, services: AppServices) -> None:
        assert services.factory is not None
        self.factory = services.factory
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> Runtime:
        self.started.set()
        self.release.wait(30)
        return self.factory()


@pytest.fixture
def blocked(services: AppServices) -> BlockedFactory:
    return BlockedFactory(services)


def _open(qtbot, services: AppServices, release: threading.Event) -> MainWindow:
    bridge = EngineBridge()
    win = MainWindow(bridge, services=services)
    qtbot.addWidget(win, before_close_func=lambda _win: release.set())  # even if a test fails
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_window_paints_and_responds_while_the_engine_loads(qtbot, services, blocked):
    win = _open(qtbot, services, blocked.release)
    win.bridge.load(blocked)
    assert blocked.started.wait(5)

    assert win.isVisible() and not win.grab().isNull()
    assert win.state.state is AssistantState.LOADING and win.state.text == "Loading…"
    assert win.reply.text() == "Starting Hearth…"
    assert win.home_view.message == "Loading your home…"
    assert not win.command.isEnabled() and not win.send_button.isEnabled()
    assert win.home_view.cards == {}

    # Responsive: timers fire, dialogs open, the window can be hidden and shown again.
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=1000)
    shortcuts = win.show_shortcuts()
    assert shortcuts.isVisible()
    shortcuts.close()
    settings = win.show_settings()
    assert settings.isVisible()
    settings.reject()
    win.toggle_visible()
    win.toggle_visible()
    assert win.isVisible() and win.state.state is AssistantState.LOADING

    blocked.release.set()
    qtbot.waitUntil(lambda: win.state.state is AssistantState.IDLE, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "light.kitchen_ceiling" in win.home_view.cards, timeout=5000)
    assert win.command.isEnabled() and win.reply.text().startswith("Hello!")


def test_typing_works_while_the_speech_models_load(qtbot, services):
    pipeline = FakePipeline()
    build = BlockedBuild(pipeline)
    voice = replace(services, voice=True, open_source=silent_input, build_pipeline=build)
    win = _open(qtbot, voice, build.release)
    assert services.factory is not None and win.voice is not None
    win.bridge.load(services.factory)
    qtbot.waitUntil(build.started.is_set, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: win.voice_label.text() == VOICE_LOADING, timeout=2000)
    # The home's first snapshot (queued before the models) lands; then the window is ready.
    qtbot.waitUntil(lambda: "light.kitchen_ceiling" in win.home_view.cards, timeout=5000)
    qtbot.waitUntil(lambda: win.state.state is AssistantState.IDLE, timeout=2000)
    assert "voice is loading" in win.state.text
    assert win.command.isEnabled()
    assert not win.talk_button.isEnabled() and not win.voice_available
    assert win.send_text("turn off the kitchen lights")  # taken now, run after the load

    build.release.set()
    with qtbot.waitSignal(win.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as turn:
        pass
    assert turn.args[0].intent == "HassTurnOff"
    qtbot.waitUntil(lambda: win.voice_available, timeout=5000)
    assert win.talk_button.isEnabled() and "test input" in win.voice_label.text()
    assert pipeline.calls == ["start"]
