"""`hearth listen --wav FILE --json`: the JSON contract from audio, and every kind of bad audio."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.home.loader import demo_home_path
from tests.assistant.speech.synth import speak_to_file


def hearth(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "listen", "--home", str(demo_home_path()), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_wav(
    path: Path, samples: np.ndarray, rate: int, channels: int = 1, width: int = 2
) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def assert_one_line_error(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("hearth: "), done.stderr


def test_spoken_command_follows_the_json_contract(tmp_path: Path) -> None:
    clip = speak_to_file("turn off the kitchen lights", "en-us", tmp_path / "cmd.wav")
    done = hearth("--wav", str(clip), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["intent"] == "HassTurnOff"
    assert result["slots"]["area"] == "Kitchen"
    assert {a["device"] for a in result["actions"]} == {
        "light.kitchen_ceiling",
        "light.kitchen_counter",
    }
    assert "kitchen" in result["text"].lower()
    assert set(result["timings_ms"]) >= {"vad", "asr", "intent", "action", "total"}
    assert result["timings_ms"]["asr"] > 0


def test_48k_stereo_and_8_bit_are_understood(tmp_path: Path) -> None:
    clip = speak_to_file("turn on the desk lamp", "en-us", tmp_path / "src.wav")
    with wave.open(str(clip)) as source:
        rate = source.getframerate()
        mono = np.frombuffer(source.readframes(source.getnframes()), np.int16)
    up = np.interp(np.arange(0, len(mono), rate / 48000), np.arange(len(mono)), mono)
    stereo = np.repeat(up.astype(np.int16)[:, None], 2, axis=1)
    eight_bit = ((mono.astype(np.int32) >> 8) + 128).astype(np.uint8)
    for path in (
        write_wav(tmp_path / "stereo48k.wav", stereo, 48000, channels=2),
        write_wav(tmp_path / "8bit.wav", eight_bit, rate, width=1),
    ):
        done = hearth("--wav", str(path), "--json")
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert [a["device"] for a in result["actions"]] == ["light.desk_lamp"], path.name


def test_silence_is_a_clear_answer_not_an_error(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 2, np.int16), 16000)
    done = hearth("--wav", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["intent"] is None and result["actions"] == []
    assert result["response"]


@pytest.mark.parametrize("kind", ["not-audio", "empty", "ten-minutes", "missing"])
def test_bad_audio_is_one_line_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.wav"
    if kind == "not-audio":
        path.write_bytes(b"this is not audio at all" * 100)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "ten-minutes":
        write_wav(path, np.zeros(16000 * 600, np.int16), 16000)
    assert_one_line_error(hearth("--wav", str(path), "--json"))
