"""«Tiến độ mục tiêu»: where the plan stands, one tile for each of its 24 indicators.

Each tile an indicator of the unit's level gets shows:

* a small chart (QtCharts) of the indicator over the periods on record — the series
  «Giá trị» — with its 2025 and 2030 targets drawn as flat lines («Mục tiêu 2025»,
  «Mục tiêu 2030»); a yes/no indicator (4.4, 5.1) shows its status in words instead;
* the latest value and a badge «Đạt» / «Chưa đạt» / «Chưa có số liệu»;
* next to the chart, the same figures as a table (``ui.models.progress_model``).

The indicators another level follows keep a tile that says «Không áp dụng ở cấp này»
(hidden by «Chỉ hiện chỉ tiêu của cấp này»). At a parent unit the values are its
consolidated ones, and a first panel charts its children's reports per report period:
on time, late, corrected, missing.

Every figure and verdict is the core's: ``qnapp.reports.progress.progress_table`` (the
rows of the year-end report's «Phụ lục II»), ``consolidation.completeness``; the page only
draws them. The trend axis is the report periods (6 tháng đầu năm and năm, as the report
appendix), the years, or the half-years.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QLocale, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.catalog import Indicator, Target
from qnapp.i18n import N_, _
from qnapp.reports.builder import target_cell, verdict
from qnapp.reports.progress import ProgressRow, latest_period_with_data, progress_periods, progress_table
from qnapp.workspace import Workspace
from ui.models.completeness_model import STATE_COLOURS
from ui.models.import_model import StatusPalette
from ui.models.progress_model import (
    MET_COLOURS,
    RECEIPT_STATES,
    FiguresModel,
    ReceiptsModel,
    short_label,
    state_title,
    value_text,
)

VALUE_SERIES = N_("Giá trị")
TARGET_SERIES = {2025: N_("Mục tiêu 2025"), 2030: N_("Mục tiêu 2030")}

# Trend axis choices: (label, ``progress_table``'s period_type).
AXIS_CHOICES = (
    (N_("Các kỳ báo cáo (6 tháng đầu năm, năm)"), None),
    (N_("Theo năm"), "year"),
    (N_("Theo 6 tháng"), "half"),
)

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
# Bars: the board's colours, a shade stronger so they read as filled areas.
BAR_COLOURS = {"on_time": QColor("#43a047"), "late": QColor("#f9a825"), "corrected": QColor("#5c8fc7"),
               "missing": QColor("#e57373")}

CHART_HEIGHT = 190
TILE_COLUMNS = 2  # at most; one when the page is too narrow for two whole tiles
TILE_SPACING = 8
RECEIPTS_CHART_MIN = 360  # narrower, the receipts chart goes above its table


def _vi_locale() -> QLocale:
    return QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def _small_font(delta: int = -1) -> QFont:
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


def _table(model, accessible_name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.setFont(_small_font())
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setFont(_small_font())
    table.horizontalHeader().setHighlightSections(False)
    return table


def _fit_columns(table: QTableView, padding: int = 12) -> int:
    """Each column as wide as its widest text plus some air; returns the total width."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    total = 0
    for column in range(table.model().columnCount()):
        width = max(table.sizeHintForColumn(column), header.sectionSizeHint(column)) + padding
        header.resizeSection(column, width)
        total += width
    return total


def _fit_height(table: QTableView, max_rows: int = 8) -> None:
    """Tall enough for its rows (up to ``max_rows``; a scroll bar beyond)."""
    rows = min(table.model().rowCount(), max_rows)
    height = table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


def _new_chart() -> QChart:
    chart = QChart()
    chart.setLocalizeNumbers(True)
    chart.setLocale(_vi_locale())
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().hide()  # the tile's key line names the series, with the targets' values
    return chart


def _chart_view(chart: QChart, accessible_name: str, height: int = CHART_HEIGHT) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(accessible_name)
    view.setMinimumHeight(height)
    view.setMinimumWidth(180)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    view.setFixedHeight(height)
    return view


