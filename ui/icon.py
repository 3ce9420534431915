"""Hearth's icon, drawn in code so the window, the tray and notifications need no image files.

A warm rounded square with a house and a small flame: readable at the tray's 16 px and crisp at
any HiDPI scale because every size is painted, not scaled from one bitmap.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap

ACCENT = "#e8743b"


def _paint(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(ACCENT))
    p.drawRoundedRect(QRectF(0, 0, s, s), s * 0.22, s * 0.22)
    house = QPainterPath()
    house.moveTo(QPointF(s * 0.50, s * 0.16))
    house.lineTo(QPointF(s * 0.86, s * 0.48))
    house.lineTo(QPointF(s * 0.76, s * 0.48))
    house.lineTo(QPointF(s * 0.76, s * 0.84))
    house.lineTo(QPointF(s * 0.24, s * 0.84))
    house.lineTo(QPointF(s * 0.24, s * 0.48))
    house.lineTo(QPointF(s * 0.14, s * 0.48))
    house.closeSubpath()
    p.setBrush(QColor("white"))
    p.drawPath(house)
    flame = QPainterPath()
    flame.moveTo(QPointF(s * 0.50, s * 0.44))
    flame.cubicTo(
        QPointF(s * 0.64, s * 0.56), QPointF(s * 0.62, s * 0.78), QPointF(s * 0.50, s * 0.78)
    )
    flame.cubicTo(
        QPointF(s * 0.38, s * 0.78), QPointF(s * 0.36, s * 0.60), QPointF(s * 0.50, s * 0.44)
    )
    p.setBrush(QColor(ACCENT))
    p.drawPath(flame)
    p.end()
    return pixmap


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(_paint(size))
    return icon
