"""`hearth listen --wav FILE --stream` and `hearth history` end to end (one process, real models)."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from bench import voices


def write_wav(path: Path, audio: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(audio.astype("<i2").tobytes())
    return path


def test_stream_a_long_recording_then_show_and_clear_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parts = [
        voices.silence(1.0),
        voices.piper("Okay Nabu."),
        voices.silence(0.3),
        voices.piper("Turn on the desk lamp."),
        voices.silence(2.0),
        voices.espeak("so I told him the lamp was broken anyway", "en-gb+f3"),
        voices.silence(2.0),
        # A sensitive detector (below) takes this for the wake word; the speech model does not.
        voices.espeak("okay, I will be there in ten minutes", "en-us+m3", 160),
        voices.silence(2.0),
    ]
    recording = write_wav(tmp_path / "session.wav", np.concatenate(parts))
    config = tmp_path / "config.toml"
    config.write_text("[wake]\nthreshold = 0.5\n", encoding="utf-8")
    argv = ["listen", "--config", str(config), "--wav", str(recording), "--stream", "--json"]
    assert cli.main(argv) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [line["type"] for line in lines]
    assert kinds.count("wake-detected") == 1
    actions = [line["data"]["actions"] for line in lines if line["type"] == "actions"]
    assert actions == [[{"device": "light.desk_lamp", "action": "turn_on", "params": {}}]]
    assert lines[-1]["type"] == "summary" and lines[-1]["data"]["commands"] == 1
    (rejected,) = [line for line in lines if line["type"] == "wake-rejected"]
    assert "will" in rejected["data"]["heard"].lower() and lines[-1]["data"]["rejected"] == 1

    assert cli.main(["history", "--json"]) == 0
    (entry,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert entry["channel"] == "voice" and entry["intent"] == "HassTurnOn"
    assert entry["latency_ms"] is not None
    assert cli.main(["history", "--clear"]) == 0
    assert "Cleared 1" in capsys.readouterr().out
    assert cli.main(["history"]) == 0
    assert "empty" in capsys.readouterr().out
