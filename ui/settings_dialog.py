"""The settings dialog: every engine setting a person may want to change, checked before saving.

What is shown is the typed Config; what is saved goes through ``assistant.config.save`` (an
atomic write), so the CLI and the app always read the same file. Nothing is written until every
field is valid: a bad value gets a message that names it, focus moves to it, and the file on
disk stays as it was. Reads that may be slow (the audio server's device list, the home file,
which models are installed) run in the background so the dialog opens at once.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assistant import config as config_module
from assistant.audio.microphone import InputDevice, list_input_devices
from assistant.config import Config, ConfigError
from assistant.home.loader import load_home
from assistant.home.model import Area
from models.catalog import CATALOG, WHISPER_TINY_EN_CT2, Engine, ModelSpec
from models.store import InstallState, ModelStore
from ui.background import run_in_background
from ui.level_meter import LevelMeter, MicMonitor, SoundDeviceLoader
from ui.preferences import UiPreferences

#: The one sentence that says what cloud help sends (shown next to the toggle).
CLOUD_SENTENCE = (
    "When on, only sentences Hearth did not understand are sent, as text, with your device "
    "list — never audio."
)
NON_COMMERCIAL = "non-commercial licence (CC BY-NC-SA 4.0)"
NOT_AVAILABLE = "not available in this version"

BACKENDS = (
    ("simulated", "Simulated home (on this computer)", True),
    ("mqtt", f"MQTT — {NOT_AVAILABLE}", False),
    ("home_assistant", f"Home Assistant — {NOT_AVAILABLE}", False),
)

#: Which catalog models each speech engine can load, and its Python package.
SPEECH_ENGINES: dict[str, tuple[str, str, Engine | None]] = {
    "faster-whisper": ("Whisper (faster-whisper)", "faster_whisper", Engine.CTRANSLATE2_WHISPER),
    "vosk": ("Vosk (Kaldi)", "vosk", Engine.VOSK),
    "grammar": ("Grammar (pocketsphinx, commands only)", "pocketsphinx", None),
}
#: The model an engine uses when ``speech.model`` is empty.
DEFAULT_MODELS = {"faster-whisper": WHISPER_TINY_EN_CT2}

TTS_ENGINES = (("piper", "Piper (natural voice)"), ("espeak-ng", "eSpeak NG (robotic, small)"))
WAKE_ENGINES = {Engine.MICRO_WAKE_WORD: "microwakeword", Engine.OPEN_WAKE_WORD: "openwakeword"}


def human_size(size: int | None) -> str:
    if size is None:
        return "size unknown"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB" if size >= 10_000_000 else f"{size / 1e6:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


def wake_word_of(spec: ModelSpec) -> str:
    """ "microwakeword-okay-nabu" → "okay_nabu" (the word as WakeConfig names it)."""
    return spec.id.split("-", 1)[1].replace("-", "_")


def wake_label(spec: ModelSpec) -> str:
    phrase = wake_word_of(spec).replace("_", " ").title()
    if spec.engine is Engine.OPEN_WAKE_WORD:
        return f"{phrase} — openWakeWord · {NON_COMMERCIAL}"
    return f"{phrase} — microWakeWord ({spec.license})"


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the speech model list: what goes into ``speech.model`` and why."""

    value: str  # what speech.model is set to ("" = the engine's default)
    label: str
    model_id: str | None = None
    installed: bool = True
    detail: str = ""


@dataclass(frozen=True)
class Installed:
    """What is installed on this machine, read in the background when the dialog opens."""

    models: dict[str, InstallState] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    packages: dict[str, bool] = field(default_factory=dict)
    espeak: bool = False


