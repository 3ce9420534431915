"""Timers counting down and the shopping / to-do lists, beside the home.

People set a timer by voice and then glance at the screen to see how long is left; a list they
filled while cooking is read at the shop. Both stores are shared with every other Hearth process
(a shell command adds to the same list), so the view re-reads them on a one-second tick rather
than waiting to be told; that tick is also what makes the countdown move.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.events import TimerFinished
from assistant.home.model import Home
from assistant.lists import SHOPPING_LIST, ListError, ListStore
from assistant.runtime import Runtime
from assistant.timers import Timer, TimerError, TimerStore
from ui.bridge import EngineBridge

REFRESH_MS = 1000
NO_TIMERS = "No timers. Say “set a timer for 10 minutes”."
EMPTY_LIST = "Nothing on this list. Say “add milk to the shopping list”."


def clock_text(seconds: float) -> str:
    """ "4:05", "1:02:03": what a kitchen timer's display shows."""
    total = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, as timers do
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timer_line(timer: Timer, now: float) -> str:
    place = f" · {timer.area}" if timer.area else ""
    paused = " (paused)" if not timer.is_active else ""
    label = timer.label().removeprefix("the ")
    return f"{clock_text(timer.remaining(now))}  {label[0].upper()}{label[1:]}{place}{paused}"


class TimersView(QGroupBox):
    """Running and paused timers, soonest first, with pause/resume and cancel."""

    failed = Signal(str)

    def __init__(self, store: TimerStore, parent: QWidget | None = None) -> None:
        super().__init__("Timers", parent)
        self.store = store
        self.rows = QListWidget()
        self.rows.setAccessibleName("Timers")
        self.empty = QLabel(NO_TIMERS)
        self.empty.setWordWrap(True)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setAccessibleName("Pause or resume the selected timer")
        self.cancel_button = QPushButton("Cancel timer")
        self.cancel_button.setAccessibleName("Cancel the selected timer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.rows)
        layout.addLayout(buttons)
        self.pause_button.clicked.connect(self.toggle_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.rows.currentRowChanged.connect(lambda _row: self._update_buttons())
        self._timers: list[Timer] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            timers = self.store.all()
        except Exception as err:  # noqa: BLE001 - a damaged store must not take the window down
            self.failed.emit(f"Timers could not be read: {err}")
            timers = []
        selected = self._selected()
        now = self.store.clock()
        self._timers = timers
        self.rows.blockSignals(True)
        self.rows.clear()
        for timer in timers:
            item = QListWidgetItem(timer_line(timer, now))
            item.setData(Qt.ItemDataRole.UserRole, timer.id)
            self.rows.addItem(item)
            if selected is not None and timer.id == selected.id:
                self.rows.setCurrentItem(item)
        self.rows.blockSignals(False)
        self.empty.setVisible(not timers)
        self.rows.setVisible(bool(timers))
        self._update_buttons()

    def toggle_selected(self) -> None:
        timer = self._selected()
        if timer is None:
            return
        try:
            (self.store.resume if not timer.is_active else self.store.pause)(timer)
        except TimerError as err:
            self.failed.emit(str(err))
        self.refresh()

    def cancel_selected(self) -> None:
        timer = self._selected()
        if timer is not None:
            self.store.cancel([timer])
        self.refresh()

    def _selected(self) -> Timer | None:
        row = self.rows.currentRow()
        return self._timers[row] if 0 <= row < len(self._timers) else None

    def _update_buttons(self) -> None:
        timer = self._selected()
        self.pause_button.setEnabled(timer is not None)
        self.cancel_button.setEnabled(timer is not None)
        self.pause_button.setText(
            "Resume" if timer is not None and not timer.is_active else "Pause"
        )


class ListsView(QGroupBox):
    """One list at a time: tick an item off, or type a new one."""

    failed = Signal(str)

    def __init__(self, store: ListStore, lists: tuple[str, ...] = (), parent=None) -> None:
        super().__init__("Lists", parent)
        self.store = store
        self.home_lists = lists
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Which list")
        self.items = QListWidget()
        self.items.setAccessibleName("List items")
        self.empty = QLabel(EMPTY_LIST)
        self.empty.setWordWrap(True)
        self.new_item = QLineEdit()
        self.new_item.setPlaceholderText("Add an item…")
        self.new_item.setAccessibleName("New list item")
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.empty)
        layout.addWidget(self.items)
        layout.addWidget(self.new_item)
        self.chooser.currentTextChanged.connect(lambda _text: self.refresh())
        self.items.itemChanged.connect(self._ticked)
        self.new_item.returnPressed.connect(self.add_typed)
        self.refresh()

    @property
    def current(self) -> str:
        return self.chooser.currentText() or SHOPPING_LIST

    def refresh(self) -> None:
        try:
            names = sorted({SHOPPING_LIST, *self.home_lists, *self.store.names()})
            items = self.store.items(self.current)
        except Exception as err:  # noqa: BLE001 - a damaged store must not take the window down
            self.failed.emit(f"Lists could not be read: {err}")
            names, items = [SHOPPING_LIST], []
        if names != [self.chooser.itemText(i) for i in range(self.chooser.count())]:
            current = self.current
            self.chooser.blockSignals(True)
            self.chooser.clear()
            self.chooser.addItems(names)
            self.chooser.setCurrentText(current if current in names else SHOPPING_LIST)
            self.chooser.blockSignals(False)
            items = self.store.items(self.current)
        shown = [self.items.item(i).text() for i in range(self.items.count())]
        if shown != [i.item for i in items]:
            self.items.blockSignals(True)
            self.items.clear()
            for entry in items:
                row = QListWidgetItem(entry.item)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Unchecked)
                self.items.addItem(row)
            self.items.blockSignals(False)
        self.empty.setVisible(not items)
        self.items.setVisible(bool(items))

    def add_typed(self) -> None:
        text = self.new_item.text()
        try:
            self.store.add(self.current, text)
        except ListError as err:
            self.failed.emit(str(err))
            return
        self.new_item.clear()
        self.refresh()

    def _ticked(self, row: QListWidgetItem) -> None:
        if row.checkState() != Qt.CheckState.Checked:
            return
        try:
            self.store.complete(self.current, row.text())
        except ListError as err:
            self.failed.emit(str(err))
        QTimer.singleShot(0, self.refresh)


