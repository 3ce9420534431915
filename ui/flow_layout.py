"""A layout that wraps equal-width items into as many columns as the width allows.

A room holds anything from one to a dozen device cards, and the window can be any width; a
fixed grid is either cramped or half empty. This layout picks the number of columns from the
available width and stretches the items to share it evenly, so rows line up from room to room.
(Qt ships a flow layout only as an example, not as a class.)
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Left-to-right, top-to-bottom placement in columns at least ``min_width`` wide."""

    def __init__(
        self, parent: QWidget | None = None, spacing: int = 10, min_width: int = 220
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._min_width = min_width
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def columns(self, width: int) -> int:
        """How many columns fit in ``width`` pixels (at least one)."""
        return max(1, (width + self._spacing) // (self._min_width + self._spacing))

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in ``rect`` (or only measure); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        items = [item for item in self._items if not item.isEmpty()]
        columns = self.columns(area.width())
        column_width = max(1, (area.width() - (columns - 1) * self._spacing) // columns)
        y, row_height = area.y(), 0
        for index, item in enumerate(items):
            column = index % columns
            if column == 0 and index:
                y += row_height + self._spacing
                row_height = 0
            height = item.sizeHint().height()
            if move:
                x = area.x() + column * (column_width + self._spacing)
                item.setGeometry(QRect(QPoint(x, y), QSize(column_width, height)))
            row_height = max(row_height, height)
        return y + row_height - rect.y() + margins.bottom()