def read_installed(store: ModelStore) -> Installed:
    """Install state of every speech and wake-word model, and of the engines' packages."""
    kinds = {Engine.CTRANSLATE2_WHISPER, Engine.VOSK, Engine.MICRO_WAKE_WORD, Engine.OPEN_WAKE_WORD}
    models: dict[str, InstallState] = {}
    paths: dict[str, str] = {}
    for model_id, spec in store.catalog.items():
        if spec.engine in kinds:
            models[model_id] = store.state(model_id)
            if models[model_id] is not InstallState.MISSING:
                paths[model_id] = str(store.path(model_id))
    packages = {
        name: importlib.util.find_spec(name) is not None
        for name in ("faster_whisper", "vosk", "pocketsphinx", "piper")
    }
    return Installed(models, paths, packages, shutil.which("espeak-ng") is not None)


def model_choices(engine: str, current: str, installed: Installed) -> list[ModelChoice]:
    """The models ``engine`` can load, with size, licence and whether they are installed."""
    kind = SPEECH_ENGINES.get(engine, ("", "", None))[2]
    choices: list[ModelChoice] = []
    if kind is None:
        choices.append(ModelChoice("", "Bundled with the engine (US English)"))
    for spec in CATALOG.values():
        if spec.engine is not kind or kind is None:
            continue
        state = installed.models.get(spec.id, InstallState.MISSING)
        is_default = DEFAULT_MODELS.get(engine) == spec.id
        value = "" if is_default else installed.paths.get(spec.id, "")
        where = {"packaged": "installed (packaged)", "cached": "installed"}.get(
            state.value, f"not installed — hearth models fetch {spec.id}"
        )
        label = f"{spec.id} · {human_size(spec.size_bytes)} · {where}"
        memory = f" Needs about {spec.ram_mb} MB of memory." if spec.ram_mb else ""
        detail = f"Licence: {spec.license}.{memory}"
        choices.append(
            ModelChoice(value, label, spec.id, state is not InstallState.MISSING, detail)
        )
    if current and not any(c.value == current for c in choices):
        choices.append(ModelChoice(current, f"Custom: {current}", None, Path(current).exists()))
    return choices


@dataclass
class SettingsContext:
    """What the dialog needs from the app, passed in so tests can stand in for each part."""

    config: Config
    config_path: Path
    load_sounddevice: SoundDeviceLoader
    preferences: UiPreferences
    store: ModelStore | None = None
    areas: tuple[Area, ...] = ()
    session_home: str | None = None  # --home: this session runs on a temporary copy of it


