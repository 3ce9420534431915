"""Tray menu, notifications while hidden, and turns the window did not start (voice, CLI)."""

from __future__ import annotations

from assistant.home.commands import Action, ActionKind
from ui.main_window import MainWindow
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
    assert window.reply.text() == "Turned off the lights"
    assert "HassTurnOff" in window.intent_card.intent.text()
    assert window.intent_card.confidence.text() == "100%"
    assert window.intent_card.source_badge.text() == "LOCAL"
    assert window.intent_card.undo_button.isEnabled()
    assert window.tray.last_notification == ("Hearth", "Turned off the lights")
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
