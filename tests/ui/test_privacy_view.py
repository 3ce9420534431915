"""The privacy view: reachable from the main window, lists what was sent, clears it."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from assistant.config import CloudConfig, data_dir
from assistant.egress import open_log
from assistant.events import CloudRequest
from ui.privacy_view import status_text

BODY = {"model": "m", "messages": [{"role": "user", "content": "who wrote hamlet"}]}


def _log_one(text: str) -> None:
    log = open_log(data_dir())
    log.record("llm.example.com", text, json.dumps(BODY).encode(), "ok: answer")
    log.close()


def test_privacy_button_opens_an_empty_log_when_nothing_was_sent(qtbot, window):
    assert window.privacy_button.isVisible()
    qtbot.mouseClick(window.privacy_button, Qt.MouseButton.LeftButton)
    dialog = window.privacy_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.status.text() == "Cloud help is off: nothing leaves this computer."
    assert dialog.summary.text() == "Nothing has been sent."
    assert dialog.table.rowCount() == 0
    assert not dialog.clear_button.isEnabled()
    dialog.close()
    qtbot.waitUntil(lambda: window.privacy_dialog is None, timeout=2000)


def test_requests_are_listed_with_the_exact_body_and_can_be_cleared(qtbot, window):
    _log_one("who wrote hamlet")
    dialog = window.show_privacy()
    assert dialog.table.rowCount() == 1
    cells = [dialog.table.item(0, c).text() for c in range(5)]
    assert cells[1:] == [
        "llm.example.com",
        str(len(json.dumps(BODY))),
        "ok: answer",
        "who wrote hamlet",
    ]
    shown = dialog.body.toPlainText()
    assert "Your sentence: who wrote hamlet" in shown
    assert json.loads(shown.split("(indented for reading):\n", 1)[1]) == BODY
    assert dialog.summary.text().startswith("1 request, ")

    _log_one("how tall is everest")
    window.bridge.runtime.bus.publish(CloudRequest("llm.example.com", 10, "ok: answer"))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=2000)
    assert dialog.table.item(0, 4).text() == "how tall is everest"  # newest first

    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0
    assert dialog.body.toPlainText() == ""
    log = open_log(data_dir())
    assert log.count() == 0
    log.close()


def test_status_says_what_leaves_when_cloud_help_is_on():
    on = CloudConfig(enabled=True, base_url="http://127.0.0.1:11434/v1")
    assert status_text(on) == (
        "Cloud help is on: only sentences Hearth does not understand are sent to "
        "127.0.0.1:11434, as text (never audio), without device states."
    )
