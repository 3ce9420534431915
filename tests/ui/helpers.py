"""Shared helpers for the UI tests (fixtures live in conftest.py)."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from assistant.config import Config
from assistant.home.loader import demo_home_path
from assistant.runtime import Runtime, build_runtime

#: Generous: the first build compiles the intent templates (well under a second here).
LOAD_TIMEOUT_MS = 15_000


def demo_runtime() -> Runtime:
    """A fresh temporary copy of the demo home (HEARTH_DATA_DIR is a tmp dir in the tests)."""
    return build_runtime(Config(), home_file=demo_home_path())


class FakeStream:
    """A PortAudio input stream that calls back from its own thread with a steady tone."""

    def __init__(self, callback: Callable[..., None], blocksize: int, amplitude: float) -> None:
        self._callback = callback
        self._blocksize = blocksize
        self._amplitude = amplitude
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t = np.arange(self._blocksize) / 16000
        block = (self._amplitude * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
        status = types.SimpleNamespace(input_overflow=False)
        while not self._stop.wait(0.02):
            self._callback(block.reshape(-1, 1), len(block), None, status)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)

    def close(self) -> None:
        self.stop()


class FakeSoundDevice:
    """The part of the sounddevice module the microphone source uses (no PortAudio)."""

    class PortAudioError(Exception):
        pass

    DEVICES: ClassVar[list[dict[str, Any]]] = [
        {"name": "HDMI Output", "max_input_channels": 0, "default_samplerate": 48000.0},
        {"name": "Built-in Microphone", "max_input_channels": 2, "default_samplerate": 48000.0},
        {"name": "USB Headset Mic", "max_input_channels": 1, "default_samplerate": 44100.0},
    ]

    def __init__(self, amplitude: float = 0.3, fail: bool = False) -> None:
        self.default = types.SimpleNamespace(device=[1, 0])
        self.amplitude = amplitude
        self.fail = fail
        self.opened: list[Any] = []
        self.played: list[int] = []
        self.stops = 0

    def query_devices(self) -> list[dict[str, Any]]:
        return self.DEVICES

    def InputStream(self, **kwargs: Any) -> FakeStream:
        if self.fail:
            raise self.PortAudioError("Device unavailable [PaErrorCode -9985]")
        self.opened.append(kwargs["device"])
        return FakeStream(kwargs["callback"], kwargs["blocksize"], self.amplitude)

    def play(self, samples: Any, samplerate: int, device: Any = None, blocking: bool = False):
        self.played.append(len(samples))

    def stop(self) -> None:
        self.stops += 1
