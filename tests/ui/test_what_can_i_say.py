"""Help → What can I say? (F1): examples from this home, by room and device kind, each
understood by the engine and runnable with a click."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from assistant.examples import PER_ROOM, candidates, examples
from assistant.home.loader import load_home, parse_home
from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.say_dialog import LOOKING


def test_candidates_use_this_homes_rooms_and_names():
    home = load_home()
    texts = {e.text for e in candidates(home)}
    assert "turn off the kitchen lights" in texts  # on in the demo home: the example turns off
    assert "is the front door locked" in texts
    assert "close the blinds in the living room" in texts  # two devices called "Blinds"
    assert "set the thermostat to 21 degrees" in texts
    assert "activate good night" in texts  # a scene in no room: under "Whole home"


def test_only_understood_examples_at_most_a_few_per_room_every_kind_first():
    home = load_home()
    chosen = examples(home, lambda text: "blinds" not in text)
    assert chosen and all("blinds" not in e.text for e in chosen)
    rooms: dict[str, list] = {}
    for example in chosen:
        rooms.setdefault(example.room, []).append(example)
    assert all(len(found) <= PER_ROOM for found in rooms.values())
    kitchen = [e.kind for e in rooms["Kitchen"]]
    assert len(set(kitchen)) >= 4 and kitchen[: len(set(kitchen))] == list(dict.fromkeys(kitchen))


def test_a_home_with_nothing_to_control_or_read_has_no_examples():
    home = parse_home(
        "areas: [{id: den, name: Den}]\n"
        "devices: [{id: binary_sensor.den_door, name: Den Door, area: den,"
        " domain: binary_sensor, state: 'off'}]\n"
    )
    assert examples(home, lambda _text: True) == []


def test_f1_opens_the_examples_every_one_understood_and_a_click_runs_it(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.dialogs.say
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.status.text() != LOOKING, timeout=LOAD_TIMEOUT_MS)
    texts = dialog.example_texts()
    assert len(texts) >= 20
    conversation = window.bridge.runtime.conversation
    assert all(conversation.recognize(text) is not None for text in texts)
    assert all(b.accessibleName().startswith("Try: ") for b in dialog.buttons)

    button = next(b for b in dialog.buttons if "turn on the coffee machine" in b.text())
    with qtbot.waitSignal(window.bridge.turn_finished, timeout=LOAD_TIMEOUT_MS) as turn:
        button.click()
    assert turn.args[0].text == "turn on the coffee machine"
    assert window.bridge.runtime.backend.home().devices["switch.coffee_machine"].state == "on"


def test_shortcuts_moved_to_ctrl_slash(window):
    actions = [a for a in window.findChildren(type(window.settings_action)) if a.shortcut()]
    keys = {a.text(): a.shortcut() for a in actions}
    assert keys["&What can I say?"] == QKeySequence("F1")
    assert keys["&Keyboard shortcuts"] == QKeySequence("Ctrl+/")
