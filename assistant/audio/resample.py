"""Resampling with soxr: a proper band-limited resampler, so 44.1/48 kHz input does not alias."""

from __future__ import annotations

import numpy as np
import soxr

from assistant.audio.base import SAMPLE_RATE


def resample_mono(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Resample float32 mono audio from ``sample_rate`` to 16 kHz in one go."""
    if sample_rate == SAMPLE_RATE:
        return samples
    return soxr.resample(samples, sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32)


class StreamResampler:
    """Chunk-by-chunk resampling to 16 kHz that keeps filter state across chunks (for files)."""

    def __init__(self, sample_rate: int) -> None:
        self._passthrough = sample_rate == SAMPLE_RATE
        self._stream = (
            None
            if self._passthrough
            else soxr.ResampleStream(sample_rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        )

    def process(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        if self._stream is None:
            return samples
        return self._stream.resample_chunk(np.ascontiguousarray(samples), last=last)
