"""The tiles of «Tiến độ mục tiêu» (``ui.pages.dashboard``): one indicator each — its
header, targets (the chart's key), badge, latest value, trend chart and figures table —
and the chart and table helpers the page's receipts panel shares. Split from the page so
neither file passes ~400 lines."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.catalog import Indicator, Target
from qnapp.i18n import N_, _
from qnapp.reports.builder import target_cell, verdict
from qnapp.reports.progress import ProgressRow
from ui.models.import_model import StatusPalette
from ui.models.progress_model import MET_COLOURS, FiguresModel, value_text
from ui.widgets.chart import Chart, ChartData, Line, YAxis

VALUE_SERIES = N_("Giá trị")
TARGET_SERIES = {2025: N_("Mục tiêu 2025"), 2030: N_("Mục tiêu 2030")}

LEVEL_WORDS = {"commune": N_("cấp xã"), "district": N_("cấp huyện"), "province": N_("cấp tỉnh")}

# A tile's state -> (badge background, foreground).
NOT_APPLICABLE = "not_applicable"
BADGE_COLOURS = {
    "met": MET_COLOURS[True],
    "not_met": MET_COLOURS[False],
    "no_data": MET_COLOURS[None],
    NOT_APPLICABLE: (StatusPalette.NONE_BG, StatusPalette.NONE_FG),
}

VALUE_COLOUR = QColor("#1f5fa8")
TARGET_COLOURS = {2025: QColor("#d9730d"), 2030: QColor("#2e7d32")}
TARGET_STYLES = {2025: Qt.PenStyle.DashLine, 2030: Qt.PenStyle.DashDotLine}
TARGET_DASHES = {2025: "╍╍╍", 2030: "━·━"}  # the legend's picture of each line

CHART_HEIGHT = 190


def small_font(delta: int = -1) -> QFont:
    font = QFont()
    font.setPointSize(max(font.pointSize() + delta, 7))
    return font


def _badge_style(state: str) -> str:
    background, foreground = BADGE_COLOURS[state]
    return ("QLabel {{ background: {bg}; color: {fg}; border-radius: 4px; padding: 2px 8px; "
            "font-weight: bold; }}").format(bg=background.name(), fg=foreground.name())


def _levels_text(indicator: Indicator) -> str:
    return ", ".join(_(LEVEL_WORDS[level]) for level in indicator.levels if level in LEVEL_WORDS)


def targets_text(indicator: Indicator, *, key: bool = False) -> str:
    """«Mục tiêu 2025: ≥ 80% · Mục tiêu 2030: ≥ 90%», worded as the report words targets;
    ``key``: rich text that doubles as the chart's legend (each line's colour and dash)."""
    parts = []
    if key:
        parts.append("<span style='color:{c}'><b>━●━</b></span> {name}".format(
            c=VALUE_COLOUR.name(), name=_(VALUE_SERIES)))
    for year, name in TARGET_SERIES.items():
        target = indicator.target(year)
        if target is None:
            continue
        text = "{name}: {target}".format(name=_(name), target=target_cell(indicator, target).text)
        if key:
            text = html.escape(text)  # «< 25» is not a tag
        if key and target.op != "bool":
            text = "<span style='color:{c}'><b>{dash}</b></span> {text}".format(
                c=TARGET_COLOURS[year].name(), dash=TARGET_DASHES[year], text=text)
        parts.append(text)
    return (" &nbsp; " if key else " · ").join(parts)


def figures_table(model, accessible_name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.setFont(small_font())
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setFont(small_font())
    table.horizontalHeader().setHighlightSections(False)
    return table


def fit_columns(table: QTableView, padding: int = 12) -> int:
    """Each column as wide as its widest text plus some air; returns the total width."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    total = 0
    for column in range(table.model().columnCount()):
        width = max(table.sizeHintForColumn(column), header.sectionSizeHint(column)) + padding
        header.resizeSection(column, width)
        total += width
    return total


