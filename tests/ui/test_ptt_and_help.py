"""Push-to-talk over the local socket, the shortcuts list, diagnostics and clearing history."""

from __future__ import annotations

import subprocess
import sys
import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox

from assistant.config import Config
from ui import ptt
from ui.diagnostics import diagnostics_text
from ui.shortcuts import SHORTCUTS, ptt_command

#: A loaded CI machine can keep the UI thread from answering for longer than a person would wait
#: (the client's own 2 s); the tests check what the answer is, not how fast it comes.
PATIENT_MS = 20_000


def _send_in_thread(command: str, name: str) -> list[str]:
    answer: list[str] = []
    thread = threading.Thread(
        target=lambda: answer.append(ptt.send(command, name, timeout_ms=PATIENT_MS))
    )
    thread.start()
    return answer


def test_ptt_entry_point_says_voice_is_not_available_yet(qtbot, window):
    name = window.ptt_server.name
    assert window.ptt_server.listening
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.ptt", "toggle", "--name", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10_000)
    assert proc.returncode == ptt.EXIT_UNAVAILABLE
    assert "voice is not available yet" in proc.stderr.read()
    assert "voice is not available yet" in window.statusBar().currentMessage()


def test_ptt_press_and_release_reach_the_push_to_talk_signal(qtbot, window):
    window.set_voice_available(True)
    states: list[bool] = []
    window.push_to_talk.connect(states.append)
    answer = _send_in_thread("press", window.ptt_server.name)
    qtbot.waitUntil(lambda: bool(answer), timeout=PATIENT_MS + 5000)
    assert answer == ["ok listening"] and states == [True]
    answer = _send_in_thread("toggle", window.ptt_server.name)
    qtbot.waitUntil(lambda: bool(answer), timeout=PATIENT_MS + 5000)
    assert answer == ["ok stopped"] and states == [True, False]
    answer = _send_in_thread("shout", window.ptt_server.name)
    qtbot.waitUntil(lambda: bool(answer), timeout=PATIENT_MS + 5000)
    assert answer[0].startswith("error unknown command")


def test_ptt_client_reports_when_hearth_is_not_running(capsys):
    assert ptt.main(["press", "--name", "hearth-ptt-test-nobody-listens"]) == ptt.EXIT_NOT_RUNNING
    assert "Hearth is not running" in capsys.readouterr().err


def test_space_without_voice_explains_instead_of_pretending(qtbot, window):
    window.history.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert "voice is not available yet" in window.statusBar().currentMessage()
    assert not window.talking


def test_shortcuts_are_listed_and_wired(qtbot, window):
    keys = [k for k, _ in SHORTCUTS]
    assert {"Enter", "Ctrl+L", "Ctrl+,", "Ctrl+Q"} <= set(keys)
    assert any(k.startswith("Space") for k in keys)
    assert QKeySequence("Ctrl+,") in window.settings_action.shortcuts()
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    dialog = window.show_shortcuts()
    assert dialog.table.rowCount() == len(SHORTCUTS)
    assert ptt_command() in dialog.binding.text()


def test_copy_diagnostics_has_versions_and_timings_but_no_secrets(qtbot, window):
    window.command.setText("turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=5000):
        window.send()
    qtbot.mouseClick(window.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("Hearth diagnostics (no audio, no API keys)")
    assert "Python 3." in text and "Qt 6." in text and "hassil " in text
    assert "HassTurnOn · local · 1 action(s) · " in text and "intent " in text
    assert "turn on the kettle" not in text  # what was said stays out of bug reports

    config = Config().with_value("cloud.base_url", "https://me:s3cret@llm.example.com/v1?key=k1")
    report = diagnostics_text(config, [], voice_available=False)
    assert "s3cret" not in report and "k1" not in report
    assert "cloud.base_url = 'https://llm.example.com/v1'" in report


def test_clear_history_asks_first_then_empties_the_list(qtbot, window, monkeypatch):
    window.command.setText("turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=5000):
        window.send()
    assert window.history.count() == 1
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers.pop(0))
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert window.history.count() == 1  # "Cancel" keeps it
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert window.history.count() == 0 and window.history.results == []


def test_about_shows_the_installed_version(qtbot, window, monkeypatch):
    from importlib.metadata import version

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "about", lambda _parent, title, text: shown.append((title, text))
    )
    window.dialogs.show_about()
    ((title, text),) = shown
    assert title == "About Hearth"
    assert f"Hearth {version('hearth')}" in text
