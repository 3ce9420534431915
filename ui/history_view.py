"""Recent turns, newest first, each with a per-stage timing bar.

Like Home Assistant's pipeline debug view: when a command feels slow, the bar shows at a
glance which stage (wake word, end-pointing, speech, intent, action) took the time, and the
numbers are right below. The window fills it from the persistent history at start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.conversation import TurnResult
from ui.elided_label import ElidedLabel
from ui.style import STAGE_COLORS

#: Stages shown in the bar, in pipeline order; "total" is the whole turn.
STAGES = ("wake", "vad", "asr", "intent", "cloud", "action", "reply")


def stage_segments(timings_ms: dict[str, float]) -> list[tuple[str, float]]:
    """``[(stage, ms)]`` for the bar: the measured stages plus "other" for the unmeasured rest."""
    parts = [(s, float(timings_ms[s])) for s in STAGES if float(timings_ms.get(s, 0.0)) > 0]
    total = float(timings_ms.get("total", 0.0))
    rest = total - sum(ms for _, ms in parts)
    if rest > 0.05:
        parts.append(("other", rest))
    return parts


def timing_text(timings_ms: dict[str, float]) -> str:
    shown = [f"{s} {ms:.1f} ms" for s, ms in stage_segments(timings_ms) if s != "other"]
    shown.append(f"total {float(timings_ms.get('total', 0.0)):.1f} ms")
    return " · ".join(shown)


def timing_legend(timings_ms: dict[str, float]) -> str:
    """The same numbers as rich text, each with a square in its bar colour (the legend).

    Inside an entry the spaces do not break ("asr 412.0 ms" stays together); between entries
    they do, so a narrow column wraps the legend onto more lines instead of cutting it off.
    """
    shown = [
        f"<span style='color:{STAGE_COLORS[s]}'>&#9632;</span>&nbsp;{s}&nbsp;{ms:.1f}&nbsp;ms"
        for s, ms in stage_segments(timings_ms)
        if s != "other"
    ]
    shown.append(f"total&nbsp;{float(timings_ms.get('total', 0.0)):.1f}&nbsp;ms")
    return "&nbsp;&nbsp; ".join(shown)


class TimingBar(QWidget):
    """A thin stacked bar: one coloured segment per stage, widths proportional to time."""

    def __init__(self, timings_ms: dict[str, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments = stage_segments(timings_ms)
        self.setFixedHeight(6)
        self.setToolTip(timing_text(timings_ms))

    def sizeHint(self) -> QSize:
        return QSize(200, 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = self.palette().mid().color()
        track.setAlpha(70)
        painter.setBrush(track)
        painter.drawRoundedRect(QRectF(self.rect()), 3, 3)
        total = sum(ms for _, ms in self.segments)
        if total <= 0:
            return
        x = 0.0
        width = float(self.width())
        for stage, ms in self.segments:
            span = width * ms / total
            painter.setBrush(QColor(STAGE_COLORS.get(stage, STAGE_COLORS["other"])))
            painter.drawRect(QRectF(x, 0, max(span, 1.0), self.height()))
            x += span
        painter.end()


class HistoryEntry(QWidget):
    """One turn: time and words, what it became, the reply, and the timing bar."""

    def __init__(self, result: TurnResult, when: dt.datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.when = when
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(3)
        said = "(device card)" if result.source == "direct" else f"“{result.text}”"
        top = QLabel(f"<b>{when:%H:%M:%S}</b>&nbsp;&nbsp;{_escape(said)}")
        top.setTextFormat(Qt.TextFormat.RichText)
        top.setWordWrap(True)  # a long sentence is what the user said: show all of it
        layout.addWidget(top)
        meaning = result.intent or "not understood"
        source = f" · {result.source}" if result.source else ""
        detail = ElidedLabel(f"{meaning}{source} → {result.response}")  # rows stay even
        detail.setObjectName("secondary")
        layout.addWidget(detail)
        layout.addWidget(TimingBar(result.timings_ms))
        numbers = QLabel(timing_legend(result.timings_ms))
        numbers.setTextFormat(Qt.TextFormat.RichText)
        numbers.setWordWrap(True)
        numbers.setAccessibleName(timing_text(result.timings_ms))
        numbers.setObjectName("secondary")
        small = numbers.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        numbers.setFont(small)
        layout.addWidget(numbers)
        self.legend = numbers
        self.summary = f"{when:%H:%M:%S} {said}: {meaning}{source}. {result.response}"
        self.setAccessibleName(self.summary)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HistoryView(QListWidget):
    """The list of recent turns (storing them is the history module's job)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("History")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.results: list[TurnResult] = []
        self._times: list[dt.datetime] = []
        self._turn_ids: list[str] = []  # each row's turn id ("" when it came without one)

    def add_result(
        self, result: TurnResult, when: dt.datetime | None = None, turn_id: str = ""
    ) -> None:
        """A new row on top; ``turn_id`` lets numbers that arrive later find it."""
        self._insert(0, result, when or dt.datetime.now(), turn_id)

    def _insert(self, row: int, result: TurnResult, when: dt.datetime, turn_id: str) -> None:
        entry = HistoryEntry(result, when)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.AccessibleTextRole, entry.summary)
        self.insertItem(row, item)
        self.setItemWidget(item, entry)
        self._fit(item)
        self.results.insert(row, result)
        self._times.insert(row, entry.when)
        self._turn_ids.insert(row, turn_id)

    def row_width(self) -> int:
        """The width each row gets: the visible list, never more (the wrapping depends on it)."""
        return max(1, self.viewport().width() - 2 * self.spacing())

    def _fit(self, item: QListWidgetItem) -> None:
        entry = self.itemWidget(item)
        if entry is not None:
            width = self.row_width()
            item.setSizeHint(QSize(width, entry.heightForWidth(width)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Rows are as wide as the list and as tall as their wrapped text at that width."""
        super().resizeEvent(event)
        for row in range(self.count()):
            self._fit(self.item(row))

    def update_timings(self, turn_id: str, timings_ms: dict[str, float]) -> bool:
        """Add numbers that arrive after the turn (a voice turn's wake, VAD and ASR times) to
        the row of that turn, wherever it is now; False when no row has that id."""
        if not turn_id or turn_id not in self._turn_ids:
            return False
        row = self._turn_ids.index(turn_id)
        old = self.results[row]
        result = replace(old, timings_ms={**old.timings_ms, **timings_ms})
        when = self._times[row]
        self.takeItem(row)
        del self.results[row], self._times[row], self._turn_ids[row]
        self._insert(row, result, when, turn_id)
        return True

    def clear_results(self) -> None:
        """Forget this session's turns (the list only; devices and the engine are untouched)."""
        self.clear()
        self.results.clear()
        self._times.clear()
        self._turn_ids.clear()
