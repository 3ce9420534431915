"""Test the microphone: a level meter fed by a short-lived capture thread.

Settings and the first-run check both let a person pick a microphone and see that it hears
them before anything else depends on it. Capture runs on a plain thread (PortAudio's callback
only queues blocks; our thread reads them and computes the level), and the level reaches the
meter through a queued signal, so a slow or hanging audio server never freezes the window.
The sounddevice module is passed in as a loader, so tests drive this with a fake.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QWidget

from assistant.audio.base import AudioError
from assistant.audio.microphone import MicrophoneSource

_LOGGER = logging.getLogger(__name__)

#: How often the meter is updated (the engine's AudioLevel event uses the same rate).
LEVEL_INTERVAL_S = 0.1
#: The quietest level the meter shows; below this the bar is empty.
FLOOR_DBFS = -60.0


def level_of(frame: np.ndarray) -> float:
    """0-1 on a dB scale (-60 dBFS → 0, 0 dBFS → 1), as the engine's AudioLevel event."""
    samples = np.asarray(frame, dtype=np.float64)
    if samples.size == 0:
        return 0.0
    rms = math.sqrt(float(np.mean(samples * samples))) / 32768.0
    if rms <= 0.0:
        return 0.0
    dbfs = 20.0 * math.log10(rms)
    return max(0.0, min(1.0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS))


class WakeDetector(Protocol):
    """What the wake-word check needs from the engine's detector (assistant.audio.wake)."""

    def process(self, frame: np.ndarray) -> Any: ...


SoundDeviceLoader = Callable[[], Any]
WakeFactory = Callable[[], WakeDetector]


class LevelMeter(QProgressBar):
    """A horizontal bar 0-100 with a short decay, so speech reads as a steady movement."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setValue(0)
        self.setTextVisible(False)
        self.setFixedHeight(12)
        self.setAccessibleName("Microphone level")

    def set_level(self, level: float) -> None:
        target = round(max(0.0, min(1.0, level)) * 100)
        self.setValue(max(target, int(self.value() * 0.6)))
        self.setAccessibleDescription(f"{self.value()}%")


class MicMonitor(QObject):
    """Opens one microphone on a thread and reports its level (and, optionally, a wake word)."""

    level = Signal(float)
    started = Signal(str)  # the device's name
    failed = Signal(str)
    wake_heard = Signal(str, float)  # word id, probability
    wake_unavailable = Signal(str)  # why the wake-word check cannot run
    stopped = Signal()

    def __init__(self, load_sounddevice: SoundDeviceLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._load = load_sounddevice
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, device: str | int | None, wake: WakeFactory | None = None) -> None:
        """Start capturing from ``device`` (None or "": the default); restarts if running."""
        self.stop()
        stop = threading.Event()
        self._stop = stop
        self._thread = threading.Thread(
            target=self._run, args=(device, wake, stop), name="hearth-mic-test", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Ask the capture thread to end; it closes the device itself within ~0.1 s."""
        if self._stop is not None:
            self._stop.set()
        self._stop = None
        self._thread = None

    def wait(self, timeout_s: float = 1.0) -> None:
        """For tests and shutdown: wait until the last capture thread has ended."""
        thread = self._thread
        self.stop()
        if thread is not None:
            thread.join(timeout_s)

    # -- the capture thread --------------------------------------------------------------------

    def _emit(self, signal_name: str, *args: Any) -> bool:
        try:
            getattr(self, signal_name).emit(*args)
        except RuntimeError:  # the dialog that owned us is gone
            return False
        return True

    def _run(
        self, device: str | int | None, wake: WakeFactory | None, stop: threading.Event
    ) -> None:
        try:
            source = MicrophoneSource(self._load(), device if device not in ("", None) else None)
            source.start()
        except AudioError as err:
            self._emit("failed", str(err))
            return
        try:
            self._emit("started", source.device.name)
            detector = self._load_wake(wake)
            peak = 0.0
            last = time.monotonic()
            for frame in source:
                if stop.is_set():
                    break
                peak = max(peak, level_of(frame))
                now = time.monotonic()
                if now - last >= LEVEL_INTERVAL_S:
                    if not self._emit("level", peak):
                        break
                    peak, last = 0.0, now
                if detector is not None:
                    detection = detector.process(frame)
                    if detection is not None:
                        self._emit(
                            "wake_heard",
                            str(getattr(detection, "word", "")),
                            float(getattr(detection, "probability", 0.0)),
                        )
        except AudioError as err:
            self._emit("failed", str(err))
        finally:
            source.close()
            self._emit("stopped")

    def _load_wake(self, wake: WakeFactory | None) -> WakeDetector | None:
        if wake is None:
            return None
        try:
            return wake()
        except Exception as err:  # a missing package or model: say why, keep the meter going
            _LOGGER.debug("wake word check unavailable", exc_info=True)
            self._emit("wake_unavailable", str(err).strip().splitlines()[0] if str(err) else "")
            return None
