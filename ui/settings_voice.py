"""Settings → Voice: microphone (with a live test), wake word, speech recognition, replies.

The microphone list and the install states arrive from background reads after the tab is
built; until then the lists say they are looking. Missing models say how to get them, and the
ones the store can download get a Download button (:mod:`ui.model_fetch`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from assistant.audio.microphone import InputDevice
from assistant.audio.wake import TUNED_DEBOUNCE
from assistant.config import Config
from models.catalog import PIPER_JOE, Engine
from models.store import InstallState, ModelStore
from ui.level_meter import LevelMeter, MicMonitor, SoundDeviceLoader
from ui.model_fetch import ModelFetchPanel
from ui.settings_common import FieldError, buddy, note, select
from ui.settings_models import (
    NON_COMMERCIAL,
    TTS_ENGINES,
    WAKE_ENGINES,
    Installed,
    wake_label,
    wake_word_of,
)
from ui.settings_speech import SpeechGroup


class VoiceTab(QWidget):
    """Everything about hearing and speaking; ``monitor`` runs the microphone test."""

    def __init__(
        self, load_sounddevice: SoundDeviceLoader, store: ModelStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.installed: Installed | None = None
        self.monitor = MicMonitor(load_sounddevice, self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self._microphone_group())
        column.addWidget(self._wake_group())
        self.speech = SpeechGroup(store)
        self.speech.model_installed.connect(self._speech_model_installed)
        column.addWidget(self.speech)
        column.addWidget(self._replies_group())
        column.addStretch(1)

    # -- groups -------------------------------------------------------------------------------------

    def _microphone_group(self) -> QGroupBox:
        mic = QGroupBox("Microphone")
        form = QFormLayout(mic)
        self.microphone = QComboBox()
        self.microphone.setAccessibleName("Microphone")
        self.microphone.addItem("System default", "")
        self.mic_test = QPushButton("Test")
        self.mic_test.setCheckable(True)
        self.mic_test.setAccessibleName("Test the microphone")
        self.mic_test.setToolTip("Open the microphone and show how loud it hears you")
        self.mic_test.toggled.connect(self._toggle_mic_test)
        row = QHBoxLayout()
        row.addWidget(self.microphone, 1)
        row.addWidget(self.mic_test)
        form.addRow(buddy("&Device", self.microphone), row)
        self.meter = LevelMeter()
        form.addRow("Level", self.meter)
        self.mic_status = note("Looking for microphones…")
        form.addRow("", self.mic_status)
        self.microphone.currentIndexChanged.connect(self._restart_mic_test)
        self.monitor.level.connect(self.meter.set_level)
        self.monitor.started.connect(lambda name: self.mic_status.setText(f"Listening on {name}"))
        self.monitor.failed.connect(self._mic_failed)
        return mic

    def _wake_group(self) -> QGroupBox:
        wake = QGroupBox("Wake word")
        form = QFormLayout(wake)
        self.wake_word = QComboBox()
        self.wake_word.setAccessibleName("Wake word")
        for spec in self.store.catalog.values():
            if spec.engine in WAKE_ENGINES:
                self.wake_word.addItem(wake_label(spec), spec.id)
                if spec.engine is Engine.OPEN_WAKE_WORD:
                    self.wake_word.setItemData(
                        self.wake_word.count() - 1,
                        f"openWakeWord models: {NON_COMMERCIAL}",
                        Qt.ItemDataRole.ToolTipRole,
                    )
        form.addRow("&Word", self.wake_word)
        self.wake_info = note(name="About the wake word")
        form.addRow("", self.wake_info)
        self.wake_fetch = ModelFetchPanel(self.store, "wake word model")
        self.wake_fetch.installed.connect(self._model_installed)
        form.addRow("", self.wake_fetch)
        self.wake_auto = QCheckBox("Use the model's tuned sensitivity")
        self.wake_auto.setAccessibleName("Automatic wake word sensitivity")
        self.wake_threshold = QSlider(Qt.Orientation.Horizontal)
        self.wake_threshold.setRange(30, 99)
        self.wake_threshold.setAccessibleName("Wake word threshold")
        self.wake_threshold.setToolTip(
            "Left: wakes more easily (more false wakes). Right: needs a clearer wake word."
        )
        self.wake_threshold_label = QLabel()
        self.wake_threshold.valueChanged.connect(
            lambda v: self.wake_threshold_label.setText(f"{v / 100:.2f}")
        )
        self.wake_auto.toggled.connect(lambda on: self.wake_threshold.setEnabled(not on))
        row = QHBoxLayout()
        row.addWidget(QLabel("More sensitive"))
        row.addWidget(self.wake_threshold, 1)
        row.addWidget(QLabel("Stricter"))
        row.addWidget(self.wake_threshold_label)
        form.addRow("Sensitivity", self.wake_auto)
        form.addRow("", row)
        self.wake_threshold_label.setMinimumWidth(
            self.wake_threshold_label.fontMetrics().horizontalAdvance("0.00")
        )
        self.wake_verify = QCheckBox("Double-check the wake word with the speech model")
        self.wake_verify.setAccessibleName("Double-check the wake word")
        self.wake_verify.setToolTip(
            "Whisper listens again to what woke Hearth and ignores phrases that only sound "
            'like the wake word ("okay, I will be there"). Costs about 0.2 s of one core '
            "per wake; the chime comes that much later. Works with the faster-whisper engine."
        )
        form.addRow("", self.wake_verify)
        self.wake_word.currentIndexChanged.connect(self._show_wake_info)
        return wake

    def _replies_group(self) -> QGroupBox:
        replies = QGroupBox("Spoken replies")
        form = QFormLayout(replies)
        self.tts_enabled = QCheckBox("Speak replies out loud")
        self.tts_enabled.setAccessibleName("Speak replies")
        form.addRow(self.tts_enabled)
        self.tts_engine = QComboBox()
        self.tts_engine.setAccessibleName("Voice engine")
        for value, label in TTS_ENGINES:
            self.tts_engine.addItem(label, value)
        form.addRow("Voice e&ngine", self.tts_engine)
        self.tts_voice = QLineEdit()
        self.tts_voice.setAccessibleName("Voice")
        self.tts_voice.setClearButtonEnabled(True)
        self.tts_browse = QPushButton("Browse…")
        self.tts_browse.setAccessibleName("Choose a Piper voice file")
        self.tts_browse.clicked.connect(self._choose_voice)
        row = QHBoxLayout()
        row.addWidget(self.tts_voice, 1)
        row.addWidget(self.tts_browse)
        form.addRow(buddy("V&oice", self.tts_voice), row)
        self.voice_fetch = ModelFetchPanel(self.store, "voice")
        self.voice_fetch.installed.connect(self._model_installed)
        form.addRow("", self.voice_fetch)
        self.tts_engine.currentIndexChanged.connect(self._tts_engine_changed)
        self.tts_enabled.toggled.connect(self._tts_engine_changed)
        self.tts_voice.textChanged.connect(self._show_voice_model)
        return replies

    # -- values -------------------------------------------------------------------------------------

    def load(self, config: Config) -> None:
        if config.audio.input_device:
            self.microphone.addItem(
                f"{config.audio.input_device} (not connected)", config.audio.input_device
            )
            self.microphone.setCurrentIndex(1)
        wake = config.wake
        select(self.wake_word, f"{wake.engine}-{wake.word.replace('_', '-')}")  # the catalog's id
        self.wake_auto.setChecked(wake.threshold <= 0)
        tuned = TUNED_DEBOUNCE.get((wake.engine, wake.word), (0.9, 1))[0]  # StrEnum keys
        self.wake_threshold.setValue(round((wake.threshold or tuned) * 100))
        self.wake_threshold.setEnabled(wake.threshold > 0)
        self.wake_threshold_label.setText(f"{self.wake_threshold.value() / 100:.2f}")
        self.wake_verify.setChecked(wake.verify)
        self._show_wake_info()
        self.speech.load(config)
        self.tts_enabled.setChecked(config.tts.enabled)
        select(self.tts_engine, config.tts.engine)
        self.tts_voice.setText(config.tts.voice)
        self._tts_engine_changed()

    def apply(self, config: Config) -> Config:
        """``config`` with this tab's values; FieldError names the first bad one."""
        wake = self.store.catalog[self.wake_word.currentData()]
        config = self.speech.apply(config)
        voice = self.tts_voice.text().strip()
        piper = self.tts_engine.currentData() == "piper"
        if self.tts_enabled.isChecked() and piper and voice and not Path(voice).is_file():
            raise FieldError(self.tts_voice, f"The voice file {voice} does not exist.")
        threshold = 0.0 if self.wake_auto.isChecked() else self.wake_threshold.value() / 100
        return replace(
            config,
            audio=replace(config.audio, input_device=self.microphone.currentData() or ""),
            wake=replace(
                config.wake,
                engine=WAKE_ENGINES[wake.engine],
                word=wake_word_of(wake),
                threshold=threshold,
                verify=self.wake_verify.isChecked(),
            ),
            tts=replace(
                config.tts,
                enabled=self.tts_enabled.isChecked(),
                engine=self.tts_engine.currentData(),
                voice=voice,
            ),
        )

    def set_devices(self, devices: list[InputDevice], wanted: str) -> None:
        self.microphone.blockSignals(True)
        self.microphone.clear()
        default = next((d.name for d in devices if d.is_default), None)
        self.microphone.addItem(f"System default ({default})" if default else "System default", "")
        for device in devices:
            self.microphone.addItem(device.name, device.name)
        if wanted and select(self.microphone, wanted) is None:
            if wanted.isdigit() and (
                match := next((d for d in devices if d.index == int(wanted)), None)
            ):
                select(self.microphone, match.name)
            else:
                self.microphone.addItem(f"{wanted} (not connected)", wanted)
                self.microphone.setCurrentIndex(self.microphone.count() - 1)
        self.microphone.blockSignals(False)
        count = len(devices)
        self.mic_status.setText(
            f"{count} microphone{'s' * (count != 1)} found. Press Test and speak."
            if count
            else "No microphone found."
        )
        self.mic_test.setEnabled(bool(count))

    def devices_failed(self, message: str) -> None:
        self.mic_status.setText(f"Microphones cannot be listed: {message}")
        self.mic_test.setEnabled(False)

    def set_installed(self, installed: Installed) -> None:
        self.installed = installed
        for index in range(self.tts_engine.count()):
            value = self.tts_engine.itemData(index)
            ok = installed.packages.get("piper") if value == "piper" else installed.espeak
            if not ok:
                self.tts_engine.setItemText(index, f"{dict(TTS_ENGINES)[value]} — not installed")
        self.speech.set_installed(installed)
        self._show_wake_info()
        self._show_voice_model()

    def stop(self) -> None:
        """The dialog is closing: stop the microphone test and any download."""
        self.monitor.stop()
        for panel in (self.speech.fetch, self.wake_fetch, self.voice_fetch):
            panel.cancel()

    # -- reactions ------------------------------------------------------------------------------------

    def _model_installed(self, model_id: str, path: str) -> None:
        """A wake word or voice was downloaded: every list that shows install states learns it."""
        if self.installed is not None:
            self.installed = self.installed.with_model(model_id, path)
            self.speech.installed = self.installed  # its list shows no wake words or voices
        self._show_wake_info()
        self._show_voice_model()

    def _speech_model_installed(self, model_id: str, path: str) -> None:
        """The speech group refreshed itself; the other groups' states follow."""
        if self.installed is not None:
            self.installed = self.installed.with_model(model_id, path)
        self._show_wake_info()
        self._show_voice_model()

    def _show_wake_info(self) -> None:
        spec = self.store.catalog.get(self.wake_word.currentData() or "")
        if spec is None:
            return
        state = self.installed.state(spec.id) if self.installed is not None else None
        installed = state is not None and state is not InstallState.MISSING
        self.wake_info.setText(spec.notes + (" Installed." if installed else ""))
        if state is not None:
            self.wake_fetch.show_model(spec, state)

    def _show_voice_model(self) -> None:
        """The default piper voice's install state, when it is the voice that would be used."""
        spec = self.store.catalog.get(PIPER_JOE)
        default_voice = self.tts_engine.currentData() == "piper" and not self.tts_voice.text()
        if spec is None or self.installed is None or not default_voice:
            self.voice_fetch.show_model(None, self.voice_fetch.state)
        else:
            self.voice_fetch.show_model(spec, self.installed.state(spec.id))

    def _tts_engine_changed(self) -> None:
        piper = self.tts_engine.currentData() == "piper"
        on = self.tts_enabled.isChecked()
        self.tts_engine.setEnabled(on)
        self.tts_voice.setEnabled(on)
        self.tts_browse.setEnabled(on and piper)
        self.tts_voice.setPlaceholderText(
            "Default: Joe (US English, Piper)" if piper else "Default voice, e.g. en-us"
        )
        self._show_voice_model()

    def _choose_voice(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a Piper voice",
            self.tts_voice.text() or str(Path.home()),
            "Piper voices (*.onnx);;All files (*)",
        )
        if path:
            self.tts_voice.setText(path)

    def _toggle_mic_test(self, on: bool) -> None:
        if on:
            self.mic_test.setText("Stop")
            self.mic_status.setText("Opening the microphone…")
            self.monitor.start(self.microphone.currentData())
        else:
            self.mic_test.setText("Test")
            self.monitor.stop()
            self.meter.setValue(0)

    def _restart_mic_test(self) -> None:
        if self.mic_test.isChecked():
            self.monitor.start(self.microphone.currentData())

    def _mic_failed(self, message: str) -> None:
        self.mic_status.setText(f"The microphone did not open: {message}")
        self.mic_test.setChecked(False)
