"""The timers and lists beside the home: counting down, and shared with other processes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assistant.lists import SHOPPING_LIST, ListStore
from assistant.timers import TimerStore
from ui.timers_lists_view import NO_TIMERS, TimersAndLists, clock_text


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


def make(qtbot, tmp_path):
    clock = Clock()
    timers = TimerStore(tmp_path / "timers.db", clock=clock)
    lists = ListStore(tmp_path / "lists.db")
    view = TimersAndLists(timers, lists, home_lists=("Chores",))
    qtbot.addWidget(view)
    view.show()
    return view, timers, lists, clock


def test_timers_count_down_and_can_be_paused_and_cancelled(qtbot, tmp_path):
    view, timers, _lists, clock = make(qtbot, tmp_path)
    assert view.timers.empty.text() == NO_TIMERS and view.timers.rows.count() == 0
    timers.start(300, name="pizza", area="Kitchen")
    view.refresh()
    assert view.timers.rows.item(0).text().startswith("5:00  Pizza timer · Kitchen")
    clock.now += 61
    view.refresh()
    assert view.timers.rows.item(0).text().startswith("3:59")
    view.timers.rows.setCurrentRow(0)
    view.timers.pause_button.click()
    assert "(paused)" in view.timers.rows.item(0).text()
    assert view.timers.pause_button.text() == "Resume"
    clock.now += 600
    view.refresh()
    assert view.timers.rows.item(0).text().startswith("3:59")
    view.timers.cancel_button.click()
    assert timers.all() == []
    assert view.timers.rows.count() == 0


def test_a_timer_set_by_another_process_shows_up(qtbot, tmp_path):
    view, _timers, _lists, _clock = make(qtbot, tmp_path)
    TimerStore(tmp_path / "timers.db").start(90)
    qtbot.waitUntil(lambda: view.timers.rows.count() == 1, timeout=5000)


def test_lists_add_tick_off_and_switch(qtbot, tmp_path):
    view, _timers, lists, _clock = make(qtbot, tmp_path)
    names = [view.lists.chooser.itemText(i) for i in range(view.lists.chooser.count())]
    assert names == ["Chores", SHOPPING_LIST]
    assert view.lists.current == SHOPPING_LIST
    qtbot.keyClicks(view.lists.new_item, "oat milk")
    qtbot.keyClick(view.lists.new_item, Qt.Key.Key_Return)
    assert [i.item for i in lists.items(SHOPPING_LIST)] == ["oat milk"]
    ListStore(tmp_path / "lists.db").add(SHOPPING_LIST, "bread")  # the shell, meanwhile
    view.refresh()
    assert view.lists.items.count() == 2
    view.lists.items.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: view.lists.items.count() == 1)
    assert [i.item for i in lists.items(SHOPPING_LIST)] == ["bread"]
    view.lists.chooser.setCurrentText("Chores")
    assert view.lists.items.count() == 0 and not view.lists.empty.isHidden()


def test_an_empty_item_is_refused_with_a_message(qtbot, tmp_path):
    view, _timers, _lists, _clock = make(qtbot, tmp_path)
    with qtbot.waitSignal(view.lists.failed) as said:
        view.lists.add_typed()
    assert "nothing to add" in said.args[0]


def test_clock_text():
    assert clock_text(0) == "0:00"
    assert clock_text(0.2) == "0:01"
    assert clock_text(65) == "1:05"
    assert clock_text(3723) == "1:02:03"
