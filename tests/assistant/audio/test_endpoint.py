"""The end-pointer is pure: these tests feed it plain sequences of scores and durations."""

from __future__ import annotations

import pytest

from assistant.audio.endpoint import (
    EndpointConfig,
    Endpointer,
    EndpointEventType,
    EndpointState,
    EndReason,
)
from assistant.config import VadConfig

CHUNK = 0.02  # 20 ms


def feed(endpointer: Endpointer, pattern: list[tuple[float, float]]) -> list:
    """Feed (probability, seconds) runs in 20 ms chunks; return the events that came out."""
    events = []
    for probability, seconds in pattern:
        for _ in range(round(seconds / CHUNK)):
            event = endpointer.process(CHUNK, probability)
            if event is not None:
                events.append(event)
    return events


def test_speech_then_silence_ends_after_silence_timeout() -> None:
    endpointer = Endpointer(EndpointConfig(min_speech_s=0.25, silence_s=0.7))
    events = feed(endpointer, [(0.0, 1.0), (0.9, 1.5), (0.0, 2.0)])
    assert [event.type for event in events] == [
        EndpointEventType.SPEECH_START,
        EndpointEventType.SPEECH_END,
    ]
    start, end = events
    assert start.speech_start_s == pytest.approx(1.0)
    assert start.at_s == pytest.approx(1.26)  # min_speech_s accumulated (13 chunks of 20 ms)
    assert end.reason is EndReason.SILENCE
    assert end.speech_end_s == pytest.approx(2.5)
    assert end.at_s == pytest.approx(3.2)
    assert endpointer.state is EndpointState.DONE


def test_silence_only_is_no_speech() -> None:
    endpointer = Endpointer()
    assert feed(endpointer, [(0.1, 3.0)]) == []
    event = endpointer.finish()
    assert event is not None
    assert event.reason is EndReason.NO_SPEECH
    assert event.speech_start_s is None


def test_a_blip_shorter_than_min_speech_does_not_start() -> None:
    endpointer = Endpointer(EndpointConfig(min_speech_s=0.25))
    assert feed(endpointer, [(0.0, 0.5), (0.95, 0.1), (0.0, 2.0)]) == []
    assert endpointer.state is EndpointState.WAITING


def test_speech_runs_separated_by_short_gaps_add_up() -> None:
    config = EndpointConfig(min_speech_s=0.3, reset_s=0.3)
    joined = Endpointer(config)
    events = feed(joined, [(0.9, 0.16), (0.0, 0.1), (0.9, 0.16)])
    assert [event.type for event in events] == [EndpointEventType.SPEECH_START]
    assert events[0].speech_start_s == pytest.approx(0.0)

    apart = Endpointer(config)
    assert feed(apart, [(0.9, 0.16), (0.0, 0.4), (0.9, 0.16)]) == []


def test_pause_shorter_than_silence_timeout_keeps_the_utterance_open() -> None:
    endpointer = Endpointer(EndpointConfig(silence_s=0.7))
    events = feed(endpointer, [(0.9, 0.5), (0.0, 0.6), (0.9, 0.5), (0.0, 0.8)])
    assert [event.type for event in events] == [
        EndpointEventType.SPEECH_START,
        EndpointEventType.SPEECH_END,
    ]
    assert events[1].speech_end_s == pytest.approx(1.6)


def test_continuous_speech_stops_at_max_utterance() -> None:
    endpointer = Endpointer(EndpointConfig(max_utterance_s=2.0))
    events = feed(endpointer, [(0.0, 0.5), (0.9, 5.0)])
    assert events[-1].reason is EndReason.MAX_UTTERANCE
    assert events[-1].at_s == pytest.approx(2.5)


def test_hysteresis_keeps_quiet_word_endings_inside_speech() -> None:
    config = EndpointConfig(threshold=0.5, hysteresis=0.15, silence_s=0.3)
    quiet = Endpointer(config)
    events = feed(quiet, [(0.9, 0.5), (0.4, 1.0)])  # 0.4 >= 0.35: still speech
    assert [event.type for event in events] == [EndpointEventType.SPEECH_START]
    lower = Endpointer(config)
    events = feed(lower, [(0.9, 0.5), (0.3, 1.0)])
    assert events[-1].reason is EndReason.SILENCE
    # ...but the same quiet level does not start speech.
    assert feed(Endpointer(config), [(0.4, 2.0)]) == []


def test_no_speech_timeout_gives_up_waiting() -> None:
    endpointer = Endpointer(EndpointConfig(no_speech_timeout_s=1.0))
    events = feed(endpointer, [(0.0, 3.0)])
    assert len(events) == 1
    assert events[0].reason is EndReason.NO_SPEECH
    assert events[0].at_s == pytest.approx(1.0)


def test_input_ending_during_speech_closes_the_utterance() -> None:
    endpointer = Endpointer()
    feed(endpointer, [(0.9, 1.0)])
    event = endpointer.finish()
    assert event is not None
    assert event.reason is EndReason.END_OF_AUDIO
    assert event.speech_end_s == pytest.approx(1.0)


def test_complete_ends_without_waiting_for_silence() -> None:
    endpointer = Endpointer()
    assert endpointer.complete() is None  # nothing to complete before speech
    feed(endpointer, [(0.9, 1.0), (0.0, 0.1)])
    event = endpointer.complete()
    assert event is not None
    assert event.reason is EndReason.COMPLETE
    assert event.at_s == pytest.approx(1.1)


def test_done_ignores_input_until_reset_and_accepts_bools() -> None:
    endpointer = Endpointer(EndpointConfig(silence_s=0.2))
    events = feed(endpointer, [(True, 0.5), (False, 0.4)])
    assert events[-1].reason is EndReason.SILENCE
    assert endpointer.process(CHUNK, True) is None
    endpointer.reset()
    assert endpointer.state is EndpointState.WAITING
    assert endpointer.elapsed_s == 0.0
    assert feed(endpointer, [(True, 0.5)])[0].speech_start_s == pytest.approx(0.0)


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError):
        Endpointer().process(-0.01, 0.5)


def test_config_comes_from_the_users_vad_settings() -> None:
    vad = VadConfig(threshold=0.6, silence_s=0.4, min_speech_s=0.1, max_utterance_s=8.0)
    config = EndpointConfig.from_vad_config(vad)
    assert (config.threshold, config.silence_s, config.min_speech_s, config.max_utterance_s) == (
        0.6,
        0.4,
        0.1,
        8.0,
    )
