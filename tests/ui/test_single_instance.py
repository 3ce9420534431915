"""A second launch of Hearth raises the running window instead of starting another Hearth."""

from __future__ import annotations

import threading

from ui import app as app_module
from ui import ptt

PATIENT_MS = 10_000


def _raise_in_thread(name: str) -> list[bool]:
    answer: list[bool] = []
    thread = threading.Thread(
        target=lambda: answer.append(ptt.raise_running(name, timeout_ms=PATIENT_MS))
    )
    thread.start()
    return answer


def test_raise_shows_a_window_hidden_in_the_tray(qtbot, window):
    window.hide()
    assert window.hidden
    answer = _raise_in_thread(window.ptt_server.name)
    qtbot.waitUntil(lambda: bool(answer), timeout=PATIENT_MS + 2000)
    assert answer == [True]
    assert window.isVisible() and not window.isMinimized()


def test_raise_restores_a_minimized_window(qtbot, window):
    window.showMinimized()
    answer = _raise_in_thread(window.ptt_server.name)
    qtbot.waitUntil(lambda: bool(answer), timeout=PATIENT_MS + 2000)
    assert answer == [True] and not window.hidden


def test_nobody_to_raise_when_hearth_is_not_running():
    assert not ptt.raise_running("hearth-ptt-nobody-here", timeout_ms=200)


def test_a_second_launch_ends_at_once_when_one_runs(monkeypatch, capsys):
    asked: list[str] = []

    def running(name: str | None = None, timeout_ms: int = 0) -> bool:
        asked.append(name or "")
        return True

    def must_not_build(_args):
        raise AssertionError("a second window was built")

    monkeypatch.setattr(app_module, "raise_running", running)
    monkeypatch.setattr(app_module, "create", must_not_build)
    assert app_module.main([]) == 0
    assert asked == [ptt.server_name()]
    assert "already running" in capsys.readouterr().out
