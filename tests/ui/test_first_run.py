"""The first-run check: non-blocking, skippable, remembered, with a real level meter and a
speed check that recommends a speech engine (with a stand-in measurer: the real one is tested in
tests/assistant/speech/test_speed_check.py)."""

from __future__ import annotations

import threading
import types
from dataclasses import dataclass, field

from PySide6.QtCore import Qt

from assistant import config as config_module
from assistant.config import Config, SpeechConfig, WakeConfig
from assistant.speech.speed_check import (
    CommandResult,
    EngineResult,
    SpeedCheckCancelled,
    SpeedCheckError,
    SpeedReport,
    Step,
)
from ui.first_run import (
    WAKE_UNAVAILABLE,
    FirstRunChoices,
    FirstRunDialog,
    engine_wake_factory,
)


class FakeDetector:
    """Fires once after a few frames, as the engine's detector does on the wake word."""

    def __init__(self) -> None:
        self.frames = 0

    def process(self, frame):
        self.frames += 1
        if self.frames == 5:
            return types.SimpleNamespace(word="okay_nabu", probability=0.97)
        return None


def engine(name: str, latency_ms: float, understood: int) -> EngineResult:
    texts = ("turn on the kitchen lights", "turn off the desk lamp", "set the floor lamp")
    return EngineResult(
        name,
        tuple(CommandResult(t, t, latency_ms, i < understood) for i, t in enumerate(texts)),
    )


#: faster-whisper is too slow on this "machine"; grammar understands as much, fast.
SLOW_WHISPER = SpeedReport(
    (engine("faster-whisper", 2400, 3), engine("grammar", 180, 3)), voice="piper"
)


@dataclass
class FakeMeasurer:
    """Reports two steps, then returns ``report``; with ``gate`` it waits for it or a cancel."""

    report: SpeedReport = SLOW_WHISPER
    error: Exception | None = None
    gate: threading.Event | None = None
    calls: int = 0
    cancelled: list[bool] = field(default_factory=list)

    def __call__(self, progress, cancel: threading.Event) -> SpeedReport:
        self.calls += 1
        progress(Step("Loading faster-whisper…", 1, 4))
        if self.gate is not None:
            while not (self.gate.is_set() or cancel.is_set()):
                cancel.wait(0.01)
        self.cancelled.append(cancel.is_set())
        if cancel.is_set():
            raise SpeedCheckCancelled("the speed check was cancelled")
        if self.error is not None:
            raise self.error
        progress(Step("grammar: command 3 of 3…", 4, 4))
        return self.report


