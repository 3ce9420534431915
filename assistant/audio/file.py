"""Audio files as a source: WAV (stdlib ``wave``) and FLAC (PyAV), any rate, channels, bit depth.

Files are read and resampled in blocks, so a long file is never held whole in memory and the
caller can stop early (the end-pointer usually does after the first command). Every failure is an
:class:`AudioError` with a one-line message that names the file; nothing else escapes.
"""

from __future__ import annotations

import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import (
    DEFAULT_FRAME_MS,
    SAMPLE_RATE,
    AudioError,
    AudioErrorCode,
    frame_samples_for,
    to_int16,
)
from assistant.audio.resample import StreamResampler
from models.files import MIB, FileRefused, check_regular_file

_BLOCK_S = 0.5  # seconds read and resampled at a time
_SUPPORTED_WIDTHS = {1, 2, 3, 4}
# What the stdlib ``wave`` reader and PyAV raise on a file that only looks like audio (a WAV
# header over MP3 data, chunk sizes that point past the end): the stdlib's chunk reader raises a
# bare RuntimeError, PyAV may hand back a stream without a codec context.
_BROKEN = (EOFError, OSError, RuntimeError, struct.error, ValueError, AttributeError, TypeError)
MAX_AUDIO_BYTES = 4096 * MIB
"""Four hours of 48 kHz stereo 32-bit audio is ~5.5 GB; streamed files are read in blocks,
so this only keeps out what no recording is (a multi-terabyte sparse file, say)."""


@dataclass(frozen=True)
class AudioInfo:
    """What the file header says, before any conversion."""

    path: Path
    format: str  # "wav" or "flac"
    sample_rate: int
    channels: int
    sample_width: int  # bytes per sample (0 where the codec has no fixed width)
    frames: int  # samples per channel

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


class FileSource:
    """Frames of 16 kHz mono int16 from a WAV or FLAC file.

    ``max_duration_s`` rejects files longer than that before any decoding (a spoken command is
    seconds long; a ten-minute recording is almost certainly the wrong file).
    """

    def __init__(
        self,
        path: str | Path,
        frame_ms: int = DEFAULT_FRAME_MS,
        max_duration_s: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._frame_samples = frame_samples_for(frame_ms)
        self.info = probe(self.path)
        if self.info.frames == 0:
            raise AudioError(AudioErrorCode.EMPTY, f"{self.path}: the file holds no audio")
        if max_duration_s is not None and self.info.duration_s > max_duration_s:
            raise AudioError(
                AudioErrorCode.TOO_LONG,
                f"{self.path}: {self.info.duration_s:.1f} s of audio is longer than the "
                f"{max_duration_s:g} s accepted for a spoken command",
            )

    @property
    def frame_samples(self) -> int:
        return self._frame_samples

    def __iter__(self) -> Iterator[np.ndarray]:
        resampler = StreamResampler(self.info.sample_rate)
        pending = np.zeros(0, dtype=np.int16)
        blocks = _wav_blocks(self.info) if self.info.format == "wav" else _av_blocks(self.info)
        for block, last in _with_last(blocks):
            converted = to_int16(resampler.process(block, last=last))
            pending = np.concatenate([pending, converted]) if len(pending) else converted
            usable = len(pending) - len(pending) % self._frame_samples
            for start in range(0, usable, self._frame_samples):
                yield pending[start : start + self._frame_samples]
            pending = pending[usable:]
        if len(pending):
            yield pending

    def read_all(self) -> np.ndarray:
        """The whole file as one 16 kHz mono int16 array."""
        frames = list(self)
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)


def read_audio(path: str | Path, max_duration_s: float | None = None) -> np.ndarray:
    """Read a WAV/FLAC file into 16 kHz mono int16 (convenience for tools and tests)."""
    return FileSource(path, max_duration_s=max_duration_s).read_all()


def probe(path: Path) -> AudioInfo:
    """Read the header only; raise :class:`AudioError` for anything that is not usable audio."""
    if not path.exists():
        raise AudioError(AudioErrorCode.NOT_FOUND, f"{path}: no such file")
    try:
        # Never open a FIFO or device with a decoder: it would block or read without end.
        check_regular_file(path, "audio file", MAX_AUDIO_BYTES)
    except FileRefused as err:
        raise AudioError(AudioErrorCode.UNREADABLE, str(err)) from None
    try:
        with path.open("rb") as handle:
            magic = handle.read(12)
    except OSError as err:
        raise AudioError(
            AudioErrorCode.UNREADABLE, f"{path}: cannot read: {err.strerror}"
        ) from None
    if len(magic) == 0:
        raise AudioError(AudioErrorCode.EMPTY, f"{path}: the file is empty (0 bytes)")
    if magic[:4] == b"RIFF" and magic[8:12] == b"WAVE":
        return _probe_wav(path)
    if magic[:4] == b"fLaC":
        return _probe_av(path, "flac")
    raise AudioError(AudioErrorCode.UNREADABLE, f"{path}: not a WAV or FLAC audio file")


