"""The first-run check: non-blocking, skippable, remembered, with a real level meter."""

from __future__ import annotations

import types

from PySide6.QtCore import Qt

from assistant import config as config_module
from assistant.config import Config, WakeConfig
from ui.first_run import WAKE_UNAVAILABLE, FirstRunDialog, engine_wake_factory


class FakeDetector:
    """Fires once after a few frames, as the engine's detector does on the wake word."""

    def __init__(self) -> None:
        self.frames = 0

    def process(self, frame):
        self.frames += 1
        if self.frames == 5:
            return types.SimpleNamespace(word="okay_nabu", probability=0.97)
        return None


def _dialog(qtbot, services, wake=None) -> FirstRunDialog:
    dialog = FirstRunDialog(
        Config(),
        services.load_sounddevice,
        services.preferences,
        wake_factory=lambda _config: wake,
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
    dialog.go(2)
    assert dialog.next_button.text() == "Finish" and not dialog.skip_button.isVisible()
    dialog.monitor.wait()


def test_wake_step_hears_the_word_and_finish_saves_the_microphone(qtbot, services):
    dialog = _dialog(qtbot, services, wake=FakeDetector)
    qtbot.waitUntil(lambda: dialog.microphone.count() == 3, timeout=3000)
    dialog.microphone.setCurrentIndex(dialog.microphone.findData("USB Headset Mic"))
    dialog.go(1)
    qtbot.waitUntil(lambda: "Heard" in dialog.wake_status.text(), timeout=3000)
    assert dialog.wake_status.text() == "Heard “Okay Nabu” (97%). It works!"
    dialog.go(2)
    with qtbot.waitSignal(dialog.microphone_chosen) as blocker:
        dialog.next_button.click()
    assert blocker.args == ["USB Headset Mic"]
    assert services.preferences.first_run_done
    dialog.monitor.wait()


def test_microphone_chosen_on_first_run_is_saved(qtbot, window):
    window._save_microphone("USB Headset Mic")
    assert config_module.load(window.services.factory.config_path).audio.input_device == (
        "USB Headset Mic"
    )
    assert window.bridge.runtime is not None  # the microphone needs no engine rebuild


def test_engine_wake_factory_is_none_for_an_unknown_engine():
    assert engine_wake_factory(WakeConfig(engine="nonesuch")) is None
