"""The state machine with stand-in models: transitions, timeouts, cancel, push-to-talk, errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from assistant.audio.endpoint import EndpointConfig
from assistant.conversation import Conversation
from assistant.events import (
    ActionsExecuted,
    Cancelled,
    ErrorEvent,
    EventBus,
    PipelineState,
    PipelineStateChanged,
    StageEnd,
    StageStart,
    Transcript,
    UtteranceTimings,
    WakeDetected,
    WakeRejected,
)
from assistant.home.simulated import SimulatedBackend
from assistant.speech.wake_check import WakeVerdict
from assistant.tts import Speaker
from assistant.voice.options import PipelineOptions
from assistant.voice.phrases import collapse_repeat, normalize
from assistant.voice.runner import Pipeline
from assistant.voice.scheduler import Lane
from assistant.voice.simulation import Simulation
from tests.assistant.live.conftest import LANE_COSTS
from tests.assistant.live.fakes import (
    FakeSink,
    FakeVad,
    FakeVoice,
    ScriptedEngine,
    fake_wake,
    speech,
    wake_word,
)
from tests.conftest import Recorder

OPTIONS = PipelineOptions(
    endpoint=EndpointConfig(min_speech_s=0.1, silence_s=0.7),
    listen_timeout_s=3.0,
    follow_up_s=3.0,
    transcribe_timeout_s=2.0,
)

Build = Callable[..., tuple[Pipeline, Simulation, ScriptedEngine]]


@pytest.fixture
def build(conversation: Conversation, bus: EventBus) -> Iterator[Build]:
    made: list[Pipeline] = []

    def make(
        options: PipelineOptions = OPTIONS,
        speaker: Speaker | None = None,
        lane_costs: dict[Lane, float] = LANE_COSTS,
        **kwargs: Any,
    ) -> tuple[Pipeline, Simulation, ScriptedEngine]:
        engine = ScriptedEngine()
        pipeline = Pipeline(
            conversation, bus, engine, FakeVad(), fake_wake(), options, speaker=speaker, **kwargs
        )
        made.append(pipeline)
        sim = pipeline.simulate(lane_costs=lane_costs)
        sim.silence(0.5)
        return pipeline, sim, engine

    yield make
    for pipeline in made:
        pipeline.close()


def command(sim: Simulation, engine: ScriptedEngine, text: str, after_s: float = 1.5) -> None:
    sim.feed(wake_word())
    sim.silence(0.2)
    engine.text = text
    sim.feed(speech(1.0))
    sim.silence(after_s)


def states(recorder: Recorder) -> list[PipelineState]:
    return [e.state for e in recorder.of(PipelineStateChanged)]  # type: ignore[attr-defined]


def test_wake_then_command_runs_through_every_state(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"
    assert states(recorder) == [
        PipelineState.WAKE,
        PipelineState.LISTENING,
        PipelineState.TRANSCRIBING,
        PipelineState.ACTING,
        PipelineState.IDLE,
    ]
    assert len(recorder.of(WakeDetected)) == 1
    finals = [e for e in recorder.of(Transcript) if e.final]  # type: ignore[attr-defined]
    assert [e.text for e in finals] == ["turn on the desk lamp"]  # type: ignore[attr-defined]
    assert pipeline.state is PipelineState.IDLE


def test_every_stage_start_is_paired_with_an_end(build: Build, recorder: Recorder) -> None:
    _, sim, engine = build()
    command(sim, engine, "turn on the desk lamp")
    command(sim, engine, "")  # heard nothing
    sim.finish()
    opened: dict[str, int] = {}
    for event in recorder.events:
        if isinstance(event, StageStart):
            opened[event.stage] = opened.get(event.stage, 0) + 1
        elif isinstance(event, StageEnd):
            opened[event.stage] -= 1
            assert event.duration_ms >= 0
    assert {k: v for k, v in opened.items() if k != "wake"} == {k: 0 for k in opened if k != "wake"}
    assert opened["wake"] == 1  # waiting for the next wake word


def test_complete_command_is_acted_on_before_the_silence_runs_out(
    build: Build, recorder: Recorder
) -> None:
    _, sim, engine = build()
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    (timing,) = recorder.of(UtteranceTimings)
    assert timing.early  # type: ignore[attr-defined]
    assert timing.latency_ms < 700  # type: ignore[attr-defined]


COSTS = {Lane.DECODE: 0.3, Lane.FINISH: 0.3, Lane.ACT: 0.01}


@pytest.mark.parametrize("concurrent", [False, True])
def test_decode_at_the_pause_never_waits_for_a_running_partial(
    concurrent: bool, build: Build, recorder: Recorder
) -> None:
    # Partials back to back, each taking 0.3 s: one is running when the speech stops.
    options = PipelineOptions(
        endpoint=OPTIONS.endpoint, partial_interval_s=0.1, transcribe_timeout_s=2.0
    )
    _, sim, engine = build(options, lane_costs=COSTS)
    engine.concurrent = concurrent
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    (timing,) = recorder.of(UtteranceTimings)
    assert timing.early  # type: ignore[attr-defined]
    decode_s = COSTS[Lane.FINISH]
    # The pause's decode starts when the VAD has heard the pause (one 20 ms window late) ...
    started = timing.decided_s - decode_s - timing.speech_end_s  # type: ignore[attr-defined]
    if concurrent:
        assert started <= options.pause_decode_s + 0.025
    else:  # ... or, with one lane, only once the partial in flight has finished
        assert started >= options.pause_decode_s + 0.1


def test_incomplete_partial_waits_for_the_end_of_speech_silence(
    build: Build, recorder: Recorder
) -> None:
    _, sim, engine = build()
    command(sim, engine, "turn on the")  # never a whole command
    sim.finish()
    (timing,) = recorder.of(UtteranceTimings)
    assert not timing.early  # type: ignore[attr-defined]
    assert timing.ended_by == "silence"  # type: ignore[attr-defined]
    assert timing.latency_ms >= 700  # type: ignore[attr-defined]


def test_speech_without_the_wake_word_is_ignored(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    _, sim, engine = build()
    engine.text = "turn on the desk lamp"
    sim.feed(speech(2.0))
    sim.silence(2.0)
    sim.finish()
    assert engine.calls == 0
    assert backend.home().devices["light.desk_lamp"].state == "off"
    assert recorder.of(WakeDetected) == []


def test_no_speech_after_the_wake_word_times_out(build: Build, recorder: Recorder) -> None:
    pipeline, sim, _ = build()
    sim.feed(wake_word())
    sim.silence(OPTIONS.listen_timeout_s + 0.5)
    (cancelled,) = recorder.of(Cancelled)
    assert cancelled.reason == "no-speech"  # type: ignore[attr-defined]
    assert pipeline.state is PipelineState.IDLE


def test_cancel_from_the_api_drops_the_command(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    sim.feed(wake_word())
    engine.text = "turn on the lamp and more"
    sim.feed(speech(0.5))
    pipeline.cancel()
    sim.feed(speech(0.5))
    sim.silence(1.5)
    assert pipeline.state is PipelineState.IDLE
    assert [e.reason for e in recorder.of(Cancelled)] == ["api"]  # type: ignore[attr-defined]
    assert recorder.of(ActionsExecuted) == []
    command(sim, engine, "turn on the desk lamp")  # and the next wake word works
    sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"


@pytest.mark.parametrize("phrase", ["stop", "Cancel.", "never mind"])
def test_spoken_cancel(phrase: str, build: Build, recorder: Recorder) -> None:
    pipeline, sim, engine = build()
    command(sim, engine, phrase)
    sim.finish()
    assert [e.reason for e in recorder.of(Cancelled)] == ["spoken"]  # type: ignore[attr-defined]
    assert recorder.of(ActionsExecuted) == []
    assert pipeline.state is PipelineState.IDLE


def test_push_to_talk_keeps_speech_from_just_before_the_press(
    build: Build, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    engine.text = "turn on the desk lamp"
    sim.feed(speech(0.4))  # the user starts talking ...
    pipeline.push_to_talk_start()  # ... and then presses the button
    sim.feed(speech(0.6, seed=2))
    pipeline.push_to_talk_stop()
    sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"
    assert max(engine.lengths) >= int(0.95 * 16000)  # both parts reached the engine


def test_engine_error_mid_utterance_reports_and_recovers(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    engine.fail_on = {1}
    command(sim, engine, "turn on the desk lamp")
    (error,) = recorder.of(ErrorEvent)
    assert (error.stage, error.code) == ("asr", "asr-failed")  # type: ignore[attr-defined]
    assert PipelineState.ERROR in states(recorder)
    assert pipeline.state is PipelineState.IDLE
    assert backend.home().devices["light.desk_lamp"].state == "off"
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"


def test_slow_engine_times_out_and_the_loop_goes_on(build: Build, recorder: Recorder) -> None:
    options = PipelineOptions(
        endpoint=EndpointConfig(min_speech_s=0.1, silence_s=0.3),
        transcribe_timeout_s=0.2,
        early=False,
        partial_interval_s=10.0,
    )
    pipeline, sim, engine = build(
        options, lane_costs={Lane.DECODE: 0.5, Lane.FINISH: 0.5, Lane.ACT: 0.01}
    )
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    codes = [e.code for e in recorder.of(ErrorEvent)]  # type: ignore[attr-defined]
    assert "asr-timeout" in codes
    assert recorder.of(ActionsExecuted) == []
    assert pipeline.state is PipelineState.IDLE


def test_confirmation_is_answered_without_the_wake_word(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    command(sim, engine, "unlock the front door")
    assert pipeline.state is PipelineState.LISTENING  # the follow-up window is open
    engine.text = "yes"
    sim.feed(speech(0.4))
    sim.silence(1.5)
    sim.finish()
    assert backend.home().devices["lock.front_door"].state == "unlocked"
    assert len(recorder.of(WakeDetected)) == 1


def test_follow_up_window_closes(
    build: Build, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    command(sim, engine, "unlock the front door")
    sim.silence(OPTIONS.follow_up_s + 0.5)
    assert pipeline.state is PipelineState.IDLE
    engine.text = "yes"
    sim.feed(speech(0.4))
    sim.silence(1.5)
    sim.finish()
    assert backend.home().devices["lock.front_door"].state == "locked"


def test_cancel_during_a_question_drops_the_pending_confirmation(
    build: Build, conversation: Conversation, backend: SimulatedBackend
) -> None:
    pipeline, sim, engine = build()
    command(sim, engine, "unlock the front door")
    pipeline.cancel()
    assert conversation.store.get("pending") is None
    assert pipeline.state is PipelineState.IDLE


def _speaking(
    build: Build, **options: Any
) -> tuple[Pipeline, Simulation, ScriptedEngine, FakeSink]:
    sink = FakeSink()
    base = {**OPTIONS.__dict__, **options}
    pipeline, sim, engine = build(PipelineOptions(**base), speaker=Speaker(sink, FakeVoice()))
    return pipeline, sim, engine, sink


def test_replies_are_spoken_with_earcons(build: Build, recorder: Recorder) -> None:
    pipeline, sim, engine, sink = _speaking(build)
    sim.feed(wake_word())
    sim.silence(0.2)
    engine.text = "turn on the desk lamp"
    sim.feed(speech(1.0))
    sim.silence(0.6)
    assert pipeline.state is PipelineState.REPLYING
    sim.silence(2.0)
    assert pipeline.state is PipelineState.IDLE
    assert sink.played[0] < 16000 / 4  # the wake chime, then the two-second reply
    assert 32000 in sink.played


def test_wake_word_interrupts_a_reply(build: Build, recorder: Recorder) -> None:
    pipeline, sim, engine, sink = _speaking(build)
    command(sim, engine, "turn on the desk lamp", after_s=0.6)
    assert pipeline.state is PipelineState.REPLYING
    sim.feed(wake_word())
    assert sink.stops >= 1
    assert pipeline.state is PipelineState.LISTENING


def test_spoken_stop_interrupts_a_reply(build: Build, recorder: Recorder) -> None:
    pipeline, sim, engine, sink = _speaking(build)
    command(sim, engine, "turn on the desk lamp", after_s=0.6)
    assert pipeline.state is PipelineState.REPLYING
    engine.text = "stop"
    sim.feed(speech(0.3))
    sim.silence(0.4)
    assert sink.stops >= 1
    assert pipeline.state is PipelineState.IDLE
    assert [e.reason for e in recorder.of(Cancelled)] == ["spoken"]  # type: ignore[attr-defined]


def test_without_barge_in_the_microphone_is_ignored_while_speaking(build: Build) -> None:
    pipeline, sim, engine, sink = _speaking(build, barge_in=False)
    command(sim, engine, "turn on the desk lamp", after_s=0.6)
    calls = engine.calls
    sim.feed(wake_word())
    engine.text = "stop"
    sim.feed(speech(0.3))
    assert pipeline.state is PipelineState.REPLYING
    assert engine.calls == calls
    assert sink.stops == 0


def test_utterance_audio_goes_to_the_history_hook_only(build: Build) -> None:
    kept: list[tuple[str, int]] = []
    _, sim, engine = build(utterance_audio=lambda uid, audio: kept.append((uid, len(audio))))
    command(sim, engine, "turn on the desk lamp")
    sim.finish()
    assert len(kept) == 1 and kept[0][1] > 16000


def test_threaded_pipeline_with_frames_fed_from_another_thread(
    conversation: Conversation, bus: EventBus, backend: SimulatedBackend
) -> None:
    engine = ScriptedEngine("turn on the desk lamp")
    pipeline = Pipeline(conversation, bus, engine, FakeVad(), fake_wake(), OPTIONS)
    done = threading.Event()
    bus.subscribe(lambda e: done.set() if isinstance(e, UtteranceTimings) else None)
    audio = np.concatenate(
        [np.zeros(3200, np.int16), wake_word(), np.zeros(3200, np.int16), speech(1.0)]
        + [np.zeros(16000, np.int16)]
    )
    pipeline.start()
    try:
        for start in range(0, len(audio), 320):
            pipeline.feed(audio[start : start + 320], block=True)
            time.sleep(0.002)  # ten times real time
        assert done.wait(5)
        pipeline.cancel()
        deadline = time.monotonic() + 2
        while pipeline.state is not PipelineState.IDLE and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        pipeline.stop()
    assert backend.home().devices["light.desk_lamp"].state == "on"
    assert pipeline.state is PipelineState.IDLE


def test_normalize_compares_short_answers() -> None:
    assert normalize("  Never mind! ") == "never mind"
    assert normalize("Yes.") == "yes"


def test_a_short_answer_said_twice_by_the_engine_counts_once() -> None:
    assert collapse_repeat("yes. Yes.") == "yes."
    assert collapse_repeat("turn on the lamp") == "turn on the lamp"
    assert collapse_repeat("no no") == "no"


class ScriptedVerifier:
    """The speech model's wake check, answering as told (see test_wake_check for the real one)."""

    window_s = 1.6

    def __init__(self, verdicts: list[bool]) -> None:
        self.verdicts = verdicts
        self.heard: list[int] = []

    def check(self, audio: np.ndarray) -> WakeVerdict:
        self.heard.append(len(audio))
        accepted = self.verdicts.pop(0)
        return WakeVerdict(accepted, 0.0 if accepted else -9.0, "okay nabu" if accepted else "ok")


