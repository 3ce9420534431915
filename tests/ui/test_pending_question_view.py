"""The window shows a pending question's Yes/No exactly as long as the engine keeps it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from assistant.events import Cancelled, PipelineState
from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.main_window import MainWindow
from ui.status import AssistantState


def _send(qtbot, win: MainWindow, text: str):
    with qtbot.waitSignal(win.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        win.send_text(text)
    return blocker.args[0]


def _lock_state(win: MainWindow) -> str:
    return win.bridge.runtime.backend.home().devices["lock.front_door"].state


def test_stop_hides_yes_no_and_a_later_yes_does_not_unlock(qtbot, window):
    _send(qtbot, window, "unlock the front door")
    assert window.intent_card.asking
    assert window.intent_card.yes_button.isVisible()
    assert window.state.state is AssistantState.CONFIRM
    # The card names what waits for the yes, though nothing has been done yet.
    assert "Front Door" in window.intent_card.devices.text()
    assert "nlock" in window.intent_card.action.text()

    _send(qtbot, window, "stop")
    assert window.reply.text() == "Okay, I won't unlock the Front Door."
    assert not window.intent_card.asking
    assert not window.intent_card.yes_button.isVisible()

    late = _send(qtbot, window, "yes")
    assert late.actions == ()
    assert window.reply.text() == "There is nothing to confirm"
    assert _lock_state(window) == "locked"


def test_escape_answers_no(qtbot, window):
    _send(qtbot, window, "unlock the front door")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(window.command, Qt.Key.Key_Escape)
    assert not window.intent_card.asking
    _send(qtbot, window, "yes")
    assert _lock_state(window) == "locked"


def test_the_buttons_go_when_the_question_expires(qtbot, window):
    conversation = window.bridge.runtime.conversation
    conversation.config = replace(conversation.config, confirmation_timeout_s=0.3)
    _send(qtbot, window, "unlock the front door")
    assert window.intent_card.asking
    qtbot.waitUntil(lambda: not window.intent_card.asking, timeout=5000)
    assert window.state.state is AssistantState.IDLE


def test_a_voice_cancel_that_dropped_the_question_hides_the_buttons(qtbot, window):
    runtime = window.bridge.runtime
    _send(qtbot, window, "unlock the front door")
    runtime.bus.publish(Cancelled("api", PipelineState.IDLE))  # the question still waits
    qtbot.wait(200)
    assert window.intent_card.asking
    runtime.conversation.cancel_question()  # what the pipeline's cancel does
    runtime.bus.publish(Cancelled("spoken", PipelineState.LISTENING))
    qtbot.waitUntil(lambda: not window.intent_card.asking, timeout=5000)