class SettingsDialog(QDialog):
    """Tabs: Home, Voice, Cloud & history, App. Save writes the TOML; Cancel changes nothing."""

    #: The new Config, after it was written.
    saved = Signal(object)

    def __init__(self, context: SettingsContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.config = context.config
        self.setWindowTitle("Hearth settings")
        self.setAccessibleName("Hearth settings")
        self.installed: Installed | None = None
        self.areas: tuple[Area, ...] = context.areas
        self._home_problem: str | None = None
        self._home_loaded_for: str | None = None
        self.monitor = MicMonitor(context.load_sounddevice, self)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(self._home_tab(), "&Home")
        self.tabs.addTab(self._voice_tab(), "&Voice")  # scrolls on small screens
        self.tabs.addTab(self._cloud_tab(), "&Cloud && history")
        self.tabs.addTab(self._app_tab(), "&App")

        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Settings message")
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save settings")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            "Cancel without saving"
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(740, 680)

        self._load_values()
        self._start_background_reads()

    # -- tabs ---------------------------------------------------------------------------------------

    def _home_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.backend = QComboBox()
        self.backend.setAccessibleName("Home backend")
        model = QStandardItemModel(self.backend)
        self.backend.setModel(model)
        for value, label, available in BACKENDS:
            self.backend.addItem(label, value)
            item = model.item(self.backend.count() - 1)
            item.setEnabled(available)
            if not available:
                item.setToolTip(f"The {value} backend is {NOT_AVAILABLE}")
        form.addRow("&Backend", self.backend)

        self.home_file = QLineEdit()
        self.home_file.setAccessibleName("Home file")
        self.home_file.setPlaceholderText("The demo home that ships with Hearth")
        self.home_file.setClearButtonEnabled(True)
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose a home file")
        browse.clicked.connect(self._choose_home_file)
        row = QHBoxLayout()
        row.addWidget(self.home_file, 1)
        row.addWidget(browse)
        form.addRow(_buddy("Home &file", self.home_file), row)
        self.home_file.editingFinished.connect(self._home_file_changed)

        self.room = QComboBox()
        self.room.setAccessibleName("This room")
        self.room.setToolTip("Where this computer stands: “turn on the lights” means this room")
        form.addRow("This &room", self.room)
        self.home_status = QLabel()
        self.home_status.setObjectName("secondary")
        self.home_status.setWordWrap(True)
        form.addRow("", self.home_status)
        note = QLabel(
            "Changing the home reloads the engine in the background; the window stays usable."
        )
        note.setObjectName("secondary")
        note.setWordWrap(True)
        form.addRow("", note)
        if self.context.session_home:
            session = QLabel(
                f"This session uses a temporary copy of {self.context.session_home} (from the "
                "command line); choosing a home file here replaces it."
            )
            session.setObjectName("secondary")
            session.setWordWrap(True)
            form.addRow("", session)
        return page

    def _voice_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 6, 0)

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
        form.addRow(_buddy("&Device", self.microphone), row)
        self.meter = LevelMeter()
        form.addRow("Level", self.meter)
        self.mic_status = QLabel("Looking for microphones…")
        self.mic_status.setObjectName("secondary")
        self.mic_status.setWordWrap(True)
        form.addRow("", self.mic_status)
        self.microphone.currentIndexChanged.connect(self._restart_mic_test)
        self.monitor.level.connect(self.meter.set_level)
        self.monitor.started.connect(lambda name: self.mic_status.setText(f"Listening on {name}"))
        self.monitor.failed.connect(self._mic_failed)
        column.addWidget(mic)

        wake = QGroupBox("Wake word")
        form = QFormLayout(wake)
        self.wake_word = QComboBox()
        self.wake_word.setAccessibleName("Wake word")
        for spec in CATALOG.values():
            if spec.engine in WAKE_ENGINES:
                self.wake_word.addItem(wake_label(spec), spec.id)
                if spec.engine is Engine.OPEN_WAKE_WORD:
                    index = self.wake_word.count() - 1
                    self.wake_word.setItemData(
                        index, f"openWakeWord models: {NON_COMMERCIAL}", Qt.ItemDataRole.ToolTipRole
                    )
        form.addRow("&Word", self.wake_word)
        self.wake_info = QLabel()
        self.wake_info.setObjectName("secondary")
        self.wake_info.setWordWrap(True)
        form.addRow("", self.wake_info)
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
        self.wake_word.currentIndexChanged.connect(self._show_wake_info)
        column.addWidget(wake)

        speech = QGroupBox("Speech recognition")
        form = QFormLayout(speech)
        self.speech_engine = QComboBox()
        self.speech_engine.setAccessibleName("Speech engine")
        for name, (label, _package, _kind) in SPEECH_ENGINES.items():
            self.speech_engine.addItem(label, name)
        form.addRow("&Engine", self.speech_engine)
        self.speech_model = QComboBox()
        self.speech_model.setAccessibleName("Speech model")
        self.speech_model.addItem("Checking installed models…", None)
        form.addRow("&Model", self.speech_model)
        self.speech_info = QLabel()
        self.speech_info.setObjectName("secondary")
        self.speech_info.setWordWrap(True)
        form.addRow("", self.speech_info)
        self.speech_engine.currentIndexChanged.connect(self._fill_models)
        self.speech_model.currentIndexChanged.connect(self._show_model_info)
        column.addWidget(speech)

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
        form.addRow(_buddy("V&oice", self.tts_voice), row)
        self.tts_engine.currentIndexChanged.connect(self._tts_engine_changed)
        self.tts_enabled.toggled.connect(self._tts_engine_changed)
        column.addWidget(replies)
        column.addStretch(1)
        return _scrolling(page)

    def _cloud_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        cloud = QGroupBox("Cloud help")
        form = QFormLayout(cloud)
        self.cloud_enabled = QCheckBox("Ask a cloud language model when Hearth does not understand")
        self.cloud_enabled.setAccessibleName("Cloud help")
        form.addRow(self.cloud_enabled)
        self.cloud_sentence = QLabel(CLOUD_SENTENCE)
        self.cloud_sentence.setWordWrap(True)
        self.cloud_sentence.setAccessibleName("What cloud help sends")
        form.addRow(self.cloud_sentence)
        self.cloud_url = QLineEdit()
        self.cloud_url.setAccessibleName("Cloud base URL")
        self.cloud_url.setPlaceholderText("https://api.openai.com/v1")
        form.addRow("Base &URL", self.cloud_url)
        self.cloud_model = QLineEdit()
        self.cloud_model.setAccessibleName("Cloud model")
        form.addRow("Mo&del", self.cloud_model)
        self.cloud_states = QCheckBox("Also send the devices' current states")
        self.cloud_states.setAccessibleName("Send device states")
        form.addRow(self.cloud_states)
        key_note = QLabel("The API key is kept in the system keyring; store it with: hearth privacy --set-key")
        key_note.setObjectName("secondary")
        key_note.setWordWrap(True)
        form.addRow(key_note)
        self.cloud_enabled.toggled.connect(self._cloud_toggled)
        column.addWidget(cloud)

        history = QGroupBox("History")
        form = QFormLayout(history)
        self.history_enabled = QCheckBox("Keep a log of commands, what they did and their timings")
        self.history_enabled.setAccessibleName("Keep history")
        form.addRow(self.history_enabled)
        self.retention = QSpinBox()
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(" days")
        self.retention.setSpecialValueText("Nothing older than today")
        self.retention.setAccessibleName("History retention in days")
        form.addRow("&Keep for", self.retention)
        self.history_enabled.toggled.connect(self.retention.setEnabled)
        column.addWidget(history)
        column.addStretch(1)
        return page

    def _app_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.start_minimized = QCheckBox("Start minimized to the tray")
        self.start_minimized.setAccessibleName("Start minimized")
        form.addRow(self.start_minimized)
        self.notifications = QCheckBox("Notify me of actions done while the window is hidden")
        self.notifications.setAccessibleName("Notifications")
        form.addRow(self.notifications)
        where = QLabel(f"Engine settings file: {self.context.config_path}")
        where.setObjectName("secondary")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(where)
        return page

    # -- values in ------------------------------------------------------------------------------------

    def _load_values(self) -> None:
        c = self.config
        _select(self.backend, c.home.backend)
        self.home_file.setText(c.home.home_file)
        self._fill_rooms(c.home.this_room)
        self.home_status.setText(self._areas_text())
        if c.audio.input_device:
            self.microphone.addItem(f"{c.audio.input_device} (not connected)", c.audio.input_device)
            self.microphone.setCurrentIndex(1)
        wake_id = f"{c.wake.engine}-{c.wake.word.replace('_', '-')}"  # the catalog's id
        _select(self.wake_word, wake_id)
        self.wake_auto.setChecked(c.wake.threshold <= 0)
        self.wake_threshold.setValue(round((c.wake.threshold or 0.9) * 100))
        self.wake_threshold.setEnabled(c.wake.threshold > 0)
        self.wake_threshold_label.setText(f"{self.wake_threshold.value() / 100:.2f}")
        self._show_wake_info()
        _select(self.speech_engine, c.speech.engine)
        self.tts_enabled.setChecked(c.tts.enabled)
        _select(self.tts_engine, c.tts.engine)
        self.tts_voice.setText(c.tts.voice)
        self._tts_engine_changed()
        self.cloud_enabled.setChecked(c.cloud.enabled)
        self.cloud_url.setText(c.cloud.base_url)
        self.cloud_model.setText(c.cloud.model)
        self.cloud_states.setChecked(c.cloud.share_device_states)
        self._cloud_toggled(c.cloud.enabled)
        self.history_enabled.setChecked(c.history.enabled)
        self.retention.setValue(c.history.retention_days)
        self.retention.setEnabled(c.history.enabled)
        prefs = self.context.preferences
        self.start_minimized.setChecked(prefs.start_minimized)
        self.notifications.setChecked(prefs.notifications)

    def _start_background_reads(self) -> None:
        loader = self.context.load_sounddevice
        run_in_background(
            self, lambda: list_input_devices(loader()), self._got_devices, self._no_devices
        )
        store = self.context.store or ModelStore(config_module.cache_dir())
        run_in_background(
            self,
            lambda: read_installed(store),
            self._got_installed,
            lambda message: self.speech_info.setText(message),
        )
        if self.config.home.home_file and not self.areas:
            self._home_file_changed()

    def _got_devices(self, devices: list[InputDevice]) -> None:
        wanted = self.config.audio.input_device
        self.microphone.blockSignals(True)
        self.microphone.clear()
        default = next((d.name for d in devices if d.is_default), None)
        self.microphone.addItem(f"System default ({default})" if default else "System default", "")
        for device in devices:
            self.microphone.addItem(device.name, device.name)
        if wanted and _select(self.microphone, wanted) is None:
            if wanted.isdigit() and (
                match := next((d for d in devices if d.index == int(wanted)), None)
            ):
                _select(self.microphone, match.name)
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

    def _no_devices(self, message: str) -> None:
        self.mic_status.setText(f"Microphones cannot be listed: {message}")
        self.mic_test.setEnabled(False)

    def _got_installed(self, installed: Installed) -> None:
        self.installed = installed
        for index in range(self.speech_engine.count()):
            name = self.speech_engine.itemData(index)
            label, package, _kind = SPEECH_ENGINES[name]
            if not installed.packages.get(package, False):
                self.speech_engine.setItemText(index, f"{label} — not installed")
        for index in range(self.tts_engine.count()):
            value = self.tts_engine.itemData(index)
            ok = installed.packages.get("piper") if value == "piper" else installed.espeak
            if not ok:
                self.tts_engine.setItemText(index, f"{dict(TTS_ENGINES)[value]} — not installed")
        self._fill_models()
        self._show_wake_info()

    # -- reactions ------------------------------------------------------------------------------------

    def _fill_models(self) -> None:
        if self.installed is None:
            return
        engine = self.speech_engine.currentData()
        current = self.config.speech.model if engine == self.config.speech.engine else ""
        self.speech_model.blockSignals(True)
        self.speech_model.clear()
        for choice in model_choices(engine, current, self.installed):
            self.speech_model.addItem(choice.label, choice)
        for index in range(self.speech_model.count()):
            if self.speech_model.itemData(index).value == current:
                self.speech_model.setCurrentIndex(index)
                break
        self.speech_model.blockSignals(False)
        self._show_model_info()

    def _show_model_info(self) -> None:
        choice = self.speech_model.currentData()
        if not isinstance(choice, ModelChoice):
            return
        engine = self.speech_engine.currentData()
        package = SPEECH_ENGINES[engine][1]
        lines = []
        if self.installed is not None and not self.installed.packages.get(package, False):
            lines.append(f"The {engine} engine is not installed: pip install 'hearth[speech]'.")
        if choice.detail:
            lines.append(choice.detail)
        self.speech_info.setText(" ".join(lines))

    def _show_wake_info(self) -> None:
        spec = CATALOG.get(self.wake_word.currentData() or "")
        if spec is None:
            return
        text = spec.notes
        if self.installed is not None:
            state = self.installed.models.get(spec.id, InstallState.MISSING)
            text += (
                " Installed."
                if state is not InstallState.MISSING
                else (" Not installed: pip install 'hearth[speech]'.")
            )
        self.wake_info.setText(text)

    def _tts_engine_changed(self) -> None:
        piper = self.tts_engine.currentData() == "piper"
        on = self.tts_enabled.isChecked()
        self.tts_engine.setEnabled(on)
        self.tts_voice.setEnabled(on)
        self.tts_browse.setEnabled(on and piper)
        self.tts_voice.setPlaceholderText(
            "Default: Joe (US English, Piper)" if piper else "Default voice, e.g. en-us"
        )

    def _cloud_toggled(self, on: bool) -> None:
        for widget in (self.cloud_url, self.cloud_model, self.cloud_states):
            widget.setEnabled(on)

    def _choose_home_file(self) -> None:
        start = self.home_file.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a home file", start, "Home files (*.yaml *.yml);;All files (*)"
        )
        if path:
            self.home_file.setText(path)
            self._home_file_changed()

    def _choose_voice(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a Piper voice",
            self.tts_voice.text() or str(Path.home()),
            "Piper voices (*.onnx);;All files (*)",
        )
        if path:
            self.tts_voice.setText(path)

    def _home_file_changed(self) -> None:
        """Read the chosen home file in the background to offer its areas as "this room"."""
        text = self.home_file.text().strip()
        if text == self._home_loaded_for:
            return
        self._home_loaded_for = text
        self.home_status.setText("Reading the home file…")

        def done(areas: tuple[Area, ...]) -> None:
            if self._home_loaded_for != text:
                return  # an older read; a newer one is on its way
            self._home_problem = None
            selected = self.room.currentData() or ""
            self.areas = areas
            self._fill_rooms(selected)
            self.home_status.setText(self._areas_text())

        def failed(message: str) -> None:
            if self._home_loaded_for == text:
                self._home_problem = f"The home file cannot be used: {message}"
                self.home_status.setText(self._home_problem)

        run_in_background(self, lambda: tuple(load_home(text or None).areas.values()), done, failed)

    def _fill_rooms(self, selected: str) -> None:
        self.room.clear()
        self.room.addItem("Not set", "")
        for area in self.areas:
            self.room.addItem(area.name, area.id)
        if selected and _select(self.room, selected) is None:
            match = next(
                (a for a in self.areas if selected.lower() in {a.id, a.name.lower()}), None
            )
            if match is not None:
                _select(self.room, match.id)
            else:
                self.room.addItem(f"{selected} (not in this home)", selected)
                self.room.setCurrentIndex(self.room.count() - 1)

    def _areas_text(self) -> str:
        if not self.areas:
            return "Areas appear here once the home is loaded."
        return f"{len(self.areas)} areas: " + ", ".join(a.name for a in self.areas)

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

    # -- values out -----------------------------------------------------------------------------------

    def collect(self) -> Config:
        """The Config the form describes; ConfigError names the first bad field."""
        c = self.config
        if self._home_problem is not None:
            raise _FieldError(self.home_file, self._home_problem)
        home_file = self.home_file.text().strip()
        if home_file and not Path(home_file).expanduser().is_file():
            raise _FieldError(self.home_file, f"The home file {home_file} does not exist.")
        room = self.room.currentData() or ""
        if room and self.areas and not any(a.id == room for a in self.areas):
            raise _FieldError(self.room, f"This home has no area {room!r}; choose another room.")
        wake = CATALOG[self.wake_word.currentData()]
        model = self.speech_model.currentData()
        speech_model = c.speech.model
        if isinstance(model, ModelChoice):
            if not model.installed:
                raise _FieldError(
                    self.speech_model,
                    f"The speech model {model.model_id or model.value} is not installed. "
                    f"Fetch it first: hearth models fetch {model.model_id}"
                    if model.model_id
                    else f"The speech model {model.value} does not exist.",
                )
            speech_model = model.value
        voice = self.tts_voice.text().strip()
        piper = self.tts_engine.currentData() == "piper"
        if self.tts_enabled.isChecked() and piper and voice and not Path(voice).is_file():
            raise _FieldError(self.tts_voice, f"The voice file {voice} does not exist.")
        url = self.cloud_url.text().strip()
        if self.cloud_enabled.isChecked() and not self.cloud_model.text().strip():
            raise _FieldError(self.cloud_model, "Cloud help needs a model name.")
        try:
            updated = replace(
                c,
                home=replace(
                    c.home,
                    backend=self.backend.currentData(),
                    home_file=home_file,
                    this_room=room,
                ),
                audio=replace(c.audio, input_device=self.microphone.currentData() or ""),
                wake=replace(
                    c.wake,
                    engine=WAKE_ENGINES[wake.engine],
                    word=wake_word_of(wake),
                    threshold=(
                        0.0 if self.wake_auto.isChecked() else self.wake_threshold.value() / 100
                    ),
                ),
                speech=replace(
                    c.speech, engine=self.speech_engine.currentData(), model=speech_model
                ),
                tts=replace(
                    c.tts,
                    enabled=self.tts_enabled.isChecked(),
                    engine=self.tts_engine.currentData(),
                    voice=voice,
                ),
                cloud=replace(
                    c.cloud,
                    enabled=self.cloud_enabled.isChecked(),
                    base_url=url,
                    model=self.cloud_model.text().strip(),
                    share_device_states=self.cloud_states.isChecked(),
                ),
                history=replace(
                    c.history,
                    enabled=self.history_enabled.isChecked(),
                    retention_days=self.retention.value(),
                ),
            )
            updated.validate()
        except ConfigError as err:
            raise _FieldError(self._widget_for(str(err)), _sentence(str(err))) from None
        return updated

    def _widget_for(self, message: str) -> QWidget:
        fields: dict[str, QWidget] = {
            "cloud.base_url": self.cloud_url,
            "cloud.": self.cloud_enabled,
            "home.backend": self.backend,
            "wake.threshold": self.wake_threshold,
            "history.retention_days": self.retention,
            "speech.engine": self.speech_engine,
        }
        return next((w for key, w in fields.items() if key in message), self.tabs)

    def save(self) -> bool:
        """Validate, write the TOML atomically, store the UI preferences, close; else explain."""
        try:
            updated = self.collect()
        except _FieldError as err:
            self.show_problem(str(err), err.widget)
            return False
        try:
            config_module.save(updated, self.context.config_path)
        except OSError as err:
            self.show_problem(f"The settings could not be written: {err}", self.tabs)
            return False
        prefs = self.context.preferences
        prefs.start_minimized = self.start_minimized.isChecked()
        prefs.notifications = self.notifications.isChecked()
        self.config = updated
        self.message.hide()
        self.saved.emit(updated)
        self.accept()
        return True

    def show_problem(self, text: str, widget: QWidget) -> None:
        """Say what is wrong next to the buttons and take the user to the field."""
        self.message.setText(text)
        self.message.show()
        page = widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def done(self, result: int) -> None:
        """Closing in any way stops a running microphone test."""
        self.monitor.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.monitor.stop()
        super().closeEvent(event)


