"""“Start Hearth when I log in” writes and removes an XDG autostart entry."""

from __future__ import annotations

import configparser

import pytest

from tests.ui.test_settings import _dialog
from ui import autostart


@pytest.fixture
def xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "autostart" / "hearth.desktop"


def test_the_checkbox_writes_and_removes_the_entry(qtbot, services, xdg):
    dialog = _dialog(qtbot, services)
    assert not dialog.autostart.isChecked()
    dialog.autostart.setChecked(True)
    assert dialog.save()
    assert xdg.is_file()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(xdg)
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "Hearth"
    assert desktop["Exec"]

    again = _dialog(qtbot, services)
    assert again.autostart.isChecked()
    again.autostart.setChecked(False)
    assert again.save()
    assert not xdg.exists()


def test_exec_quotes_paths_with_spaces():
    text = autostart.entry_text(["/home/a b/.venv/bin/python", "-m", "ui"])
    assert 'Exec="/home/a b/.venv/bin/python" -m ui\n' in text


def test_an_unwritable_autostart_folder_is_a_clear_message(qtbot, services, xdg):
    xdg.parent.parent.mkdir(parents=True)
    xdg.parent.write_text("a file where the folder should be")
    dialog = _dialog(qtbot, services)
    dialog.autostart.setChecked(True)
    assert not dialog.save()
    assert dialog.message.text().startswith("Starting at login could not be set up")
