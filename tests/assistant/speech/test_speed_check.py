"""The first-run speed check, run for real: synthesized commands through real engines."""

from __future__ import annotations

import threading

import pytest

from assistant.config import SpeechConfig
from assistant.speech import SpeechError, SpeechErrorCode
from assistant.speech.base import SpeechEngine
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.speed_check import (
    LATENCY_BUDGET_MS,
    CommandResult,
    EngineResult,
    SpeedCheckCancelled,
    Step,
    installed_engines,
    load_engine,
    recommend,
    run_speed_check,
)
from models.store import ModelStore
from tests.speech_clips import RecordedEspeak

COMMANDS = ("turn on the kitchen lights", "turn off the desk lamp")


def result(engine: str, latency_ms: float, understood: int, total: int = 3) -> EngineResult:
    commands = tuple(
        CommandResult(f"c{i}", f"c{i}", latency_ms, i < understood) for i in range(total)
    )
    return EngineResult(engine, commands)


def test_real_engines_are_timed_and_judged_by_their_actions(whisper: FasterWhisperEngine) -> None:
    """faster-whisper (the loaded session engine) and the grammar engine on two commands.

    The commands are spoken by espeak-ng (replayed from the clip library: the same everywhere).
    """
    loaded: list[str] = []

    def loader(name: str, config: SpeechConfig) -> SpeechEngine:
        loaded.append(name)
        return whisper if name == "faster-whisper" else load_engine(name, config)

    steps: list[Step] = []
    report = run_speed_check(
        ["faster-whisper", "grammar"],
        commands=COMMANDS,
        synthesizer=RecordedEspeak("en-us"),
        loader=loader,
        progress=steps.append,
    )

    assert loaded == ["faster-whisper", "grammar"]
    assert report.voice == "espeak-ng"
    whisper_result, grammar_result = report.results
    assert whisper_result.ok and grammar_result.ok
    for engine in report.results:
        assert [c.text for c in engine.commands] == list(COMMANDS)
        assert all(c.latency_ms > 0 for c in engine.commands)
    # Both commands lead to the typed sentence's actions (the e2e test measures >= 90 %).
    assert whisper_result.understood == 2, whisper_result.commands
    assert "kitchen" in whisper_result.commands[0].heard.lower()
    assert report.recommended is not None and report.recommended.understood == 2
    summary = whisper_result.summary()
    assert summary.startswith("faster-whisper: about ") and summary.endswith("understood 2/2")
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    assert steps[-1].done == steps[-1].total == len(COMMANDS) * 3


def test_an_engine_that_cannot_load_is_reported_and_the_rest_still_run(
    whisper: FasterWhisperEngine,
) -> None:
    def loader(name: str, config: SpeechConfig) -> SpeechEngine:
        if name == "vosk":
            raise SpeechError(SpeechErrorCode.MODEL_NOT_FOUND, "model vosk-en-us-small missing\nx")
        return whisper

    report = run_speed_check(
        ["vosk", "faster-whisper"],
        commands=COMMANDS[:1],
        synthesizer=RecordedEspeak("en-us"),
        loader=loader,
    )

    vosk, fw = report.results
    assert not vosk.ok and vosk.error == "model vosk-en-us-small missing"
    assert vosk.summary() == "vosk: could not run (model vosk-en-us-small missing)"
    assert fw.ok
    assert report.recommended is fw


def test_cancel_stops_before_any_engine_is_loaded() -> None:
    cancel = threading.Event()
    loaded: list[str] = []

    def stop_after_first(step: Step) -> None:
        if step.done >= 1:
            cancel.set()

    def loader(name: str, config: SpeechConfig) -> SpeechEngine:
        loaded.append(name)
        raise AssertionError("the check was cancelled before loading")

    with pytest.raises(SpeedCheckCancelled):
        run_speed_check(
            ["faster-whisper"],
            commands=COMMANDS,
            synthesizer=RecordedEspeak("en-us"),
            loader=loader,
            progress=stop_after_first,
            cancel=cancel,
        )
    assert loaded == []


def test_recommendation_prefers_understanding_then_accuracy_within_the_budget() -> None:
    fast_grammar = result("grammar", 120, 3)
    whisper = result("faster-whisper", LATENCY_BUDGET_MS - 100, 3)
    assert recommend([fast_grammar, whisper]) is whisper  # both fast enough: the accurate one
    slow_whisper = result("faster-whisper", LATENCY_BUDGET_MS * 3, 3)
    assert recommend([slow_whisper, fast_grammar]) is fast_grammar  # too slow: the fast one
    sloppy = result("faster-whisper", 100, 1)
    assert recommend([sloppy, result("grammar", 400, 2)]).engine == "grammar"
    assert recommend([result("vosk", 100, 0), EngineResult("grammar", error="broken")]) is None
    assert result("grammar", 183.4, 3).summary() == (
        "grammar: about 180 ms per command, understood 3/3"
    )


def test_installed_engines_follow_packages_and_models(tmp_path) -> None:
    store = ModelStore(tmp_path / "cache")  # an empty cache: only packaged models are there
    found = installed_engines(SpeechConfig(), store)
    assert "faster-whisper" in found and "grammar" in found  # packaged model, pocketsphinx
    assert "vosk" not in found  # its English model is a download, not in this cache
    assert "openai-whisper" not in found  # never: too heavy for a quick check
    assert installed_engines(SpeechConfig(language="ko"), store) == []
    custom = SpeechConfig(engine="faster-whisper", model=str(tmp_path / "no-such-model"))
    assert "faster-whisper" not in installed_engines(custom, store)  # its model is gone
    vosk_by_id = SpeechConfig(engine="vosk", model="vosk-en-us-small")
    assert "vosk" not in installed_engines(vosk_by_id, store)
