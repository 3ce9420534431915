"""Settings → Cloud & history: cloud help (off by default), its API key, and the history log.

The one sentence that says what cloud help sends sits next to its switch, so nobody turns it on
without reading what leaves the computer.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.api_key import ApiKeyStore, KeyLocation
from assistant.config import Config
from ui.settings_common import FieldError, note

#: What the Cloud tab says about the key: only whether one is stored, and where.
KEY_STORED = {
    KeyLocation.KEYRING: "A key is stored (in the system keyring).",
    KeyLocation.FILE: "A key is stored (in a file only you can read; no system keyring here).",
    KeyLocation.NONE: "No key is stored.",
}

#: The one sentence that says what cloud help sends (shown next to the toggle).
CLOUD_SENTENCE = (
    "When on, only sentences Hearth did not understand are sent, as text, with your device "
    "list — never audio."
)


class CloudTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        cloud = QGroupBox("Cloud help")
        form = QFormLayout(cloud)
        self.cloud_enabled = QCheckBox("Ask a cloud language model when Hearth does not understand")
        self.cloud_enabled.setAccessibleName("Cloud help")
        form.addRow(self.cloud_enabled)
        self.cloud_sentence = QLabel(CLOUD_SENTENCE)
        self.cloud_sentence.setWordWrap(True)
        self.cloud_sentence.setAccessibleName("What cloud help sends")
        form.addRow(self.cloud_sentence)
        self.cloud_url = QLineEdit()
        self.cloud_url.setAccessibleName("Cloud base URL")
        self.cloud_url.setPlaceholderText("https://api.openai.com/v1")
        form.addRow("Base &URL", self.cloud_url)
        self.cloud_model = QLineEdit()
        self.cloud_model.setAccessibleName("Cloud model")
        form.addRow("Mo&del", self.cloud_model)
        self.cloud_states = QCheckBox("Also send the devices' current states")
        self.cloud_states.setAccessibleName("Send device states")
        form.addRow(self.cloud_states)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("Cloud API key")
        self.api_key.setPlaceholderText("Paste a new key to store it")
        self.api_key.setClearButtonEnabled(True)
        form.addRow("API &key", self.api_key)
        self.key_status = note("Checking for a stored key…", "API key status")
        self.forget_key = QPushButton("Forget the stored key")
        self.forget_key.setAccessibleName("Forget the stored API key")
        self.forget_key.clicked.connect(self._forget_clicked)
        self.forget_key.hide()
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_status, 1)
        key_row.addWidget(self.forget_key)
        form.addRow("", key_row)
        #: Save forgets the stored key (the Forget button was pressed).
        self.forget_on_save = False
        self.cloud_enabled.toggled.connect(self._cloud_toggled)
        column.addWidget(cloud)

        history = QGroupBox("History")
        form = QFormLayout(history)
        self.history_enabled = QCheckBox("Keep a log of commands, what they did and their timings")
        self.history_enabled.setAccessibleName("Keep history")
        form.addRow(self.history_enabled)
        self.retention = QSpinBox()
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(" days")
        self.retention.setSpecialValueText("Nothing older than today")
        self.retention.setAccessibleName("History retention in days")
        form.addRow("&Keep for", self.retention)
        self.history_enabled.toggled.connect(self.retention.setEnabled)
        column.addWidget(history)
        column.addStretch(1)

    def load(self, config: Config) -> None:
        self.cloud_enabled.setChecked(config.cloud.enabled)
        self.cloud_url.setText(config.cloud.base_url)
        self.cloud_model.setText(config.cloud.model)
        self.cloud_states.setChecked(config.cloud.share_device_states)
        self._cloud_toggled(config.cloud.enabled)
        self.history_enabled.setChecked(config.history.enabled)
        self.retention.setValue(config.history.retention_days)
        self.retention.setEnabled(config.history.enabled)

    def apply(self, config: Config) -> Config:
        if self.cloud_enabled.isChecked() and not self.cloud_model.text().strip():
            raise FieldError(self.cloud_model, "Cloud help needs a model name.")
        return replace(
            config,
            cloud=replace(
                config.cloud,
                enabled=self.cloud_enabled.isChecked(),
                base_url=self.cloud_url.text().strip(),
                model=self.cloud_model.text().strip(),
                share_device_states=self.cloud_states.isChecked(),
            ),
            history=replace(
                config.history,
                enabled=self.history_enabled.isChecked(),
                retention_days=self.retention.value(),
            ),
        )

    def _cloud_toggled(self, on: bool) -> None:
        for widget in (self.cloud_url, self.cloud_model, self.cloud_states):
            widget.setEnabled(on)

    # -- the API key: entered here, kept in the keyring, never shown back ---------------------------

    def show_key(self, location: KeyLocation) -> None:
        """Say whether a key is stored and where; never the key itself."""
        self.forget_on_save = False
        stored = location is not KeyLocation.NONE
        self.key_status.setText(KEY_STORED[location])
        self.forget_key.setVisible(stored)

    def key_unreadable(self, message: str) -> None:
        self.key_status.setText(f"The key store could not be read: {message}")

    def _forget_clicked(self) -> None:
        self.forget_on_save = True
        self.api_key.clear()
        self.key_status.setText("The stored key will be forgotten when you save.")
        self.forget_key.hide()

    def store_key(self, store: ApiKeyStore) -> None:
        """On Save: keep a newly typed key, or forget the old one (OSError on failure)."""
        typed = self.api_key.text().strip()
        if typed:
            location = store.set(typed)
            self.api_key.clear()
            self.show_key(location)
        elif self.forget_on_save:
            store.delete()
            self.show_key(KeyLocation.NONE)
