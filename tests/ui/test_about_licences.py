"""About names the default models' licences and, in an installer's bundle, the LICENSES folder."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox

from assistant import licenses
from models.catalog import CATALOG, INSTALLER_MODEL_IDS


def _about_text(window, monkeypatch) -> str:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window.dialogs.show_about()
    (text,) = shown
    return text


def test_about_lists_model_licences_and_points_to_package_metadata(qtbot, window, monkeypatch):
    text = _about_text(window, monkeypatch)
    for model_id in INSTALLER_MODEL_IDS:
        assert model_id in text
    assert "MIT (OpenAI Whisper weights" in text
    assert "Apache-2.0" in text
    assert "metadata" in text  # not a bundle: no LICENSES folder to point to


def test_about_in_a_bundle_points_to_its_licenses_folder(qtbot, window, monkeypatch, tmp_path):
    (tmp_path / "LICENSES").mkdir()
    (tmp_path / "LICENSES" / "README.txt").write_text("index\n")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    text = _about_text(window, monkeypatch)
    assert str(tmp_path / "LICENSES" / "README.txt") in text


def test_bundled_licenses_dir_only_in_a_bundle_with_an_index(monkeypatch, tmp_path):
    assert licenses.bundled_licenses_dir() is None  # pytest runs from source
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert licenses.bundled_licenses_dir() is None  # a bundle without LICENSES/README.txt
    (tmp_path / "LICENSES").mkdir()
    (tmp_path / "LICENSES" / "README.txt").write_text("index\n")
    assert licenses.bundled_licenses_dir() == tmp_path / "LICENSES"


def test_default_model_licences_come_from_the_catalog():
    listed = licenses.default_model_licences()
    assert [m.model_id for m in listed] == list(INSTALLER_MODEL_IDS)
    assert all(m.license == CATALOG[m.model_id].license for m in listed)
