"""The first-run check: pick and hear the microphone, try the wake word, time the speech
engines, and get going.

It is a plain non-modal window: the main window works behind it, Skip is on every step, and
closing it in any way counts as done (remembered in the UI preferences), so it never stands
between a person and their lights. The wake-word step runs the real detector on the chosen
microphone when the wake-word engine is installed, and says so plainly when it is not. The speed
check (:mod:`ui.speed_check`) runs on a worker thread, can be cancelled, and changes the speech
engine only when the person presses "Use this".
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant import config as config_module
from assistant.audio.microphone import InputDevice, list_input_devices
from assistant.config import Config, WakeConfig
from assistant.speech.speed_record import record_report
from assistant.tts import voice_installed
from ui.level_meter import LevelMeter, MicMonitor, SoundDeviceLoader, WakeFactory
from ui.long_job import run_once
from ui.preferences import UiPreferences
from ui.settings_common import note
from ui.speed_check import Measurer, SpeedCheckPanel, engine_measurer

WAKE_UNAVAILABLE = "Wake word check: available when voice is installed."
#: The last step on a computer without any voice for spoken replies.
NO_VOICE = (
    "No voice is installed, so replies are written only. To hear them, install a voice: "
    "pip install 'hearth[tts]' (or: apt install espeak-ng)."
)
#: The wake-word step without a working microphone: what happened and how to go on.
NO_MICROPHONE = (
    "No microphone was found, so Hearth can't listen for the wake word. You can go on without "
    "one: press Next and type commands in the box, or use the device cards. To talk later, plug "
    "in a microphone, choose it in Settings → Voice, and hold Space or the talk button "
    "(push-to-talk) while you speak."
)
_WAKE_PACKAGES = {"microwakeword": "pymicro_wakeword", "openwakeword": "pyopen_wakeword"}


def engine_wake_factory(wake: WakeConfig) -> WakeFactory | None:
    """The engine's detector for ``wake``, or None when its package is not installed."""
    package = _WAKE_PACKAGES.get(wake.engine)
    if package is None or importlib.util.find_spec(package) is None:
        return None
    try:
        from assistant.audio.wake import load_wake_word
    except ImportError:
        return None
    return lambda: load_wake_word(wake)


def phrase_of(word: str) -> str:
    return word.replace("_", " ").title()


@dataclass(frozen=True)
class FirstRunChoices:
    """What the person chose in the check (None: left alone).

    Applied onto whatever the config is when it is saved, not onto the config the check opened
    with: the window is non-modal, so Settings may have saved other changes meanwhile.
    """

    input_device: str | None = None
    speech_engine: str | None = None
    speak_replies: bool | None = None

    def apply_to(self, config: Config) -> Config:
        if self.speak_replies is not None:
            config = replace(config, tts=replace(config.tts, enabled=self.speak_replies))
        if self.input_device is not None:
            config = replace(config, audio=replace(config.audio, input_device=self.input_device))
        if self.speech_engine is not None and self.speech_engine != config.speech.engine:
            # Another engine's model path means nothing to this one: use its default model.
            speech = replace(config.speech, engine=self.speech_engine, model="")
            config = replace(config, speech=speech)
        return config