def _probe_wav(path: Path) -> AudioInfo:
    try:
        with wave.open(str(path), "rb") as reader:
            info = AudioInfo(
                path=path,
                format="wav",
                sample_rate=reader.getframerate(),
                channels=reader.getnchannels(),
                sample_width=reader.getsampwidth(),
                frames=reader.getnframes(),
            )
    except wave.Error as err:
        if "unknown format" in str(err):
            # Float or extensible WAV: the stdlib cannot decode it, PyAV (ffmpeg) can.
            return _probe_av(path, "wav-av")
        raise AudioError(AudioErrorCode.UNREADABLE, f"{path}: broken WAV file: {err}") from None
    except _BROKEN as err:
        raise AudioError(
            AudioErrorCode.UNREADABLE, f"{path}: broken WAV file: {_why(err)}"
        ) from None
    if info.sample_width not in _SUPPORTED_WIDTHS:
        raise AudioError(
            AudioErrorCode.UNSUPPORTED,
            f"{path}: {8 * info.sample_width}-bit WAV samples are not supported",
        )
    if info.sample_rate < 4000 or info.channels < 1:
        raise AudioError(
            AudioErrorCode.UNSUPPORTED,
            f"{path}: {info.sample_rate} Hz, {info.channels} channel(s) is not usable speech audio",
        )
    return info


def _wav_blocks(info: AudioInfo) -> Iterator[np.ndarray]:
    """Float32 mono blocks of a PCM WAV file."""
    block_frames = max(1, int(info.sample_rate * _BLOCK_S))
    try:
        with wave.open(str(info.path), "rb") as reader:
            while True:
                raw = reader.readframes(block_frames)
                if not raw:
                    return
                yield _pcm_to_mono(raw, info.sample_width, info.channels)
    except (wave.Error, *_BROKEN) as err:
        raise AudioError(
            AudioErrorCode.UNREADABLE, f"{info.path}: broken WAV data: {_why(err)}"
        ) from None


def _why(err: BaseException) -> str:
    """One line about a decoder failure (some carry no message at all)."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return text[:120] or "the chunks do not fit together"


def _pcm_to_mono(raw: bytes, width: int, channels: int) -> np.ndarray:
    usable = len(raw) - len(raw) % (width * channels)
    raw = raw[:usable]
    if width == 1:  # 8-bit WAV is unsigned
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        samples = ints.astype(np.float32) / float(1 << 23)
    else:
        samples = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)).astype(
            np.float32
        )
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples


def _import_av(path: Path) -> Any:
    try:
        import av
    except ImportError:
        raise AudioError(
            AudioErrorCode.UNSUPPORTED,
            f"{path}: reading this format needs PyAV (pip install av); use 16-bit PCM WAV instead",
        ) from None
    return av


def _probe_av(path: Path, kind: str) -> AudioInfo:
    av = _import_av(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError(AudioErrorCode.UNREADABLE, f"{path}: no audio stream")
            stream = container.streams.audio[0]
            if stream.codec_context is None:
                raise AudioError(AudioErrorCode.UNREADABLE, f"{path}: unknown audio encoding")
            rate = stream.codec_context.sample_rate or stream.rate
            channels = stream.codec_context.channels
            if stream.frames:
                frames = int(stream.frames)
            elif stream.duration is not None and stream.time_base is not None:
                frames = int(stream.duration * stream.time_base * rate)
            elif container.duration is not None:
                frames = int(container.duration / 1_000_000 * rate)
            else:
                frames = sum(frame.samples for frame in container.decode(stream))
    except AudioError:
        raise
    except (av.FFmpegError, *_BROKEN) as err:
        raise AudioError(
            AudioErrorCode.UNREADABLE, f"{path}: cannot decode audio: {_why(err)}"
        ) from None
    if not rate or not channels:
        raise AudioError(AudioErrorCode.UNREADABLE, f"{path}: no sample rate or channels")
    return AudioInfo(path, kind, int(rate), int(channels), 0, frames)


def _av_blocks(info: AudioInfo) -> Iterator[np.ndarray]:
    """Float32 mono blocks decoded by ffmpeg (down-mix only; soxr does the resampling)."""
    av = _import_av(info.path)
    try:
        with av.open(str(info.path)) as container:
            stream = container.streams.audio[0]
            mixer = av.AudioResampler(format="flt", layout="mono", rate=info.sample_rate)
            for frame in container.decode(stream):
                for mixed in mixer.resample(frame):
                    yield mixed.to_ndarray().reshape(-1).astype(np.float32)
            for mixed in mixer.resample(None):
                yield mixed.to_ndarray().reshape(-1).astype(np.float32)
    except AudioError:
        raise
    except (av.FFmpegError, *_BROKEN) as err:
        raise AudioError(
            AudioErrorCode.UNREADABLE, f"{info.path}: cannot decode audio: {_why(err)}"
        ) from None


def _with_last(blocks: Iterator[np.ndarray]) -> Iterator[tuple[np.ndarray, bool]]:
    """Pair each block with whether it is the last (the resampler must flush on the last one)."""
    previous: np.ndarray | None = None
    for block in blocks:
        if previous is not None:
            yield previous, False
        previous = block
    yield (previous if previous is not None else np.zeros(0, dtype=np.float32)), True


__all__ = ["SAMPLE_RATE", "AudioInfo", "FileSource", "probe", "read_audio"]