def fit_height(table: QTableView, max_rows: int = 8) -> None:
    """Tall enough for its rows (up to ``max_rows``; a scroll bar beyond)."""
    rows = min(table.model().rowCount(), max_rows)
    height = table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


def _year_labels(rows: Sequence[ProgressRow]) -> list[tuple[str, float, float]]:
    """The trend's x axis: point i is ``rows[i]``'s period; each year is labelled once
    under its periods (S1 and year, or both halves), so 2021–2030 still fits a tile."""
    slots: dict[int, list[float]] = {}  # year -> [start of its first slot, end of its last]
    for x, row in enumerate(rows):
        slots.setdefault(row.period.year, [x - 0.5, x + 0.5])[1] = x + 0.5
    return [(str(year), start, end) for year, (start, end) in slots.items()] or [(" ", -0.5, 0.5)]


def _nice_step(span: float) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _y_scale(numbers: Sequence[float], *, percent: bool) -> tuple[float, float, float]:
    """(low, high, tick step) with room around the values and targets: never below 0 when
    all are positive; a percentage that stays within 100 tops out just above its 100 line
    (so a point at 100 % is whole), not at an impossible 120 %."""
    lo, hi = min(numbers), max(numbers)
    span = (hi - lo) or max(abs(hi), 1.0)
    step = _nice_step(1.4 * span)
    low = math.floor((lo - 0.2 * span) / step) * step
    if lo >= 0:
        low = max(low, 0.0)
    high = math.ceil((hi + 0.2 * span) / step) * step
    if percent and hi <= 100 and high > 100:
        high = 100.0
    # A point on the frame would be cut in half: a little room beyond the last tick.
    if lo - low < 0.15 * step:
        low -= 0.3 * step
    if high - hi < 0.15 * step:
        high += 0.3 * step
    return low, high, step


