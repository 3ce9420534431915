"""Tray menu, notifications while hidden, and turns the window did not start (voice, CLI)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QSystemTrayIcon

from assistant.home.commands import Action, ActionKind
from tests.ui.helpers import LOAD_TIMEOUT_MS
from tests.ui.voice_fakes import FakePipeline, silent_input
from ui.app_services import AppServices
from ui.bridge import EngineBridge
from ui.main_window import STILL_RUNNING, MainWindow
from ui.tray import VOICE_UNAVAILABLE


def test_tray_offers_show_hide_and_quit_and_disables_voice_actions(qtbot, window: MainWindow):
    tray = window.tray
    assert tray is not None
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == ["Hide Hearth", "Listen", "Mute microphone", "Quit Hearth"]
    for action in (tray.listen_action, tray.mute_action):
        assert not action.isEnabled() and action.toolTip() == VOICE_UNAVAILABLE
    tray.show_action.trigger()
    assert not window.isVisible() and tray.show_action.text() == "Show Hearth"
    tray.show_action.trigger()
    assert window.isVisible() and tray.show_action.text() == "Hide Hearth"

    window.set_voice_available(True)
    assert tray.listen_action.isEnabled() and tray.mute_action.isEnabled()
    assert window.talk_button.isEnabled() and window.cancel_button.isEnabled()


def test_a_turn_started_elsewhere_fills_the_card_history_and_notifies_when_hidden(
    qtbot, window: MainWindow
):
    window.hide()
    runtime = window.bridge.runtime
    # Not through the bridge: as the voice pipeline or another front end would run it.
    runtime.conversation.handle("turn off the kitchen lights")
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=3000)
    assert (
        window.reply.text()
        == "Turned off the Ceiling Light in the Kitchen; the Counter Lights were already off"
    )
    assert "HassTurnOff" in window.intent_card.intent.text()
    assert window.intent_card.confidence.text() == "100%"
    assert window.intent_card.source_badge.text() == "LOCAL"
    assert window.intent_card.undo_button.isEnabled()
    assert window.tray.last_notification == (
        "Hearth",
        "Turned off the Ceiling Light in the Kitchen; the Counter Lights were already off",
    )
    card = window.home_view.cards["light.kitchen_ceiling"]
    qtbot.waitUntil(lambda: not card.toggle.isChecked(), timeout=2000)


def test_device_changes_while_hidden_are_gathered_into_one_notification(qtbot, window):
    backend = window.bridge.runtime.backend
    backend.execute([Action("switch.coffee_machine", ActionKind.TURN_ON)])
    qtbot.wait(600)
    assert window.tray.last_notification is None  # visible: the card shows it already

    window.hide()
    backend.execute(
        [
            Action("switch.coffee_machine", ActionKind.TURN_OFF),
            Action("light.kitchen_ceiling", ActionKind.TURN_OFF),
        ]
    )
    qtbot.waitUntil(lambda: window.tray.last_notification is not None, timeout=3000)
    _title, message = window.tray.last_notification
    assert "Coffee Machine: off" in message and "Ceiling Light: off" in message

    window.preferences.notifications = False
    window.tray.last_notification = None
    backend.execute([Action("switch.coffee_machine", ActionKind.TURN_ON)])
    qtbot.wait(600)
    assert window.tray.last_notification is None


def test_typed_turns_are_not_shown_twice(qtbot, window):
    window.command.setText("turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=5000):
        window.send()
    qtbot.wait(50)
    assert window.history.count() == 1


def test_start_minimized_without_a_tray_minimizes(qtbot, window_factory):
    win, _bridge = window_factory()
    win.hide()
    win.preferences.start_minimized = True
    win.start()
    assert win.isMinimized() or (win.tray is not None and win.tray.available)


# -- closing to the tray, and quitting for real ------------------------------------------------------


@pytest.fixture
def tray_available(monkeypatch) -> None:
    """Pretend the desktop has a system tray (the offscreen platform has none)."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))


@pytest.fixture
def no_tray(monkeypatch) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))


def _loaded(qtbot, services: AppServices, **changes) -> MainWindow:
    bridge = EngineBridge()
    win = MainWindow(bridge, services=replace(services, **changes))
    qtbot.addWidget(win)
    win.show()
    assert services.factory is not None
    with qtbot.waitSignal(bridge.home_loaded, timeout=LOAD_TIMEOUT_MS):
        bridge.load(services.factory)
    return win


def test_closing_hides_to_the_tray_and_hearth_keeps_running(qtbot, tray_available, services):
    win = _loaded(qtbot, services)
    tray = win.tray
    assert tray is not None and win.closes_to_tray

    with qtbot.assertNotEmitted(win.closed):
        win.close()
    assert not win.isVisible()
    assert win.bridge.runtime is not None and win.ptt_server.listening
    assert tray.show_action.text() == "Show Hearth"
    assert tray.last_notification == ("Hearth", STILL_RUNNING)

    tray.last_notification = None
    tray.show_action.trigger()
    assert win.isVisible()
    win.close()
    assert not win.isVisible() and tray.last_notification is None  # said once is enough

    # Hidden, it still does what it is told, and says what changed.
    with qtbot.waitSignal(win.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        assert win.send_text("turn off the kitchen lights")
    qtbot.waitUntil(lambda: tray.last_notification is not None, timeout=3000)
    assert "Ceiling Light: off" in tray.last_notification[1]

    with qtbot.waitSignal(win.closed, timeout=1000):
        tray.quit_action.trigger()
    assert win.bridge.runtime is None and win.bridge.closed
    assert not win.ptt_server.listening and not tray.icon.isVisible()


def test_quit_stops_voice_and_the_engine_even_with_a_tray(qtbot, tray_available, services):
    fake = FakePipeline()
    bridge = EngineBridge()
    win = MainWindow(
        bridge,
        services=replace(
            services, voice=True, open_source=silent_input, build_pipeline=lambda _rt, _sink: fake
        ),
    )
    qtbot.addWidget(win)
    win.show()
    assert win.voice is not None and services.factory is not None
    with qtbot.waitSignal(win.voice.ready, timeout=LOAD_TIMEOUT_MS):
        bridge.load(services.factory)
    assert win.quit_action.shortcut() == QKeySequence("Ctrl+Q")

    win.close()  # to the tray: listening goes on
    assert fake.calls == ["start"] and win.voice.pipeline is fake

    win.quit_action.trigger()  # Ctrl+Q and Hearth → Quit
    assert fake.calls == ["start", "close"] and win.voice.pipeline is None
    assert bridge.closed and bridge.runtime is None


def test_without_a_tray_closing_quits(qtbot, no_tray, services):
    win = _loaded(qtbot, services)
    assert not win.closes_to_tray
    with qtbot.waitSignal(win.closed, timeout=1000):
        win.close()
    assert win.bridge.runtime is None


def test_closing_quits_when_the_user_turned_closing_to_the_tray_off(
    qtbot, tray_available, services
):
    win = _loaded(qtbot, services)
    win.preferences.close_to_tray = False  # Settings → App
    assert not win.closes_to_tray
    with qtbot.waitSignal(win.closed, timeout=1000):
        win.close()
    assert win.bridge.runtime is None
    assert win.tray is not None and win.tray.last_notification is None
