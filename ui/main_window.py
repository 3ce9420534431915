"""The main window: talk to Hearth on the left, see and control the home on the right.

The window holds no engine logic. Typed commands, Yes/No/Undo and card controls all go to the
EngineBridge (worker thread); what comes back — turn results and bus events, already on the UI
thread — is only displayed. That keeps the UI responsive whatever the engine is doing and makes
voice, typing and clicking behave identically.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assistant import config as config_module
from assistant.audio.microphone import load_sounddevice
from assistant.config import CloudConfig, Config
from assistant.conversation import TurnResult
from assistant.egress import EGRESS_FILE
from assistant.events import (
    AudioLevel,
    Cancelled,
    DeviceChanged,
    ErrorEvent,
    Event,
    EventType,
    PipelineState,
    PipelineStateChanged,
    Stage,
    StageEnd,
    Transcript,
    TurnCompleted,
    UtteranceTimings,
    WakeDetected,
)
from assistant.history import History, HistoryEntry
from assistant.home.commands import Action
from assistant.home.model import Home
from assistant.runtime import Runtime
from ui.bridge import EngineBridge
from ui.diagnostics import diagnostics_text
from ui.first_run import FirstRunDialog
from ui.history_view import HistoryView
from ui.home_view import HomeView
from ui.icon import app_icon
from ui.intent_card import IntentCard
from ui.level_meter import LevelMeter, SoundDeviceLoader
from ui.preferences import UiPreferences, default_settings
from ui.privacy_view import PrivacyDialog
from ui.ptt import PushToTalkServer
from ui.runtime_factory import RuntimeFactory
from ui.settings_dialog import SettingsContext, SettingsDialog
from ui.shortcuts import ShortcutsDialog
from ui.status import AssistantState, StateIndicator
from ui.style import STYLESHEET, repolish
from ui.tray import VOICE_UNAVAILABLE, TrayIcon
from ui.voice import (
    BuildPipeline,
    OpenSource,
    VoiceController,
    VoiceParts,
    microphone_opener,
    pipeline_builder,
)

_PIPELINE_STATES = {
    PipelineState.IDLE: AssistantState.IDLE,
    PipelineState.WAKE: AssistantState.LISTENING,
    PipelineState.LISTENING: AssistantState.LISTENING,
    PipelineState.TRANSCRIBING: AssistantState.THINKING,
    PipelineState.ACTING: AssistantState.THINKING,
    PipelineState.REPLYING: AssistantState.SPEAKING,
    PipelineState.ERROR: AssistantState.ERROR,
}


#: How long device changes are gathered into one notification (a scene changes many at once).
NOTIFY_DELAY_MS = 400
#: How long a transient status message stays in the status bar.
STATUS_MS = 8000
VOICE_STATUS = "Voice is not available yet"
VOICE_OFF = "Voice is off: type commands or use the device cards"
VOICE_LOADING = "Voice: loading the speech models…"
#: Held longer than this, the Talk button is hold-to-talk; a shorter click toggles listening.
HOLD_S = 0.4
#: How many turns of the persistent history the window shows at start.
HISTORY_SHOWN = 50
#: Stages whose times only the pipeline knows (the turn itself measures intent, action, ...).
_VOICE_STAGES = (Stage.WAKE, Stage.VAD, Stage.ASR)


@dataclass
class AppServices:
    """What the window needs from the app besides the bridge; tests pass their own parts."""

    preferences: UiPreferences = field(default_factory=lambda: UiPreferences(default_settings()))
    load_sounddevice: SoundDeviceLoader = load_sounddevice
    factory: RuntimeFactory | None = None  # None: settings are saved but no rebuild happens
    ptt_name: str | None = None  # the push-to-talk socket; None: one per user
    tray: bool = True
    history: History | None = None  # the persistent log; None: this session's turns only
    voice: bool = True  # False: typed commands and cards only (no microphone, no models)
    open_source: OpenSource | None = None  # None: the microphone through load_sounddevice
    build_pipeline: BuildPipeline | None = None  # None: the pipeline ``hearth listen`` runs


def turn_from_event(event: TurnCompleted, confidence: float = 0.0) -> TurnResult:
    """A TurnResult rebuilt from a TurnCompleted event's JSON, for turns started elsewhere."""
    return _turn_from_dict(event.result, confidence)


def turn_from_entry(entry: HistoryEntry) -> TurnResult:
    """A TurnResult rebuilt from a persisted history row (to show it at start)."""
    return _turn_from_dict(entry.to_dict(), 0.0)


