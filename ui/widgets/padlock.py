"""A padlock drawn with QPainter: the lock mark of a sent period (no icon font or emoji
is sure to be on an office PC)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap


def padlock_pixmap(size: int, color: QColor) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, max(2.0, size / 9))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # The shackle: an arch over the body.
    painter.drawArc(QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.52), 0, 180 * 16)
    painter.drawLine(int(size * 0.28), int(size * 0.34), int(size * 0.28), int(size * 0.48))
    painter.drawLine(int(size * 0.72), int(size * 0.34), int(size * 0.72), int(size * 0.48))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(size * 0.14, size * 0.46, size * 0.72, size * 0.48), 2, 2)
    painter.end()
    return pixmap