def test_a_command_said_before_the_wake_check_answers_waits_for_it(
    conversation: Conversation, bus: EventBus, recorder: Recorder, backend: SimulatedBackend
) -> None:
    # The check is slow (1.5 s, a loaded machine): the command is already decoded when it ends.
    verifier = ScriptedVerifier([False, True])
    engine = ScriptedEngine(concurrent=True)
    pipeline = Pipeline(
        conversation, bus, engine, FakeVad(), fake_wake(), OPTIONS, wake_verifier=verifier
    )  # type: ignore[arg-type]
    sim = pipeline.simulate(lane_costs={Lane.DECODE: 0.1, Lane.FINISH: 1.5, Lane.ACT: 0.01})
    sim.silence(0.5)
    command(sim, engine, "turn on the desk lamp", after_s=2.0)  # rejected: not the wake word
    assert len(recorder.of(WakeRejected)) == 1 and not recorder.of(WakeDetected)
    assert not [e for e in recorder.of(ActionsExecuted) if not e.pending]  # type: ignore[attr-defined]
    assert backend.home().devices["light.desk_lamp"].state == "off"
    assert pipeline.state is PipelineState.IDLE

    # Accepted after the command: it ends where a partial decode (the other lane) covers it.
    sim.feed(wake_word())
    sim.silence(0.2)
    sim.feed(speech(0.72))  # with the 0.2 s pre-roll, its end is the 1.2 s partial's
    sim.silence(2.0)
    sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"
    wake = recorder.of(WakeDetected)
    assert len(wake) == 1
    assert recorder.events.index(wake[0]) < recorder.events.index(recorder.of(ActionsExecuted)[0])
    assert verifier.heard and all(n <= 1.6 * 16000 for n in verifier.heard)
    # Still unconfirmed when the command ended: no LISTENING ("Listening…") was ever shown.
    second = states(recorder)[states(recorder).index(PipelineState.IDLE) + 1 :]
    assert second[:2] == [PipelineState.WAKE, PipelineState.TRANSCRIBING]
    assert PipelineState.LISTENING not in states(recorder)
    pipeline.close()


def test_a_wake_word_over_a_reply_interrupts_it_only_once_checked(
    build: Build, recorder: Recorder
) -> None:
    # Verdicts: the command's wake, a near-miss over the reply, the next wake, a real one over it.
    verifier = ScriptedVerifier([True, False, True, True])
    sink = FakeSink()
    pipeline, sim, engine = build(
        OPTIONS, speaker=Speaker(sink, FakeVoice()), wake_verifier=verifier
    )
    command(sim, engine, "turn on the desk lamp", after_s=0.6)
    assert pipeline.state is PipelineState.REPLYING
    sim.feed(wake_word())
    sim.silence(0.3)
    assert len(recorder.of(WakeRejected)) == 1
    assert pipeline.state is PipelineState.REPLYING and sink.stops == 0  # the reply went on
    sim.silence(2.0)

    command(sim, engine, "turn off the desk lamp", after_s=0.6)
    assert pipeline.state is PipelineState.REPLYING
    sim.feed(wake_word())
    assert pipeline.state is PipelineState.REPLYING and sink.stops == 0  # being checked
    sim.silence(0.3)
    assert sink.stops >= 1
    assert pipeline.state is PipelineState.LISTENING
    assert len(recorder.of(WakeDetected)) == 3
