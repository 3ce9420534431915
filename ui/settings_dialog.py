"""The settings dialog: every engine setting a person may want to change, checked before saving.

What is shown is the typed Config; what is saved goes through ``assistant.config.save`` (an
atomic write), so the CLI and the app always read the same file. Nothing is written until every
field is valid: a bad value gets a message that names it, focus moves to it, and the file on
disk stays as it was. Reads that may be slow (the audio server's device list, the home file,
which models are installed) run in the background so the dialog opens at once.

Each tab is its own module (``ui.settings_home``, ``settings_voice``, ``settings_speech``,
``settings_cloud``, ``settings_app``); this one assembles them, validates and saves. The names
other code imports from here are re-exported below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from assistant import api_key
from assistant import config as config_module
from assistant.api_key import ApiKeyStore
from assistant.audio.microphone import InputDevice, list_input_devices
from assistant.config import Config, ConfigError
from assistant.home.model import Area
from models.store import ModelStore
from ui.level_meter import SoundDeviceLoader
from ui.long_job import run_once
from ui.preferences import UiPreferences
from ui.settings_app import AppTab
from ui.settings_cloud import CLOUD_SENTENCE, CloudTab
from ui.settings_common import FieldError, scrolling, sentence
from ui.settings_home import HomeTab
from ui.settings_models import (
    NON_COMMERCIAL,
    Installed,
    read_installed,
)
from ui.settings_voice import VoiceTab
from ui.wheel_guard import guard


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
    key_store: ApiKeyStore | None = None  # None: the user's (the OS keyring, else a 0600 file)


class SettingsDialog(QDialog):
    """Tabs: Home, Voice, Cloud & history, App. Save writes the TOML; Cancel changes nothing."""

    #: The new Config, after it was written.
    saved = Signal(object)

    def __init__(self, context: SettingsContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.config = context.config
        self.store = context.store or ModelStore(config_module.cache_dir())
        self.key_store = context.key_store or api_key.default_store(context.config_path)
        self.setWindowTitle("Hearth settings")
        self.setAccessibleName("Hearth settings")
        self.installed: Installed | None = None

        self.home_tab = HomeTab(context.areas, context.session_home)
        self.voice_tab = VoiceTab(context.load_sounddevice, self.store)
        self.cloud_tab = CloudTab()
        self.app_tab = AppTab(context.config_path)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(self.home_tab, "&Home")
        self.tabs.addTab(scrolling(self.voice_tab), "&Voice")  # scrolls on small screens
        self.tabs.addTab(self.cloud_tab, "&Cloud && history")
        self.tabs.addTab(self.app_tab, "&App")
        self._name_fields()
        for tab in (self.home_tab, self.voice_tab, self.cloud_tab, self.app_tab):
            guard(tab)  # scrolling the Voice tab must not move the threshold or the engine

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

        # A problem shown after Save goes away as soon as the choice that caused it is undone
        # (Vosk without its model, then back to Whisper).
        self.speech_engine.currentIndexChanged.connect(self._recheck)
        self.speech_model.currentIndexChanged.connect(self._recheck)

        self.home_tab.load(self.config)
        self.voice_tab.load(self.config)
        self.cloud_tab.load(self.config)
        self.app_tab.load(context.preferences)
        self._start_background_reads()

    def _name_fields(self) -> None:
        """The tabs' fields under the names the app, the tests and screenshots use."""
        home, voice, cloud, app = self.home_tab, self.voice_tab, self.cloud_tab, self.app_tab
        self.backend, self.home_file, self.room = home.backend, home.home_file, home.room
        self.home_status = home.home_status
        self.monitor, self.microphone, self.mic_test = (
            voice.monitor,
            voice.microphone,
            voice.mic_test,
        )
        self.meter, self.mic_status = voice.meter, voice.mic_status
        self.wake_word, self.wake_info, self.wake_auto = (
            voice.wake_word,
            voice.wake_info,
            voice.wake_auto,
        )
        self.wake_threshold = voice.wake_threshold
        self.wake_verify = voice.wake_verify
        self.speech_engine = voice.speech.speech_engine
        self.speech_model = voice.speech.speech_model
        self.speech_info = voice.speech.speech_info
        self.speech_fetch = voice.speech.fetch
        self.tts_enabled, self.tts_engine, self.tts_voice = (
            voice.tts_enabled,
            voice.tts_engine,
            voice.tts_voice,
        )
        self.cloud_enabled, self.cloud_sentence = cloud.cloud_enabled, cloud.cloud_sentence
        self.cloud_url, self.cloud_model = cloud.cloud_url, cloud.cloud_model
        self.cloud_states = cloud.cloud_states
        self.api_key, self.key_status, self.forget_key = (
            cloud.api_key,
            cloud.key_status,
            cloud.forget_key,
        )
        self.history_enabled, self.retention = cloud.history_enabled, cloud.retention
        self.start_minimized, self.notifications = app.start_minimized, app.notifications
        self.close_to_tray = app.close_to_tray
        self.autostart, self.theme = app.autostart, app.theme

    def _start_background_reads(self) -> None:
        loader = self.context.load_sounddevice  # not self: a worker must hold no widget
        run_once(self, lambda: list_input_devices(loader()), self._got_devices, self._no_devices)
        store = self.store
        run_once(self, lambda: read_installed(store), self._got_installed, self._no_models)
        keys = self.key_store  # the keyring may be slow to answer (a locked Secret Service)
        run_once(
            self,
            lambda: keys.get().location,
            self.cloud_tab.show_key,
            self.cloud_tab.key_unreadable,
        )

    def _got_devices(self, devices: list[InputDevice]) -> None:
        self.voice_tab.set_devices(devices, self.config.audio.input_device)

    def _no_devices(self, message: str) -> None:
        self.voice_tab.devices_failed(message)

    def _no_models(self, message: str) -> None:
        self.speech_info.setText(f"Installed models cannot be listed: {message}")

    def _got_installed(self, installed: Installed) -> None:
        self.installed = installed
        self.voice_tab.set_installed(installed)

    # -- values out -----------------------------------------------------------------------------------

    def collect(self) -> Config:
        """The Config the form describes; FieldError names the first bad field."""
        updated = self.home_tab.apply(self.config)
        updated = self.voice_tab.apply(updated)
        updated = self.cloud_tab.apply(updated)
        try:
            updated.validate()
        except ConfigError as err:
            raise FieldError(self._widget_for(str(err)), sentence(str(err))) from None
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
        except FieldError as err:
            self.show_problem(str(err), err.widget)
            return False
        try:
            config_module.save(updated, self.context.config_path)
        except OSError as err:
            self.show_problem(f"The settings could not be written: {err}", self.tabs)
            return False
        self.app_tab.store(self.context.preferences)
        self.config = updated
        try:
            self.cloud_tab.store_key(self.key_store)
        except (OSError, ValueError) as err:
            self.show_problem(f"The API key could not be stored: {err}", self.api_key)
            return False
        try:
            self.app_tab.store_autostart()
        except OSError as err:
            self.show_problem(f"Starting at login could not be set up: {err}", self.app_tab)
            return False
        self.message.hide()
        self.saved.emit(updated)
        self.accept()
        return True

    def _recheck(self) -> None:
        """Check the form again while a problem is shown: hide it once fixed, else update it."""
        if self.message.isHidden():
            return
        try:
            self.collect()
        except FieldError as err:
            self.message.setText(str(err))
            return
        self.message.hide()

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
        """Closing in any way stops a running microphone test and cancels downloads."""
        self.voice_tab.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.voice_tab.stop()
        super().closeEvent(event)


__all__ = ["CLOUD_SENTENCE", "NON_COMMERCIAL", "SettingsContext", "SettingsDialog"]
