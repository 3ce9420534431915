"""At 800×600 the window fits, and "What Hearth understood" stays readable: no line drawn over
another, each one at least a line of text high."""

from __future__ import annotations

from itertools import combinations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QWidget

from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.elided_label import ElidedLabel
from ui.main_window import MainWindow


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def _leaves(card: QWidget) -> list[QWidget]:
    """The visible widgets that draw something (labels, buttons), not the boxes around them."""
    shown = [w for w in card.findChildren(QWidget) if w.isVisibleTo(card)]
    return [w for w in shown if not any(c.isVisibleTo(card) for c in w.findChildren(QWidget))]


@pytest.mark.parametrize(
    "commands",
    [
        ["unlock the front door"],
        ["turn off all the lights"],
        ["set the living room blinds to fifty percent and then please do nothing else at all"],
    ],
)
def test_intent_card_lines_do_not_overlap_at_800_by_600(qtbot, window: MainWindow, commands):
    assert_card_readable_at_800_by_600(qtbot, window, commands)


def assert_card_readable_at_800_by_600(qtbot, window: MainWindow, commands: list[str]) -> None:
    """Run ``commands`` in a 800×600 window; no two lines of the card may overlap."""
    window.resize(800, 600)
    for text in commands:
        with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
            window.send_text(text)
    qtbot.waitUntil(lambda: window.size().height() == 600 and window.size().width() == 800)
    card = window.intent_card
    qtbot.wait(50)  # let the layout settle
    leaves = _leaves(card)
    assert len(leaves) >= 10
    for first, second in combinations(leaves, 2):
        a, b = _rect_in(first, card), _rect_in(second, card)
        assert not a.intersects(b), (first.accessibleName() or first.objectName(), a, b)
    for widget in leaves:
        if isinstance(widget, QLabel) and widget.text():
            assert widget.height() >= widget.fontMetrics().height(), widget.text()
            assert _rect_in(widget, card).bottom() <= card.rect().bottom()


def test_a_long_value_is_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip(qtbot):
    label = ElidedLabel("Ceiling Light (Kitchen), Bedside Lamp (Bedroom), Desk Lamp (Office)")
    qtbot.addWidget(label)
    label.resize(120, label.sizeHint().height())
    assert label.shown_text.endswith("…")
    assert len(label.shown_text) < len(label.text())
    assert label.toolTip() == label.text()
    assert label.minimumSizeHint().width() < 60


def test_at_a_usual_size_the_column_does_not_scroll_and_history_takes_the_room(
    qtbot, window: MainWindow
):
    window.resize(1280, 800)
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        window.send_text("unlock the front door")
    qtbot.waitUntil(lambda: window.size().height() == 800)
    qtbot.wait(50)
    assert window.panel_scroll.verticalScrollBar().maximum() == 0
    history = window.panel.history_panel
    assert history.height() > history.minimumSizeHint().height()


def test_at_800_by_600_the_column_scrolls_to_show_everything(qtbot, window: MainWindow):
    window.resize(800, 600)
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS):
        window.send_text("unlock the front door")
    qtbot.waitUntil(lambda: window.panel_scroll.verticalScrollBar().maximum() > 0)
    bar = window.panel_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    footer = window.panel.settings_button
    top_left = footer.mapTo(window.panel_scroll.viewport(), footer.rect().topLeft())
    assert 0 <= top_left.y() <= window.panel_scroll.viewport().height() - footer.height()
