"""A small chart drawn with QPainter: lines (with point markers or dashed flat targets)
and stacked bars over numbered slots, a value axis with Vietnamese numbers, category
labels under the slots, and an optional key below. The dashboard's trend and receipts
charts need no more, so the program depends on PySide6-Essentials alone (QtCharts is in
the 438 MB PySide6-Addons wheel and deprecated since Qt 6.10).

x is in slot units: slot i is centred on i, and the plot spans ``x_range`` (by default
-0.5 to n - 0.5). What is plotted stays readable as data (``lines``, ``bar_sets``,
``x_labels``, ``y_ticks()``) for tests and screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from qnapp.text import format_number

GRID = QColor("#e3e6ea")
AXIS = QColor("#9aa3ab")
LABEL = QColor("#3c4650")
BACKGROUND = QColor("#ffffff")
TICK = 4  # px of a tick mark outside the plot
KEY_SWATCH = 10


@dataclass
class Line:
    """A polyline through ``points`` ((x, y) in data units); markers at each point."""
    name: str
    points: list[tuple[float, float]]
    colour: QColor
    width: float = 2.0
    style: Qt.PenStyle = Qt.PenStyle.SolidLine
    marker: float = 0.0  # diameter in px; 0: none


@dataclass
class BarSet:
    """One layer of the stacked bars: ``values[i]`` in slot i."""
    label: str
    values: list[float]
    colour: QColor
    border: QColor


@dataclass
class YAxis:
    low: float = 0.0
    high: float = 1.0
    step: float = 0.25
    decimals: int = 2
    title: str = ""


@dataclass
class ChartData:
    lines: list[Line] = field(default_factory=list)
    bar_sets: list[BarSet] = field(default_factory=list)
    bar_width: float = 0.45  # of a slot
    # (text, start, end): text centred under x from start to end; a grid line at each end.
    x_labels: list[tuple[str, float, float]] = field(default_factory=list)
    x_range: tuple[float, float] = (-0.5, 0.5)
    y: YAxis = field(default_factory=YAxis)
    key: bool = False  # the bar sets' colours and labels under the chart


class Chart(QWidget):
    """A fixed-height chart; set what it shows with ``show_data`` (it repaints)."""

    def __init__(self, accessible_name: str, height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.data = ChartData()
        self.setAccessibleName(accessible_name)
        self.setMinimumWidth(180)
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = QFont()
        font.setPointSize(max(font.pointSize() - 2, 7))  # as the tiles' small_font(-2)
        self.label_font = font
        self.key_font = QFont(font)
        self.key_font.setPointSize(font.pointSize() + 1)

    # -- data ---------------------------------------------------------------------------
    def show_data(self, data: ChartData) -> None:
        self.data = data
        self.update()

    @property
    def lines(self) -> list[Line]:
        return self.data.lines

    @property
    def bar_sets(self) -> list[BarSet]:
        return self.data.bar_sets

    @property
    def x_labels(self) -> list[tuple[str, float, float]]:
        return self.data.x_labels

    def line(self, name: str) -> Line | None:
        return next((line for line in self.data.lines if line.name == name), None)

    def y_ticks(self) -> list[float]:
        """The labelled values: multiples of the step within the range."""
        y = self.data.y
        if y.step <= 0 or y.high <= y.low:
            return []
        first, last = math.ceil(y.low / y.step - 1e-9), math.floor(y.high / y.step + 1e-9)
        return [k * y.step for k in range(first, last + 1)]

    def y_labels(self) -> list[str]:
        return [format_number(t, self.data.y.decimals) for t in self.y_ticks()]

    # -- size ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(180, self.minimumHeight())

    # -- drawing ------------------------------------------------------------------------
    def _plot_rect(self, fm: QFontMetrics) -> QRectF:
        data = self.data
        left = max((fm.horizontalAdvance(t) for t in self.y_labels()), default=0) + TICK + 6
        if data.y.title:
            left += fm.height() + 4
        bottom = fm.height() + TICK + 6
        if data.key and data.bar_sets:
            bottom += QFontMetrics(self.key_font).height() + 10
        top = fm.height() / 2 + 2
        return QRectF(left, top, self.width() - left - 10, self.height() - top - bottom)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setFont(self.label_font)
        fm = QFontMetrics(self.label_font)
        plot = self._plot_rect(fm)
        if plot.width() < 10 or plot.height() < 10:
            return
        data = self.data
        x0, x1 = data.x_range
        span_x = (x1 - x0) or 1.0
        span_y = (data.y.high - data.y.low) or 1.0

        def px(x: float) -> float:
            return plot.left() + (x - x0) / span_x * plot.width()

        def py(y: float) -> float:
            return plot.bottom() - (y - data.y.low) / span_y * plot.height()

        # Grid, ticks and labels of the value axis.
        for tick, text in zip(self.y_ticks(), self.y_labels()):
            y = py(tick)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QPen(AXIS, 1))
            painter.drawLine(QPointF(plot.left() - TICK, y), QPointF(plot.left(), y))
            painter.setPen(LABEL)
            box = QRectF(0, y - fm.height() / 2, plot.left() - TICK - 3, fm.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        if data.y.title:
            painter.save()
            painter.translate(fm.ascent() / 2 + 2, plot.center().y())
            painter.rotate(-90)
            painter.drawText(QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()),
                             Qt.AlignmentFlag.AlignCenter, data.y.title)
            painter.restore()
        # Category labels, centred under their slots, with grid lines between them.
        for text, start, end in data.x_labels:
            for edge in (start, end):
                painter.setPen(QPen(GRID, 1))
                painter.drawLine(QPointF(px(edge), plot.top()), QPointF(px(edge), plot.bottom()))
                painter.setPen(QPen(AXIS, 1))
                painter.drawLine(QPointF(px(edge), plot.bottom()), QPointF(px(edge), plot.bottom() + TICK))
            painter.setPen(LABEL)
            box = QRectF(px(start), plot.bottom() + TICK + 2, px(end) - px(start), fm.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)

        painter.save()
        painter.setClipRect(plot.adjusted(-6, -6, 6, 6))
        self._draw_bars(painter, px, py, plot)
        self._draw_lines(painter, px, py)
        painter.restore()
        painter.setPen(QPen(AXIS, 1.5))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if data.key and data.bar_sets:
            painter.setFont(self.key_font)
            self._draw_key(painter, QFontMetrics(self.key_font))

    def _draw_bars(self, painter: QPainter, px, py, plot: QRectF) -> None:
        data = self.data
        slots = max((len(s.values) for s in data.bar_sets), default=0)
        for i in range(slots):
            half = data.bar_width / 2
            base = data.y.low
            for bar_set in data.bar_sets:
                value = bar_set.values[i] if i < len(bar_set.values) else 0.0
                if value <= 0:
                    continue
                rect = QRectF(QPointF(px(i - half), py(base + value)), QPointF(px(i + half), py(base)))
                painter.setPen(QPen(bar_set.border, 1))
                painter.setBrush(bar_set.colour)
                painter.drawRect(rect.intersected(plot))
                base += value
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _draw_lines(self, painter: QPainter, px, py) -> None:
        for line in self.data.lines:
            pen = QPen(line.colour, line.width, line.style)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            points = [QPointF(px(x), py(y)) for x, y in line.points]
            painter.drawPolyline(points)
            if line.marker:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(line.colour)
                for point in points:
                    painter.drawEllipse(point, line.marker / 2, line.marker / 2)
                painter.setBrush(Qt.BrushStyle.NoBrush)

    def _draw_key(self, painter: QPainter, fm: QFontMetrics) -> None:
        gap = 14
        items = [(s, fm.horizontalAdvance(s.label)) for s in self.data.bar_sets]
        total = sum(KEY_SWATCH + 5 + w for _s, w in items) + gap * (len(items) - 1)
        x = (self.width() - total) / 2
        y = self.height() - fm.height() - 4
        for bar_set, width in items:
            swatch = QRectF(x, y + (fm.height() - KEY_SWATCH) / 2, KEY_SWATCH, KEY_SWATCH)
            painter.setPen(QPen(bar_set.border, 1))
            painter.setBrush(bar_set.colour)
            painter.drawRect(swatch)
            painter.setPen(LABEL)
            painter.drawText(QRectF(x + KEY_SWATCH + 5, y, width + 2, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar_set.label)
            x += KEY_SWATCH + 5 + width + gap
        painter.setBrush(Qt.BrushStyle.NoBrush)
