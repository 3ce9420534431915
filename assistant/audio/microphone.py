"""The microphone as a source, on sounddevice (PortAudio).

The sounddevice module is passed in rather than imported here, so tests drive the source with a
fake and a machine without PortAudio gets a clear :class:`AudioError` from
:func:`load_sounddevice` instead of an ``OSError`` at import time. PortAudio calls our callback on
its own real-time thread: it only copies the block into a bounded queue (dropping and counting
when the consumer falls behind) and never blocks, allocates models or decodes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Self

import numpy as np

from assistant.audio.base import (
    DEFAULT_FRAME_MS,
    SAMPLE_RATE,
    AudioError,
    AudioErrorCode,
    frame_samples_for,
)

_POLL_S = 0.1  # how often a blocked reader checks whether the source was closed


@dataclass(frozen=True)
class InputDevice:
    """One capture device as PortAudio reports it."""

    index: int
    name: str
    channels: int
    default_sample_rate: float
    is_default: bool


def load_sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing package or PortAudio library into an AudioError."""
    try:
        import sounddevice
    except ImportError:
        raise AudioError(
            AudioErrorCode.NO_BACKEND,
            "the microphone needs the sounddevice package: pip install 'hearth[speech]'",
        ) from None
    except OSError:
        raise AudioError(
            AudioErrorCode.NO_BACKEND,
            "the PortAudio library is missing: install it (Debian/Ubuntu: apt install "
            "libportaudio2; macOS: brew install portaudio)",
        ) from None
    return sounddevice


def list_input_devices(sd: Any) -> list[InputDevice]:
    """Every device with at least one input channel."""
    try:
        devices = sd.query_devices()
        default_in = _default_input_index(sd)
    except _device_errors(sd) as err:
        raise AudioError(
            AudioErrorCode.DEVICE_FAILED, f"cannot list audio devices: {err}"
        ) from None
    found = []
    for index, device in enumerate(devices):
        if int(device.get("max_input_channels", 0)) > 0:
            found.append(
                InputDevice(
                    index=index,
                    name=str(device["name"]),
                    channels=int(device["max_input_channels"]),
                    default_sample_rate=float(device.get("default_samplerate", 0.0)),
                    is_default=index == default_in,
                )
            )
    return found


def find_input_device(sd: Any, wanted: str | int | None) -> InputDevice:
    """Pick a device by index, exact name, or case-insensitive name fragment; None: the default."""
    devices = list_input_devices(sd)
    if not devices:
        raise AudioError(AudioErrorCode.NO_DEVICE, "no microphone found (no input devices)")
    if wanted is None or wanted == "":
        for device in devices:
            if device.is_default:
                return device
        return devices[0]
    if isinstance(wanted, int) or str(wanted).strip().isdigit():
        index = int(wanted)
        for device in devices:
            if device.index == index:
                return device
        raise AudioError(
            AudioErrorCode.NO_DEVICE,
            f"no input device with index {index}; inputs are {_names(devices)}",
        )
    name = str(wanted)
    for device in devices:
        if device.name == name:
            return device
    matches = [device for device in devices if name.lower() in device.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise AudioError(
            AudioErrorCode.NO_DEVICE,
            f"no input device named {name!r}; inputs are {_names(devices)}",
        )
    raise AudioError(
        AudioErrorCode.NO_DEVICE, f"{name!r} matches several input devices: {_names(matches)}"
    )


class MicrophoneSource:
    """Live 16 kHz mono int16 frames from a microphone.

    Use as a context manager (or call :meth:`start`/:meth:`close`); iterate to receive frames.
    ``overflows`` counts blocks lost because the reader fell behind or PortAudio reported an
    input overflow; the pipeline reports it rather than letting latency grow without bound.
    """

    def __init__(
        self,
        sd: Any,
        device: str | int | None = None,
        frame_ms: int = DEFAULT_FRAME_MS,
        queue_frames: int = 200,
    ) -> None:
        self._sd = sd
        self._frame_samples = frame_samples_for(frame_ms)
        self.device = find_input_device(sd, device)
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=queue_frames)
        self._stream: Any = None
        self._closed = threading.Event()
        self.overflows = 0

    @property
    def frame_samples(self) -> int:
        return self._frame_samples

    def _callback(self, indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        """PortAudio's thread: copy and enqueue, nothing else."""
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.overflows += 1

    def start(self) -> Self:
        if self._stream is not None:
            return self
        self._closed.clear()
        try:
            self._stream = self._sd.InputStream(
                samplerate=SAMPLE_RATE,
                blocksize=self._frame_samples,
                device=self.device.index,
                channels=1,
                dtype="int16",
                callback=self._callback,
            )
            self._stream.start()
        except _device_errors(self._sd) as err:  # busy, unplugged, unsupported rate
            self._stream = None
            raise AudioError(
                AudioErrorCode.DEVICE_FAILED,
                f"cannot open microphone {self.device.name!r}: {err}",
            ) from None
        return self

    def close(self) -> None:
        """Stop capture; a blocked iterator ends within a tenth of a second."""
        self._closed.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            finally:
                stream.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[np.ndarray]:
        if self._stream is None and not self._closed.is_set():
            self.start()
        while True:
            try:
                yield self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                if self._closed.is_set():
                    return


def _device_errors(sd: Any) -> tuple[type[BaseException], ...]:
    """sounddevice's PortAudioError, plus what a host API or a fake may raise instead."""
    error = getattr(sd, "PortAudioError", None)
    extra = (error,) if isinstance(error, type) and issubclass(error, BaseException) else ()
    return (*extra, OSError, ValueError, RuntimeError)


def _default_input_index(sd: Any) -> int | None:
    default = getattr(getattr(sd, "default", None), "device", None)
    if isinstance(default, list | tuple) and default:
        default = default[0]
    try:
        return int(default) if default is not None and int(default) >= 0 else None
    except (TypeError, ValueError):
        return None


def _names(devices: list[InputDevice]) -> str:
    return ", ".join(f"{device.index}: {device.name}" for device in devices)
