"""Small pieces every settings tab uses: the field error, labels, scrolling, combo selection.

A tab raises :class:`FieldError` naming the widget at fault, so the dialog can show the message
next to its buttons and take the person straight to that field, whichever tab it is on.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QScrollArea, QWidget

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


class FieldError(Exception):
    """A message for the user and the field it is about."""

    def __init__(self, widget: QWidget, message: str) -> None:
        super().__init__(message)
        self.widget = widget


def sentence(text: str) -> str:
    """A ConfigError's text as a sentence that names the field as the dialog does."""
    text = text.strip()
    for key, name in FIELD_NAMES.items():
        if text.startswith(key):
            text = name + text[len(key) :]
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def buddy(text: str, field: QWidget) -> QLabel:
    """A form label whose &-mnemonic focuses ``field`` (a row holding a layout has none)."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def note(text: str = "", name: str = "") -> QLabel:
    """A wrapped, secondary-coloured line of explanation."""
    label = QLabel(text)
    label.setObjectName("secondary")
    label.setWordWrap(True)
    if name:
        label.setAccessibleName(name)
    return label


def scrolling(page: QWidget) -> QScrollArea:
    """The page in a frameless scroll area, so a long tab never squeezes its wrapped text."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def select(combo: QComboBox, value: Any) -> int | None:
    """Select the item whose data is ``value``; its index, or None when there is none."""
    index = combo.findData(value)
    if index < 0:
        return None
    combo.setCurrentIndex(index)
    return index
