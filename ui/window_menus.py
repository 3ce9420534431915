"""The menu bar and the window-wide keyboard shortcuts.

Every command the window offers is reachable from the menu bar, where a keyboard user and a
screen reader can discover it, and the shortcuts are listed next to each entry (and in Help →
Keyboard shortcuts, see ui/shortcuts.py). Keeping the whole map in one place is what keeps the
two lists in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu

Slot = Callable[[], object]


@dataclass(frozen=True)
class WindowCommands:
    """What the menus and shortcuts run."""

    settings: Slot
    first_run: Slot
    privacy: Slot
    quit: Slot
    copy_diagnostics: Slot
    clear_history: Slot
    shortcuts: Slot
    say: Slot
    about: Slot
    focus_command: Slot
    cancel: Slot


@dataclass(frozen=True)
class WindowActions:
    """The actions tests and other code look up (the rest need no name)."""

    settings: QAction
    quit: QAction
    copy_diagnostics: QAction


def _add(
    window: QMainWindow, menu: QMenu, text: str, slot: Slot, keys: str | QKeySequence = ""
) -> QAction:
    item = QAction(text, window)
    if keys:
        item.setShortcut(QKeySequence(keys))
    item.triggered.connect(lambda _checked=False: slot())
    menu.addAction(item)
    return item


def install_menus(window: QMainWindow, run: WindowCommands) -> WindowActions:
    """Fill the window's menu bar and add the shortcuts that have no menu entry."""
    bar = window.menuBar()
    hearth = bar.addMenu("&Hearth")
    settings = _add(
        window, hearth, "&Settings…", run.settings, QKeySequence.StandardKey.Preferences
    )
    if settings.shortcut() != QKeySequence("Ctrl+,"):  # the platform's own key, if any, too
        settings.setShortcuts([QKeySequence("Ctrl+,"), *settings.shortcuts()])
    _add(window, hearth, "&First-run check…", run.first_run)
    _add(window, hearth, "&Privacy…", run.privacy)
    hearth.addSeparator()
    quit_action = _add(window, hearth, "&Quit", run.quit, "Ctrl+Q")
    history = bar.addMenu("Hi&story")
    copy = _add(window, history, "&Copy diagnostics", run.copy_diagnostics, "Ctrl+Shift+C")
    _add(window, history, "C&lear history…", run.clear_history)
    help_menu = bar.addMenu("H&elp")
    _add(window, help_menu, "&What can I say?", run.say, "F1")
    _add(window, help_menu, "&Keyboard shortcuts", run.shortcuts, "Ctrl+/")
    _add(window, help_menu, "&About Hearth", run.about)

    focus = QShortcut(QKeySequence("Ctrl+L"), window)
    focus.activated.connect(run.focus_command)
    escape = QShortcut(QKeySequence("Esc"), window)
    escape.activated.connect(run.cancel)
    return WindowActions(settings=settings, quit=quit_action, copy_diagnostics=copy)
