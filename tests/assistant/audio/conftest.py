"""Helpers to write test audio files in any layout (nothing is committed)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest


def tone(seconds: float, rate: int, freq: float = 440.0, amplitude: float = 0.5) -> np.ndarray:
    """A float sine in [-1, 1]."""
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float64)


def write_wav(
    path: Path, samples: np.ndarray, rate: int, width: int = 2, channels: int = 1
) -> Path:
    """Write float samples (mono, copied to every channel) as PCM of ``width`` bytes."""
    data = np.repeat(samples[:, None], channels, axis=1).reshape(-1)
    if width == 1:
        raw = np.clip(np.round(data * 127 + 128), 0, 255).astype(np.uint8).tobytes()
    elif width == 2:
        raw = np.clip(np.round(data * 32767), -32768, 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = np.clip(np.round(data * (2**23 - 1)), -(2**23), 2**23 - 1).astype("<i4")
        raw = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        raw = np.clip(np.round(data * (2**31 - 1)), -(2**31), 2**31 - 1).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(raw)
    return path


@pytest.fixture
def sox(tmp_path: Path) -> Callable[..., Path]:
    """Convert a file with sox (installed by `make test`); fail clearly when it is missing."""
    binary = shutil.which("sox")
    if binary is None:
        pytest.fail("sox is required for format tests: apt-get install sox (make test installs it)")

    def convert(source: Path, name: str, *options: str) -> Path:
        target = tmp_path / name
        subprocess.run([binary, str(source), *options, str(target)], check=True)
        return target

    return convert
