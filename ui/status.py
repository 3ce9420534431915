"""The state indicator: one glance tells whether Hearth is ready, busy, waiting or broken.

A coloured dot alone would fail people who cannot tell the colours apart, so every state also
has words, and the words are what screen readers announce.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.style import STATE_COLORS


class AssistantState(StrEnum):
    LOADING = "loading"
    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"
    CONFIRM = "confirm"
    ERROR = "error"


_WORDS = {
    AssistantState.LOADING: "Loading…",
    AssistantState.IDLE: "Ready",
    AssistantState.LISTENING: "Listening…",
    AssistantState.THINKING: "Thinking…",
    AssistantState.SPEAKING: "Speaking…",
    AssistantState.CONFIRM: "Waiting for your answer",
    AssistantState.ERROR: "Error",
}


class StateIndicator(QWidget):
    """Dot + words; ``detail`` adds the reason (the error message, what is loading).

    ``idle_hint`` is what "Ready" adds when no detail is given: how to start talking
    ("say “Okay Nabu” or hold Talk") once voice runs, or that the microphone is muted.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = AssistantState.LOADING
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.dot = QLabel()
        self.dot.setFixedSize(12, 12)
        layout.addWidget(self.dot)
        self.label = QLabel()
        self.label.setObjectName("panelTitle")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.setAccessibleName("Assistant state")
        self.idle_hint = ""
        self.set_state(AssistantState.LOADING)

    def set_idle_hint(self, hint: str) -> None:
        self.idle_hint = hint
        if self.state is AssistantState.IDLE:
            self.set_state(AssistantState.IDLE)

    def set_state(self, state: AssistantState, detail: str = "") -> None:
        self.state = state
        words = _WORDS[state]
        if state is AssistantState.IDLE and not detail and self.idle_hint:
            words = f"{words} — {self.idle_hint}"
        text = f"{words}: {detail}" if detail and state is AssistantState.ERROR else words
        if detail and state is not AssistantState.ERROR:
            text = f"{words} {detail}"
        self.label.setText(text)
        self.label.setToolTip(text)
        self.setAccessibleDescription(text)
        self.dot.setStyleSheet(f"background: {STATE_COLORS[state.value]}; border-radius: 6px;")

    @property
    def text(self) -> str:
        return self.label.text()