class _FieldError(Exception):
    """A message for the user and the field it is about."""

    def __init__(self, widget: QWidget, message: str) -> None:
        super().__init__(message)
        self.widget = widget


#: Config keys in messages, in the words the dialog uses for them.
FIELD_NAMES = {
    "cloud.base_url": "The cloud base URL",
    "cloud.timeout_s": "The cloud timeout",
    "cloud.max_tokens": "The cloud answer length",
    "home.backend": "The backend",
    "wake.threshold": "The wake word threshold",
    "history.retention_days": "History retention",
    "speech.engine": "The speech engine",
}


def _sentence(text: str) -> str:
    text = text.strip()
    for key, name in FIELD_NAMES.items():
        if text.startswith(key):
            text = name + text[len(key) :]
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _buddy(text: str, field: QWidget) -> QLabel:
    """A form label whose &-mnemonic focuses ``field`` (a row holding a layout has none)."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _scrolling(page: QWidget) -> QScrollArea:
    """The page in a frameless scroll area, so a long tab never squeezes its wrapped text."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _select(combo: QComboBox, value: Any) -> int | None:
    """Select the item whose data is ``value``; its index, or None when there is none."""
    index = combo.findData(value)
    if index < 0:
        return None
    combo.setCurrentIndex(index)
    return index
