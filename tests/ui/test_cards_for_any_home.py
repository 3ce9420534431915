"""Cards for a home exported from Home Assistant: every entity gets one, entities Hearth does not
control are read-only, and a card offers only what its device can do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QAbstractSlider

from assistant.examples import candidates
from assistant.home.commands import ActionKind
from assistant.home.loader import load_home
from ui.device_cards import ClimateCard, CoverCard, DeviceCard, LightCard, MediaCard, card_for
from ui.home_view import HomeView

EXPORT = Path(__file__).parents[1] / "data" / "homes" / "ha_export.yaml"


def test_every_entity_of_an_export_gets_a_card(qtbot):
    home = load_home(EXPORT)
    view = HomeView()
    qtbot.addWidget(view)
    view.set_home(home)
    assert set(view.cards) == set(home.devices)
    for device_id in ("weather.home", "person.alex", "todo.shopping_list", "sun.sun"):
        card = view.cards[device_id]
        assert type(card) is DeviceCard
        assert card.supported == {ActionKind.GET_STATE}
        assert not card.findChildren(QAbstractButton) and not card.findChildren(QAbstractSlider)
    assert view.cards["weather.home"].state_label.text() == "Rainy"
    assert view.cards["input_number.bedtime_brightness"].state_label.text() == "30.0 %"
    assert view.apply_change("person.alex", "not_home", {})
    assert view.cards["person.alex"].state_label.text() == "Not home"


def test_a_card_offers_only_what_its_device_can_do(qtbot):
    home = load_home(EXPORT)
    cards = {device_id: card_for(device) for device_id, device in home.devices.items()}
    for card in cards.values():
        qtbot.addWidget(card)
    garage = cards["cover.garage_door"]
    assert isinstance(garage, CoverCard) and garage.position.isHidden()
    assert not garage.open_button.isHidden() and not garage.close_button.isHidden()
    assert not cards["cover.living_room_blinds"].position.isHidden()
    chime = cards["media_player.doorbell_chime"]
    assert isinstance(chime, MediaCard)
    assert chime.power.isHidden() and not chime.volume.isHidden()
    tv = cards["media_player.living_room_tv"]
    assert not tv.power.isHidden() and not tv.play.isHidden()
    hallway = cards["light.hallway"]
    assert isinstance(hallway, LightCard) and hallway.brightness is None
    island = cards["light.kitchen_island"]
    assert isinstance(island, LightCard) and island.brightness is not None
    assert isinstance(cards["climate.study_ac"], ClimateCard)
    assert cards["climate.study_ac"].target.isEnabled()


def test_what_can_i_say_suggests_nothing_for_entities_it_cannot_control():
    home = load_home(EXPORT)
    texts = [example.text for example in candidates(home)]
    assert texts and not any("forecast" in t or "alex" in t for t in texts)
