"""A pre-roll ring buffer: the last second or so of audio, always at hand.

The wake word fires a little after it was said, and people start talking just before they press
push-to-talk; without the audio from just before that moment the first word of the command is
lost. The pipeline writes every frame here (cheap: one copy into a fixed array) and takes the
tail it needs when an utterance opens.
"""

from __future__ import annotations

import numpy as np

from assistant.audio.base import SAMPLE_RATE


class RingBuffer:
    """Fixed-size int16 history of the most recent ``seconds`` of audio."""

    def __init__(self, seconds: float = 1.0, sample_rate: int = SAMPLE_RATE) -> None:
        if seconds <= 0:
            raise ValueError(f"ring buffer length must be positive, not {seconds}")
        self.sample_rate = sample_rate
        self._data = np.zeros(int(seconds * sample_rate), dtype=np.int16)
        self._write = 0
        self._filled = 0

    @property
    def capacity(self) -> int:
        return len(self._data)

    def __len__(self) -> int:
        return self._filled

    def append(self, frame: np.ndarray) -> None:
        samples = np.asarray(frame, dtype=np.int16).reshape(-1)
        size = self.capacity
        if len(samples) >= size:
            self._data[:] = samples[-size:]
            self._write = 0
            self._filled = size
            return
        end = self._write + len(samples)
        if end <= size:
            self._data[self._write : end] = samples
        else:
            first = size - self._write
            self._data[self._write :] = samples[:first]
            self._data[: end - size] = samples[first:]
        self._write = end % size
        self._filled = min(size, self._filled + len(samples))

    def tail(self, seconds: float | None = None) -> np.ndarray:
        """A copy of the newest ``seconds`` (default: everything held), oldest sample first."""
        wanted = (
            self._filled if seconds is None else min(self._filled, int(seconds * self.sample_rate))
        )
        if wanted <= 0:
            return np.zeros(0, dtype=np.int16)
        start = (self._write - wanted) % self.capacity
        if start + wanted <= self.capacity:
            return self._data[start : start + wanted].copy()
        return np.concatenate([self._data[start:], self._data[: self._write]])

    def clear(self) -> None:
        self._write = 0
        self._filled = 0
