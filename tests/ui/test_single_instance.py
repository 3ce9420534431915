"""A second launch of Hearth raises the running window instead of starting another Hearth."""

from __future__ import annotations

import subprocess
import sys

from ui import app as app_module
from ui import ptt

PATIENT_MS = 20_000


class SecondLaunch:
    """A second launch is another process: it asks the running window from there, as Hearth's
    own start-up does. (A client thread inside the test's process answered slowly or not at
    all: its QLocalSocket has no event loop of its own.)"""

    def __init__(self, name: str) -> None:
        code = f"from ui import ptt; print(ptt.raise_running({name!r}, timeout_ms={PATIENT_MS}))"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.raised: bool | None = None

    def done(self) -> bool:
        if self.proc.poll() is None:
            return False
        out, _err = self.proc.communicate()
        self.raised = out.strip() == "True"
        return True


def test_raise_shows_a_window_hidden_in_the_tray(qtbot, window):
    window.hide()
    assert window.hidden
    launch = SecondLaunch(window.ptt_server.name)
    qtbot.waitUntil(launch.done, timeout=PATIENT_MS + 10_000)
    assert launch.raised is True
    assert window.isVisible() and not window.isMinimized()


def test_raise_restores_a_minimized_window(qtbot, window):
    window.showMinimized()
    launch = SecondLaunch(window.ptt_server.name)
    qtbot.waitUntil(launch.done, timeout=PATIENT_MS + 10_000)
    assert launch.raised is True and not window.hidden


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
