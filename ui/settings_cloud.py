"""Settings → Cloud & history: cloud help (off by default) and the history log's retention.

The one sentence that says what cloud help sends sits next to its switch, so nobody turns it on
without reading what leaves the computer.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.config import Config
from ui.settings_common import FieldError, note

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
        form.addRow(
            note(
                "The API key is kept in the system keyring; store it with: hearth privacy --set-key"
            )
        )
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
