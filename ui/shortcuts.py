"""The keyboard shortcuts, listed where people look for them (Help → Keyboard shortcuts).

The list is data so the dialog, the menus and the tests agree. The last section explains the
one shortcut Hearth cannot register itself: a system-wide push-to-talk key, bound in the
desktop's own settings to ``python -m ui.ptt toggle``.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: (keys, what they do) in the order shown.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Enter", "Send the typed command"),
    ("Ctrl+L", "Focus the command box"),
    ("Space (hold)", "Talk while held — when voice is available; not while typing"),
    ("Ctrl+,", "Open the settings"),
    ("Ctrl+Shift+C", "Copy diagnostics for a bug report"),
    ("F1", "What can I say? Example commands for this home"),
    ("Ctrl+/", "Show these shortcuts"),
    ("Ctrl+Q", "Quit Hearth"),
)


def ptt_command() -> str:
    """The command line to bind in the desktop's shortcut settings."""
    return f"{sys.executable} -m ui.ptt toggle"


def binding_help() -> str:
    return (
        "<b>Push-to-talk from any app.</b> Hearth listens on a private local socket. Bind a "
        "key in your desktop's own keyboard settings (GNOME: Settings → Keyboard → Custom "
        "Shortcuts; KDE: System Settings → Shortcuts → Custom Shortcuts; others: their "
        "keyboard or hotkey settings) to this command:"
        f"<pre>{ptt_command()}</pre>"
        "<code>press</code> and <code>release</code> work too, for desktops that can run a "
        "command on key release. Talking needs the voice pipeline; until it is installed the "
        "command answers “voice is not available yet”."
    )


class ShortcutsDialog(QDialog):
    """A read-only table of shortcuts and the push-to-talk binding how-to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(("Keys", "Action"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, action) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(action))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.binding = QLabel(binding_help())
        self.binding.setWordWrap(True)
        self.binding.setAccessibleName("How to bind push-to-talk to a key")
        self.binding.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.binding)
        layout.addWidget(buttons)
        self.resize(620, 480)
