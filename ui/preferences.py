"""Preferences that only the desktop app has (start minimized, notifications, first run).

They are not engine settings, so they do not belong in the typed engine Config (and its TOML
file is shared with the CLI, which would reject unknown sections). Qt's QSettings keeps them in
the platform's usual place; tests pass a QSettings on a temporary INI file.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.theme import Theme

ORGANIZATION = "Hearth"
APPLICATION = "hearth-desktop"


def default_settings() -> QSettings:
    """The user's UI preferences (an INI file in the user config dir on Linux)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _bool(value: object, default: bool) -> bool:
    """QSettings returns INI booleans as the strings "true"/"false"."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


class UiPreferences:
    """Typed access to the UI-only keys; every setter writes through at once."""

    START_MINIMIZED = "ui/start_minimized"
    NOTIFICATIONS = "ui/notifications"
    FIRST_RUN_DONE = "ui/first_run_done"
    CLOSE_TO_TRAY = "ui/close_to_tray"
    THEME = "ui/theme"

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def _get(self, key: str, default: bool) -> bool:
        return _bool(self.settings.value(key), default)

    def _set(self, key: str, value: bool) -> None:
        self.settings.setValue(key, bool(value))
        self.settings.sync()

    @property
    def start_minimized(self) -> bool:
        return self._get(self.START_MINIMIZED, False)

    @start_minimized.setter
    def start_minimized(self, value: bool) -> None:
        self._set(self.START_MINIMIZED, value)

    @property
    def notifications(self) -> bool:
        return self._get(self.NOTIFICATIONS, True)

    @notifications.setter
    def notifications(self, value: bool) -> None:
        self._set(self.NOTIFICATIONS, value)

    @property
    def first_run_done(self) -> bool:
        return self._get(self.FIRST_RUN_DONE, False)

    @first_run_done.setter
    def first_run_done(self, value: bool) -> None:
        self._set(self.FIRST_RUN_DONE, value)

    @property
    def close_to_tray(self) -> bool:
        """Closing the window hides it to the tray (when there is one) instead of quitting."""
        return self._get(self.CLOSE_TO_TRAY, True)

    @close_to_tray.setter
    def close_to_tray(self, value: bool) -> None:
        self._set(self.CLOSE_TO_TRAY, value)

    @property
    def theme(self) -> Theme:
        """Light, dark, or the desktop's (anything unknown in the file is the desktop's)."""
        value = str(self.settings.value(self.THEME) or Theme.SYSTEM.value)
        return Theme(value) if value in {t.value for t in Theme} else Theme.SYSTEM

    @theme.setter
    def theme(self, value: Theme) -> None:
        self.settings.setValue(self.THEME, Theme(value).value)
        self.settings.sync()