def _year_axis(rows: Sequence[ProgressRow]) -> QCategoryAxis:
    """The trend's x axis: point i is ``rows[i]``'s period; each year is labelled once
    under its periods (S1 and year, or both halves), so 2021–2030 still fits a tile."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
    axis.setLabelsFont(_small_font(-2))
    axis.setStartValue(-0.5)
    ends: dict[int, float] = {}  # year -> end of its last period's slot
    for x, row in enumerate(rows):
        ends[row.period.year] = x + 0.5
    for year, end in ends.items():
        axis.append(str(year), end)
    if not rows:
        axis.append(" ", 0.5)
    axis.setRange(-0.5, max(len(rows), 1) - 0.5)
    axis.setGridLineVisible(True)
    return axis


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()  # deletes them
    for axis in chart.axes():
        chart.removeAxis(axis)
        axis.deleteLater()


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
        self.chart: QChart | None = None
        self.chart_view: QChartView | None = None
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
        self.targets_label.setFont(_small_font())
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
        self.table = _table(self.model, _("Số liệu của chỉ tiêu {code}").format(code=indicator.code))
        if indicator.is_bool:
            self.status_label = QLabel()
            self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.status_label.setWordWrap(True)
            self.status_label.setMinimumWidth(160)
            body.addWidget(self.status_label, 1)
        else:
            self.chart = _new_chart()
            self.chart_view = _chart_view(
                self.chart, _("Biểu đồ chỉ tiêu {code}").format(code=indicator.code))
            body.addWidget(self.chart_view, 5)
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
        width = _fit_columns(self.table) + 2 * self.table.frameWidth()
        if self.model.rowCount() > 8:
            width += self.table.verticalScrollBar().sizeHint().width()
        self.table.setFixedWidth(width + 2)
        _fit_height(self.table)

    def _draw(self, rows: list[ProgressRow]) -> None:
        chart = self.chart
        _clear(chart)
        x_axis = _year_axis(rows)
        y_axis = QValueAxis()
        y_axis.setLabelsFont(_small_font(-2))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        values = QLineSeries()
        values.setName(_(VALUE_SERIES))
        pen = QPen(VALUE_COLOUR, 2.5)
        values.setPen(pen)
        values.setPointsVisible(True)
        values.setMarkerSize(6)
        for x, row in enumerate(rows):
            if row.value is not None:
                values.append(float(x), float(row.value))
        numbers = [float(r.value) for r in rows if r.value is not None]
        series = [values]
        last_x = max(len(rows) - 1, 0)
        for year, name in TARGET_SERIES.items():
            target: Target | None = self.indicator.target(year)
            if target is None or target.op == "bool":
                continue
            line = QLineSeries()
            line.setName(_(name))
            line.setPen(QPen(TARGET_COLOURS[year], 1.6, TARGET_STYLES[year]))
            line.append(-0.5, float(target.value))
            line.append(last_x + 0.5, float(target.value))
            numbers.append(float(target.value))
            series.append(line)
        for item in series:
            chart.addSeries(item)
            item.attachAxis(x_axis)
            item.attachAxis(y_axis)
        if numbers:
            low, high, step = _y_scale(numbers, percent=self.indicator.unit.strip() == "%")
            y_axis.setRange(low, high)
            y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
            y_axis.setTickAnchor(0.0)
            y_axis.setTickInterval(step)
            y_axis.setLabelFormat("%.0f" if float(step).is_integer() else "%.1f")

    # -- what tests and screen readers ask ---------------------------------------------------
    def series(self, name: str) -> QLineSeries | None:
        if self.chart is None:
            return None
        return next((s for s in self.chart.series() if s.name() == name), None)


class DashboardPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        unit = workspace.unit
        catalog = workspace.catalog
        self.level = unit.level
        applies = {i.code for i in catalog.indicators_for(self.level)}
        from qnapp.consolidation import children_of  # lazy, as the main window does

        self.children = children_of(workspace)
        self.is_parent = bool(self.children)

        title = QLabel(_("<h2>Tiến độ thực hiện mục tiêu</h2>"))
        title.setObjectName("pageTitle")
        if self.is_parent:
            lead = _("{unit}: số liệu tổng hợp từ báo cáo của {count} đơn vị trực thuộc và số liệu của đơn vị.").format(
                unit=unit.full_name, count=len(self.children))
        else:
            lead = _("{unit}: số liệu của đơn vị qua các kỳ, so với mục tiêu năm 2025 và năm 2030.").format(
                unit=unit.full_name)
        lead_label = QLabel(lead)
        lead_label.setWordWrap(True)

        self.axis_combo = QComboBox()
        self.axis_combo.setAccessibleName(_("Trục thời gian"))
        for label, period_type in AXIS_CHOICES:
            self.axis_combo.addItem(_(label), period_type)
        axis_caption = QLabel(_("&Trục thời gian:"))
        axis_caption.setBuddy(self.axis_combo)
        self.level_only = QCheckBox(_("&Chỉ hiện chỉ tiêu của cấp này"))
        self.level_only.setChecked(True)  # opens on the unit's own indicators
        self.latest_period = None  # the newest period with a figure (the core's choice)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("dashboardSummary")
        self.summary_label.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(axis_caption)
        bar.addWidget(self.axis_combo)
        bar.addSpacing(16)
        bar.addWidget(self.level_only)
        bar.addStretch(1)

        content = QWidget()
        content.setObjectName("dashboardContent")
        content.setStyleSheet("QWidget#dashboardContent { background: #f3f5f7; }")
        column = QVBoxLayout(content)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(8)

        self.receipts_model: ReceiptsModel | None = None
        self.receipts_chart: QChart | None = None
        self.receipts_table: QTableView | None = None
        if self.is_parent:
            column.addWidget(self._receipts_panel())

        self.tiles: dict[str, IndicatorTile] = {}
        self.objective_headers: dict[int, QLabel] = {}
        self._grids: dict[int, QGridLayout] = {}
        for objective in catalog.objectives:
            indicators = [i for i in catalog.indicators if i.objective == objective.number]
            if not indicators:
                continue
            header = QLabel(_("<b>Mục tiêu {number}.</b> {name}").format(
                number=objective.number, name=objective.name))
            header.setWordWrap(True)
            header.setStyleSheet("font-size: 11pt; color: #1f3b57; padding-top: 4px;")
            self.objective_headers[objective.number] = header
            column.addWidget(header)
            grid = QGridLayout()
            grid.setHorizontalSpacing(TILE_SPACING)
            grid.setVerticalSpacing(TILE_SPACING)
            self._grids[objective.number] = grid
            column.addLayout(grid)
            for indicator in indicators:
                # Parented now: a tile hidden before its first placement stays in the page.
                self.tiles[indicator.code] = IndicatorTile(indicator, indicator.code in applies, content)
        column.addStretch(1)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        self.scroll.verticalScrollBar().setSingleStep(24)
        self._columns = TILE_COLUMNS
        self.scroll.viewport().installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(lead_label)
        layout.addLayout(bar)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.scroll, 1)

        self._place_tiles()
        self.refresh()
        self.axis_combo.currentIndexChanged.connect(self.refresh)
        self.level_only.toggled.connect(self._place_tiles)

    # -- public ----------------------------------------------------------------------------------
    @property
    def period_type(self) -> str | None:
        return self.axis_combo.currentData()

    def set_period_type(self, period_type: str | None) -> None:
        self.axis_combo.setCurrentIndex(self.axis_combo.findData(period_type))

    def refresh(self) -> None:
        """Read the figures again (after an entry or an import) and redraw every tile."""
        self.latest_period = latest_period_with_data(self.workspace, self.period_type)
        by_code: dict[str, list[ProgressRow]] = {}
        rows = progress_table(self.workspace, period_type=self.period_type)
        for row in rows:
            by_code.setdefault(row.indicator.code, []).append(row)
        for code, tile in self.tiles.items():
            tile.set_rows(by_code.get(code, []))
        if self.is_parent:
            # The report periods (S1 and year): those of the rows on the default axis.
            report_periods = (list(dict.fromkeys(r.period for r in rows)) if self.period_type is None
                              else progress_periods(self.workspace))
            self._refresh_receipts(report_periods)
        self._show_summary()
        self._reflow()

    def visible_tiles(self) -> list[IndicatorTile]:
        return [t for t in self.tiles.values() if not t.isHidden()]

    # -- layout ----------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._reflow()  # the viewport's own size: the page's is known before it is laid out
        return super().eventFilter(watched, event)

    def _room(self) -> int:
        """The width the tiles have inside the scroll area."""
        margins = self.scroll.widget().layout().contentsMargins()
        room = self.scroll.viewport().width() - margins.left() - margins.right()
        return room - self.scroll.verticalScrollBar().sizeHint().width()  # it may yet appear

    def fitting_columns(self) -> int:
        """Two tiles a row when two fit whole beside each other, else one (a 1024-pixel
        screen): a tile is never cut at the right edge."""
        tile = max((t.minimumSizeHint().width() for t in self.tiles.values() if t.applies), default=0)
        return max(1, min(TILE_COLUMNS, (self._room() + TILE_SPACING) // (tile + TILE_SPACING)))

    def _reflow(self) -> None:
        """Columns of tiles, and the receipts chart beside or above its table, for the
        width there is (tables change width with their figures, so after a refresh too)."""
        columns = self.fitting_columns()
        if columns != self._columns:
            self._columns = columns
            self._place_tiles()
        if self.receipts_table is not None:
            side = self.receipts_table.minimumWidth() + RECEIPTS_CHART_MIN + 4 * TILE_SPACING <= self._room()
            self._receipts_layout.setDirection(
                QBoxLayout.Direction.LeftToRight if side else QBoxLayout.Direction.TopToBottom)

    def _place_tiles(self, *_args) -> None:
        """Lay the tiles of each objective out in rows of ``fitting_columns()``; with «Chỉ
        hiện chỉ tiêu của cấp này», the tiles (and objectives) of other levels are left out."""
        only_mine = self.level_only.isChecked()
        columns = self._columns
        for number, grid in self._grids.items():
            tiles = [t for t in self.tiles.values() if t.indicator.objective == number]
            shown = [t for t in tiles if t.applies or not only_mine]
            for tile in tiles:
                grid.removeWidget(tile)
                tile.setVisible(tile in shown)
            for position, tile in enumerate(shown):
                grid.addWidget(tile, position // columns, position % columns)
            for c in range(TILE_COLUMNS):
                grid.setColumnStretch(c, 1 if c < columns else 0)
            self.objective_headers[number].setVisible(bool(shown))
        self._show_summary()

    def _show_summary(self) -> None:
        counts = {state: 0 for state in BADGE_COLOURS}
        for tile in self.tiles.values():
            counts[tile.state] += 1
        applicable = len(self.tiles) - counts[NOT_APPLICABLE]
        if self.latest_period is None:
            latest = _("Chưa có kỳ nào có số liệu.")
        else:
            latest = _("Kỳ gần nhất có số liệu: <b>{period}</b>.").format(period=self.latest_period.label)
        self.summary_label.setText(latest + " " +
            _("{applicable} trong {total} chỉ tiêu áp dụng ở {level}: "
              "<span style='color:{ok}'><b>{met}</b> đạt</span> · "
              "<span style='color:{bad}'><b>{not_met}</b> chưa đạt</span> · "
              "<b>{no_data}</b> chưa có số liệu (theo kỳ gần nhất có số liệu).").format(
                applicable=applicable, total=len(self.tiles), level=_(LEVEL_WORDS[self.level]),
                met=counts["met"], not_met=counts["not_met"], no_data=counts["no_data"],
                ok=StatusPalette.OK_FG.name(), bad=StatusPalette.BAD_FG.name()))

    # -- a parent's receipts ---------------------------------------------------------------------
    def _receipts_panel(self) -> QGroupBox:
        box = QGroupBox(_("Báo cáo của đơn vị trực thuộc đã nhận, theo kỳ báo cáo"))
        box.setObjectName("receiptsPanel")
        self.receipts_model = ReceiptsModel(box)
        self.receipts_chart = _new_chart()
        self.receipts_view = _chart_view(self.receipts_chart, _("Biểu đồ báo cáo đã nhận"), 220)
        self.receipts_table = _table(self.receipts_model, _("Số báo cáo đã nhận theo kỳ"))
        note = QLabel(_("«Đúng hạn»: bản đầu nhận trước hạn gửi; «Muộn»: nhận từ ngày hạn trở đi; "
                        "«Đã sửa»: đã nhận bản sửa đổi; «Chưa gửi»: chưa nhận được bản nào."))
        note.setWordWrap(True)
        note.setFont(_small_font())
        note.setStyleSheet("color: #37474f;")
        self.receipts_chart.legend().show()  # the colours of the states
        self.receipts_chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.receipts_chart.legend().setFont(_small_font(-1))
        right = QVBoxLayout()
        right.addWidget(self.receipts_table)
        right.addWidget(note)
        right.addStretch(1)
        self._receipts_note = note
        self._receipts_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, box)
        self._receipts_layout.addWidget(self.receipts_view, 1)
        self._receipts_layout.addLayout(right)
        return box

    def _refresh_receipts(self, periods: list) -> None:
        from qnapp.consolidation import completeness

        board = completeness(self.workspace, [p.id for p in periods])
        self.receipts_model.set_board(periods, board)
        table = self.receipts_table
        width = _fit_columns(table) + 2 * table.frameWidth() + 2
        if self.receipts_model.rowCount() > 8:
            width += table.verticalScrollBar().sizeHint().width()
        table.setFixedWidth(width)
        self._receipts_note.setFixedWidth(max(width, 260))
        _fit_height(table)

        chart = self.receipts_chart
        _clear(chart)
        bars = QStackedBarSeries()
        for state in RECEIPT_STATES:
            bar_set = QBarSet(state_title(state))
            bar_set.setColor(BAR_COLOURS[state])
            bar_set.setBorderColor(STATE_COLOURS[state][1])
            for period in periods:
                bar_set.append(self.receipts_model.count(period.id, state))
            bars.append(bar_set)
        bars.setBarWidth(0.45)
        chart.addSeries(bars)
        x_axis = QBarCategoryAxis()
        x_axis.append([short_label(p) for p in periods] or [""])
        x_axis.setLabelsFont(_small_font(-2))
        y_axis = QValueAxis()
        y_axis.setRange(0, max(len(self.children), 1))
        y_axis.setLabelFormat("%.0f")
        y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        y_axis.setTickAnchor(0)
        y_axis.setTickInterval(max(1, round(len(self.children) / 5)))
        y_axis.setLabelsFont(_small_font(-2))
        y_axis.setTitleText(_("đơn vị"))
        y_axis.setTitleFont(_small_font(-2))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(x_axis)
        bars.attachAxis(y_axis)

    def receipts_series(self) -> QStackedBarSeries | None:
        if self.receipts_chart is None:
            return None
        return next(iter(self.receipts_chart.series()), None)
