"""The intent card: what Hearth understood from the last command, and what to do about it.

A voice assistant that acts on a misheard sentence must show its work: the words, the intent,
the devices and action it chose, how sure it was and where the answer came from (a visible
badge when the cloud was involved). The same card carries the Yes/No buttons of a pending
confirmation and the one-click Undo, so correcting Hearth is never more than a click away.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.conversation import TurnResult
from assistant.home.commands import Action, ActionKind
from assistant.home.model import Home
from ui.elided_label import ElidedLabel
from ui.style import SOURCE_COLORS, badge_css

_UNITS = {"brightness": "%", "position": "%", "volume": "%", "temperature": "°"}
_SOURCE_HELP = {
    "local": "Understood on this computer from Hearth's sentence templates",
    "fuzzy": "Understood on this computer after correcting a likely misheard word",
    "semantic": "Understood on this computer by meaning rather than exact words",
    "cloud": "Understood by the cloud language model (the text was sent, never audio)",
    "direct": "A device card was used; nothing needed understanding",
}


def describe_action(action: Action) -> str:
    """ "Set brightness to 40%" — the action in words, with its parameter."""
    words = action.action.value.replace("_", " ").replace("media ", "").capitalize()
    for key, value in action.params.items():
        words += f" to {value}{_UNITS.get(key, '')}" if key in _UNITS else f" to {value}"
    return words


def describe_devices(actions: Sequence[Action], home: Home | None) -> str:
    """Device names with their room, in order, each once ("Ceiling Light (Kitchen)")."""
    names: list[str] = []
    for action in actions:
        device = home.devices.get(action.device) if home is not None else None
        if device is None:
            label = action.device
        else:
            area = home.area_of(device) if home is not None else None
            label = f"{device.name} ({area.name})" if area is not None else device.name
        if label not in names:
            names.append(label)
    return ", ".join(names)


#: Home Assistant's generic intents: its locks, covers and valves "turn on" and "turn off".
_GENERIC_INTENTS = frozenset({"HassTurnOn", "HassTurnOff", "HassToggle"})
_GENERIC_ACTIONS = frozenset({ActionKind.TURN_ON, ActionKind.TURN_OFF, ActionKind.TOGGLE})


def intent_name(result: TurnResult) -> str:
    """The intent as a person reads it: an unlock is "Unlock", not HassTurnOff.

    Home Assistant files unlocking under HassTurnOff and opening under HassTurnOn; where one
    such generic intent did one specific thing, that thing leads and the intent follows.
    """
    intent = result.intent or ""
    kinds = {a.action for a in result.requested_actions}
    if intent in _GENERIC_INTENTS and len(kinds) == 1 and not kinds <= _GENERIC_ACTIONS:
        (kind,) = kinds
        return f"{kind.value.replace('_', ' ').capitalize()} · {intent}"
    return intent


def _join_unique(items: Sequence[str]) -> str:
    return ", ".join(dict.fromkeys(items))


class IntentCard(QFrame):
    """Shows one TurnResult; emits what the user clicked."""

    confirm_clicked = Signal()
    deny_clicked = Signal()
    undo_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAccessibleName("What Hearth understood")
        self.result: TurnResult | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(8)

        header = QHBoxLayout()
        title = QLabel("What Hearth understood")
        title.setObjectName("panelTitle")
        header.addWidget(title, 1)
        self.source_badge = QLabel()
        self.source_badge.setAccessibleName("Source")
        self.source_badge.hide()
        header.addWidget(self.source_badge)
        outer.addLayout(header)

        self.empty = QLabel("Nothing yet. Try “turn on the kitchen lights”.")
        self.empty.setObjectName("secondary")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)

        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(4)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.heard = self._value(form, "Heard")
        self.intent = self._value(form, "Intent")
        self.devices = self._value(form, "Devices")
        self.action = self._value(form, "Action")
        self.confidence = self._value(form, "Confidence")
        self.details.hide()
        outer.addWidget(self.details)

        self.confirm_box = QFrame()
        self.confirm_box.setObjectName("confirmBox")
        confirm = QVBoxLayout(self.confirm_box)
        confirm.setContentsMargins(10, 8, 10, 8)
        self.question = QLabel()
        self.question.setWordWrap(True)
        confirm.addWidget(self.question)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.yes_button = QPushButton("Yes, do it")
        self.yes_button.setAccessibleName("Confirm")
        self.yes_button.clicked.connect(self.confirm_clicked)
        self.no_button = QPushButton("No")
        self.no_button.setAccessibleName("Cancel")
        self.no_button.clicked.connect(self.deny_clicked)
        buttons.addWidget(self.no_button)
        buttons.addWidget(self.yes_button)
        confirm.addLayout(buttons)
        self.confirm_box.hide()
        outer.addWidget(self.confirm_box)

        footer = QHBoxLayout()
        footer.addStretch(1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setAccessibleName("Undo the last change")
        self.undo_button.setToolTip("Put the devices back as they were (same as saying “undo”)")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_clicked)
        footer.addWidget(self.undo_button)
        outer.addLayout(footer)

    def _value(self, form: QFormLayout, name: str) -> ElidedLabel:
        # One line each, cut with "…" (whole text in the tooltip): wrapped lines in a form
        # were squeezed onto one another when the window was small (800×600).
        label = ElidedLabel()
        label.setAccessibleName(name)
        caption = QLabel(name)
        caption.setObjectName("secondary")
        form.addRow(caption, label)
        return label

    def show_result(
        self, result: TurnResult, home: Home | None, undoable: bool | None = None
    ) -> None:
        """Fill the card from a finished turn (typed, spoken or from a device card).

        ``undoable`` overrides the check on ``result.executed`` for turns known only from their
        TurnCompleted event (a voice turn), which carries the actions but not their results.
        """
        self.result = result
        self.empty.hide()
        self.details.show()
        direct = result.source == "direct"
        self.heard.setText("(device card)" if direct else f"“{result.text}”")
        self.intent.setText(self._intent_text(result))
        # A question shows what waits for the yes; any other turn, what was done.
        shown = result.requested_actions
        self.devices.setText(describe_devices(shown, home) or "—")
        self.action.setText(_join_unique([describe_action(a) for a in shown]) or "—")
        self.confidence.setText(f"{result.confidence:.0%}" if result.intent else "—")
        self._show_source(result.source)
        self.confirm_box.setVisible(result.confirmation_required)
        self.question.setText(result.response if result.confirmation_required else "")
        if undoable is not None:
            self.undo_button.setEnabled(undoable)
        elif result.intent == "HearthUndo" and result.executed:
            self.undo_button.setEnabled(False)
        elif any(r.changed for r in result.executed):
            self.undo_button.setEnabled(True)

    @staticmethod
    def _intent_text(result: TurnResult) -> str:
        if result.intent is None:
            return "Not understood"
        slots = ", ".join(f"{k}={v}" for k, v in result.slots.items())
        name = intent_name(result)
        return f"{name} ({slots})" if slots else name

    def _show_source(self, source: str | None) -> None:
        if not source:
            self.source_badge.hide()
            return
        self.source_badge.setText(source.upper())
        self.source_badge.setStyleSheet(badge_css(SOURCE_COLORS.get(source, "#8b949e")))
        help_text = _SOURCE_HELP.get(source, source)
        self.source_badge.setToolTip(help_text)
        self.source_badge.setAccessibleDescription(help_text)
        self.source_badge.show()

    @property
    def asking(self) -> bool:
        """Whether the Yes/No buttons of a pending question are shown."""
        return not self.confirm_box.isHidden()

    def clear_confirmation(self) -> None:
        """Hide the Yes/No buttons once answered, so a second click cannot answer twice."""
        self.confirm_box.hide()