class TimersAndLists(QWidget):
    """Both views, refreshed together once a second while shown."""

    def __init__(
        self,
        timers: TimerStore,
        lists: ListStore,
        home_lists: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.timers = TimersView(timers)
        self.lists = ListsView(lists, home_lists)
        layout = QVBoxLayout(self)
        layout.addWidget(self.timers)
        layout.addWidget(self.lists)
        layout.addStretch(1)
        self.ticker = QTimer(self)
        self.ticker.setInterval(REFRESH_MS)
        self.ticker.timeout.connect(self.refresh)
        self.ticker.start()

    def refresh(self) -> None:
        if self.isVisible():
            self.timers.refresh()
            self.lists.refresh()


class TimersTab(QWidget):
    """The "Timers & lists" tab: empty until the engine is ready, then the live views.

    It also rings: when a timer finishes (``TimerFinished``, from whichever Hearth process saw
    it first) the status line and a desktop notification say so; the voice, when it runs, rings
    it aloud on its own speaker.
    """

    def __init__(
        self,
        bridge: EngineBridge,
        notify: Callable[[str], None],
        show_status: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._notify = notify
        self._show_status = show_status
        self.view: TimersAndLists | None = None
        self.waiting = QLabel("Starting Hearth…")
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.waiting)
        bridge.runtime_ready.connect(self._on_ready)
        bridge.runtime_reloading.connect(self._on_reloading)
        bridge.event_received.connect(self._on_event)
        bridge.home_loaded.connect(self._on_home)

    def _on_ready(self, runtime: Runtime) -> None:
        self._on_reloading()
        self.view = TimersAndLists(runtime.services.timers, runtime.services.lists)
        self.view.timers.failed.connect(self._show_status)
        self.view.lists.failed.connect(self._show_status)
        self.waiting.hide()
        self._layout.addWidget(self.view)
        runtime.start_timers()

    def _on_home(self, home: Home) -> None:
        """The home's to-do entities are lists too ("add eggs to the Chores list")."""
        if self.view is not None:
            lists = tuple(d.name for d in home.devices.values() if d.domain == "todo")
            self.view.lists.home_lists = lists
            self.view.lists.refresh()

    def _on_reloading(self) -> None:
        if self.view is not None:
            self.view.ticker.stop()
            self._layout.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        self.waiting.show()

    def _on_event(self, event: object) -> None:
        if not isinstance(event, TimerFinished):
            return
        self._show_status(event.message)
        self._notify(event.message)
        QApplication.beep()  # the voice, when it runs, also rings it aloud
        if self.view is not None:
            self.view.refresh()
