"""The history list: rows as wide as the list, the timing legend wrapped rather than cut off."""

from __future__ import annotations

import re

from assistant.conversation import TurnResult
from ui.history_view import HistoryView, timing_legend

VOICE_TIMINGS = {
    "wake": 1282.3,
    "vad": 1661.2,
    "asr": 412.5,
    "intent": 3.7,
    "action": 1.4,
    "reply": 250.0,
    "total": 3700.0,
}


def _voice_turn() -> TurnResult:
    return TurnResult(
        text="turn on the desk lamp",
        intent="HassTurnOn",
        slots={},
        actions=(),
        response="Turned on the light, and this reply is long enough to need more than one row",
        source="local",
        timings_ms=VOICE_TIMINGS,
    )


def _lines(label) -> int:
    return round(label.height() / label.fontMetrics().lineSpacing())


def test_legend_breaks_only_between_stages():
    legend = timing_legend(VOICE_TIMINGS)
    for stage in ("wake 1282.3 ms", "asr 412.5 ms", "total 3700.0 ms"):
        assert stage.replace(" ", "&nbsp;") in legend
    text = re.sub(r"<[^>]+>", "", legend)  # what is shown, without the colour tags
    assert text.count(" ") == 6  # one breakable space between each of the seven entries


def test_rows_fit_the_list_and_the_legend_wraps_when_narrow(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(340, 400)
    view.show()
    qtbot.waitExposed(view)
    view.add_result(_voice_turn())
    entry = view.itemWidget(view.item(0))
    qtbot.waitUntil(lambda: entry.width() == view.row_width(), timeout=2000)

    assert entry.width() <= view.viewport().width()
    assert entry.legend.width() <= entry.width()
    narrow_lines = _lines(entry.legend)
    assert narrow_lines >= 2  # seven numbers do not fit on one line in 340 px
    narrow_height = view.item(0).sizeHint().height()
    assert narrow_height >= entry.heightForWidth(view.row_width())

    view.resize(1400, 400)
    qtbot.waitUntil(lambda: entry.width() == view.row_width(), timeout=2000)
    assert _lines(entry.legend) < narrow_lines
    assert view.item(0).sizeHint().height() < narrow_height  # the row shrinks back


def test_a_long_reply_is_elided_with_the_whole_text_in_the_tooltip(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(340, 400)
    view.show()
    view.add_result(_voice_turn())
    entry = view.itemWidget(view.item(0))
    qtbot.waitUntil(lambda: entry.width() == view.row_width(), timeout=2000)
    detail = next(label for label in entry.findChildren(type(entry.legend)) if label.toolTip())
    assert detail.shown_text.endswith("…")  # what is drawn; text() keeps the whole reply
    assert detail.toolTip().endswith("more than one row")


def test_late_voice_numbers_go_to_their_own_turn_not_the_newest_row(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    spoken = TurnResult("turn on the desk lamp", "HassTurnOn", {}, (), "Done", "local", {})
    typed = TurnResult("turn on the desk lamp", "HassTurnOn", {}, (), "Done", "local", {})
    view.add_result(spoken, turn_id="u-spoken")
    view.add_result(typed)  # the same words typed meanwhile: the newest row, no turn id
    assert view.update_timings("u-spoken", {"wake": 900.0, "asr": 120.0})
    assert view.results[0].timings_ms == {}
    assert view.results[1].timings_ms == {"wake": 900.0, "asr": 120.0}
    assert view.count() == 2
    assert not view.update_timings("u-other", {"asr": 1.0})
    assert not view.update_timings("", {"asr": 1.0})
