"""First run on a computer without a microphone: the wake-word step says so and how to go on,
instead of "Listening for the wake word…" forever."""

from __future__ import annotations

from typing import Any, ClassVar

from assistant.config import Config
from tests.ui.helpers import FakeSoundDevice
from tests.ui.test_first_run import FakeDetector, FakeMeasurer
from ui.first_run import NO_MICROPHONE, FirstRunDialog


class NoMicrophone(FakeSoundDevice):
    """Outputs only; opening an input fails as PortAudio does when there is none."""

    DEVICES: ClassVar[list[dict[str, Any]]] = [
        {"name": "HDMI Output", "max_input_channels": 0, "default_samplerate": 48000.0},
    ]

    def __init__(self) -> None:
        super().__init__(fail=True)
        self.default.device = [-1, 0]


def _dialog(qtbot, services, sounddevice) -> FirstRunDialog:
    dialog = FirstRunDialog(
        Config(),
        lambda: sounddevice,
        services.preferences,
        wake_factory=lambda _config: FakeDetector,
        measure=FakeMeasurer(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_wake_step_without_a_microphone_says_how_to_go_on(qtbot, services):
    dialog = _dialog(qtbot, services, NoMicrophone())
    qtbot.waitUntil(lambda: bool(dialog.mic_problem), timeout=3000)
    dialog.go(1)
    text = dialog.wake_status.text()
    assert text == NO_MICROPHONE
    assert "Listening" not in text
    assert "type commands" in text and "push-to-talk" in text
    qtbot.wait(300)  # nothing turns it back into "Listening…"
    assert dialog.wake_status.text() == NO_MICROPHONE
    assert not dialog.monitor.running
    dialog.go(2)
    dialog.monitor.wait()


def test_going_to_the_wake_step_before_the_device_list_arrives(qtbot, services):
    dialog = _dialog(qtbot, services, NoMicrophone())
    dialog.go(1)  # the device list may still be on its way
    qtbot.waitUntil(lambda: dialog.wake_status.text() == NO_MICROPHONE, timeout=3000)
    dialog.go(2)
    dialog.monitor.wait()


def test_with_a_microphone_the_wake_step_listens(qtbot, services):
    dialog = _dialog(qtbot, services, FakeSoundDevice())
    dialog.go(1)
    assert dialog.wake_status.text() == "Listening for the wake word…"
    qtbot.waitUntil(lambda: "It works" in dialog.wake_status.text(), timeout=3000)
    dialog.go(2)
    dialog.monitor.wait()
