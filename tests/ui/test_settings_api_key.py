"""Settings → Cloud: the API key is typed masked, kept in the keyring, and never shown back."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from assistant.api_key import ApiKeyStore, KeyLocation
from tests.assistant.cloud.test_privacy import FakeKeyring
from tests.ui.test_settings import _ready
from ui.settings_dialog import SettingsContext, SettingsDialog

KEY = "sk-test-0123456789abcdef0123"


def _dialog(qtbot, services, store: ApiKeyStore) -> SettingsDialog:
    dialog = SettingsDialog(
        SettingsContext(
            config=services.factory.config,
            config_path=services.factory.config_path,
            load_sounddevice=services.load_sounddevice,
            preferences=services.preferences,
            key_store=store,
        )
    )
    qtbot.addWidget(dialog)
    dialog.show()
    _ready(qtbot, dialog)
    qtbot.waitUntil(lambda: "Checking" not in dialog.key_status.text(), timeout=5000)
    return dialog


def _texts(dialog: SettingsDialog) -> list[str]:
    widgets = dialog.findChildren(QLineEdit)
    return [w.text() for w in widgets] + [dialog.key_status.text(), dialog.message.text()]


def test_a_typed_key_goes_to_the_keyring_and_is_never_shown_back(qtbot, services, tmp_path):
    ring = FakeKeyring()
    store = ApiKeyStore(tmp_path / "keys", ring)
    dialog = _dialog(qtbot, services, store)
    assert dialog.api_key.echoMode() is QLineEdit.EchoMode.Password
    assert dialog.key_status.text() == "No key is stored."
    qtbot.keyClicks(dialog.api_key, KEY)
    assert dialog.save()
    assert ring.items == {("hearth", "cloud-api-key"): KEY}
    assert not store.file.exists()

    reopened = _dialog(qtbot, services, store)
    assert reopened.key_status.text() == "A key is stored (in the system keyring)."
    assert reopened.api_key.text() == ""
    assert all(KEY not in text and KEY[-4:] not in text for text in _texts(reopened))
    assert KEY not in services.factory.config_path.read_text()


def test_forget_removes_the_key_on_save_only(qtbot, services, tmp_path):
    ring = FakeKeyring()
    store = ApiKeyStore(tmp_path / "keys", ring)
    store.set(KEY)
    dialog = _dialog(qtbot, services, store)
    assert not dialog.forget_key.isHidden()
    dialog.forget_key.click()
    assert store.get().value == KEY  # Cancel would keep it
    assert dialog.save()
    assert store.get().location is KeyLocation.NONE


def test_without_a_keyring_the_key_goes_to_a_private_file(qtbot, services, tmp_path):
    store = ApiKeyStore(tmp_path / "keys", None)
    dialog = _dialog(qtbot, services, store)
    qtbot.keyClicks(dialog.api_key, KEY)
    assert dialog.save()
    assert store.file.stat().st_mode & 0o777 == 0o600
    assert "only you can read" in dialog.key_status.text()
