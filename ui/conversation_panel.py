"""The conversation column: talk and type on top, the answer and the history below.

It is a view only: it owns the widgets, their layout and how a piece of news looks (a partial
transcript in italics, a talking button, the footer's summary), and nothing else. The window's
controllers decide when to show what, so the column can be laid out again without touching any
engine wiring, and the controllers can be tested against it without layout concerns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.events import Transcript
from assistant.home.model import Home
from ui.history_view import HistoryView
from ui.intent_card import IntentCard
from ui.level_meter import LevelMeter
from ui.status import StateIndicator
from ui.style import repolish

#: The left column never gets narrower than this (the buttons and the legend need it).
MIN_WIDTH = 340
STARTING = "Starting Hearth…"
WELCOME = "Hello! Type a command, or use the devices on the right."


def _label(text: str = "", name: str = "", accessible: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    if accessible:
        label.setAccessibleName(accessible)
    label.setWordWrap(True)
    return label


def _button(text: str, accessible: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    if tip:
        button.setToolTip(tip)
    return button


class ConversationPanel(QWidget):
    """State, talk controls, command box, reply, intent card, history and footer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = StateIndicator()
        self.command = QLineEdit()
        self.command.setPlaceholderText("Type a command, e.g. “turn on the kitchen lights”")
        self.command.setAccessibleName("Command")
        self.command.setClearButtonEnabled(True)
        self.send_button = _button("Send", "Send command")
        self.send_button.setDefault(True)
        self.reply = _label(STARTING, "reply", "Reply")
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intent_card = IntentCard()
        self.history = HistoryView()
        self.footer = _label(name="secondary")
        self._footer_base = ""
        self.privacy_button = _button(
            "Privacy…",
            "Privacy: what Hearth has sent",
            "See and clear everything cloud help has sent",
        )
        self.settings_button = _button(
            "Settings…", "Settings", "Microphone, wake word, speech, home, cloud help (Ctrl+,)"
        )
        self.voice_label = _label(name="secondary", accessible="Voice status")
        self.talk_button = _button(
            "Hold to talk",
            "Push to talk",
            "Hold while you speak, or click once to start and again to stop (Space works too)",
        )
        self.talk_button.setObjectName("talk")
        self.cancel_button = _button(
            "Cancel", "Cancel what Hearth is doing", "Stop listening, thinking or speaking (Esc)"
        )
        self.mute_button = _button(
            "Mute", "Mute the microphone", "Stop listening to the microphone until you unmute"
        )
        self.mute_button.setCheckable(True)
        self.level_meter = LevelMeter()
        self.transcript = _label(name="transcript", accessible="What Hearth heard")
        self.transcript.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = _button(
            "Copy diagnostics",
            "Copy diagnostics",
            "Copy versions, settings (no secrets) and recent timings for a bug report; no audio",
        )
        self.clear_button = _button(
            "Clear history", "Clear history", "Forget the logged commands, on this computer too"
        )
        self.set_commands_enabled(False)
        self.set_voice_enabled(False)
        self._build_layout()
        self.setMinimumWidth(MIN_WIDTH)

    def _build_layout(self) -> None:
        column = QVBoxLayout(self)
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
        reply_layout.addWidget(_label("Hearth says", "secondary"))
        reply_layout.addWidget(self.reply)
        column.addWidget(reply_panel)
        column.addWidget(self.intent_card)

        self.history_panel = QWidget()
        history_column = QVBoxLayout(self.history_panel)
        history_column.setContentsMargins(0, 0, 0, 0)
        history_column.setSpacing(6)
        history_row = QHBoxLayout()
        history_title = QLabel("History")
        history_title.setObjectName("panelTitle")
        history_row.addWidget(history_title, 1)
        history_row.addWidget(self.copy_button)
        history_row.addWidget(self.clear_button)
        history_column.addLayout(history_row)
        history_column.addWidget(self.history, 1)
        column.addWidget(self.history_panel, 1)

        footer_row = QHBoxLayout()
        footer_row.addWidget(self.footer, 1)
        footer_row.addWidget(self.settings_button)
        footer_row.addWidget(self.privacy_button)
        column.addLayout(footer_row)

    # -- how news looks ------------------------------------------------------------------------------

    def set_commands_enabled(self, enabled: bool) -> None:
        """The command box and Send work only while an engine is there to answer."""
        self.command.setEnabled(enabled)
        self.send_button.setEnabled(enabled)

    def set_voice_enabled(self, enabled: bool) -> None:
        for widget in (self.talk_button, self.cancel_button, self.mute_button, self.level_meter):
            widget.setEnabled(enabled)
        if not enabled:
            self.level_meter.setValue(0)

    def set_talking(self, talking: bool) -> None:
        self.talk_button.setText("Listening… (release or click)" if talking else "Hold to talk")
        self.talk_button.setProperty("talking", talking)
        repolish(self.talk_button)

    def set_muted(self, muted: bool) -> None:
        self.mute_button.setText("Unmute" if muted else "Mute")
        if self.mute_button.isChecked() != muted:
            self.mute_button.blockSignals(True)
            self.mute_button.setChecked(muted)
            self.mute_button.blockSignals(False)
        if muted:
            self.level_meter.setValue(0)

    def set_voice_status(self, text: str, tooltip: str = "") -> None:
        self.voice_label.setText(text)
        self.voice_label.setToolTip(tooltip or text)

    def show_transcript(self, event: Transcript) -> None:
        partial = not event.final
        self.transcript.setText(f"{event.text}…" if partial else f"“{event.text}”")
        self.transcript.setProperty("partial", partial)
        self.transcript.setAccessibleDescription("partial" if partial else "final")
        repolish(self.transcript)

    def show_hint(self, text: str) -> None:
        """A line where the transcript goes that is not words heard ("Listening…")."""
        self.transcript.setText(text)
        self.transcript.setProperty("partial", True)
        repolish(self.transcript)

    def set_cloud(self, cloud_on: bool) -> None:
        self._footer_base = "Cloud help is on" if cloud_on else "Offline: cloud help is off"
        self.footer.setText(self._footer_base)

    def set_home_summary(self, home: Home) -> None:
        areas = len({d.area for d in home.devices.values() if d.area})
        self.footer.setText(f"{self._footer_base} · {len(home)} devices in {areas} areas")
