"""The audio contract every source honours: 16 kHz mono int16 frames, and one error type.

Every engine, the VAD and the wake-word detector expect the same format, so sources convert once
at the edge (resampling, down-mixing, bit depth) and nothing downstream has to care where audio
came from: a microphone, a file or a test array.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np

SAMPLE_RATE = 16000
"""Samples per second of every frame a source yields."""

DEFAULT_FRAME_MS = 20
"""Frame length sources use unless told otherwise (short enough for responsive end-pointing)."""


class AudioErrorCode(StrEnum):
    """Why audio could not be used; a stable code for the CLI, the UI and the history log."""

    NOT_FOUND = "not-found"
    UNREADABLE = "unreadable"
    UNSUPPORTED = "unsupported-format"
    EMPTY = "empty"
    TOO_LONG = "too-long"
    NO_BACKEND = "no-audio-backend"
    NO_DEVICE = "no-input-device"
    DEVICE_FAILED = "device-failed"


class AudioError(Exception):
    """Audio that cannot be read or captured; ``str()`` is one line meant for the user."""

    def __init__(self, code: AudioErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@runtime_checkable
class AudioSource(Protocol):
    """Anything that yields 16 kHz mono int16 frames of ``frame_samples`` samples.

    The last frame of a finite source may be shorter. Iterating a live source blocks until the
    next frame arrives and ends when the source is closed.
    """

    @property
    def frame_samples(self) -> int: ...

    def __iter__(self) -> Iterator[np.ndarray]: ...


def frame_samples_for(frame_ms: int) -> int:
    """Samples in one frame of ``frame_ms`` milliseconds at :data:`SAMPLE_RATE`."""
    if not 1 <= frame_ms <= 1000:
        raise ValueError(f"frame_ms must be between 1 and 1000, not {frame_ms}")
    return SAMPLE_RATE * frame_ms // 1000


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Convert float audio in [-1, 1] (or int16 already) to int16, clipping instead of wrapping."""
    if samples.dtype == np.int16:
        return samples
    if np.issubdtype(samples.dtype, np.floating):
        scaled = np.clip(np.asarray(samples, dtype=np.float32) * 32768.0, -32768, 32767)
        return np.round(scaled).astype(np.int16)
    raise TypeError(f"expected float or int16 samples, not {samples.dtype}")


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in [-1, 1), the form the models take."""
    return np.asarray(samples, dtype=np.float32) / 32768.0
