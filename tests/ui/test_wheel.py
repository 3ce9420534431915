"""The mouse wheel over the device list scrolls it and never changes a device by accident."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QSlider, QWidget

from ui.device_cards import ClimateCard, CoverCard, LightCard, LockCard, MediaCard, ToggleCard
from ui.main_window import MainWindow


def _wheel(widget: QWidget, delta: int) -> None:
    local = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        local,
        QPointF(widget.mapToGlobal(local.toPoint())),
        QPoint(),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _states(win: MainWindow) -> dict[str, tuple[str, dict]]:
    home = win.bridge.runtime.backend.home()
    return {d.id: (d.state, dict(d.attributes)) for d in home.devices.values()}


def test_wheel_over_every_control_of_every_card_scrolls_the_list_and_changes_nothing(qtbot, window):
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.home_view.verticalScrollBar().maximum() > 200)
    view = window.home_view
    bar = view.verticalScrollBar()
    before = _states(window)
    requests: list[object] = []
    view.action_requested.connect(requests.append)
    kinds = {type(card) for card in view.cards.values()}
    assert {LightCard, ClimateCard, CoverCard, MediaCard, LockCard, ToggleCard} <= kinds
    sent = 0
    for card in view.cards.values():
        for widget in [card, *card.findChildren(QWidget)]:
            for delta in (-120, 120):
                bar.setValue(bar.maximum() // 2)
                start = bar.value()
                _wheel(widget, delta)
                sent += 1
                moved = bar.value() - start
                assert (moved > 0) if delta < 0 else (moved < 0), (type(card), widget)
    assert sent > 100
    QApplication.processEvents()
    assert requests == []
    assert _states(window) == before
    sliders = [s for c in view.cards.values() for s in c.findChildren(QSlider)]
    spins = [s for c in view.cards.values() for s in c.findChildren(QDoubleSpinBox)]
    assert sliders and spins
    assert all(w.focusPolicy() == Qt.FocusPolicy.StrongFocus for w in [*sliders, *spins])


def test_a_focused_control_takes_the_wheel(qtbot, window):
    card = window.home_view.cards["climate.living_room"]
    assert isinstance(card, ClimateCard)
    requests: list[object] = []
    card.action_requested.connect(requests.append)
    start = card.target.value()
    window.activateWindow()
    card.target.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(card.target.hasFocus)
    _wheel(card.target, 120)
    assert card.target.value() == start + card.target.singleStep()
    assert len(requests) == 1


def test_a_slider_drag_sends_one_change_on_release(qtbot, window):
    card = window.home_view.cards["light.kitchen_ceiling"]
    assert isinstance(card, LightCard) and card.brightness is not None
    requests: list[tuple] = []
    card.action_requested.connect(requests.append)
    slider = card.brightness
    slider.setSliderDown(True)  # what a mouse press on the handle does
    for position in (20, 35, 50, 65):
        slider.setSliderPosition(position)
    assert requests == []
    slider.setSliderDown(False)
    assert len(requests) == 1
    (action,) = requests[0]
    assert action.params == {"brightness": 65}


def test_the_wheel_over_settings_controls_changes_nothing_until_focused(qtbot, services):
    from tests.ui.test_settings import _dialog

    dialog = _dialog(qtbot, services)
    dialog.tabs.setCurrentIndex(1)
    dialog.wake_auto.setChecked(False)  # the threshold is the person's to set
    controls = [dialog.wake_threshold, dialog.speech_engine, dialog.retention, dialog.microphone]
    before = [_value(c) for c in controls]
    for control in controls:
        _wheel(control, -120)  # one way only: there and back would hide a change
    assert [_value(c) for c in controls] == before
    dialog.activateWindow()
    dialog.wake_threshold.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.wake_threshold.hasFocus)
    _wheel(dialog.wake_threshold, -120)
    assert _value(dialog.wake_threshold) != before[0]


def _value(control: QWidget) -> object:
    return control.currentIndex() if hasattr(control, "currentIndex") else control.value()
