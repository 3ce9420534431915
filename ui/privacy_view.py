"""The privacy view: everything cloud help has sent, with the exact request, and a Clear button.

The promise "you can always see what left" has to be one click from the main window, not a
command-line tool. This dialog reads the same egress log as ``hearth privacy`` (it never loads
the cloud client, so opening it sends nothing), shows one row per request with the text that
went out, and below it the exact request body of the selected row.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.config import CloudConfig
from assistant.egress import EgressLog, EgressRecord

COLUMNS = ("When", "Host", "Bytes", "Result", "Text sent")


def status_text(cloud: CloudConfig) -> str:
    """One plain sentence on what leaves this computer under the current settings."""
    if not cloud.enabled:
        return "Cloud help is off: nothing leaves this computer."
    host = cloud.base_url.split("//", 1)[-1].split("/", 1)[0]
    states = "with device states" if cloud.share_device_states else "without device states"
    return (
        f"Cloud help is on: only sentences Hearth does not understand are sent to {host}, "
        f"as text (never audio), {states}."
    )


def describe_request(record: EgressRecord) -> str:
    """A readable header (what, where, how much) above the exact body, indented for reading."""
    lines = [
        f"Sent to {record.host} at {record.when}: {record.bytes:,} bytes. Result: {record.result}",
        f"Your sentence: {record.text}",
    ]
    try:
        body = json.loads(record.payload)
    except ValueError:
        return "\n".join([*lines, "", "Exact request body:", record.payload])
    devices = _device_count(body)
    if devices is not None:
        lines.append(
            f"Home data: {devices} devices as names, rooms, kinds and allowed actions"
            + (" with their states" if '"state"' in record.payload else ", no states")
        )
    lines += ["", "Exact request body (indented for reading):"]
    lines.append(json.dumps(body, indent=2, ensure_ascii=False))
    return "\n".join(lines)


def _device_count(body: object) -> int | None:
    try:
        system = body["messages"][0]["content"]  # type: ignore[index]
        devices = json.loads(system.split("Device list (JSON data):\n", 1)[1])
    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
        return None
    return len(devices) if isinstance(devices, list) else None


class PrivacyDialog(QDialog):
    """Egress log table + the selected request's body; Refresh, Clear log, Close."""

    def __init__(self, log_path: Path, cloud: CloudConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Privacy — what Hearth has sent")
        self.resize(980, 620)
        self._log = EgressLog(log_path)
        self.records: list[EgressRecord] = []

        self.status = QLabel(status_text(cloud))
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Cloud help status")
        self.summary = QLabel()
        self.summary.setObjectName("secondary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Requests sent")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setAccessibleName("Exact request body")
        self.body.setPlaceholderText("Select a request to see exactly what was sent.")
        self.refresh_button = QPushButton("Refresh")
        self.clear_button = QPushButton("Clear log")
        self.clear_button.setAccessibleName("Clear the egress log")
        close_button = QPushButton("Close")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.body)
        splitter.setSizes([230, 300])
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._show_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear)
        close_button.clicked.connect(self.accept)
        self.finished.connect(lambda _code: self._log.close())
        self.refresh()

    def refresh(self) -> None:
        """Reload the log (newest first) and keep the body pane in step."""
        self.records = self._log.records()
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            cells = (record.when, record.host, str(record.bytes), record.result, record.text)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        total = sum(r.bytes for r in self.records)
        count = len(self.records)
        self.summary.setText(
            f"{count} request{'s' * (count != 1)}, {total:,} bytes sent"
            if count
            else "Nothing has been sent."
        )
        self.clear_button.setEnabled(bool(count))
        if count:
            self.table.selectRow(0)
        else:
            self.body.clear()

    def clear(self) -> None:
        self._log.clear()
        self.refresh()

    def _show_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if rows and (row := min(rows)) < len(self.records):
            self.body.setPlainText(describe_request(self.records[row]))
        else:
            self.body.clear()
