"""The main window end to end: typing, card controls, confirmation, undo, history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QLineEdit, QWidget

from assistant.home.commands import Action, ActionKind
from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.main_window import MainWindow
from ui.status import AssistantState


def _device(win: MainWindow, device_id: str):
    return win.bridge.runtime.backend.home().devices[device_id]


def _next_tab_stop(widget: QWidget) -> QWidget:
    """Where Tab goes from ``widget``: the next visible, enabled widget that accepts Tab."""
    candidate = widget.nextInFocusChain()
    while candidate is not widget:
        takes_tab = candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
        if takes_tab and candidate.isVisible() and candidate.isEnabled():
            return candidate
        candidate = candidate.nextInFocusChain()
    return widget


def _type_and_send(qtbot, win: MainWindow, text: str):
    qtbot.keyClicks(win.command, text)
    with qtbot.waitSignal(win.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.keyClick(win.command, Qt.Key.Key_Return)
    return blocker.args[0]


def test_window_is_ready_after_loading(window):
    assert window.state.state is AssistantState.IDLE
    assert window.command.isEnabled()
    assert "light.kitchen_ceiling" in window.home_view.cards
    assert "Offline" in window.footer.text()


def test_typed_command_shows_reply_intent_card_and_updates_the_device_card(qtbot, window):
    card = window.home_view.cards["light.kitchen_ceiling"]
    assert card.toggle.isChecked()

    result = _type_and_send(qtbot, window, "turn off the kitchen lights")

    assert result.intent == "HassTurnOff"
    assert window.command.text() == ""  # Enter sent it and cleared the box
    assert (
        window.reply.text()
        == "Turned off the Ceiling Light in the Kitchen; the Counter Lights were already off"
    )
    assert "HassTurnOff" in window.intent_card.intent.text()
    assert "Ceiling Light (Kitchen)" in window.intent_card.devices.text()
    # The counter lights were already off: only read (so "turn them on" still means them).
    assert window.intent_card.action.text() == "Turn off, Get state"
    assert window.intent_card.confidence.text() == "100%"
    assert window.intent_card.source_badge.text() == "LOCAL"
    qtbot.waitUntil(lambda: not card.toggle.isChecked(), timeout=2000)
    assert card.state_label.text() == "Off"
    assert window.history.count() == 1
    entry = window.history.itemWidget(window.history.item(0))
    assert "turn off the kitchen lights" in entry.summary
    assert window.state.state is AssistantState.IDLE


def test_not_understood_is_shown_plainly(qtbot, window):
    result = _type_and_send(qtbot, window, "sing me a song about the sea")
    assert result.intent is None
    assert window.intent_card.intent.text() == "Not understood"
    assert not window.intent_card.source_badge.isVisible()


def test_clicking_a_light_toggle_changes_the_backend(qtbot, window):
    card = window.home_view.cards["light.living_room_ceiling"]
    assert _device(window, "light.living_room_ceiling").state == "off"
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(card.toggle, Qt.MouseButton.LeftButton)
    assert _device(window, "light.living_room_ceiling").state == "on"
    qtbot.waitUntil(lambda: card.state_label.text().startswith("On"), timeout=2000)
    assert window.intent_card.source_badge.text() == "DIRECT"


def test_brightness_slider_dims_the_light(qtbot, window):
    card = window.home_view.cards["light.floor_lamp"]
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        card.brightness.setValue(25)
    device = _device(window, "light.floor_lamp")
    assert (device.state, device.attributes["brightness"]) == ("on", 25)
    qtbot.waitUntil(lambda: card.state_label.text() == "On · 25%", timeout=2000)


def test_cover_and_thermostat_controls(qtbot, window):
    blinds = window.home_view.cards["cover.office_blinds"]
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        blinds.position.setValue(40)
    assert _device(window, "cover.office_blinds").attributes["position"] == 40
    thermostat = window.home_view.cards["climate.living_room"]
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        thermostat.target.setValue(22.5)
    assert _device(window, "climate.living_room").attributes["temperature"] == 22.5


def test_unlock_from_a_card_asks_first_then_unlocks(qtbot, window):
    card = window.home_view.cards["lock.front_door"]
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(card.lock_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].confirmation_required
    assert _device(window, "lock.front_door").state == "locked"
    assert window.intent_card.confirm_box.isVisible()
    assert "unlock the Front Door" in window.intent_card.question.text()
    assert window.state.state is AssistantState.CONFIRM

    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(window.intent_card.yes_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].intent == "HearthConfirm"
    assert _device(window, "lock.front_door").state == "unlocked"
    assert not window.intent_card.confirm_box.isVisible()
    qtbot.waitUntil(lambda: card.state_label.text() == "Unlocked", timeout=2000)
    assert card.lock_button.text() == "Lock"
    assert window.state.state is AssistantState.IDLE


def test_saying_no_keeps_the_door_locked(qtbot, window):
    _type_and_send(qtbot, window, "unlock the front door")
    assert window.intent_card.confirm_box.isVisible()
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(window.intent_card.no_button, Qt.MouseButton.LeftButton)
    assert _device(window, "lock.front_door").state == "locked"
    assert window.reply.text() == "Okay, I won't unlock the Front Door."


def test_undo_button_puts_the_devices_back(qtbot, window):
    assert not window.intent_card.undo_button.isEnabled()
    _type_and_send(qtbot, window, "turn off the kitchen lights")
    assert _device(window, "light.kitchen_ceiling").state == "off"
    assert window.intent_card.undo_button.isEnabled()

    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(window.intent_card.undo_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].intent == "HearthUndo"
    assert _device(window, "light.kitchen_ceiling").state == "on"
    assert window.reply.text() == "Undone"
    assert not window.intent_card.undo_button.isEnabled()
    card = window.home_view.cards["light.kitchen_ceiling"]
    qtbot.waitUntil(card.toggle.isChecked, timeout=2000)


def test_undo_button_asks_before_it_opens_the_garage_again(qtbot, window):
    """Undoing "close the garage door" opens it: the Undo button asks like any opening."""
    _type_and_send(qtbot, window, "open the garage door")
    _type_and_send(qtbot, window, "yes")
    _type_and_send(qtbot, window, "close the garage door")
    assert _device(window, "cover.garage_door").state == "closed"

    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(window.intent_card.undo_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].confirmation_required
    assert window.intent_card.confirm_box.isVisible()
    assert "open the Garage Door" in window.intent_card.question.text()
    assert _device(window, "cover.garage_door").state == "closed"

    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(window.intent_card.yes_button, Qt.MouseButton.LeftButton)
    assert _device(window, "cover.garage_door").state == "open"


def test_history_lists_turns_newest_first_with_timings(qtbot, window):
    _type_and_send(qtbot, window, "turn on the kettle")
    _type_and_send(qtbot, window, "turn off the kettle")
    assert window.history.count() == 2
    newest = window.history.itemWidget(window.history.item(0))
    assert "turn off the kettle" in newest.summary
    assert [r.text for r in window.history.results] == ["turn off the kettle", "turn on the kettle"]
    assert window.history.results[0].timings_ms["intent"] > 0


def test_a_device_changed_elsewhere_updates_its_card(qtbot, window):
    """A change that did not come from this window (another front end, the backend itself)."""
    card = window.home_view.cards["switch.coffee_machine"]
    window.bridge.runtime.backend.execute([Action("switch.coffee_machine", ActionKind.TURN_ON)])
    qtbot.waitUntil(card.toggle.isChecked, timeout=2000)
    assert card.property("active") == "true"


def test_a_change_made_by_another_process_reaches_its_card(qtbot, window):
    """``hearth parse`` or voice in another process: only the shared database says so."""
    from assistant.home.loader import demo_home_path, load_home
    from assistant.home.simulated import SimulatedBackend

    card = window.home_view.cards["switch.coffee_machine"]
    other = SimulatedBackend(load_home(demo_home_path()), window.bridge.runtime.backend.db_path)
    try:
        other.execute([Action("switch.coffee_machine", ActionKind.TURN_ON)])
    finally:
        other.close()
    qtbot.waitUntil(card.toggle.isChecked, timeout=10_000)
    assert card.property("active") == "true"
    assert window.home.devices["switch.coffee_machine"].state == "on"


def test_controls_have_accessible_names_and_enter_sends(qtbot, window):
    controls = [
        w
        for kind in (QAbstractButton, QAbstractSlider, QLineEdit, QAbstractSpinBox)
        for w in window.findChildren(kind)
        if w.isVisibleTo(window)
    ]
    # A spin box's inner line edit is announced through the spin box itself.
    unnamed = [
        w
        for w in controls
        if not w.accessibleName() and not isinstance(w.parent(), QAbstractSpinBox)
    ]
    assert len(controls) > 50
    assert unnamed == []
    assert _next_tab_stop(window.command) is window.send_button
    assert _next_tab_stop(window.send_button) is window.history  # Yes/No hidden, Undo disabled

    qtbot.keyClicks(window.command, "turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(window.command, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert _next_tab_stop(window.send_button) is window.intent_card.undo_button
    assert _next_tab_stop(window.history) is window.home_view


def test_closing_the_window_stops_the_engine(qtbot, window):
    bridge = window.bridge
    window.close()
    assert bridge.runtime is None
    assert not bridge.send_text("turn on the kettle")
