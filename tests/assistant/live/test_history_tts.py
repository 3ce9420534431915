"""History log fed from the bus, retention and clearing; reply voices and earcons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config import HistoryConfig, TtsConfig
from assistant.conversation import Conversation
from assistant.events import EventBus, Stage, StageEnd, Transcript, UtteranceTimings
from assistant.history import History
from assistant.tts import (
    Earcon,
    EspeakSynthesizer,
    PiperSynthesizer,
    Speaker,
    build_speaker,
    earcon,
)
from tests.assistant.live.fakes import FakeSink
from tests.conftest import Clock


@pytest.fixture
def history(tmp_path: Path, bus: EventBus, clock: Clock) -> History:
    log = History(tmp_path / "history.sqlite3", HistoryConfig(retention_days=7), clock)
    log.attach(bus)
    return log


def test_typed_and_spoken_turns_are_logged_with_timings(
    history: History, conversation: Conversation, bus: EventBus
) -> None:
    conversation.handle("turn on the desk lamp")
    bus.publish(StageEnd(Stage.ASR, 120.0, "u1"))
    bus.publish(Transcript("turn off the desk lamp", final=True, turn_id="u1"))
    with bus.turn("u1"):  # as the pipeline's act lane runs a spoken turn
        conversation.handle("turn off the desk lamp", asr_ms=120.0)
    bus.publish(
        UtteranceTimings(1.0, 1.1, 1.2, 200.0, True, "complete", {"partials": 300.0}, turn_id="u1")
    )
    typed, spoken = reversed(history.latest(5))
    assert (typed.channel, typed.intent, typed.latency_ms) == ("text", "HassTurnOn", None)
    assert typed.actions == [{"device": "light.desk_lamp", "action": "turn_on", "params": {}}]
    assert (spoken.channel, spoken.latency_ms, spoken.early) == ("voice", 200.0, True)
    assert spoken.timings_ms["asr"] == 120.0 and spoken.timings_ms["partials"] == 300.0
    assert spoken.source == "local" and spoken.response
    assert spoken.audio is None


def test_retention_and_clear(history: History, conversation: Conversation, clock: Clock) -> None:
    conversation.handle("turn on the desk lamp")
    clock.advance(8 * 86400)
    conversation.handle("turn off the desk lamp")
    assert [e.text for e in history.latest(10)] == ["turn off the desk lamp"]
    assert history.clear() == 1
    assert history.latest(10) == []


def test_audio_is_kept_only_when_allowed(tmp_path: Path, clock: Clock) -> None:
    samples = np.zeros(1600, np.int16)
    assert History(tmp_path / "a.sqlite3", HistoryConfig(), clock).add_audio("u1", samples) is None
    keeping = History(tmp_path / "b.sqlite3", HistoryConfig(store_audio=True), clock)
    path = keeping.add_audio("u1", samples)
    assert path is not None and path.is_file()
    keeping.clear()
    assert not path.exists()


def test_disabled_history_records_nothing(
    tmp_path: Path, conversation: Conversation, bus: EventBus
) -> None:
    log = History(tmp_path / "h.sqlite3", HistoryConfig(enabled=False))
    log.attach(bus)
    conversation.handle("turn on the desk lamp")
    assert log.count() == 0


def test_earcons_are_short_generated_tones() -> None:
    wake, done = earcon(Earcon.WAKE), earcon(Earcon.DONE)
    assert wake.dtype == np.int16 and 0.1 < len(wake) / 16000 < 0.25
    assert 0 < np.abs(done).max() < 32767 and len(done) != len(wake)


def test_speaker_plays_on_the_sink_it_was_given() -> None:
    sink = FakeSink()
    speaker = Speaker(sink, None)
    assert not speaker.speaks
    assert speaker.chime(Earcon.WAKE) == pytest.approx(len(earcon(Earcon.WAKE)) / 16000)
    speaker.stop()
    assert sink.played and sink.stops == 1


def test_build_speaker_respects_the_config() -> None:
    assert build_speaker(TtsConfig(), None) is None
    assert build_speaker(TtsConfig(enabled=False, earcons=False), FakeSink()) is None
    earcons_only = build_speaker(TtsConfig(enabled=False), FakeSink())
    assert earcons_only is not None and not earcons_only.speaks


@pytest.fixture(scope="module")
def piper_voice() -> PiperSynthesizer:
    return PiperSynthesizer()


def test_piper_and_espeak_voices_speak(piper_voice: PiperSynthesizer) -> None:
    for synth in (piper_voice, EspeakSynthesizer()):
        audio = synth.synthesize("Turned on the desk lamp")
        assert audio.dtype == np.int16 and 0.5 < len(audio) / 16000 < 4
        assert np.abs(audio).max() > 1000
