"""A scroll area for the conversation column that scrolls only when the column cannot fit.

QScrollArea's own resizing asks a column with word-wrapped labels for its *preferred* height
and scrolls as soon as the window is shorter than that, even when every part still fits at its
minimum (the history list would rather shrink). This one gives the column the whole viewport
and scrolls only below the column's minimum height, so a small window (800×600) scrolls instead
of squeezing lines onto one another, and a usual one never shows a scroll bar.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class ColumnScroll(QScrollArea):
    def __init__(
        self, column: QWidget, squeezable: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        """``squeezable``: the part that gives up height first (the history list)."""
        super().__init__(parent)
        self.squeezable = squeezable
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(False)
        self.setWidget(column)
        self.setMinimumWidth(column.minimumSizeHint().width())
        column.installEventFilter(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            # A part appeared or went (the Yes/No box): the minimum changes once the column's
            # layout has handled this event, so look right after it.
            QTimer.singleShot(0, self, self.fit)
        return False

    def fit(self) -> None:
        column = self.widget()
        if column is None:
            return
        viewport = self.viewport().size()
        height = max(viewport.height(), self.needed_height(viewport.width()))
        if column.size().width() != viewport.width() or column.height() != height:
            column.resize(viewport.width(), height)

    def needed_height(self, width: int) -> int:
        """The least height at which every line of the column still fits at ``width``.

        A layout's minimum counts a word-wrapped label as one short line; its height for a
        width counts each part at its preferred height. The latter, less what the squeezable
        part would give up, is what the column really needs.
        """
        column = self.widget()
        least = column.minimumSizeHint().height()
        if not column.hasHeightForWidth():
            return least
        slack = 0
        if self.squeezable is not None:
            hint, minimum = self.squeezable.sizeHint(), self.squeezable.minimumSizeHint()
            slack = max(0, hint.height() - minimum.height())
        return max(least, column.heightForWidth(width) - slack)
