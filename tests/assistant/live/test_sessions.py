"""Long synthesized sessions through the real live pipeline, faster than real time.

Real models throughout: microWakeWord "okay nabu", Silero VAD, Whisper tiny.en int8, hassil. The
audio is piper speech over a quiet noise bed, with chatter (espeak and piper) that is not meant
for Hearth, some of it sounding like commands.
"""

from __future__ import annotations

import numpy as np

from assistant.events import (
    ActionsExecuted,
    Cancelled,
    ErrorEvent,
    PipelineState,
    UtteranceTimings,
    WakeDetected,
)
from assistant.home.simulated import SimulatedBackend
from bench import voices
from tests.assistant.live.conftest import FailingEngine, PipelineFactory
from tests.conftest import Recorder


def executed(recorder: Recorder) -> list[tuple[str, str]]:
    return [
        (a["device"], a["action"])
        for e in recorder.of(ActionsExecuted)
        if not e.pending  # type: ignore[attr-defined]
        for a in e.actions  # type: ignore[attr-defined]
    ]


def test_long_session_wakes_acts_and_ignores_chatter(
    live: PipelineFactory, recorder: Recorder, backend: SimulatedBackend
) -> None:
    pipeline, session = live()
    sim = session.sim
    sim.feed(voices.noise(1.0))
    session.command("Turn on the desk lamp.")
    # Chatter, including command-like words, without the wake word: nothing may happen.
    sim.feed(voices.espeak("I think we should turn on the heating when we get home", "en-gb+f3"))
    sim.feed(voices.noise(1.0, seed=2))
    session.say("Turn off the kitchen speaker.", pause_s=1.0)
    sim.feed(voices.espeak("The weather will be cold tomorrow morning", "en-us+m3", 170))
    sim.feed(voices.noise(1.0, seed=3))
    session.command("Turn off the kitchen speaker.")
    sim.finish()

    home = backend.home()
    assert len(recorder.of(WakeDetected)) == 2
    assert executed(recorder) == [
        ("light.desk_lamp", "turn_on"),
        ("media_player.kitchen_speaker", "turn_off"),
    ]
    assert home.devices["light.desk_lamp"].state == "on"
    assert home.devices["media_player.kitchen_speaker"].state == "off"
    timings = recorder.of(UtteranceTimings)
    assert len(timings) == 2
    assert all(t.latency_ms < 1500 for t in timings)  # type: ignore[attr-defined]
    assert pipeline.state is PipelineState.IDLE


def test_confirmation_by_voice_then_undo(
    live: PipelineFactory, recorder: Recorder, backend: SimulatedBackend
) -> None:
    _, session = live()
    session.command("Please unlock the front door.", after_s=1.2)
    assert backend.home().devices["lock.front_door"].state == "locked"  # asked, not done
    session.say("Yes.", pause_s=1.5)  # no wake word: the follow-up window is open
    assert backend.home().devices["lock.front_door"].state == "unlocked"
    session.command("Turn on the printer.")
    assert backend.home().devices["switch.printer"].state == "on"
    # Whisper tiny.en hears piper's "undo" as "and do"; "please, un-do that" it gets right.
    session.command("Please, un-do that.")
    session.sim.finish()
    assert backend.home().devices["switch.printer"].state == "off"
    assert len(recorder.of(WakeDetected)) == 3


def test_spoken_never_mind_cancels(
    live: PipelineFactory, recorder: Recorder, backend: SimulatedBackend
) -> None:
    _, session = live()
    session.command("Never mind.")
    session.sim.finish()
    assert [e.reason for e in recorder.of(Cancelled)] == ["spoken"]  # type: ignore[attr-defined]
    assert executed(recorder) == []


def test_engine_crash_mid_utterance_recovers_for_the_next_command(
    live: PipelineFactory, recorder: Recorder, backend: SimulatedBackend, whisper
) -> None:  # type: ignore[no-untyped-def]
    engine = FailingEngine(whisper, fail_on={2})  # the second partial of the first command
    pipeline, session = live(engine=engine)
    session.command("Turn on the desk lamp.")
    assert [e.code for e in recorder.of(ErrorEvent)] == ["asr-failed"]  # type: ignore[attr-defined]
    assert backend.home().devices["light.desk_lamp"].state == "off"
    assert pipeline.state is PipelineState.IDLE
    session.command("Turn on the desk lamp.")
    session.sim.finish()
    assert backend.home().devices["light.desk_lamp"].state == "on"


def test_wake_word_in_noise_at_10_db(live: PipelineFactory, recorder: Recorder) -> None:
    _, session = live()
    # espeak's voice survives 10 dB (p > 0.95); piper's "Okay Nabu" often does not (see bench).
    wake = voices.espeak("okay nabu", "en-us", 160)
    noisy = voices.add_noise(
        np.concatenate([voices.silence(0.5), wake, voices.silence(0.5)]), 10.0, seed=4
    )
    session.sim.feed(noisy)
    session.sim.silence(7.0)
    assert len(recorder.of(WakeDetected)) == 1
