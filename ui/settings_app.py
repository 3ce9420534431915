"""Settings → App: how the window behaves (UI preferences, not engine settings).

These live in Qt's per-user settings, not in the engine's TOML: the CLI never needs them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QFormLayout, QWidget

from ui import autostart
from ui.preferences import UiPreferences
from ui.settings_common import note
from ui.theme import LABELS, Theme, apply_theme


class AppTab(QWidget):
    def __init__(self, config_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.start_minimized = QCheckBox("Start minimized to the tray")
        self.start_minimized.setAccessibleName("Start minimized")
        form.addRow(self.start_minimized)
        self.notifications = QCheckBox("Notify me of actions done while the window is hidden")
        self.notifications.setAccessibleName("Notifications")
        form.addRow(self.notifications)
        self.close_to_tray = QCheckBox("Keep running in the tray when the window is closed")
        self.close_to_tray.setAccessibleName("Close to tray")
        form.addRow(self.close_to_tray)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Appearance")
        for theme, label in LABELS.items():
            self.theme.addItem(label, theme.value)
        form.addRow("&Appearance", self.theme)
        self.autostart = QCheckBox("Start Hearth when I log in")
        self.autostart.setAccessibleName("Start Hearth when I log in")
        self.autostart.setToolTip(f"Adds or removes {autostart.entry_path()}")
        form.addRow(self.autostart)
        where = note(f"Engine settings file: {config_path}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(where)

    def load(self, preferences: UiPreferences) -> None:
        self.start_minimized.setChecked(preferences.start_minimized)
        self.notifications.setChecked(preferences.notifications)
        self.close_to_tray.setChecked(preferences.close_to_tray)
        self.autostart.setChecked(autostart.is_enabled())
        self.theme.setCurrentIndex(max(0, self.theme.findData(preferences.theme.value)))

    def store(self, preferences: UiPreferences) -> None:
        preferences.start_minimized = self.start_minimized.isChecked()
        preferences.notifications = self.notifications.isChecked()
        preferences.close_to_tray = self.close_to_tray.isChecked()
        chosen = Theme(self.theme.currentData())
        if chosen is not preferences.theme:
            preferences.theme = chosen
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, chosen)

    def store_autostart(self) -> None:
        """Write or remove the login entry when the box changed (OSError when that fails)."""
        wanted = self.autostart.isChecked()
        if wanted != autostart.is_enabled():
            autostart.set_enabled(wanted)