def _turn_from_dict(data: dict[str, Any], confidence: float) -> TurnResult:
    actions = []
    for raw in data.get("actions") or ():
        try:
            actions.append(Action.from_dict(raw))
        except (KeyError, ValueError, TypeError):
            continue  # an action kind this UI does not know: show the rest
    return TurnResult(
        text=str(data.get("text", "")),
        intent=data.get("intent"),
        slots=dict(data.get("slots") or {}),
        actions=tuple(actions),
        response=str(data.get("response", "")),
        source=data.get("source"),
        timings_ms={k: float(v) for k, v in (data.get("timings_ms") or {}).items()},
        confirmation_required=bool(data.get("confirmation_required", False)),
        confidence=confidence,
    )


class MainWindow(QMainWindow):
    """Conversation column + home view, driven entirely by an EngineBridge."""

    #: Push-to-talk pressed (True) or released (False), from Space, the tray or ``ui.ptt``.
    #: The voice pipeline connects here and calls ``set_voice_available(True)``.
    push_to_talk = Signal(bool)
    #: The tray's Mute, for the voice pipeline (True: stop listening to the microphone).
    mute_changed = Signal(bool)

    def __init__(
        self,
        bridge: EngineBridge,
        parent: QWidget | None = None,
        services: AppServices | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.services = services or AppServices()
        self.preferences = self.services.preferences
        self.home: Home | None = None
        self.voice_available = False
        self.voice_problem = ""
        self.talking = False
        self.muted = False
        self._press_at = 0.0
        self._click_stops = False
        self._voice_stages: dict[str, float] = {}
        self._history_detach: Any = None
        self._history_loaded = False
        self._quitting = False
        self._pending_changes: list[str] = []
        self.settings_dialog: SettingsDialog | None = None
        self.first_run_dialog: FirstRunDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.setWindowTitle("Hearth")
        self.setWindowIcon(app_icon())
        self.setStyleSheet(STYLESHEET)
        self.resize(1200, 760)

        self.state = StateIndicator()
        self.command = QLineEdit()
        self.command.setPlaceholderText("Type a command, e.g. “turn on the kitchen lights”")
        self.command.setAccessibleName("Command")
        self.command.setClearButtonEnabled(True)
        self.command.setEnabled(False)
        self.send_button = QPushButton("Send")
        self.send_button.setAccessibleName("Send command")
        self.send_button.setDefault(True)
        self.send_button.setEnabled(False)
        self.reply = QLabel("Starting Hearth…")
        self.reply.setObjectName("reply")
        self.reply.setWordWrap(True)
        self.reply.setAccessibleName("Reply")
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intent_card = IntentCard()
        self.history = HistoryView()
        self.home_view = HomeView()
        self.footer = QLabel()
        self.footer.setObjectName("secondary")
        self.footer.setWordWrap(True)
        self._footer_base = ""
        self.privacy_button = QPushButton("Privacy…")
        self.privacy_button.setAccessibleName("Privacy: what Hearth has sent")
        self.privacy_button.setToolTip("See and clear everything cloud help has sent")
        self.privacy_dialog: PrivacyDialog | None = None
        self.settings_button = QPushButton("Settings…")
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.setToolTip("Microphone, wake word, speech, home, cloud help (Ctrl+,)")
        self.voice_label = QLabel(VOICE_STATUS if self.services.voice else VOICE_OFF)
        self.voice_label.setObjectName("secondary")
        self.voice_label.setAccessibleName("Voice status")
        self.voice_label.setWordWrap(True)
        self.voice_label.setToolTip(VOICE_UNAVAILABLE)
        self.talk_button = QPushButton("Hold to talk")
        self.talk_button.setObjectName("talk")
        self.talk_button.setAccessibleName("Push to talk")
        self.talk_button.setToolTip(
            "Hold while you speak, or click once to start and again to stop (Space works too)"
        )
        self.talk_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel what Hearth is doing")
        self.cancel_button.setToolTip("Stop listening, thinking or speaking (Esc)")
        self.cancel_button.setEnabled(False)
        self.mute_button = QPushButton("Mute")
        self.mute_button.setCheckable(True)
        self.mute_button.setAccessibleName("Mute the microphone")
        self.mute_button.setToolTip("Stop listening to the microphone until you unmute")
        self.mute_button.setEnabled(False)
        self.level_meter = LevelMeter()
        self.level_meter.setEnabled(False)
        self.transcript = QLabel("")
        self.transcript.setObjectName("transcript")
        self.transcript.setAccessibleName("What Hearth heard")
        self.transcript.setWordWrap(True)
        self.transcript.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("Copy diagnostics")
        self.copy_button.setAccessibleName("Copy diagnostics")
        self.copy_button.setToolTip(
            "Copy versions, settings (no secrets) and recent timings for a bug report; no audio"
        )
        self.clear_button = QPushButton("Clear history")
        self.clear_button.setAccessibleName("Clear history")
        self.clear_button.setToolTip("Forget the logged commands, on this computer too")
        self._notify_timer = QTimer(self)
        self._notify_timer.setSingleShot(True)
        self._notify_timer.setInterval(NOTIFY_DELAY_MS)
        self._notify_timer.timeout.connect(self._notify_changes)

        self._build_layout()
        self._build_menus()
        self._connect()
        self.voice: VoiceController | None = None
        if self.services.voice:
            self.voice = VoiceController(
                bridge,
                self.services.open_source or microphone_opener(self.services.load_sounddevice),
                self.services.build_pipeline or pipeline_builder(self.services.history),
                self,
            )
            self.voice.loading.connect(self._on_voice_loading)
            self.voice.ready.connect(self._on_voice_ready)
            self.voice.failed.connect(self._on_voice_failed)
            self.voice.stopped.connect(self._on_voice_stopped)
            self.push_to_talk.connect(self.voice.push_to_talk)
            self.mute_changed.connect(self.voice.set_muted)
        self.tray = TrayIcon(self) if self.services.tray else None
        if self.tray is not None:
            self.tray.show_hide_requested.connect(self.toggle_visible)
            self.tray.listen_requested.connect(lambda: self.handle_push_to_talk("toggle"))
            self.tray.mute_toggled.connect(self.set_muted)
            self.tray.quit_requested.connect(self.quit)
        self.ptt_server = PushToTalkServer(self.handle_push_to_talk, self.services.ptt_name, self)
        if not self.ptt_server.listen():
            self.statusBar().showMessage(
                f"Push-to-talk shortcut unavailable: {self.ptt_server.problem}", STATUS_MS
            )
        self.setTabOrder(self.talk_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.mute_button)
        self.setTabOrder(self.mute_button, self.command)
        self.setTabOrder(self.command, self.send_button)
        self.setTabOrder(self.send_button, self.intent_card.no_button)
        self.setTabOrder(self.intent_card.no_button, self.intent_card.yes_button)
        self.setTabOrder(self.intent_card.yes_button, self.intent_card.undo_button)
        self.setTabOrder(self.intent_card.undo_button, self.history)
        self.setTabOrder(self.history, self.home_view)

    # -- layout ---------------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(16, 14, 8, 12)
        column.setSpacing(12)

        header = QHBoxLayout()
        title = QLabel("Hearth")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        title.setFont(font)
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(self.state, 1)
        column.addLayout(header)

        talk = QHBoxLayout()
        talk.setSpacing(8)
        talk.addWidget(self.talk_button, 1)
        talk.addWidget(self.cancel_button)
        talk.addWidget(self.mute_button)
        column.addLayout(talk)
        heard = QVBoxLayout()
        heard.setSpacing(4)
        heard.addWidget(self.level_meter)
        heard.addWidget(self.transcript)
        heard.addWidget(self.voice_label)
        column.addLayout(heard)

        ask = QHBoxLayout()
        ask.setSpacing(8)
        ask.addWidget(self.command, 1)
        ask.addWidget(self.send_button)
        column.addLayout(ask)

        reply_panel = QFrame()
        reply_panel.setObjectName("panel")
        reply_layout = QVBoxLayout(reply_panel)
        reply_layout.setContentsMargins(14, 10, 14, 12)
        reply_layout.setSpacing(2)
        caption = QLabel("Hearth says")
        caption.setObjectName("secondary")
        reply_layout.addWidget(caption)
        reply_layout.addWidget(self.reply)
        column.addWidget(reply_panel)
        column.addWidget(self.intent_card)

        history_row = QHBoxLayout()
        history_title = QLabel("History")
        history_title.setObjectName("panelTitle")
        history_row.addWidget(history_title, 1)
        history_row.addWidget(self.copy_button)
        history_row.addWidget(self.clear_button)
        column.addLayout(history_row)
        column.addWidget(self.history, 1)
        footer_row = QHBoxLayout()
        footer_row.addWidget(self.footer, 1)
        footer_row.addWidget(self.settings_button)
        footer_row.addWidget(self.privacy_button)
        column.addLayout(footer_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.home_view)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 800])
        splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(340)
        self.setCentralWidget(splitter)

    def _build_menus(self) -> None:
        def action(menu: Any, text: str, slot: Any, keys: str | QKeySequence = "") -> QAction:
            item = QAction(text, self)
            if keys:
                item.setShortcut(QKeySequence(keys))
            item.triggered.connect(slot)
            menu.addAction(item)
            return item

        bar = self.menuBar()
        hearth = bar.addMenu("&Hearth")
        self.settings_action = action(
            hearth, "&Settings…", self.show_settings, QKeySequence.StandardKey.Preferences
        )
        if self.settings_action.shortcut() != QKeySequence("Ctrl+,"):
            self.settings_action.setShortcuts(
                [QKeySequence("Ctrl+,"), *self.settings_action.shortcuts()]
            )
        action(hearth, "&First-run check…", self.show_first_run)
        action(hearth, "&Privacy…", self.show_privacy)
        hearth.addSeparator()
        self.quit_action = action(hearth, "&Quit", self.quit, "Ctrl+Q")
        history = bar.addMenu("Hi&story")
        self.copy_action = action(
            history, "&Copy diagnostics", self.copy_diagnostics, "Ctrl+Shift+C"
        )
        action(history, "C&lear history…", lambda: self.clear_history())
        help_menu = bar.addMenu("H&elp")
        action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        action(help_menu, "&About Hearth", self._about)

    def _connect(self) -> None:
        bridge = self.bridge
        self.settings_button.clicked.connect(self.show_settings)
        self.copy_button.clicked.connect(self.copy_diagnostics)
        self.clear_button.clicked.connect(lambda: self.clear_history())
        bridge.turn_completed.connect(self._on_turn_completed)
        bridge.runtime_reloading.connect(self._on_reloading)
        self.command.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.intent_card.confirm_clicked.connect(lambda: self._answer("yes"))
        self.intent_card.deny_clicked.connect(lambda: self._answer("no"))
        self.intent_card.undo_clicked.connect(lambda: self.send_text("undo"))
        self.home_view.action_requested.connect(self._run_actions)
        self.privacy_button.clicked.connect(self.show_privacy)
        bridge.event_received.connect(self._on_event)
        bridge.runtime_ready.connect(self._on_ready)
        bridge.runtime_failed.connect(self._on_load_failed)
        bridge.home_loaded.connect(self._on_home)
        bridge.busy_changed.connect(self._on_busy)
        bridge.turn_finished.connect(self._on_turn)
        bridge.turn_failed.connect(self._on_turn_failed)
        bridge.device_changed.connect(self._on_device_changed)
        bridge.reply.connect(lambda event: self.reply.setText(event.text))
        bridge.error.connect(self._on_error_event)
        bridge.pipeline_state_changed.connect(self._on_pipeline_state)
        focus = QShortcut(QKeySequence("Ctrl+L"), self)
        focus.activated.connect(self._focus_command)
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.activated.connect(self.cancel)
        self.talk_button.pressed.connect(self._talk_pressed)
        self.talk_button.released.connect(self._talk_released)
        self.cancel_button.clicked.connect(self.cancel)
        self.mute_button.toggled.connect(self.set_muted)
        bridge.transcript.connect(self._on_transcript)
        bridge.stage_ended.connect(self._on_stage_end)

    # -- user actions ----------------------------------------------------------------------------------

    def send(self) -> None:
        """Send what is typed (Enter or the Send button)."""
        text = self.command.text().strip()
        if text and self.send_text(text):
            self.command.clear()

    def send_text(self, text: str) -> bool:
        return self.bridge.send_text(text)

    def _answer(self, word: str) -> None:
        self.intent_card.clear_confirmation()
        self.send_text(word)

    def _run_actions(self, actions: Any) -> None:
        self.bridge.run_actions(tuple(actions))

    def show_privacy(self) -> PrivacyDialog:
        """Open (or raise) the privacy view; it stays open and updates as requests leave."""
        if self.privacy_dialog is None:
            runtime = self.bridge.runtime
            cloud = runtime.config.cloud if runtime is not None else CloudConfig()
            path = config_module.data_dir() / EGRESS_FILE
            self.privacy_dialog = PrivacyDialog(path, cloud, self)
            self.privacy_dialog.finished.connect(self._privacy_closed)
        self.privacy_dialog.show()
        self.privacy_dialog.raise_()
        return self.privacy_dialog

    def _settings_context(self) -> SettingsContext:
        factory = self.services.factory
        runtime = self.bridge.runtime
        if factory is not None:
            config, path = factory.config, factory.config_path
        else:
            config = runtime.config if runtime is not None else Config()
            path = config_module.config_path()
        areas = tuple(self.home.areas.values()) if self.home is not None else ()
        return SettingsContext(
            config=config,
            config_path=path,
            load_sounddevice=self.services.load_sounddevice,
            preferences=self.preferences,
            areas=areas,
            session_home=factory.home_file if factory is not None else None,
        )

    def show_settings(self) -> SettingsDialog:
        """Open (or raise) the settings; saving applies what it can at once."""
        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(self._settings_context(), self)
            self.settings_dialog.saved.connect(self.apply_config)
            self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()
        return self.settings_dialog

    def _settings_closed(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
            self.settings_dialog = None

    def apply_config(self, config: Config) -> None:
        """Use saved settings: rebuild the engine (on the worker) when the home or cloud changed."""
        factory = self.services.factory
        rebuild = factory.apply(config) if factory is not None else False
        if rebuild and factory is not None and self.bridge.reload(factory):
            self.statusBar().showMessage("Settings saved; applying them…", STATUS_MS)
        else:
            voice = (
                ""
                if self.voice_available
                else (
                    " Microphone, wake word and voice settings take effect when voice is available."
                )
            )
            self.statusBar().showMessage(f"Settings saved.{voice}", STATUS_MS)

    def show_first_run(self) -> FirstRunDialog:
        """The guided check; non-modal, so the window stays usable behind it."""
        if self.first_run_dialog is None:
            factory = self.services.factory
            runtime = self.bridge.runtime
            config = (
                factory.config
                if factory is not None
                else (runtime.config if runtime is not None else Config())
            )
            dialog = FirstRunDialog(
                config, self.services.load_sounddevice, self.preferences, parent=self
            )
            dialog.microphone_chosen.connect(self._save_microphone)
            dialog.finished.connect(self._first_run_closed)
            self.first_run_dialog = dialog
        self.first_run_dialog.show()
        self.first_run_dialog.raise_()
        return self.first_run_dialog

    def _first_run_closed(self) -> None:
        if self.first_run_dialog is not None:
            self.first_run_dialog.deleteLater()
            self.first_run_dialog = None

    def _save_microphone(self, device: str) -> None:
        factory = self.services.factory
        if factory is None:
            return
        config = replace(factory.config, audio=replace(factory.config.audio, input_device=device))
        try:
            config_module.save(config, factory.config_path)
        except OSError as err:
            self.statusBar().showMessage(f"The microphone choice was not saved: {err}", STATUS_MS)
            return
        self.apply_config(config)

    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        return self.shortcuts_dialog

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Hearth",
            "<b>Hearth</b> — a private, offline-first voice assistant for the home.<br>"
            "Everything runs on this computer unless you turn cloud help on.",
        )

    def diagnostics(self) -> str:
        runtime = self.bridge.runtime
        factory = self.services.factory
        config = (
            runtime.config
            if runtime is not None
            else (factory.config if factory is not None else None)
        )
        return diagnostics_text(config, self.history.results, self.voice_available)

    def copy_diagnostics(self) -> str:
        """Put the diagnostics on the clipboard (for a bug report) and say what it holds."""
        text = self.diagnostics()
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(
            "Diagnostics copied: versions, settings without secrets, recent timings; no audio.",
            STATUS_MS,
        )
        return text

    def clear_history(self, confirm: bool = True) -> bool:
        """Forget the logged turns (on disk too) after asking; False when the user said no."""
        stored = self.services.history
        if confirm:
            where = " and from this computer" if stored is not None else ""
            answer = QMessageBox.question(
                self,
                "Clear history",
                f"Remove every logged command from the list{where}? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        removed = 0
        if stored is not None:
            try:
                removed = stored.clear()
            except (sqlite3.Error, OSError) as err:  # a locked or broken log: say so
                self.statusBar().showMessage(f"The history could not be cleared: {err}", STATUS_MS)
                return False
        self.history.clear_results()
        count = max(removed, 0)
        self.statusBar().showMessage(
            f"History cleared ({count} logged command{'s' if count != 1 else ''} removed).",
            STATUS_MS,
        )
        return True

    def _load_history(self) -> None:
        stored = self.services.history
        if stored is None or self._history_loaded:
            return
        self._history_loaded = True
        try:
            entries = stored.latest(HISTORY_SHOWN)
        except (sqlite3.Error, OSError) as err:  # a convenience: never stop the app
            self.statusBar().showMessage(f"The history could not be read: {err}", STATUS_MS)
            return
        for entry in reversed(entries):  # oldest first, so the newest ends on top
            self.history.add_result(turn_from_entry(entry), entry.at)

    def _attach_history(self, runtime: Runtime) -> None:
        self._detach_history()
        if self.services.history is not None:
            self._history_detach = self.services.history.attach(runtime.bus)

    def _detach_history(self) -> None:
        if self._history_detach is not None:
            self._history_detach()
            self._history_detach = None

    # -- voice (push_to_talk and mute_changed drive the pipeline) --------------------------------------

    def set_voice_available(self, available: bool) -> None:
        """Enables Talk, Cancel, Mute, the tray's Listen/Mute, Space and ``ui.ptt``."""
        self.voice_available = available
        for widget in (self.talk_button, self.cancel_button, self.mute_button, self.level_meter):
            widget.setEnabled(available)
        if not available:
            self.level_meter.setValue(0)
            self._set_talking(False)
        if self.tray is not None:
            self.tray.set_voice_available(available)

    def handle_push_to_talk(self, command: str) -> str:
        """press / release / toggle from Space, the tray or ``python -m ui.ptt``; the answer line."""
        wanted = {"press": True, "release": False}.get(command, not self.talking)
        if not self.voice_available:
            why = self.voice_problem or VOICE_STATUS.lower()
            self.statusBar().showMessage(
                f"Push-to-talk: voice is not available ({why}). Type a command instead.",
                STATUS_MS,
            )
            return f"unavailable {why}"
        if self.muted and wanted:
            self.statusBar().showMessage("The microphone is muted: unmute to talk.", STATUS_MS)
            return "unavailable the microphone is muted"
        if wanted != self.talking:
            self._set_talking(wanted)
            self.push_to_talk.emit(wanted)
        return "ok listening" if wanted else "ok stopped"

    def cancel(self) -> None:
        """Cancel button and Esc: drop what the pipeline is doing (listening, thinking, speaking)."""
        if self.voice is None or self.voice.pipeline is None:
            return
        self._set_talking(False)
        self.voice.cancel()

    def set_muted(self, muted: bool) -> None:
        """Mute from the window or the tray: the microphone's audio is dropped, and it shows."""
        if muted == self.muted:
            return
        self.muted = muted
        for control in (self.mute_button, self.tray.mute_action if self.tray else None):
            if control is not None and control.isChecked() != muted:
                control.blockSignals(True)
                control.setChecked(muted)
                control.blockSignals(False)
        self.mute_button.setText("Unmute" if muted else "Mute")
        if muted and self.talking:
            self.handle_push_to_talk("release")
        self.mute_changed.emit(muted)
        if muted:
            self.level_meter.setValue(0)
        self._show_voice_status()

    def _set_talking(self, talking: bool) -> None:
        self.talking = talking
        self.talk_button.setText("Listening… (release or click)" if talking else "Hold to talk")
        self.talk_button.setProperty("talking", talking)
        repolish(self.talk_button)

    def _talk_pressed(self) -> None:
        if self.talking:  # the second click of click-to-toggle
            self._click_stops = True
            self.handle_push_to_talk("release")
            return
        self._click_stops = False
        self._press_at = time.monotonic()
        self.handle_push_to_talk("press")

    def _talk_released(self) -> None:
        if self._click_stops:
            self._click_stops = False
            return
        if self.talking and time.monotonic() - self._press_at >= HOLD_S:
            self.handle_push_to_talk("release")  # held: hold-to-talk ends here

    def _show_voice_status(self) -> None:
        parts = self.voice.parts if self.voice is not None else None
        if parts is None:
            return
        if self.muted:
            text, hint = f"Microphone muted ({parts.device})", "microphone muted"
        else:
            text = f"Listening on {parts.device}"
            wake = f"say “{parts.wake_phrase}” or " if parts.wake_phrase else ""
            hint = f"{wake}hold Talk"
        self.voice_label.setText(text)
        self.voice_label.setToolTip(text)
        self.state.set_idle_hint(hint)

    def _on_voice_loading(self) -> None:
        self.voice_problem = ""
        self.voice_label.setText(VOICE_LOADING)
        self.voice_label.setToolTip(VOICE_LOADING)

    def _on_voice_ready(self, parts: VoiceParts) -> None:
        self.voice_problem = ""
        self.set_voice_available(True)
        if self.muted:  # muted before the pipeline ran: keep it so
            self.mute_changed.emit(True)
        self._show_voice_status()

    def _on_voice_failed(self, message: str) -> None:
        self.voice_problem = message
        self.set_voice_available(False)
        text = f"Voice unavailable: {message}"
        self.voice_label.setText(text)
        self.voice_label.setToolTip(f"{text}. Typed commands and the device cards still work.")
        self.state.set_idle_hint("type a command")

    def _on_voice_stopped(self) -> None:
        self.set_voice_available(False)
        self.voice_label.setText(VOICE_STATUS)
        self.state.set_idle_hint("")

    def _on_level(self, event: AudioLevel) -> None:
        if not self.muted:
            self.level_meter.set_level(event.level)

    def _on_transcript(self, event: Transcript) -> None:
        partial = not event.final
        self.transcript.setText(f"{event.text}…" if partial else f"“{event.text}”")
        self.transcript.setProperty("partial", partial)
        self.transcript.setAccessibleDescription("partial" if partial else "final")
        repolish(self.transcript)

    def _show_hint(self, text: str) -> None:
        self.transcript.setText(text)
        self.transcript.setProperty("partial", True)
        repolish(self.transcript)

    def _on_stage_end(self, event: StageEnd) -> None:
        if event.stage is Stage.WAKE:  # the wait for the wake word that started this utterance
            self._voice_stages = {Stage.WAKE.value: event.duration_ms}
        elif event.stage in _VOICE_STAGES:
            key = event.stage.value
            self._voice_stages[key] = self._voice_stages.get(key, 0.0) + event.duration_ms

    def _on_timings(self, event: UtteranceTimings) -> None:
        stages, self._voice_stages = self._voice_stages, {}
        latest = self.history.results[0] if self.history.results else None
        if latest is not None and latest.text == event.text:
            self.history.update_latest_timings({**stages, **event.stages_ms})

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space held anywhere that does not use Space itself (not while typing) talks."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.handle_push_to_talk("press")
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            if self.voice_available:
                self.handle_push_to_talk("release")
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- window visibility and tray ------------------------------------------------------------------

    @property
    def hidden(self) -> bool:
        return not self.isVisible() or self.isMinimized()

    def toggle_visible(self) -> None:
        if self.hidden:
            self.showNormal()
            self.raise_()
            self.activateWindow()
        else:
            self.hide()
        if self.tray is not None:
            self.tray.set_window_visible(not self.hidden)

    def start(self) -> None:
        """Show the window, or only the tray icon when "start minimized" is on."""
        if self.preferences.start_minimized:
            if self.tray is not None and self.tray.available:
                self.tray.set_window_visible(False)
                return
            self.showMinimized()
            return
        self.show()

    def quit(self) -> None:
        """Quit from the menu, Ctrl+Q or the tray, even while the window is hidden."""
        self._quitting = True
        self.close()
        app = QApplication.instance()
        if app is not None and self.tray is not None and self.tray.available:
            app.quit()

    def _notify(self, message: str) -> None:
        if self.tray is not None and self.hidden and self.preferences.notifications:
            self.tray.notify("Hearth", message)

    def _notify_changes(self) -> None:
        changes, self._pending_changes = self._pending_changes, []
        if not changes:
            return
        if len(changes) > 3:
            changes = [*changes[:3], f"and {len(changes) - 3} more"]
        self._notify("; ".join(changes))

    def _privacy_closed(self) -> None:
        if self.privacy_dialog is not None:
            self.privacy_dialog.deleteLater()
            self.privacy_dialog = None

    def _on_event(self, event: Event) -> None:
        match event:
            case AudioLevel():
                self._on_level(event)
            case WakeDetected():
                self._show_hint("Listening…")
            case UtteranceTimings():
                self._on_timings(event)
            case Cancelled(reason="no-speech"):
                self._voice_stages = {}
                self._show_hint("(no command heard)")
            case Cancelled():
                self._voice_stages = {}
                self._show_hint("(cancelled)")
            case _ if event.type is EventType.CLOUD_REQUEST and self.privacy_dialog is not None:
                self.privacy_dialog.refresh()

    def _focus_command(self) -> None:
        self.command.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.command.selectAll()

    # -- results -----------------------------------------------------------------------------------------

    def _on_reloading(self) -> None:
        self._detach_history()
        self.state.set_state(AssistantState.LOADING, "Applying the new settings")
        self.command.setEnabled(False)
        self.send_button.setEnabled(False)
        if self.privacy_dialog is not None:
            self.privacy_dialog.close()

    def _on_turn_completed(self, event: TurnCompleted, ours: bool) -> None:
        """Show turns this window did not start (voice, other front ends) like its own."""
        if ours:
            return
        result = turn_from_event(event, event.confidence)
        self._pending_changes.clear()  # the reply says it better than a list of devices
        self._notify_timer.stop()
        self.reply.setText(result.response)
        undoable = event.changed and result.intent != "HearthUndo"
        self.intent_card.show_result(result, self.home, undoable=undoable)
        self.history.add_result(result)
        if result.response:
            self._notify(result.response)

    def _on_ready(self, runtime: Runtime) -> None:
        self._attach_history(runtime)
        self._load_history()
        self.state.set_state(AssistantState.IDLE)
        self.reply.setText("Hello! Type a command, or use the devices on the right.")
        self.command.setEnabled(True)
        self.send_button.setEnabled(True)
        self.command.setFocus()
        cloud = runtime.config.cloud.enabled
        self._footer_base = "Cloud help is on" if cloud else "Offline: cloud help is off"
        self.footer.setText(self._footer_base)
        self.bridge.fetch_home()

    def _on_load_failed(self, message: str) -> None:
        self.state.set_state(AssistantState.ERROR, message)
        self.reply.setText(f"Hearth could not start: {message}")
        self.home_view.show_message("The home could not be loaded.")

    def _on_home(self, home: Home) -> None:
        self.home = home
        self.home_view.set_home(home)
        areas = len({d.area for d in home.devices.values() if d.area})
        self.footer.setText(f"{self._footer_base} · {len(home)} devices in {areas} areas")

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.state.set_state(AssistantState.THINKING)
        elif self.state.state is AssistantState.THINKING:
            self.state.set_state(AssistantState.IDLE)

    def _on_turn(self, result: TurnResult) -> None:
        self.reply.setText(result.response)
        self.intent_card.show_result(result, self.home)
        self.history.add_result(result)
        if result.confirmation_required:
            self.state.set_state(AssistantState.CONFIRM)
        elif self.bridge.busy:
            self.state.set_state(AssistantState.THINKING)
        else:
            self.state.set_state(AssistantState.IDLE)

    def _on_turn_failed(self, message: str) -> None:
        self.state.set_state(AssistantState.ERROR, message)
        self.reply.setText(f"Sorry, something went wrong: {message}")

    def _on_error_event(self, event: ErrorEvent) -> None:
        self.state.set_state(AssistantState.ERROR, event.message)
        self.statusBar().showMessage(f"{event.stage.value}: {event.message}", STATUS_MS)

    def _on_pipeline_state(self, event: PipelineStateChanged) -> None:
        if event.previous is PipelineState.LISTENING and event.state is not PipelineState.LISTENING:
            self._set_talking(False)  # the utterance ended (released, end of speech, timeout)
        if event.state is PipelineState.LISTENING and event.previous is not PipelineState.WAKE:
            self._show_hint("Listening…")  # push-to-talk (after the wake word, WakeDetected says)
        if event.state is PipelineState.ERROR:
            return  # the ErrorEvent just before says what went wrong; idle follows at once
        if event.state is PipelineState.IDLE and self.state.state is AssistantState.ERROR:
            return  # keep the error readable until the next thing happens
        if event.state is PipelineState.IDLE and self.bridge.busy:
            return  # a typed command is still running
        self.state.set_state(_PIPELINE_STATES.get(event.state, AssistantState.IDLE))

    def _on_device_changed(self, event: DeviceChanged) -> None:
        if self.home is not None and event.device_id in self.home.devices:
            device = self.home.devices[event.device_id]
            self.home = self.home.with_device(device.with_state(event.state, event.attributes))
        shown = self.home_view.apply_change(event.device_id, event.state, event.attributes)
        if not shown and self.home is not None:
            self.bridge.fetch_home()  # a device we have no card for: the layout changed
        if self.hidden and self.home is not None and event.device_id in self.home.devices:
            name = self.home.devices[event.device_id].name
            self._pending_changes.append(f"{name}: {event.state.replace('_', ' ')}")
            self._notify_timer.start()

    # -- lifecycle -----------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window stops the engine's threads, the microphone tests and the socket."""
        for dialog in (self.privacy_dialog, self.settings_dialog, self.first_run_dialog):
            if dialog is not None:
                dialog.close()
        self.ptt_server.close()
        if self.tray is not None:
            self.tray.hide()
        if self.voice is not None:
            self.voice.close()  # pipeline, reader and microphone, before the runtime closes
        self._detach_history()
        self.bridge.shutdown()
        super().closeEvent(event)
