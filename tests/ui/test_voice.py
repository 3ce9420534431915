"""Voice in the window: the live pipeline on a synthesized WAV, push-to-talk, cancel, mute,
a missing microphone, the persistent history, and a clean shutdown."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from assistant.audio.memory import MemorySource
from assistant.config import Config, HistoryConfig
from assistant.events import (
    AudioLevel,
    PipelineState,
    PipelineStateChanged,
    Transcript,
    TurnCompleted,
)
from assistant.history import History, open_history
from assistant.home.loader import demo_home_path
from assistant.runtime import Runtime, VoiceModels, build_runtime, build_voice, load_voice_models
from tests.ui.helpers import LOAD_TIMEOUT_MS, FakeSoundDevice
from tests.ui.voice_fakes import FakePipeline
from ui.bridge import EngineBridge
from ui.main_window import HOLD_S, AppServices, MainWindow
from ui.status import AssistantState
from ui.voice import MutableSource, PacedSource

VOICE_TIMEOUT_MS = 30_000
_PIPELINE_THREADS = ("hearth-pipeline", "hearth-audio")


def _voice_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in _PIPELINE_THREADS]


@pytest.fixture(scope="session")
def listen_parts() -> VoiceModels:
    """The real speech engine, VAD and home hint, loaded once for the whole session."""
    pytest.importorskip("faster_whisper")
    runtime = build_runtime(Config(), home_file=demo_home_path())
    try:
        return load_voice_models(runtime)
    finally:
        runtime.close()


@pytest.fixture
def history(tmp_path) -> Iterator[History]:
    log = open_history(tmp_path / "history", HistoryConfig())
    yield log
    log.close()


WindowMaker = Callable[..., MainWindow]


@pytest.fixture
def voice_window(qtbot, services: AppServices) -> Iterator[WindowMaker]:
    """A window whose voice runs on ``open_source``/``build`` once the runtime is ready."""
    bridges: list[EngineBridge] = []

    def make(ready: bool = True, **voice: Any) -> MainWindow:
        bridge = EngineBridge()
        bridges.append(bridge)
        win = MainWindow(bridge, services=replace(services, voice=True, **voice))
        qtbot.addWidget(win)
        win.show()
        assert win.voice is not None and services.factory is not None
        signal = win.voice.ready if ready else win.voice.failed
        with qtbot.waitSignal(signal, timeout=VOICE_TIMEOUT_MS):
            bridge.load(services.factory)
        return win

    yield make
    for bridge in bridges:
        bridge.shutdown()
        bridge.deleteLater()


def _silence_source(_runtime: Runtime) -> tuple[PacedSource, str, None]:
    return PacedSource(iter(()), speed=1.0), "test input", None


def test_a_spoken_command_reaches_transcript_intent_card_devices_and_history(
    qtbot, voice_window: WindowMaker, listen_parts: VoiceModels, history: History
):
    from bench import voices

    audio = np.concatenate(
        [
            voices.silence(0.4),
            voices.piper("Okay Nabu."),
            voices.silence(0.3),
            voices.piper("Turn on the desk lamp."),
        ]
    )

    def open_wav(_runtime: Runtime) -> tuple[PacedSource, str, None]:
        return PacedSource(MemorySource(audio), speed=1.5), "session.wav", None

    def build(runtime: Runtime, sink: Any) -> Any:
        return build_voice(runtime, listen_parts, sink, history)

    window = voice_window(open_source=open_wav, build_pipeline=build, history=history)
    assert window.voice_available and window.talk_button.isEnabled()
    assert "Okay Nabu" in window.state.text and "session.wav" in window.voice_label.text()
    levels: list[int] = []
    window.level_meter.valueChanged.connect(levels.append)
    shown: list[tuple[str, bool, bool]] = []
    window.bridge.transcript.connect(
        lambda e: shown.append(
            (window.transcript.text(), e.final, bool(window.transcript.property("partial")))
        )
    )
    with qtbot.waitSignal(window.bridge.turn_completed, timeout=VOICE_TIMEOUT_MS):
        pass
    assert max(levels) > 20  # the meter followed the voice
    finals = [s for s in shown if s[1]]
    assert any(partial for _, final, partial in shown if not final)  # partials greyed first
    assert finals and not finals[-1][2] and "desk lamp" in finals[-1][0].lower()
    assert "HassTurnOn" in window.intent_card.intent.text()
    lamp = window.home_view.cards["light.desk_lamp"]
    qtbot.waitUntil(lambda: lamp.device.state == "on", timeout=3000)
    # The per-stage bar gains the pipeline's own stages once its timings arrive.
    qtbot.waitUntil(lambda: "vad" in window.history.results[0].timings_ms, timeout=5000)
    assert {"wake", "asr", "intent"} <= set(window.history.results[0].timings_ms)
    (entry,) = history.latest(5)
    assert entry.channel == "voice" and entry.intent == "HassTurnOn"

    # Cancel: start listening with a click (toggle), then cancel it.
    qtbot.mouseClick(window.talk_button, Qt.MouseButton.LeftButton)
    assert window.talking
    qtbot.waitUntil(lambda: window.state.state is AssistantState.LISTENING, timeout=3000)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.transcript.text() == "(cancelled)", timeout=3000)
    assert not window.talking
    assert window.voice is not None and window.voice.pipeline is not None
    assert window.voice.pipeline.state is PipelineState.IDLE

    assert _voice_threads()
    window.close()
    assert not _voice_threads()  # closing stopped the pipeline and the audio reader
    assert window.voice.pipeline is None


def test_talk_button_space_socket_and_tray_drive_push_to_talk(qtbot, voice_window):
    fake = FakePipeline()
    window = voice_window(open_source=_silence_source, build_pipeline=lambda rt, sink: fake)
    assert fake.calls == ["start"] and "hold Talk" in window.state.text

    qtbot.mousePress(window.talk_button, Qt.MouseButton.LeftButton)  # hold ...
    qtbot.wait(int(HOLD_S * 1000) + 100)
    qtbot.mouseRelease(window.talk_button, Qt.MouseButton.LeftButton)  # ... and let go
    qtbot.waitUntil(lambda: fake.calls[-1:] == ["ptt-stop"], timeout=2000)
    assert fake.calls == ["start", "ptt-start", "ptt-stop"]

    qtbot.mouseClick(window.talk_button, Qt.MouseButton.LeftButton)  # a click toggles on
    assert window.talking and fake.calls[-1] == "ptt-start"
    qtbot.mouseClick(window.talk_button, Qt.MouseButton.LeftButton)  # another stops
    assert not window.talking and fake.calls[-1] == "ptt-stop"

    window.intent_card.setFocus()
    qtbot.keyPress(window, Qt.Key.Key_Space)
    qtbot.keyRelease(window, Qt.Key.Key_Space)
    assert fake.calls[-2:] == ["ptt-start", "ptt-stop"]
    count = len(fake.calls)
    window.command.setFocus()
    qtbot.keyClick(window.command, Qt.Key.Key_Space)  # typing a space is not talking
    assert len(fake.calls) == count and window.command.text() == " "

    assert window.handle_push_to_talk("toggle") == "ok listening"  # what `hearth ptt` sends
    assert window.handle_push_to_talk("release") == "ok stopped"
    assert window.tray is not None
    window.tray.listen_action.trigger()
    assert fake.calls[-1] == "ptt-start"
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert fake.calls[-1] == "cancel" and not window.talking

    window.tray.mute_action.trigger()  # mute from the tray shows in the window
    assert window.muted and window.mute_button.isChecked()
    assert "muted" in window.voice_label.text().lower() and "muted" in window.state.text
    assert window.handle_push_to_talk("press").startswith("unavailable")
    qtbot.mouseClick(window.mute_button, Qt.MouseButton.LeftButton)
    assert not window.muted and not window.tray.mute_action.isChecked()

    window.close()
    assert fake.calls[-1] == "close"


def test_mute_drops_microphone_frames_before_the_pipeline():
    muted = threading.Event()
    frames = [np.full(320, i, np.int16) for i in range(4)]

    class Source:
        def __iter__(self):
            for i, frame in enumerate(frames):
                if i == 1:
                    muted.set()
                if i == 3:
                    muted.clear()
                yield frame

        def close(self) -> None:
            pass

    passed = [int(frame[0]) for frame in MutableSource(Source(), muted)]
    assert passed == [0, 3]


def test_meter_and_transcript_follow_the_bus_events(qtbot, window: MainWindow):
    window.set_voice_available(True)
    bus = window.bridge.runtime.bus
    bus.publish(AudioLevel(0.8, True, PipelineState.LISTENING))
    qtbot.waitUntil(lambda: window.level_meter.value() == 80, timeout=2000)
    bus.publish(PipelineStateChanged(PipelineState.LISTENING, PipelineState.IDLE))
    bus.publish(Transcript("turn on the", final=False))
    qtbot.waitUntil(lambda: window.transcript.text() == "turn on the…", timeout=2000)
    assert window.transcript.property("partial") is True
    assert window.state.state is AssistantState.LISTENING
    bus.publish(Transcript("turn on the kettle", final=True))
    qtbot.waitUntil(lambda: window.transcript.text() == "“turn on the kettle”", timeout=2000)
    assert window.transcript.property("partial") is False
    bus.publish(PipelineStateChanged(PipelineState.REPLYING, PipelineState.ACTING))
    qtbot.waitUntil(lambda: window.state.state is AssistantState.SPEAKING, timeout=2000)


@pytest.mark.parametrize("broken", ["no-portaudio", "device-fails"])
def test_without_a_microphone_the_reason_shows_and_typing_still_works(qtbot, voice_window, broken):
    from assistant.audio.base import AudioError, AudioErrorCode

    def no_portaudio() -> Any:
        raise AudioError(AudioErrorCode.NO_BACKEND, "the PortAudio library is missing")

    loader = no_portaudio if broken == "no-portaudio" else (lambda: FakeSoundDevice(fail=True))
    built: list[Runtime] = []
    window = voice_window(
        ready=False, load_sounddevice=loader, build_pipeline=lambda rt, sink: built.append(rt)
    )
    assert not built  # the models are not loaded for a microphone that cannot open
    reason = "PortAudio library is missing" if broken == "no-portaudio" else "Device unavailable"
    assert reason in window.voice_label.text() and window.voice_label.isVisible()
    assert not window.talk_button.isEnabled() and not window.voice_available
    assert window.tray is not None and not window.tray.listen_action.isEnabled()
    assert window.handle_push_to_talk("press").startswith("unavailable")
    window.command.setText("turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=5000):
        window.send()
    assert window.reply.text().startswith("Turned on")


def test_history_is_persisted_shown_at_start_and_cleared_with_confirmation(
    qtbot, voice_window, history: History, monkeypatch
):
    history.on_event(
        TurnCompleted(
            {
                "text": "turn off the porch light",
                "intent": "HassTurnOff",
                "actions": [{"device": "light.porch", "action": "turn_off", "params": {}}],
                "response": "Turned off the porch light",
                "source": "local",
                "timings_ms": {"intent": 2.0, "action": 0.5, "total": 3.0},
            }
        )
    )
    window = voice_window(
        open_source=_silence_source,
        build_pipeline=lambda rt, sink: FakePipeline(),
        history=history,
    )
    assert window.history.count() == 1
    assert window.history.results[0].text == "turn off the porch light"
    window.command.setText("turn on the kettle")
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=5000):
        window.send()
    assert [e.text for e in history.latest(5)] == ["turn on the kettle", "turn off the porch light"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert history.count() == 2 and window.history.count() == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert history.count() == 0 and window.history.count() == 0


def test_a_voice_load_that_ends_after_closing_is_dropped(qtbot, services, window_factory):
    fake = FakePipeline()
    release = threading.Event()

    def slow_build(runtime: Runtime, sink: Any) -> FakePipeline:
        release.wait(5)
        return fake

    bridge = EngineBridge()
    window = MainWindow(
        bridge,
        services=replace(
            services, voice=True, open_source=_silence_source, build_pipeline=slow_build
        ),
    )
    qtbot.addWidget(window)
    assert services.factory is not None
    with qtbot.waitSignal(bridge.home_loaded, timeout=LOAD_TIMEOUT_MS):
        bridge.load(services.factory)
    assert window.voice_label.text().startswith("Voice: loading")
    release.set()
    window.close()
    qtbot.wait(50)
    assert fake.calls == ["close"]  # never started: its runtime was already gone
    bridge.deleteLater()
