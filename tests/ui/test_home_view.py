"""The home view's grouping and the cards' display of each kind of device."""

from __future__ import annotations

from assistant.home.loader import load_home, parse_home
from assistant.home.model import Device, Domain
from ui.device_cards import (
    CARD_MIN_WIDTH,
    BinarySensorCard,
    CoverCard,
    LightCard,
    LockCard,
    MediaCard,
    SensorCard,
    card_for,
)
from ui.home_view import OTHER_AREAS, WHOLE_HOME, HomeView, grouped
from ui.style import color_for


def test_grouped_follows_floors_then_other_areas_and_whole_home():
    sections = grouped(load_home())
    titles = [title for title, _ in sections]
    assert titles == ["Ground Floor", "First Floor", OTHER_AREAS]
    ground = [area for area, _ in sections[0][1]]
    assert ground == ["Kitchen", "Living Room", "Dining Room", "Hallway", "Garage"]
    other = dict(sections[2][1])
    assert "Garden" in other
    assert [d.id for d in other[WHOLE_HOME]] == ["scene.good_night"]


def test_a_home_without_floors_lists_areas_without_a_floor_title():
    home = parse_home(
        "areas: [{id: den, name: Den}]\n"
        "devices: [{id: light.den, name: Lamp, area: den, domain: light, state: 'on'}]\n"
    )
    assert grouped(home) == [("", [("Den", [home.devices["light.den"]])])]


def test_home_view_builds_one_card_per_device(qtbot):
    view = HomeView()
    qtbot.addWidget(view)
    home = load_home()
    view.set_home(home)
    assert set(view.cards) == set(home.devices)
    assert isinstance(view.cards["lock.front_door"], LockCard)
    assert isinstance(view.cards["cover.garage_door"], CoverCard)
    assert not view.apply_change("light.nowhere", "on", {})


def test_cards_describe_state_in_words(qtbot):
    home = load_home()
    cards = {
        device_id: card_for(home.devices[device_id])
        for device_id in (
            "light.kitchen_ceiling",
            "media_player.kitchen_speaker",
            "sensor.kitchen_humidity",
            "binary_sensor.front_door_contact",
            "climate.living_room",
            "cover.living_room_blinds",
        )
    }
    for card in cards.values():
        qtbot.addWidget(card)
    assert cards["light.kitchen_ceiling"].state_label.text() == "On · 80%"
    assert cards["media_player.kitchen_speaker"].state_label.text() == "Playing · Morning Jazz"
    assert isinstance(cards["media_player.kitchen_speaker"], MediaCard)
    sensor = cards["sensor.kitchen_humidity"]
    assert isinstance(sensor, SensorCard) and sensor.value.text() == "48 %"
    contact = cards["binary_sensor.front_door_contact"]
    assert isinstance(contact, BinarySensorCard) and contact.state_label.text() == "Closed"
    assert cards["climate.living_room"].state_label.text() == "Heat · now 20.5 °C"
    assert cards["climate.living_room"].target.value() == 21.0
    assert cards["cover.living_room_blinds"].state_label.text() == "Open · 100%"


def test_light_card_shows_colour_and_brightness_live(qtbot):
    device = Device(
        "light.x",
        "Lamp",
        Domain.LIGHT,
        state="off",
        attributes={"brightness": 0, "color": "warm white"},
    )
    card = card_for(device)
    qtbot.addWidget(card)
    assert isinstance(card, LightCard)
    assert not card.swatch.isHidden()
    assert card.brightness.value() == 0
    emitted: list[object] = []
    card.action_requested.connect(emitted.append)
    card.apply_change("on", {"brightness": 70, "color": "red"})
    assert card.brightness.value() == 70
    assert card.toggle.isChecked() and card.toggle.text() == "On"
    assert "red" in card.swatch.toolTip()
    assert emitted == []  # showing a change never sends a command back


def test_colour_names_from_home_files():
    assert color_for("warm white") is not None
    assert color_for("red").name() == "#ff0000"
    assert color_for("not a colour") is None
    assert color_for(None) is None


def test_a_narrow_cover_card_keeps_a_usable_slider_and_whole_button_labels(qtbot):
    card = card_for(load_home().devices["cover.living_room_blinds"])
    qtbot.addWidget(card)
    assert isinstance(card, CoverCard)
    card.resize(CARD_MIN_WIDTH, card.height())
    card.show()
    qtbot.waitExposed(card)
    assert card.position.width() >= 72  # a slider squeezed to a stub cannot be dragged
    for button in (card.open_button, card.close_button):
        text = button.fontMetrics().horizontalAdvance(button.text())
        assert button.width() > text  # the label is never cut
    right = card.close_button.geometry().right()
    assert right < card.contentsRect().right()