class FirstRunDialog(QDialog):
    """Four short steps: Microphone → Wake word → Speed check → Ready. Skip is always there."""

    #: The microphone the person picked ("" = the system default), emitted on Finish.
    #: FirstRunChoices to save: emitted at once on "Use this" (an explicit choice that stands
    #: even if the check is then skipped), and on Finish when the microphone changed.
    choices_made = Signal(object)

    SPEED_STEP = 2

    def __init__(
        self,
        config: Config,
        load_sounddevice: SoundDeviceLoader,
        preferences: UiPreferences,
        wake_factory: Callable[[WakeConfig], WakeFactory | None] = engine_wake_factory,
        parent: QWidget | None = None,
        measure: Measurer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Hearth")
        self.setAccessibleName("First-run check")
        self.setModal(False)
        self.config = config
        self.choices = FirstRunChoices()
        self.preferences = preferences
        self._measure = measure or engine_measurer(config)
        self._load = load_sounddevice
        self.wake = wake_factory(config.wake)
        #: Why the microphone cannot be used ("" while it works or is still being looked for).
        self.mic_problem = ""
        self.monitor = MicMonitor(load_sounddevice, self)

        self.steps = QStackedWidget()
        self.steps.addWidget(self._microphone_step())
        self.steps.addWidget(self._wake_step())
        self.steps.addWidget(self._speed_step())
        self.steps.addWidget(self._ready_step())
        self.step_label = QLabel()
        self.step_label.setObjectName("secondary")
        self.skip_button = QPushButton("Skip")
        self.skip_button.setAccessibleName("Skip the first-run check")
        self.back_button = QPushButton("Back")
        self.back_button.setAccessibleName("Previous step")
        self.next_button = QPushButton("Next")
        self.next_button.setAccessibleName("Next step")
        self.next_button.setDefault(True)
        self.skip_button.clicked.connect(self.skip)
        self.back_button.clicked.connect(lambda: self.go(self.steps.currentIndex() - 1))
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_label, 1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self.resize(600, 420)

        self.monitor.level.connect(self.meter.set_level)
        self.monitor.started.connect(self._mic_started)
        self.monitor.failed.connect(self._mic_failed)
        self.monitor.wake_heard.connect(self._wake_heard)
        self.monitor.wake_unavailable.connect(self._wake_unavailable)
        loader = load_sounddevice  # not self: the worker must hold no reference to a widget
        run_once(self, lambda: list_input_devices(loader()), self._got_devices, self._mic_failed)
        self.go(0)

    # -- steps ---------------------------------------------------------------------------------------

    def _title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    def _text(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _microphone_step(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self._title("Which microphone should Hearth use?"))
        column.addWidget(
            self._text(
                "Pick one and say something: the bar should move while you speak. "
                "Nothing is recorded or sent anywhere."
            )
        )
        self.microphone = QComboBox()
        self.microphone.setAccessibleName("Microphone")
        self.microphone.addItem("System default", "")
        self.microphone.currentIndexChanged.connect(self._restart)
        column.addWidget(self.microphone)
        self.meter = LevelMeter()
        column.addWidget(self.meter)
        self.mic_status = note("Looking for microphones…", "Microphone status")
        column.addWidget(self.mic_status)
        column.addStretch(1)
        return page

    def _wake_step(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        phrase = phrase_of(self.config.wake.word)
        column.addWidget(self._title("Wake word"))
        if self.wake is None:
            text = (
                f"{WAKE_UNAVAILABLE} Until then, type commands or use the device cards; "
                f"later you will wake Hearth by saying “{phrase}”."
            )
        else:
            text = f"Say “{phrase}” once, at your normal distance from the computer."
        self.wake_text = self._text(text)
        column.addWidget(self.wake_text)
        self.wake_status = QLabel("")
        self.wake_status.setObjectName("panelTitle")
        self.wake_status.setWordWrap(True)
        self.wake_status.setAccessibleName("Wake word status")
        column.addWidget(self.wake_status)
        column.addStretch(1)
        return page

    def _speed_step(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self._title("Speed check"))
        column.addWidget(
            self._text(
                "Hearth says a few commands to itself and times each installed speech engine on "
                "this computer (a few seconds per engine). Nothing is recorded or sent; Skip or "
                "Cancel at any time and the current engine stays."
            )
        )
        speech = self.config.speech
        self.speed = SpeedCheckPanel(
            speech.engine,
            self._measure,
            # Kept at once, so Settings and `hearth models list` show the numbers right away.
            keep=lambda report: record_report(report, speech, config_module.data_dir()),
        )
        self.speed.engine_chosen.connect(self._engine_chosen)
        column.addSpacing(8)
        column.addWidget(self.speed)
        column.addStretch(1)
        return page

    def _ready_step(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self._title("You're set"))
        column.addWidget(
            self._text(
                "Type a command such as “turn on the kitchen lights” and press Enter, or use the "
                "device cards. Settings are under Ctrl+, and the keyboard shortcuts under Help."
            )
        )
        # Spoken replies: on by default wherever a voice is installed.
        self.has_voice = voice_installed()
        self.speak_replies = QCheckBox("Speak replies out loud")
        self.speak_replies.setAccessibleName("Speak replies")
        self.speak_replies.setChecked(self.has_voice and self.config.tts.enabled)
        self.speak_replies.setEnabled(self.has_voice)
        column.addWidget(self.speak_replies)
        if not self.has_voice:
            column.addWidget(self._text(NO_VOICE))
        column.addStretch(1)
        return page

    # -- navigation ----------------------------------------------------------------------------------

    def go(self, index: int) -> None:
        index = max(0, min(index, self.steps.count() - 1))
        self.steps.setCurrentIndex(index)
        last = index == self.steps.count() - 1
        self.step_label.setText(f"Step {index + 1} of {self.steps.count()}")
        self.back_button.setEnabled(index > 0)
        self.next_button.setText("Finish" if last else "Next")
        self.skip_button.setVisible(not last)
        if index != self.SPEED_STEP:
            self.speed.cancel()  # it only runs while its step is shown
        if index == 0:
            self.wake_status.clear()
            self.monitor.start(self.microphone.currentData())
        elif index == 1:
            if self.mic_problem:
                self.monitor.stop()
                self._show_no_microphone()
            else:
                self.wake_status.setText("Listening for the wake word…" if self.wake else "")
                self.monitor.start(self.microphone.currentData(), self.wake)
        else:
            self.monitor.stop()
        if index == self.SPEED_STEP and not self.speed.has_run:
            self.speed.start()

    def _next(self) -> None:
        if self.steps.currentIndex() == self.steps.count() - 1:
            self.finish()
        else:
            self.go(self.steps.currentIndex() + 1)

    def result_config(self) -> Config:
        """The Config the check opened with, with what was chosen here."""
        return self.choices.apply_to(self.config)

    def finish(self) -> None:
        """Remember the choices and that the check was done."""
        self.preferences.first_run_done = True
        chosen = self.microphone.currentData() or ""
        changed = False
        if chosen != self.config.audio.input_device:
            self.choices = replace(self.choices, input_device=chosen)
            changed = True
        speak = self.speak_replies.isChecked()
        if self.has_voice and speak != self.config.tts.enabled:
            self.choices = replace(self.choices, speak_replies=speak)
            changed = True
        if changed:
            self.choices_made.emit(self.choices)
        self.accept()

    def _engine_chosen(self, engine: str) -> None:
        """ "Use this": the engine (with its default model) replaces the configured one."""
        self.choices = replace(self.choices, speech_engine=engine)
        self.choices_made.emit(self.choices)

    def skip(self) -> None:
        self.preferences.first_run_done = True
        self.reject()

    def done(self, result: int) -> None:
        self.monitor.stop()
        self.speed.cancel()
        self.preferences.first_run_done = True
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.monitor.stop()
        self.speed.cancel()
        self.preferences.first_run_done = True
        super().closeEvent(event)

    # -- microphone ------------------------------------------------------------------------------------

    def _got_devices(self, devices: list[InputDevice]) -> None:
        self.microphone.blockSignals(True)
        default = next((d.name for d in devices if d.is_default), None)
        self.microphone.setItemText(
            0, f"System default ({default})" if default else "System default"
        )
        for device in devices:
            self.microphone.addItem(device.name, device.name)
        wanted = self.config.audio.input_device
        index = self.microphone.findData(wanted) if wanted else 0
        self.microphone.setCurrentIndex(max(index, 0))
        self.microphone.blockSignals(False)
        if not devices:
            self.mic_problem = "No microphone found. You can still type commands."
            self.mic_status.setText(self.mic_problem)
            if self.steps.currentIndex() == 1:
                self._show_no_microphone()

    def _restart(self) -> None:
        if self.steps.currentIndex() in (0, 1):
            self.mic_problem = ""  # another microphone was chosen: try it
            self.go(self.steps.currentIndex())

    def _mic_started(self, name: str) -> None:
        self.mic_problem = ""
        self.mic_status.setText(f"Listening on {name}. Speak and watch the bar.")

    def _mic_failed(self, message: str) -> None:
        self.mic_problem = f"The microphone did not open: {message}. You can skip this."
        self.mic_status.setText(self.mic_problem)
        if self.steps.currentIndex() == 1:
            self._show_no_microphone()

    def _show_no_microphone(self) -> None:
        """The wake-word step never waits on a microphone that is not there."""
        self.wake_status.setText(NO_MICROPHONE)

    def _wake_heard(self, word: str, probability: float) -> None:
        self.wake_status.setText(f"Heard “{phrase_of(word)}” ({probability:.0%}). It works!")

    def _wake_unavailable(self, reason: str) -> None:
        self.wake = None
        self.wake_text.setText(WAKE_UNAVAILABLE)
        self.wake_status.setText(reason)


__all__ = ["NO_MICROPHONE", "FirstRunChoices", "FirstRunDialog", "engine_wake_factory"]
