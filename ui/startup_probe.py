"""Time the app's start-up from inside it: first paint, engine ready, voice ready.

What a person waits for after double-clicking Hearth is measured from the process's own start
(the kernel's record of it, so interpreter start-up and imports count): the main window's first
paint, the engine ready for a typed command, and, when a voice source is given, every speech
model loaded. ``hearth gui --startup-probe`` prints one line per mark and quits, so the same
measurement runs on a source checkout and on an installed bundle (packaging/screenshots.py
``--paint-runs`` drives it in fresh processes).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.bridge import EngineBridge
from ui.main_window import MainWindow

PAINT_MARK = "first-paint-ms"
READY_MARK = "ready-ms"
VOICE_MARK = "voice-ready-ms"
#: Give up waiting for the engine or voice after this long, and say which mark is missing.
TIMEOUT_MS = 120_000


def seconds_since_process_start() -> float | None:
    """From /proc (Linux): the process's start in clock ticks since boot, against now."""
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
    except OSError:
        return None
    ticks = int(stat.rsplit(")", 1)[1].split()[19])
    return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")


class FirstPaint(QObject):
    """Notes when the first paint event reaches the window; ``on_paint`` is called once."""

    def __init__(self, window: MainWindow, on_paint: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.seconds: float | None = None
        self._on_paint = on_paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.seconds is None
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.seconds = seconds_since_process_start()
            if self._on_paint is not None:
                QTimer.singleShot(0, self._on_paint)
        return False


class StartupProbe(QObject):
    """Prints each start-up mark as it happens and quits the app once all are in."""

    def __init__(self, window: MainWindow, bridge: EngineBridge, wait_for_voice: bool) -> None:
        super().__init__(window)
        self.window = window
        self.marks: dict[str, float | None] = {}
        self.wanted = {PAINT_MARK, READY_MARK} | ({VOICE_MARK} if wait_for_voice else set())
        self.paint = FirstPaint(window, lambda: self._mark(PAINT_MARK, self.paint.seconds))
        instance = QApplication.instance()
        if instance is not None:
            instance.installEventFilter(self.paint)
        bridge.runtime_ready.connect(lambda _rt: self._mark(READY_MARK))
        bridge.runtime_failed.connect(self._failed)
        if wait_for_voice and window.voice is not None:
            window.voice.ready.connect(lambda _parts: self._mark(VOICE_MARK))
            window.voice.failed.connect(self._failed)
        QTimer.singleShot(TIMEOUT_MS, lambda: self._failed("timed out"))

    def _mark(self, name: str, seconds: float | None = None) -> None:
        if name in self.marks:
            return
        seconds = seconds_since_process_start() if seconds is None else seconds
        self.marks[name] = seconds
        shown = "unknown" if seconds is None else f"{seconds * 1000:.0f}"
        print(f"{name} {shown}", flush=True)
        if self.wanted <= self.marks.keys():
            QTimer.singleShot(0, self.window.quit)

    def _failed(self, why: str) -> None:
        missing = ", ".join(sorted(self.wanted - self.marks.keys()))
        if missing:
            print(f"startup-probe: no {missing}: {why}", file=sys.stderr, flush=True)
            self.window.quit()
