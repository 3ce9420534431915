"""The main window: talk to Hearth on the left, see and control the home on the right.

The window holds no engine logic. Typed commands, Yes/No/Undo and card controls all go to the
EngineBridge (worker thread); what comes back — turn results and bus events, already on the UI
thread — is only displayed. That keeps the UI responsive whatever the engine is doing and makes
voice, typing and clicking behave identically.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assistant import config as config_module
from assistant.config import CloudConfig
from assistant.conversation import TurnResult
from assistant.egress import EGRESS_FILE
from assistant.events import (
    DeviceChanged,
    ErrorEvent,
    Event,
    EventType,
    PipelineState,
    PipelineStateChanged,
)
from assistant.home.model import Home
from assistant.runtime import Runtime
from ui.bridge import EngineBridge
from ui.history_view import HistoryView
from ui.home_view import HomeView
from ui.intent_card import IntentCard
from ui.privacy_view import PrivacyDialog
from ui.status import AssistantState, StateIndicator
from ui.style import STYLESHEET

_PIPELINE_STATES = {
    PipelineState.IDLE: AssistantState.IDLE,
    PipelineState.WAKE: AssistantState.LISTENING,
    PipelineState.LISTENING: AssistantState.LISTENING,
    PipelineState.TRANSCRIBING: AssistantState.THINKING,
    PipelineState.ACTING: AssistantState.THINKING,
    PipelineState.REPLYING: AssistantState.THINKING,
    PipelineState.ERROR: AssistantState.ERROR,
}


class MainWindow(QMainWindow):
    """Conversation column + home view, driven entirely by an EngineBridge."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.home: Home | None = None
        self.setWindowTitle("Hearth")
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

        self._build_layout()
        self._connect()
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

        history_title = QLabel("This session")
        history_title.setObjectName("panelTitle")
        column.addWidget(history_title)
        column.addWidget(self.history, 1)
        footer_row = QHBoxLayout()
        footer_row.addWidget(self.footer, 1)
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

    def _connect(self) -> None:
        bridge = self.bridge
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

    def _privacy_closed(self) -> None:
        if self.privacy_dialog is not None:
            self.privacy_dialog.deleteLater()
            self.privacy_dialog = None

    def _on_event(self, event: Event) -> None:
        if event.type is EventType.CLOUD_REQUEST and self.privacy_dialog is not None:
            self.privacy_dialog.refresh()

    def _focus_command(self) -> None:
        self.command.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.command.selectAll()

    # -- results -----------------------------------------------------------------------------------------

    def _on_ready(self, runtime: Runtime) -> None:
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

    def _on_pipeline_state(self, event: PipelineStateChanged) -> None:
        self.state.set_state(_PIPELINE_STATES.get(event.state, AssistantState.IDLE))

    def _on_device_changed(self, event: DeviceChanged) -> None:
        if self.home is not None and event.device_id in self.home.devices:
            device = self.home.devices[event.device_id]
            self.home = self.home.with_device(device.with_state(event.state, event.attributes))
        shown = self.home_view.apply_change(event.device_id, event.state, event.attributes)
        if not shown and self.home is not None:
            self.bridge.fetch_home()  # a device we have no card for: the layout changed

    # -- lifecycle -----------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window stops the engine's threads and closes its databases."""
        if self.privacy_dialog is not None:
            self.privacy_dialog.close()
        self.bridge.shutdown()
        super().closeEvent(event)