class IndicatorTile(QFrame):
    """One indicator: header, badge, latest value, chart and figures table."""

    def __init__(self, indicator: Indicator, applies: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.indicator = indicator
        self.applies = applies
        self.state = NOT_APPLICABLE
        self.latest: ProgressRow | None = None
        self.chart: Chart | None = None
        self.model: FiguresModel | None = None
        self.table: QTableView | None = None
        self.status_label: QLabel | None = None  # a yes/no indicator's status in words
        self.setObjectName("dashboardTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#dashboardTile { background: #ffffff; border: 1px solid #d0d7de; "
                           "border-radius: 6px; }")
        self.setAccessibleName(_("Chỉ tiêu {code}").format(code=indicator.code))

        title = QLabel("<b>{code}</b>&nbsp; {name}".format(code=indicator.code, name=indicator.name))
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setToolTip(indicator.name)
        self.title_label = title
        chart_key = applies and not indicator.is_bool
        self.targets_label = QLabel(targets_text(indicator, key=chart_key))
        self.targets_label.setTextFormat(Qt.TextFormat.RichText if chart_key else Qt.TextFormat.PlainText)
        self.targets_label.setWordWrap(True)
        self.targets_label.setFont(small_font())
        self.targets_label.setStyleSheet("color: #37474f;")
        self.badge = QLabel()
        self.badge.setObjectName("badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.latest_label = QLabel()
        self.latest_label.setWordWrap(True)

        status_row = QHBoxLayout()
        status_row.addWidget(self.badge)
        status_row.addWidget(self.latest_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.targets_label)
        layout.addLayout(status_row)

        if not applies:
            note = QLabel(_("Chỉ tiêu này được theo dõi ở {levels}.").format(levels=_levels_text(indicator)))
            note.setWordWrap(True)
            note.setStyleSheet("color: #555555;")
            layout.addWidget(note)
            layout.addStretch(1)
            self._show_state(NOT_APPLICABLE, _("Không áp dụng ở cấp này"), "")
            return

        body = QHBoxLayout()
        body.setSpacing(8)
        self.model = FiguresModel(self)
        self.table = figures_table(self.model, _("Số liệu của chỉ tiêu {code}").format(code=indicator.code))
        if indicator.is_bool:
            self.status_label = QLabel()
            self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.status_label.setWordWrap(True)
            self.status_label.setMinimumWidth(160)
            body.addWidget(self.status_label, 1)
        else:
            self.chart = Chart(_("Biểu đồ chỉ tiêu {code}").format(code=indicator.code), CHART_HEIGHT)
            body.addWidget(self.chart, 5)
        body.addWidget(self.table, 4, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(body)
        layout.addStretch(1)

    # -- data ---------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[ProgressRow]) -> None:
        """The indicator's rows of ``progress_table`` (oldest first)."""
        if not self.applies:
            return
        rows = list(rows)
        with_value = [r for r in rows if r.value is not None]
        self.latest = with_value[-1] if with_value else None
        self.model.set_rows(rows)
        self._size_table()
        if rows:  # the newest periods in view when the table scrolls (more than 8 rows)
            self.table.scrollTo(self.model.index(len(rows) - 1, 0))
        if self.latest is None:
            self._show_state("no_data", verdict(None), _("Chưa có số liệu ở kỳ nào."))
        else:
            state = {True: "met", False: "not_met", None: "no_data"}[self.latest.met]
            latest = _("Mới nhất: <b>{value}</b> ({period})").format(
                value=value_text(self.latest), period=self.latest.period.label)
            self._show_state(state, verdict(self.latest.met), latest)
        if self.status_label is not None:
            self._show_status()
        else:
            self._draw(rows)

    def _show_state(self, state: str, word: str, latest: str) -> None:
        self.state = state
        self.badge.setText(word)
        self.badge.setStyleSheet(_badge_style(state))
        self.latest_label.setText(latest)

    def _show_status(self) -> None:
        if self.latest is None:
            text, colours = verdict(None), MET_COLOURS[None]
        else:
            text, colours = value_text(self.latest), MET_COLOURS[self.latest.met]
        self.status_label.setText("<span style='font-size: 16pt; font-weight: bold;'>{}</span>".format(text))
        self.status_label.setStyleSheet("QLabel {{ background: {bg}; color: {fg}; border-radius: 6px; }}".format(
            bg=colours[0].name(), fg=colours[1].name()))

    def _size_table(self) -> None:
        width = fit_columns(self.table) + 2 * self.table.frameWidth()
        if self.model.rowCount() > 8:
            width += self.table.verticalScrollBar().sizeHint().width()
        self.table.setFixedWidth(width + 2)
        fit_height(self.table)

    def _draw(self, rows: list[ProgressRow]) -> None:
        """The values as a line with points, each target as a flat line over every period."""
        values = [(float(x), float(r.value)) for x, r in enumerate(rows) if r.value is not None]
        lines = [Line(_(VALUE_SERIES), values, VALUE_COLOUR, 2.5, marker=11)]
        numbers = [y for _x, y in values]
        end = max(len(rows) - 1, 0) + 0.5
        for year, name in TARGET_SERIES.items():
            target: Target | None = self.indicator.target(year)
            if target is None or target.op == "bool":
                continue
            level = float(target.value)
            lines.append(Line(_(name), [(-0.5, level), (end, level)], TARGET_COLOURS[year], 1.6,
                              TARGET_STYLES[year]))
            numbers.append(level)
        y_axis = YAxis()
        if numbers:
            low, high, step = _y_scale(numbers, percent=self.indicator.unit.strip() == "%")
            y_axis = YAxis(low, high, step, 0 if float(step).is_integer() else 1)
        self.chart.show_data(ChartData(lines=lines, x_labels=_year_labels(rows), x_range=(-0.5, end),
                                       y=y_axis))

    # -- what tests and screen readers ask ---------------------------------------------------
    def series(self, name: str) -> Line | None:
        """The plotted line called ``name`` («Giá trị», «Mục tiêu 2025»…)."""
        if self.chart is None:
            return None
        return self.chart.line(name)
