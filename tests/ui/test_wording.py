"""The intent card and the replies say what really happened (an unlock reads as an unlock)."""

from __future__ import annotations

from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.main_window import MainWindow


def _send(qtbot, win: MainWindow, text: str):
    with qtbot.waitSignal(win.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as blocker:
        win.send_text(text)
    return blocker.args[0]


def test_an_unlock_reads_as_unlock_on_the_intent_card(qtbot, window):
    result = _send(qtbot, window, "unlock the front door")
    assert result.intent == "HassTurnOff"  # Home Assistant's name stays in the JSON contract
    shown = window.intent_card.intent.text()
    assert shown.startswith("Unlock")
    assert "Turn off" not in shown and not shown.startswith("HassTurnOff")
    assert window.intent_card.action.text() == "Unlock"


def test_plain_turn_off_keeps_its_intent_name(qtbot, window):
    _send(qtbot, window, "turn off the kitchen lights")
    assert window.intent_card.intent.text().startswith("HassTurnOff")


def test_lock_and_unlock_replies_say_what_happened(qtbot, window):
    _send(qtbot, window, "unlock the front door")
    done = _send(qtbot, window, "yes")
    assert done.response == "Unlocked the Front Door"
    locked = _send(qtbot, window, "lock the front door")
    assert locked.response == "Locked the Front Door"
    assert window.reply.text() == "Locked the Front Door"
    assert window.bridge.runtime.backend.home().devices["lock.front_door"].state == "locked"
