"""Turn ids on every event of a spoken turn, errors under their own stage, and intent matching
off the audio loop thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from assistant.audio.endpoint import EndpointConfig
from assistant.conversation import Conversation
from assistant.events import (
    Cancelled,
    ErrorEvent,
    EventBus,
    PipelineState,
    Stage,
    StageEnd,
    StageStart,
    UtteranceTimings,
    WakeDetected,
)
from assistant.home.simulated import SimulatedBackend
from assistant.voice.options import PipelineOptions
from assistant.voice.runner import Pipeline
from assistant.voice.scheduler import Lane
from assistant.voice.simulation import Simulation
from tests.assistant.live.conftest import LANE_COSTS
from tests.assistant.live.fakes import FakeVad, ScriptedEngine, fake_wake, speech, wake_word
from tests.conftest import Recorder

OPTIONS = PipelineOptions(
    endpoint=EndpointConfig(min_speech_s=0.1, silence_s=0.7),
    listen_timeout_s=3.0,
    transcribe_timeout_s=2.0,
    act_timeout_s=2.0,
)


@pytest.fixture
def made(conversation: Conversation, bus: EventBus) -> Iterator[list[Pipeline]]:
    pipelines: list[Pipeline] = []
    yield pipelines
    for pipeline in pipelines:
        pipeline.close()


def simulated(
    made: list[Pipeline],
    conversation: Conversation,
    bus: EventBus,
    lane_costs: dict[Lane, float] = LANE_COSTS,
) -> Simulation:
    engine = ScriptedEngine("turn on the desk lamp")
    pipeline = Pipeline(conversation, bus, engine, FakeVad(), fake_wake(), OPTIONS)
    made.append(pipeline)
    sim = pipeline.simulate(lane_costs=lane_costs)
    sim.silence(0.5)
    sim.feed(wake_word())
    sim.silence(0.2)
    sim.feed(speech(1.0))
    sim.silence(1.5)
    sim.finish()
    return sim


def test_every_event_of_a_spoken_turn_carries_its_turn_id(
    made: list[Pipeline], conversation: Conversation, bus: EventBus, recorder: Recorder
) -> None:
    simulated(made, conversation, bus)
    (wake,) = recorder.of(WakeDetected)
    turn_id = wake.turn_id  # type: ignore[attr-defined]
    assert turn_id.startswith("u-")
    start = recorder.events.index(wake)
    turn = [
        e
        for e in recorder.events[start:]
        if hasattr(e, "turn_id") and not (isinstance(e, StageStart) and e.stage is Stage.WAKE)
    ]
    kinds = {e.type.value for e in turn}
    # The conversation's and the backend's events too, not only the pipeline's own.
    assert {"intent", "actions", "device-changed", "reply", "turn-completed"} <= kinds
    assert {"transcript", "utterance-timings", "stage-start", "stage-end"} <= kinds
    assert {e.turn_id for e in turn} == {turn_id}  # type: ignore[attr-defined]


def test_the_next_turn_gets_a_new_id(
    made: list[Pipeline], conversation: Conversation, bus: EventBus, recorder: Recorder
) -> None:
    simulated(made, conversation, bus)
    simulated(made, conversation, bus)
    ids = [e.turn_id for e in recorder.of(UtteranceTimings)]  # type: ignore[attr-defined]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_a_failing_command_is_reported_under_the_action_stage(
    made: list[Pipeline],
    conversation: Conversation,
    bus: EventBus,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str, asr_ms: float = 0.0) -> None:
        raise RuntimeError("the backend went away")

    monkeypatch.setattr(conversation, "handle", broken)
    simulated(made, conversation, bus)
    (error,) = recorder.of(ErrorEvent)
    (wake,) = recorder.of(WakeDetected)
    assert (error.stage, error.code) == (Stage.ACTION, "action-failed")  # type: ignore[attr-defined]
    assert error.turn_id == wake.turn_id  # type: ignore[attr-defined]
    assert made[0].state is PipelineState.IDLE


def test_a_command_that_takes_too_long_is_reported_under_the_same_stage(
    made: list[Pipeline], conversation: Conversation, bus: EventBus, recorder: Recorder
) -> None:
    simulated(made, conversation, bus, {**LANE_COSTS, Lane.ACT: 5.0})
    errors = [e for e in recorder.of(ErrorEvent) if e.code == "action-timeout"]  # type: ignore[attr-defined]
    assert [e.stage for e in errors] == [Stage.ACTION]  # type: ignore[attr-defined]


def test_intent_matching_never_runs_on_the_audio_loop_thread(
    conversation: Conversation, bus: EventBus, backend: SimulatedBackend
) -> None:
    threads: list[str] = []
    recognize = conversation.recognize

    def watched(text: str):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return recognize(text)

    conversation.recognize = watched  # type: ignore[method-assign]
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
            time.sleep(0.002)
        assert done.wait(5)
    finally:
        pipeline.close()
    assert backend.home().devices["light.desk_lamp"].state == "on"
    assert threads and set(threads) == {"hearth-act_0"}


def test_a_turn_that_hears_nothing_closes_its_stages_under_its_own_id(
    made: list[Pipeline], conversation: Conversation, bus: EventBus, recorder: Recorder
) -> None:
    pipeline = Pipeline(conversation, bus, ScriptedEngine(""), FakeVad(), fake_wake(), OPTIONS)
    made.append(pipeline)
    sim = pipeline.simulate(lane_costs=LANE_COSTS)
    sim.silence(0.5)
    sim.feed(wake_word())
    sim.silence(OPTIONS.listen_timeout_s + 0.5)  # nothing said: the listen window closes
    sim.finish()
    (wake,) = recorder.of(WakeDetected)
    (cancelled,) = recorder.of(Cancelled)
    vad_ends = [e for e in recorder.of(StageEnd) if e.stage is Stage.VAD]  # type: ignore[attr-defined]
    assert cancelled.reason == "no-speech"  # type: ignore[attr-defined]
    assert [e.turn_id for e in vad_ends] == [wake.turn_id]  # type: ignore[attr-defined]
    assert cancelled.turn_id == wake.turn_id  # type: ignore[attr-defined]
