"""The main window: talk to Hearth on the left, see and control the home on the right.

The window holds no engine logic. Typed commands, Yes/No/Undo and card controls all go to the
EngineBridge (worker thread); what comes back — turn results and bus events, already on the UI
thread — is only displayed. That keeps the UI responsive whatever the engine is doing and makes
voice, typing and clicking behave identically.

The window itself only assembles the parts (the conversation column, the home view, the engine
display, voice controls, dialogs, menus, the tray) and owns what belongs to a window: whether it
is shown, hidden to the tray or really closing. Closing the window while a tray is there hides
it, because a voice assistant that stops listening when its window is closed would surprise;
Quit (menu, Ctrl+Q, tray) and the session manager's close at logout really close, so Hearth
can always be ended and never blocks a logout.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QWidget

from assistant.config import Config
from assistant.home.model import Home
from ui.app_services import AppServices
from ui.bridge import EngineBridge
from ui.column_scroll import ColumnScroll
from ui.conversation_panel import ConversationPanel
from ui.diagnostics import diagnostics_text
from ui.engine_display import EngineDisplay
from ui.history_keeper import HistoryKeeper
from ui.home_view import HomeView
from ui.icon import app_icon
from ui.ptt import RAISE, PushToTalkServer
from ui.shortcuts import ShortcutsDialog
from ui.style import STYLESHEET
from ui.timers_lists_view import TimersTab
from ui.tray import TrayIcon
from ui.voice import VoiceController
from ui.voice_controls import HOLD_S, VOICE_LOADING, VoiceControls
from ui.window_dialogs import WindowDialogs
from ui.window_menus import WindowCommands, install_menus

if TYPE_CHECKING:
    from ui.first_run import FirstRunDialog
    from ui.privacy_view import PrivacyDialog
    from ui.say_dialog import SayDialog
    from ui.settings_dialog import SettingsDialog

__all__ = [
    "HOLD_S",
    "STILL_RUNNING",
    "VOICE_LOADING",
    "AppServices",
    "MainWindow",
]

#: How long a transient status message stays in the status bar.
STATUS_MS = 8000
#: The one notification after the window is first closed to the tray (once per session).
STILL_RUNNING = "Hearth is still running in the tray. Choose “Quit Hearth” there to stop it."


class MainWindow(QMainWindow):
    """Conversation column + home view, driven entirely by an EngineBridge."""

    #: Push-to-talk pressed (True) or released (False), from Space, the tray or ``ui.ptt``.
    push_to_talk = Signal(bool)
    #: The tray's Mute, for the voice pipeline (True: stop listening to the microphone).
    mute_changed = Signal(bool)
    #: The window really closed (not hidden to the tray): the engine is shut down; the app quits.
    closed = Signal()

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
        self._quitting = False
        self._shut_down = False
        self._told_still_running = False
        self.setWindowTitle("Hearth")
        self.setWindowIcon(app_icon())
        self.setStyleSheet(STYLESHEET)
        self.resize(1200, 760)

        # The column's widgets under the window's names, as tests and scripts know them.
        self.panel = panel = ConversationPanel()
        self.state, self.command, self.send_button = panel.state, panel.command, panel.send_button
        self.reply, self.intent_card, self.history = panel.reply, panel.intent_card, panel.history
        self.footer, self.transcript = panel.footer, panel.transcript
        self.voice_label = panel.voice_label
        self.talk_button, self.cancel_button = panel.talk_button, panel.cancel_button
        self.mute_button, self.level_meter = panel.mute_button, panel.level_meter
        self.copy_button, self.clear_button = panel.copy_button, panel.clear_button
        self.settings_button, self.privacy_button = panel.settings_button, panel.privacy_button
        self.home_view = HomeView()
        self.timers_tab = TimersTab(bridge, self._notify_always, self.show_status)
        self._build_layout()

        self.tray = TrayIcon(self) if self.services.tray else None
        self.history_keeper = HistoryKeeper(
            bridge, self.history, self.services.history, self.show_status, self
        )
        self.display = EngineDisplay(
            bridge, panel, self.home_view, self._notify, lambda: self.hidden, self.show_status, self
        )
        self.voice_controls = VoiceControls(
            bridge, panel, self.services, self.tray, self.show_status, self
        )
        self.voice: VoiceController | None = self.voice_controls.controller
        self.voice_controls.push_to_talk.connect(self.push_to_talk)
        self.voice_controls.mute_changed.connect(self.mute_changed)
        self.dialogs = WindowDialogs(
            self,
            bridge,
            self.services,
            lambda: self.display.home,
            lambda: self.voice_controls.available,
            self.show_status,
        )
        actions = install_menus(
            self,
            WindowCommands(
                settings=self.show_settings,
                first_run=self.show_first_run,
                privacy=self.show_privacy,
                quit=self.quit,
                copy_diagnostics=self.copy_diagnostics,
                clear_history=self.clear_history,
                shortcuts=self.show_shortcuts,
                say=self.show_say,
                about=self.dialogs.show_about,
                focus_command=self._focus_command,
                cancel=self.cancel,
            ),
        )
        self.settings_action, self.quit_action = actions.settings, actions.quit
        self.copy_action = actions.copy_diagnostics
        self._connect()
        self.ptt_server = PushToTalkServer(self.handle_push_to_talk, self.services.ptt_name, self)
        if not self.ptt_server.listen():
            self.show_status(f"Push-to-talk shortcut unavailable: {self.ptt_server.problem}")
        self._set_tab_order()

    def _build_layout(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # The column scrolls rather than squeezing its parts over one another: the window
        # fits a 800×600 screen, and every line in it stays readable.
        self.panel_scroll = ColumnScroll(self.panel, self.panel.history_panel)
        splitter.addWidget(self.panel_scroll)
        # The home and, a tab away, the timers counting down and the lists.
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.home_view, "Home")
        self.side_tabs.addTab(self.timers_tab, "Timers && lists")
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 800])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

    def _connect(self) -> None:
        panel = self.panel
        panel.settings_button.clicked.connect(self.show_settings)
        panel.privacy_button.clicked.connect(self.show_privacy)
        panel.copy_button.clicked.connect(self.copy_diagnostics)
        panel.clear_button.clicked.connect(lambda: self.clear_history())
        panel.command.returnPressed.connect(self.send)
        panel.send_button.clicked.connect(self.send)
        panel.intent_card.confirm_clicked.connect(lambda: self._answer("yes"))
        panel.intent_card.deny_clicked.connect(lambda: self._answer("no"))
        panel.intent_card.undo_clicked.connect(lambda: self.send_text("undo"))
        self.home_view.action_requested.connect(
            lambda actions: self.bridge.run_actions(tuple(actions))
        )
        if self.tray is not None:
            self.tray.show_hide_requested.connect(self.toggle_visible)
            self.tray.quit_requested.connect(self.quit)

    def _set_tab_order(self) -> None:
        card = self.intent_card
        chain = [
            self.talk_button,
            self.cancel_button,
            self.mute_button,
            self.command,
            self.send_button,
            card.no_button,
            card.yes_button,
            card.undo_button,
            self.history,
            self.home_view,
        ]
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    def show_status(self, message: str) -> None:
        """A transient line in the status bar."""
        self.statusBar().showMessage(message, STATUS_MS)

    # -- state the parts keep ------------------------------------------------------------------------

    @property
    def home(self) -> Home | None:
        """The latest snapshot of the home (kept live by DeviceChanged events)."""
        return self.display.home

    @property
    def voice_available(self) -> bool:
        return self.voice_controls.available

    @property
    def talking(self) -> bool:
        return self.voice_controls.talking

    @property
    def muted(self) -> bool:
        return self.voice_controls.muted

    @property
    def settings_dialog(self) -> SettingsDialog | None:
        return self.dialogs.settings

    @property
    def first_run_dialog(self) -> FirstRunDialog | None:
        return self.dialogs.first_run

    @property
    def privacy_dialog(self) -> PrivacyDialog | None:
        return self.dialogs.privacy

    # -- commands ------------------------------------------------------------------------------------

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

    def _focus_command(self) -> None:
        self.command.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.command.selectAll()

    def show_settings(self) -> SettingsDialog:
        return self.dialogs.show_settings()

    def apply_config(self, config: Config) -> None:
        self.dialogs.apply_config(config)

    def show_first_run(self) -> FirstRunDialog:
        return self.dialogs.show_first_run()

    def show_privacy(self) -> PrivacyDialog:
        return self.dialogs.show_privacy()

    def show_shortcuts(self) -> ShortcutsDialog:
        return self.dialogs.show_shortcuts()

    def show_say(self) -> SayDialog:
        return self.dialogs.show_say()

    def clear_history(self, confirm: bool = True) -> bool:
        return self.history_keeper.clear(confirm)

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
        self.show_status(
            "Diagnostics copied: versions, settings without secrets, recent timings; no audio."
        )
        return text

    # -- voice (push_to_talk and mute_changed drive the pipeline) --------------------------------------

    def set_voice_available(self, available: bool) -> None:
        """Enables Talk, Cancel, Mute, the tray's Listen/Mute, Space and ``ui.ptt``."""
        self.voice_controls.set_available(available)

    def handle_push_to_talk(self, command: str) -> str:
        """press / release / toggle from Space, the tray or ``python -m ui.ptt``, and ``raise``
        from a second launch of Hearth; the answer line."""
        if command == RAISE:
            self.bring_to_front()
            return "ok raised"
        return self.voice_controls.handle_push_to_talk(command)

    def bring_to_front(self) -> None:
        """Show the window wherever it was (hidden in the tray, minimized, behind others)."""
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()
        if self.tray is not None:
            self.tray.set_window_visible(True)

    def cancel(self) -> None:
        """Cancel button and Esc: drop what the pipeline is doing (listening, thinking, speaking)
        and a question waiting for an answer (as saying "no" would)."""
        if self.intent_card.asking:
            self._answer("no")
        self.voice_controls.cancel()

    def set_muted(self, muted: bool) -> None:
        self.voice_controls.set_muted(muted)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space held anywhere that does not use Space itself (not while typing) talks."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.voice_controls.space(True)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.voice_controls.space(False)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- window visibility, tray and quitting ----------------------------------------------------------

    @property
    def hidden(self) -> bool:
        return not self.isVisible() or self.isMinimized()

    @property
    def closes_to_tray(self) -> bool:
        """Whether the title bar's × hides the window (a tray to come back from, and allowed)."""
        if self.tray is None or not self.tray.available:
            return False
        return self.preferences.close_to_tray

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

    def hide_to_tray(self) -> None:
        """Hide the window and keep everything running; say so the first time."""
        self.hide()
        if self.tray is None:
            return
        self.tray.show()
        self.tray.set_window_visible(False)
        if not self._told_still_running and self.preferences.notifications:
            self._told_still_running = True
            self.tray.notify("Hearth", STILL_RUNNING)

    def quit(self) -> None:
        """Quit from the menu, Ctrl+Q or the tray, even while the window is hidden."""
        self._quitting = True
        self.close()

    def _notify_always(self, message: str) -> None:
        """A notification whether or not the window is shown (a timer ringing)."""
        if self.tray is not None and self.preferences.notifications:
            self.tray.notify("Hearth", message)

    def _notify(self, message: str) -> None:
        if self.tray is not None and self.hidden and self.preferences.notifications:
            self.tray.notify("Hearth", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides to the tray where there is one; Quit and logging out shut down."""
        app = QGuiApplication.instance()
        ending_session = isinstance(app, QGuiApplication) and app.isSavingSession()  # logout
        if not self._quitting and not ending_session and self.closes_to_tray:
            event.ignore()
            self.hide_to_tray()
            return
        first = not self._shut_down
        self._shutdown()
        super().closeEvent(event)
        if first:
            self.closed.emit()

    def _shutdown(self) -> None:
        """Stop the engine's threads, the microphone and its tests, and the socket (once)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.dialogs.close_all()
        self.ptt_server.close()
        if self.tray is not None:
            self.tray.hide()
        if self.voice is not None:
            self.voice.close()  # pipeline, reader and microphone, before the runtime closes
        self.history_keeper.detach()
        self.bridge.shutdown()
