"""An in-memory source: the same framing as a file or microphone, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assistant.audio.base import DEFAULT_FRAME_MS, SAMPLE_RATE, frame_samples_for, to_int16
from assistant.audio.resample import resample_mono


class MemorySource:
    """Yield frames from an array already in memory (any rate; mono or ``(n, channels)``)."""

    def __init__(
        self,
        samples: np.ndarray,
        sample_rate: int = SAMPLE_RATE,
        frame_ms: int = DEFAULT_FRAME_MS,
    ) -> None:
        self._frame_samples = frame_samples_for(frame_ms)
        audio = np.asarray(samples)
        if audio.ndim == 2:
            audio = audio.astype(np.float32).mean(axis=1)
            if np.issubdtype(np.asarray(samples).dtype, np.integer):
                audio = audio / 32768.0
        elif audio.ndim != 1:
            raise ValueError(f"samples must be 1-D or (n, channels), not shape {audio.shape}")
        if sample_rate != SAMPLE_RATE:
            floats = audio if np.issubdtype(audio.dtype, np.floating) else audio / 32768.0
            audio = resample_mono(np.asarray(floats, dtype=np.float32), sample_rate)
        self.samples = to_int16(audio)

    @property
    def frame_samples(self) -> int:
        return self._frame_samples

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def __iter__(self) -> Iterator[np.ndarray]:
        step = self._frame_samples
        for start in range(0, len(self.samples), step):
            yield self.samples[start : start + step]
