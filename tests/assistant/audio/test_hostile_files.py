"""Files that only look like audio: each is one AudioError line, never a traceback or a hang."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from assistant.audio.base import AudioError
from assistant.audio.file import read_audio

# MPEG-1 layer III frame headers with noise between them: what an MP3 file looks like inside.
MP3ISH = (b"\xff\xfb\x90\x64" + bytes(range(256)) + bytes(range(157))) * 40


def wav(fmt_tag: int, data: bytes, *, extra: bytes = b"", declared: int | None = None) -> bytes:
    fmt = struct.pack("<HHIIHH", fmt_tag, 1, 16000, 32000, 2, 16) + extra
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data) if declared is None else declared) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


CASES = {
    "mp3-format-tag": wav(0x55, MP3ISH, extra=b"\0\0"),
    "extensible-over-mp3": wav(0xFFFE, MP3ISH, extra=b"\0\0"),
    "pcm-header-then-raw-mp3": (
        b"RIFF"
        + struct.pack("<I", 36 + len(MP3ISH))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
        + MP3ISH
    ),
    "no-data-chunk": wav(1, b"")[:36],
    "zero-rate": wav(1, b"\0" * 100).replace(struct.pack("<I", 16000), b"\0\0\0\0", 1),
    "24-channel-odd-width": wav(1, b"\0" * 7).replace(b"\x01\x00\x01\x00", b"\x01\x00\x18\x00", 1),
    "riff-only": b"RIFF\0\0\0\0WAVE",
    "mp3-file": b"ID3\x04\0\0\0\0\0\0" + MP3ISH,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fake_audio_is_one_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.wav"
    path.write_bytes(CASES[name])
    try:
        audio = read_audio(path)
    except AudioError as err:
        assert "\n" not in str(err) and str(path) in str(err)
    else:  # PCM that happens to decode is audio, if odd: it must at least be int16 16 kHz
        assert audio.dtype.name == "int16"


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with pytest.raises(AudioError, match="not a regular file"):
            read_audio(path)
