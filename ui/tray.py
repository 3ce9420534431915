"""The tray icon: Hearth stays reachable when its window is hidden, and says what it did.

The menu offers only what works now. Listen and Mute belong to the voice pipeline, so until
the window is told voice is available they are disabled, with a tooltip that says why, rather
than pretending. Notifications go through the tray (the desktop's notification service) and
only while the window is hidden: with the window open the reply is already on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ui.icon import app_icon

VOICE_UNAVAILABLE = "Voice is not available yet: type commands or use the device cards"


class TrayIcon(QObject):
    """Show/Hide, Listen, Mute, Quit; ``notify`` shows a desktop notification."""

    show_hide_requested = Signal()
    listen_requested = Signal()
    mute_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip("Hearth")
        self.menu = QMenu(window)
        self.menu.setToolTipsVisible(True)
        self.show_action = QAction("Hide Hearth", self.menu)
        self.show_action.triggered.connect(self.show_hide_requested)
        self.listen_action = QAction("Listen", self.menu)
        self.listen_action.triggered.connect(self.listen_requested)
        self.mute_action = QAction("Mute microphone", self.menu)
        self.mute_action.setCheckable(True)
        self.mute_action.toggled.connect(self.mute_toggled)
        self.quit_action = QAction("Quit Hearth", self.menu)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.show_action)
        self.menu.addSeparator()
        self.menu.addAction(self.listen_action)
        self.menu.addAction(self.mute_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.last_notification: tuple[str, str] | None = None
        self.set_voice_available(False)
        self.show()

    @property
    def available(self) -> bool:
        """Asked each time: a desktop's panel (and its tray) can come and go while Hearth runs."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Show the icon if the desktop has a tray (hiding to it needs the icon there)."""
        if self.available:
            self.icon.show()

    def set_voice_available(self, available: bool) -> None:
        for action in (self.listen_action, self.mute_action):
            action.setEnabled(available)
            action.setToolTip("" if available else VOICE_UNAVAILABLE)

    def set_window_visible(self, visible: bool) -> None:
        self.show_action.setText("Hide Hearth" if visible else "Show Hearth")

    def notify(self, title: str, message: str) -> None:
        """A desktop notification (kept in ``last_notification`` for tests and the log)."""
        self.last_notification = (title, message)
        if self.available and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, app_icon(), 5000)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.show_hide_requested.emit()

    def hide(self) -> None:
        self.icon.hide()
