"""What every device card shares: name, state line, the active outline, the request path.

The device kinds (ui/device_cards.py) differ only in their controls and how they word the
state; keeping the common frame apart keeps each kind a short ``build``/``refresh`` pair, and
guarantees that every card blocks its own signals while it shows a new state (otherwise a
DeviceChanged event would echo back to the engine as a new command).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from assistant.home.commands import Action, ActionKind
from assistant.home.effects import device_actions
from assistant.home.model import Device
from ui.style import repolish
from ui.wheel_guard import guard

CARD_MIN_WIDTH = 230
CARD_HEIGHT = 104
#: Room around a card button's text; and the least a slider keeps to be usable.
BUTTON_PADDING = 24
SLIDER_MIN_WIDTH = 72

ACTIVE_STATES = {
    "on",
    "open",
    "opening",
    "unlocked",
    "playing",
    "heat",
    "cool",
    "auto",
    "heat_cool",
    "cleaning",
    "mowing",
    "returning",
}


def title_text(text: str) -> str:
    return text.replace("_", " ").capitalize()


def number_text(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}"


def percent(device: Device, key: str) -> int:
    try:
        return max(0, min(100, round(float(device.attributes.get(key, 0) or 0))))
    except (TypeError, ValueError):
        return 0


class DeviceCard(QFrame):
    """Name, state line and domain-specific controls for one device."""

    #: A tuple of Actions the user asked for with this card's controls.
    action_requested = Signal(object)

    def __init__(self, device: Device, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.supported = device_actions(device)  # what this device can do, not just its kind
        self.setObjectName("card")
        self.setMinimumWidth(CARD_MIN_WIDTH)
        self.setFixedHeight(CARD_HEIGHT)
        self.setAccessibleName(f"{device.name} card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(6)
        self.name_label = QLabel(device.name)
        self.name_label.setObjectName("cardTitle")
        self.name_label.setToolTip(device.id)
        header.addWidget(self.name_label, 1)
        layout.addLayout(header)
        self.state_label = QLabel()
        self.state_label.setObjectName("secondary")
        self.state_label.setAccessibleName(f"{device.name} state")
        layout.addWidget(self.state_label)
        layout.addStretch(1)
        self.build(layout)
        self.wheel_guard = guard(self)  # the wheel scrolls the list; it never changes a device
        self.set_device(device)

    # -- for subclasses ---------------------------------------------------------------------------

    def build(self, layout: QVBoxLayout) -> None:
        """Add the controls; the base card has none (read-only: sensors, and every domain
        Hearth does not control, such as weather, person or todo)."""

    def refresh(self) -> None:
        """Show ``self.device``'s state in the controls (signals are blocked meanwhile)."""

    def state_text(self) -> str:
        unit = self.device.attributes.get("unit_of_measurement")
        state = title_text(self.device.state)
        return f"{state} {unit}" if isinstance(unit, str) and unit else state

    def is_active(self) -> bool:
        return self.device.state in ACTIVE_STATES

    def can(self, kind: ActionKind) -> bool:
        return kind in self.supported

    def offer(self, widget: QWidget, *kinds: ActionKind) -> None:
        """Hide ``widget`` unless this device can do one of ``kinds`` (a cover without
        positions gets no slider). Only ever hides, so a control not yet in a layout is never
        shown as a window of its own."""
        if not any(self.can(kind) for kind in kinds):
            widget.hide()

    def request(self, kind: ActionKind, **params: Any) -> None:
        self.action_requested.emit((Action(self.device.id, kind, params),))

    def button(self, text: str, accessible: str, on_click: Callable[[], None]) -> QPushButton:
        widget = QPushButton(text)
        widget.setAccessibleName(accessible)
        widget.setToolTip(accessible)
        # Styles pad push buttons to 80 px; on a card that would squeeze a slider next to two
        # buttons to nothing, so a button may shrink to its text (never below it).
        widget.setMinimumWidth(widget.fontMetrics().horizontalAdvance(text) + BUTTON_PADDING)
        widget.clicked.connect(on_click)
        return widget

    def slider(self, accessible: str, on_change: Callable[[int], None]) -> QSlider:
        """A 0-100 slider that sends one command when released (or per key press).

        Tracking is off, so a drag emits ``valueChanged`` once, on release; the wheel reaches
        it only while it has focus (see ui/wheel_guard.py).
        """
        widget = QSlider(Qt.Orientation.Horizontal)
        widget.setRange(0, 100)
        widget.setSingleStep(5)
        widget.setPageStep(10)
        widget.setTracking(False)
        widget.setAccessibleName(accessible)
        widget.setToolTip(accessible)
        widget.setMinimumWidth(SLIDER_MIN_WIDTH)
        widget.valueChanged.connect(on_change)
        return widget

    # -- state ----------------------------------------------------------------------------------------

    def set_device(self, device: Device) -> None:
        """Show a new snapshot of the device (from the backend or a DeviceChanged event)."""
        self.device = device
        blocked = [w for w in self.findChildren(QWidget) if not w.signalsBlocked()]
        for widget in blocked:
            widget.blockSignals(True)
        try:
            self.state_label.setText(self.state_text())
            self.refresh()
        finally:
            for widget in blocked:
                widget.blockSignals(False)
        active = "true" if self.is_active() else "false"
        if self.property("active") != active:
            self.setProperty("active", active)
            repolish(self)

    def apply_change(self, state: str, attributes: dict[str, Any]) -> None:
        self.set_device(self.device.with_state(state, attributes))


def toggle_button() -> QPushButton:
    """A checkable On/Off button styled as a switch (see ``QPushButton#toggle`` in style.py)."""
    button = QPushButton()
    button.setObjectName("toggle")
    button.setCheckable(True)
    button.setMinimumWidth(64)
    return button


class Row(QHBoxLayout):
    """Controls side by side; the first one may take the spare width."""

    def __init__(self, *widgets: QWidget, stretch_first: bool = False) -> None:
        super().__init__()
        self.setSpacing(6)
        for index, widget in enumerate(widgets):
            self.addWidget(widget, 1 if stretch_first and index == 0 else 0)
