"""`hearth history` has every turn from every entry point (parse, shell, listen --wav), newest
first, as its help says."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from assistant import cli
from assistant.home.loader import demo_home_path

DEMO = str(demo_home_path())


def run(capsys, *argv: str, stdin: str | None = None) -> str:
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        assert cli.main(list(argv)) == 0
    finally:
        sys.stdin = sys.__stdin__
    return capsys.readouterr().out


def history(capsys) -> list[dict]:
    return [json.loads(line) for line in run(capsys, "history", "--json").splitlines()]


def test_parse_and_shell_turns_are_logged_newest_first(capsys) -> None:
    run(capsys, "parse", "turn on the kitchen lights")
    run(capsys, "parse", "--batch", "-", stdin="turn off the desk lamp\n")
    run(capsys, "shell", stdin="lock the front door\nquit\n")
    entries = history(capsys)
    assert [e["text"] for e in entries] == [
        "lock the front door",
        "turn off the desk lamp",
        "turn on the kitchen lights",
    ]
    assert {e["channel"] for e in entries} == {"text"}
    lines = run(capsys, "history").splitlines()
    assert "lock the front door" in lines[0]
    assert "turn on the kitchen lights" in lines[-1]
    assert run(capsys, "history", "-n", "1").count("\n") == 1


def test_a_disabled_history_logs_nothing(capsys, tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "off.toml"
    config.write_text("[history]\nenabled = false\n")
    monkeypatch.setenv("HEARTH_CONFIG", str(config))
    run(capsys, "parse", "turn on the kitchen lights")
    assert history(capsys) == []


def test_a_single_wav_command_is_logged_as_voice(capsys, tmp_path: Path) -> None:
    pytest.importorskip("pocketsphinx")
    from tests.assistant.speech.synth import speak_to_file

    clip = speak_to_file("lock the front door", "en-us", tmp_path / "cmd.wav")
    out = run(capsys, "listen", "--home", DEMO, "--engine", "grammar", "--wav", str(clip), "--json")
    heard = json.loads(out)
    (entry,) = history(capsys)
    assert entry["channel"] == "voice"
    assert entry["text"] == heard["text"] and entry["text"]
    assert entry["response"] == heard["response"]
