"""Light and dark appearance: readable palettes, chosen in Settings → App, applied at once."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from tests.ui.test_settings import _dialog
from tests.ui.test_small_window import assert_card_readable_at_800_by_600
from ui.theme import Theme, apply_theme, contrast, palette_for

R = QPalette.ColorRole
PAIRS = [
    (R.Text, R.Base),
    (R.WindowText, R.Window),
    (R.ButtonText, R.Button),
    (R.HighlightedText, R.Highlight),
    (R.PlaceholderText, R.Base),
    (R.PlaceholderText, R.Window),
    (R.ToolTipText, R.ToolTipBase),
]


@pytest.fixture
def restore_theme(qapp):
    yield
    apply_theme(qapp, Theme.SYSTEM)


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_every_text_reads_on_its_background(theme):
    palette = palette_for(theme)
    assert palette is not None
    for text, background in PAIRS:
        ratio = contrast(palette.color(text), palette.color(background))
        assert ratio >= 4.5, (theme, text, background, ratio)


def test_dark_is_dark_and_light_is_light():
    dark, light = palette_for(Theme.DARK), palette_for(Theme.LIGHT)
    assert dark.color(R.Window).lightness() < 60
    assert light.color(R.Window).lightness() > 200
    assert palette_for(Theme.SYSTEM) is None


def test_choosing_dark_in_settings_applies_it_and_is_remembered(
    qtbot, qapp, services, restore_theme
):
    dialog = _dialog(qtbot, services)
    assert dialog.theme.currentData() == Theme.SYSTEM.value
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK.value))
    assert dialog.save()
    assert services.preferences.theme is Theme.DARK
    assert qapp.palette().color(R.Window).lightness() < 60
    again = _dialog(qtbot, services)
    assert again.theme.currentData() == Theme.DARK.value
    again.theme.setCurrentIndex(again.theme.findData(Theme.SYSTEM.value))
    assert again.save()
    assert services.preferences.theme is Theme.SYSTEM


def test_an_unknown_theme_in_the_file_follows_the_desktop(services):
    services.preferences.settings.setValue(services.preferences.THEME, "sepia")
    assert services.preferences.theme is Theme.SYSTEM


def test_the_small_window_holds_in_the_dark_too(qtbot, qapp, window, restore_theme):
    apply_theme(qapp, Theme.DARK)
    assert_card_readable_at_800_by_600(qtbot, window, ["unlock the front door"])


def test_an_open_window_takes_the_new_theme_at_once(qtbot, qapp, window, restore_theme):
    card = window.home_view.cards["light.kitchen_ceiling"]
    apply_theme(qapp, Theme.DARK)
    assert window.palette().color(R.Window).lightness() < 60
    assert card.palette().color(R.Base).lightness() < 60
    apply_theme(qapp, Theme.LIGHT)
    assert window.palette().color(R.Window).lightness() > 200
