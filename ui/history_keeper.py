"""The persistent history behind the history list: attached to each runtime, shown, cleared.

The log records from the runtime's event bus, so it must follow the runtime through reloads
(detach before the old one closes, attach to the new one). The list shows the last turns of
earlier sessions at start, and "Clear history" must forget the file as well as the list, or
the user would believe something was deleted that was not. A broken or locked log file is
a convenience lost, never a reason for the app to stop: every failure becomes a status line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from assistant.history import History
from assistant.runtime import Runtime
from ui.bridge import EngineBridge
from ui.history_view import HistoryView
from ui.turn_records import turn_from_entry

#: How many turns of the persistent history the window shows at start.
HISTORY_SHOWN = 50


class HistoryKeeper(QObject):
    """Keeps the persistent log attached to the current runtime and the list in step with it."""

    def __init__(
        self,
        bridge: EngineBridge,
        view: HistoryView,
        stored: History | None,
        show_status: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.stored = stored
        self._parent = parent
        self._show_status = show_status
        self._detach: Callable[[], None] | None = None
        self._loaded = False
        bridge.runtime_ready.connect(self._on_ready)
        bridge.runtime_reloading.connect(self.detach)

    def _on_ready(self, runtime: Runtime) -> None:
        self.detach()
        if self.stored is not None:
            self._detach = self.stored.attach(runtime.bus)
        self._load()

    def detach(self) -> None:
        """Stop logging (before the runtime closes: reload or quit)."""
        if self._detach is not None:
            self._detach()
            self._detach = None

    def _load(self) -> None:
        if self.stored is None or self._loaded:
            return
        self._loaded = True
        try:
            entries = self.stored.latest(HISTORY_SHOWN)
        except (sqlite3.Error, OSError) as err:  # a convenience: never stop the app
            self._show_status(f"The history could not be read: {err}")
            return
        for entry in reversed(entries):  # oldest first, so the newest ends on top
            self.view.add_result(turn_from_entry(entry), entry.at)

    def clear(self, confirm: bool = True) -> bool:
        """Forget the logged turns (on disk too) after asking; False when the user said no."""
        if confirm:
            where = " and from this computer" if self.stored is not None else ""
            answer = QMessageBox.question(
                self._parent,
                "Clear history",
                f"Remove every logged command from the list{where}? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        removed = 0
        if self.stored is not None:
            try:
                removed = self.stored.clear()
            except (sqlite3.Error, OSError) as err:  # a locked or broken log: say so
                self._show_status(f"The history could not be cleared: {err}")
                return False
        self.view.clear_results()
        count = max(removed, 0)
        self._show_status(
            f"History cleared ({count} logged command{'s' if count != 1 else ''} removed)."
        )
        return True