def _dialog(qtbot, services, wake=None, measure=None, config=None) -> FirstRunDialog:
    dialog = FirstRunDialog(
        config or Config(),
        services.load_sounddevice,
        services.preferences,
        wake_factory=lambda _config: wake,
        measure=measure or FakeMeasurer(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_first_run_is_not_modal_and_the_meter_moves(qtbot, window):
    dialog = window.show_first_run()
    assert not dialog.isModal()
    assert window.command.isEnabled()  # the app works behind it
    qtbot.waitUntil(lambda: dialog.meter.value() > 50, timeout=3000)
    assert dialog.mic_status.text().startswith("Listening on Built-in Microphone")
    assert dialog.skip_button.isVisible()
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert window.preferences.first_run_done
    qtbot.waitUntil(lambda: window.first_run_dialog is None, timeout=2000)


def test_wake_step_says_when_voice_is_not_installed(qtbot, services):
    dialog = _dialog(qtbot, services, wake=None)
    dialog.go(1)
    assert dialog.wake_text.text().startswith(WAKE_UNAVAILABLE)
    assert dialog.skip_button.isVisible()
    dialog.go(3)
    assert dialog.next_button.text() == "Finish" and not dialog.skip_button.isVisible()
    assert dialog.step_label.text() == "Step 4 of 4"
    dialog.monitor.wait()


def test_wake_step_hears_the_word_and_finish_saves_the_microphone(qtbot, services):
    dialog = _dialog(qtbot, services, wake=FakeDetector)
    qtbot.waitUntil(lambda: dialog.microphone.count() == 3, timeout=3000)
    dialog.microphone.setCurrentIndex(dialog.microphone.findData("USB Headset Mic"))
    dialog.go(1)
    qtbot.waitUntil(lambda: "Heard" in dialog.wake_status.text(), timeout=3000)
    assert dialog.wake_status.text() == "Heard “Okay Nabu” (97%). It works!"
    dialog.go(3)
    with qtbot.waitSignal(dialog.choices_made) as blocker:
        dialog.next_button.click()
    assert blocker.args[0].input_device == "USB Headset Mic"
    assert services.preferences.first_run_done
    dialog.monitor.wait()


def test_microphone_chosen_on_first_run_is_saved(qtbot, window):
    window.dialogs.save_first_run_choices(FirstRunChoices(input_device="USB Headset Mic"))
    assert config_module.load(window.services.factory.config_path).audio.input_device == (
        "USB Headset Mic"
    )
    assert window.bridge.runtime is not None  # the microphone needs no engine rebuild


def test_engine_wake_factory_is_none_for_an_unknown_engine():
    assert engine_wake_factory(WakeConfig(engine="nonesuch")) is None


def test_speed_check_runs_on_its_step_and_use_this_sets_the_engine(qtbot, services):
    measure = FakeMeasurer()
    dialog = _dialog(qtbot, services, measure=measure)
    assert measure.calls == 0  # nothing runs before its step
    dialog.go(FirstRunDialog.SPEED_STEP)
    assert dialog.skip_button.isVisible() and dialog.speed.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.speed.report is not None, timeout=3000)

    assert dialog.speed.result.text() == (
        "Recommended — grammar: about 180 ms per command, understood 3/3"
    )
    assert "faster-whisper: about 2400 ms per command" in dialog.speed.details.text()
    assert "Hearth uses faster-whisper now" in dialog.speed.status.text()
    assert dialog.speed.use_button.isVisible() and not dialog.speed.cancel_button.isVisible()
    with qtbot.waitSignal(dialog.choices_made) as blocker:
        qtbot.mouseClick(dialog.speed.use_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [FirstRunChoices(speech_engine="grammar")]
    assert dialog.result_config().speech == SpeechConfig(engine="grammar", model="")
    assert not dialog.speed.use_button.isEnabled()
    dialog.go(3)
    dialog.go(2)
    assert measure.calls == 1  # coming back shows the result; "Run again" runs it again
    dialog.monitor.wait()


def test_speed_check_can_be_cancelled_and_the_engine_stays(qtbot, services):
    measure = FakeMeasurer(gate=threading.Event())
    dialog = _dialog(qtbot, services, measure=measure)
    chosen: list[object] = []
    dialog.choices_made.connect(chosen.append)
    dialog.go(FirstRunDialog.SPEED_STEP)
    qtbot.waitUntil(lambda: dialog.speed.status.text() == "Loading faster-whisper…", timeout=3000)
    assert dialog.speed.progress_bar.value() == 1 and dialog.speed.progress_bar.maximum() == 4

    qtbot.mouseClick(dialog.speed.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.speed.running, timeout=3000)

    assert measure.cancelled == [True]
    assert dialog.speed.status.text().startswith("Speed check cancelled.")
    assert dialog.speed.run_button.isVisible() and not dialog.speed.use_button.isVisible()
    assert chosen == [] and dialog.result_config() == Config()
    assert dialog.skip_button.isVisible()
    dialog.monitor.wait()


def test_skipping_during_the_check_stops_it(qtbot, services):
    measure = FakeMeasurer(gate=threading.Event())
    dialog = _dialog(qtbot, services, measure=measure)
    dialog.go(FirstRunDialog.SPEED_STEP)
    qtbot.waitUntil(lambda: measure.calls == 1, timeout=3000)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and services.preferences.first_run_done
    dialog.speed.job.wait()
    assert measure.cancelled == [True]
    dialog.monitor.wait()


def test_a_failed_check_says_why_and_defaults_stand(qtbot, services):
    measure = FakeMeasurer(error=SpeedCheckError("no voice to speak the test commands"))
    dialog = _dialog(qtbot, services, measure=measure)
    dialog.go(FirstRunDialog.SPEED_STEP)
    qtbot.waitUntil(lambda: not dialog.speed.running and measure.calls == 1, timeout=3000)
    assert dialog.speed.status.text() == (
        "The speed check could not run: no voice to speak the test commands. "
        "Hearth keeps its current speech engine."
    )
    assert not dialog.speed.use_button.isVisible() and dialog.result_config() == Config()
    dialog.monitor.wait()


def test_when_the_current_engine_wins_there_is_nothing_to_switch(qtbot, services):
    fast = SpeedReport((engine("faster-whisper", 250, 3), engine("grammar", 120, 2)), "piper")
    dialog = _dialog(qtbot, services, measure=FakeMeasurer(report=fast))
    dialog.go(FirstRunDialog.SPEED_STEP)
    qtbot.waitUntil(lambda: dialog.speed.report is not None, timeout=3000)
    assert dialog.speed.result.text().endswith(
        "faster-whisper: about 250 ms per command, understood 3/3"
    )
    assert dialog.speed.status.text() == "Hearth already uses faster-whisper."
    assert not dialog.speed.use_button.isVisible()
    dialog.monitor.wait()


def test_choices_apply_onto_the_config_of_the_moment() -> None:
    saved_meanwhile = Config().with_value("history.retention_days", "3")
    custom = Config(speech=SpeechConfig(engine="faster-whisper", model="/models/small"))
    choices = FirstRunChoices(input_device="USB Headset Mic", speech_engine="grammar")
    applied = choices.apply_to(saved_meanwhile)
    assert applied.history.retention_days == 3  # what Settings saved meanwhile stays
    assert applied.audio.input_device == "USB Headset Mic"
    assert choices.apply_to(custom).speech == SpeechConfig(engine="grammar", model="")
    same = FirstRunChoices(speech_engine="faster-whisper").apply_to(custom)
    assert same.speech.model == "/models/small"  # the same engine keeps its model
