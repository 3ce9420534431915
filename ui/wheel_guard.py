"""Mouse-wheel manners for controls inside a scrolling page (the device list).

Qt lets a slider or spin box take the wheel as soon as the pointer passes over it, so
scrolling the device list with the wheel used to move setpoints and brightness on the way
down. ``WheelGuard`` gives every value control the wheel only while it has keyboard focus
(clicked or tabbed to); any other wheel event over a card is handed to the enclosing scroll
area, which scrolls the list as the person meant. The settings dialog's tabs are guarded the
same way (sliders, spin boxes and combo boxes, which change their choice on the wheel).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

#: Controls whose value the wheel would change (a combo box changes its choice).
VALUE_CONTROLS = (QAbstractSlider, QAbstractSpinBox, QComboBox)


def _value_control(widget: QWidget) -> QWidget | None:
    """The slider or spin box ``widget`` is, or is part of (a spin box's line edit)."""
    current: QWidget | None = widget
    while current is not None:
        if isinstance(current, VALUE_CONTROLS):
            return current
        current = current.parentWidget()
    return None


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    current = widget.parentWidget()
    while current is not None:
        if isinstance(current, QAbstractScrollArea):
            return current
        current = current.parentWidget()
    return None


class WheelGuard(QObject):
    """Event filter: the wheel changes a value only when its control has focus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        control = _value_control(watched)
        if control is not None and control.hasFocus():
            return False  # the person chose this control: the wheel is theirs to use
        area = _scroll_area(watched)
        if area is None:
            if control is None:
                return False
            event.ignore()  # not for this control: its parents may scroll
            return True
        assert isinstance(event, QWheelEvent)
        viewport = area.viewport()
        position = watched.mapTo(viewport, event.position().toPoint())
        forwarded = QWheelEvent(
            position,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True  # never reaches the control, nor bubbles up to it through a parent


def guard(widget: QWidget) -> WheelGuard:
    """Protect ``widget`` and all its children from accidental wheel changes.

    Value controls also stop taking focus from the wheel (``StrongFocus``: click or Tab).
    The filter is the widget's child, so it lives exactly as long as what it guards.
    """
    wheel_guard = WheelGuard(widget)
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, VALUE_CONTROLS):
            child.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        child.installEventFilter(wheel_guard)
    return wheel_guard
