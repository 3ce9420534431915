"""File and memory sources: every layout ends up as 16 kHz mono int16 frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio import AudioError, AudioErrorCode, AudioSource
from assistant.audio.file import FileSource, probe, read_audio
from assistant.audio.memory import MemorySource
from tests.assistant.audio.conftest import tone, write_wav


def dominant_hz(samples: np.ndarray, rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * rate / len(samples))


def test_memory_source_frames_and_protocol() -> None:
    source = MemorySource(np.arange(1000, dtype=np.int16), frame_ms=20)
    assert isinstance(source, AudioSource)
    frames = list(source)
    assert [len(frame) for frame in frames] == [320, 320, 320, 40]
    assert np.array_equal(np.concatenate(frames), np.arange(1000, dtype=np.int16))


def test_memory_source_mixes_down_and_resamples() -> None:
    stereo = np.stack([tone(1.0, 48000), tone(1.0, 48000)], axis=1).astype(np.float32)
    source = MemorySource(stereo, sample_rate=48000)
    assert len(source.samples) == 16000
    assert source.samples.dtype == np.int16
    assert dominant_hz(source.samples) == pytest.approx(440, abs=2)


def test_16k_mono_wav_is_read_exactly(tmp_path: Path) -> None:
    samples = tone(0.5, 16000)
    path = write_wav(tmp_path / "a.wav", samples, 16000)
    audio = read_audio(path)
    expected = np.round(samples * 32767).astype(np.int16)
    assert np.array_equal(audio, expected)


@pytest.mark.parametrize(
    ("rate", "width", "channels"),
    [(48000, 2, 2), (44100, 2, 1), (8000, 1, 1), (22050, 3, 2), (32000, 4, 1)],
)
def test_any_rate_width_and_channels_become_16k_mono(
    tmp_path: Path, rate: int, width: int, channels: int
) -> None:
    path = write_wav(tmp_path / "x.wav", tone(1.0, rate, 440.0), rate, width, channels)
    source = FileSource(path)
    assert (source.info.sample_rate, source.info.sample_width) == (rate, width)
    assert source.info.channels == channels
    audio = source.read_all()
    assert abs(len(audio) - 16000) <= 2
    assert dominant_hz(audio) == pytest.approx(440, abs=2)
    tolerance = 0.05 if width == 1 else 0.01  # 8-bit audio is coarse
    assert np.abs(audio).max() / 32768 == pytest.approx(0.5, abs=tolerance)
    assert all(len(frame) == 320 for frame in list(source)[:-1])


def test_flac_and_float_wav_are_decoded(tmp_path: Path, sox) -> None:
    source = write_wav(tmp_path / "s.wav", tone(1.0, 44100, 300.0), 44100)
    flac = sox(source, "s.flac")
    float_wav = sox(source, "f.wav", "-e", "floating-point", "-b", "32")
    for path in (flac, float_wav):
        audio = read_audio(path)
        assert abs(len(audio) - 16000) <= 2
        assert dominant_hz(audio) == pytest.approx(300, abs=2)
    assert probe(flac).format == "flac"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError) as info:
        FileSource(tmp_path / "nope.wav")
    assert info.value.code is AudioErrorCode.NOT_FOUND
    assert "nope.wav" in str(info.value)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError) as info:
        FileSource(path)
    assert info.value.code is AudioErrorCode.EMPTY


def test_wav_with_no_samples(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "none.wav", np.zeros(0), 16000)
    with pytest.raises(AudioError) as info:
        FileSource(path)
    assert info.value.code is AudioErrorCode.EMPTY
    assert "no audio" in str(info.value)


@pytest.mark.parametrize("content", [b"hello, this is text\n", bytes(range(256)) * 8])
def test_not_audio(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError) as info:
        FileSource(path)
    assert info.value.code is AudioErrorCode.UNREADABLE
    assert "\n" not in str(info.value)


def test_truncated_wav_header(tmp_path: Path) -> None:
    good = write_wav(tmp_path / "good.wav", tone(0.5, 16000), 16000)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(good.read_bytes()[:30])
    with pytest.raises(AudioError) as info:
        FileSource(broken)
    assert info.value.code is AudioErrorCode.UNREADABLE


def test_too_long_is_rejected_before_decoding(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", np.zeros(16000 * 5), 16000)
    with pytest.raises(AudioError) as info:
        FileSource(path, max_duration_s=2.0)
    assert info.value.code is AudioErrorCode.TOO_LONG
    assert "5.0 s" in str(info.value)
