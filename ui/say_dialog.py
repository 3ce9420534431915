"""Help → What can I say? (F1): this home's example sentences, by room; a click runs one.

The examples are built on the engine's worker (each is checked with the intent engine), so the
dialog opens at once with "Looking at your home…" and fills in a moment later.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assistant.examples import Example

LOOKING = "Looking at your home…"
INTRO = (
    "Type one of these, or say it after the wake word. Click one to try it now. Hearth also "
    "understands many other ways of saying the same thing."
)


class SayDialog(QDialog):
    """Example sentences grouped by room; ``chosen`` carries the one clicked."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What can I say?")
        self.setAccessibleName("What can I say?")
        self.setModal(False)
        self.buttons: list[QPushButton] = []
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.status = QLabel(LOOKING)
        self.status.setObjectName("secondary")
        self.status.setAccessibleName("Examples status")
        self._page = QWidget()
        self._rooms = QVBoxLayout(self._page)
        self._rooms.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._page)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addWidget(close)
        self.resize(640, 560)

    def show_examples(self, examples: list[Example]) -> None:
        """Fill the dialog (once the worker has checked each example)."""
        while self._rooms.count() > 1:
            item = self._rooms.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.buttons.clear()
        rooms: dict[str, list[Example]] = {}
        for example in examples:
            rooms.setdefault(example.room, []).append(example)
        for index, (room, found) in enumerate(rooms.items()):
            box = QGroupBox(room)
            box.setAccessibleName(f"Examples for {room}")
            column = QVBoxLayout(box)
            column.setSpacing(4)
            for example in found:
                button = QPushButton(f"“{example.text}”")
                button.setAccessibleName(f"Try: {example.text}")
                button.setToolTip(f"{example.kind}: runs “{example.text}” now")
                button.clicked.connect(lambda _c=False, text=example.text: self.chosen.emit(text))
                column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                self.buttons.append(button)
            self._rooms.insertWidget(index, box)
        self.status.setText(
            f"{len(examples)} examples from your home."
            if examples
            else "No examples yet: this home has no devices Hearth can control."
        )

    def show_problem(self, message: str) -> None:
        self.status.setText(f"The examples could not be made: {message}")

    def example_texts(self) -> list[str]:
        return [b.accessibleName().removeprefix("Try: ") for b in self.buttons]


__all__ = ["LOOKING", "SayDialog"]
