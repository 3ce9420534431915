"""Timers and lists in the window: set by voice or text, seen counting down, rung when done."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.helpers import LOAD_TIMEOUT_MS


def _send(qtbot, window, text: str):
    qtbot.keyClicks(window.command, text)
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        qtbot.keyClick(window.command, Qt.Key.Key_Return)
    return blocker.args[0]


def test_a_timer_shows_in_its_tab_and_rings_in_the_status_line(qtbot, window):
    tab = window.timers_tab
    assert window.side_tabs.tabText(window.side_tabs.indexOf(tab)) == "Timers && lists"
    assert tab.view is not None  # the engine is ready
    window.side_tabs.setCurrentWidget(tab)
    assert _send(qtbot, window, "set a pizza timer for 2 seconds").intent == "HassStartTimer"
    qtbot.waitUntil(lambda: tab.view.timers.rows.count() == 1, timeout=5000)
    assert "Pizza timer" in tab.view.timers.rows.item(0).text()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "The pizza timer is done", timeout=20000
    )
    qtbot.waitUntil(lambda: tab.view.timers.rows.count() == 0, timeout=5000)


def test_a_list_filled_by_text_shows_in_the_tab(qtbot, window):
    tab = window.timers_tab
    window.side_tabs.setCurrentWidget(tab)
    _send(qtbot, window, "add oat milk to my shopping list")
    qtbot.waitUntil(lambda: tab.view.lists.items.count() == 1, timeout=5000)
    assert tab.view.lists.items.item(0).text() == "oat milk"
