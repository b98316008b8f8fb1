"""«Tiến độ mục tiêu»: where the plan stands, one tile for each of its 24 indicators.

Each tile an indicator of the unit's level gets shows:

* a small chart (``ui.widgets.chart``) of the indicator over the periods on record — the series
  «Giá trị» — with its 2025 and 2030 targets drawn as flat lines («Mục tiêu 2025»,
  «Mục tiêu 2030»); a yes/no indicator (4.4, 5.1) shows its status in words instead;
* the latest value and a badge «Đạt» / «Chưa đạt» / «Chưa có số liệu»;
* next to the chart, the same figures as a table (``ui.models.progress_model``).

The indicators another level follows keep a tile that says «Không áp dụng ở cấp này»,
hidden while «Chỉ hiện chỉ tiêu của cấp này» is ticked, as it is on opening; the summary
names the latest period with figures (``latest_period_with_data``). At a parent unit the
values are its consolidated ones, and a first panel charts its children's reports per
report period: on time, late, corrected, missing. Tiles (``ui.pages.dashboard_tiles``) go
two a row, or one when two would be cut off (a 1024-pixel screen).

Every figure and verdict is the core's: ``qnapp.reports.progress.progress_table`` (the
rows of the year-end report's «Phụ lục II»), ``consolidation.completeness``; the page only
draws them. The trend axis is the report periods (6 tháng đầu năm and năm, as the report
appendix), the years, or the half-years.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import N_, _
from qnapp.reports.progress import ProgressRow, latest_period_with_data, progress_periods, progress_table
from qnapp.workspace import Workspace
from ui.models.completeness_model import STATE_COLOURS
from ui.models.import_model import StatusPalette
from ui.models.progress_model import RECEIPT_STATES, ReceiptsModel, short_label, state_title
from ui.pages.dashboard_tiles import (
    BADGE_COLOURS,
    LEVEL_WORDS,
    NOT_APPLICABLE,
    IndicatorTile,
    figures_table,
    fit_columns,
    fit_height,
    small_font,
)
from ui.widgets.chart import BarSet, Chart, ChartData, YAxis

# Trend axis choices: (label, ``progress_table``'s period_type).
AXIS_CHOICES = (
    (N_("Các kỳ báo cáo (6 tháng đầu năm, năm)"), None),
    (N_("Theo năm"), "year"),
    (N_("Theo 6 tháng"), "half"),
)

# Bars: the board's colours, a shade stronger so they read as filled areas.
BAR_COLOURS = {"on_time": QColor("#43a047"), "late": QColor("#f9a825"), "corrected": QColor("#5c8fc7"),
               "missing": QColor("#e57373")}

TILE_COLUMNS = 2  # at most; one when the page is too narrow for two whole tiles
TILE_SPACING = 8
RECEIPTS_CHART_MIN = 360  # narrower, the receipts chart goes above its table


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
        self.receipts_chart: Chart | None = None
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
        self.receipts_chart = Chart(_("Biểu đồ báo cáo đã nhận"), 220)
        self.receipts_table = figures_table(self.receipts_model, _("Số báo cáo đã nhận theo kỳ"))
        note = QLabel(_("«Đúng hạn»: bản đầu nhận trước hạn gửi; «Muộn»: nhận từ ngày hạn trở đi; "
                        "«Đã sửa»: đã nhận bản sửa đổi; «Chưa gửi»: chưa nhận được bản nào."))
        note.setWordWrap(True)
        note.setFont(small_font())
        note.setStyleSheet("color: #37474f;")
        right = QVBoxLayout()
        right.addWidget(self.receipts_table)
        right.addWidget(note)
        right.addStretch(1)
        self._receipts_note = note
        self._receipts_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, box)
        self._receipts_layout.addWidget(self.receipts_chart, 1)
        self._receipts_layout.addLayout(right)
        return box

    def _refresh_receipts(self, periods: list) -> None:
        from qnapp.consolidation import completeness

        board = completeness(self.workspace, [p.id for p in periods])
        self.receipts_model.set_board(periods, board)
        table = self.receipts_table
        width = fit_columns(table) + 2 * table.frameWidth() + 2
        if self.receipts_model.rowCount() > 8:
            width += table.verticalScrollBar().sizeHint().width()
        table.setFixedWidth(width)
        self._receipts_note.setFixedWidth(max(width, 260))
        fit_height(table)

        bar_sets = [BarSet(state_title(state), [float(self.receipts_model.count(p.id, state)) for p in periods],
                           BAR_COLOURS[state], STATE_COLOURS[state][1]) for state in RECEIPT_STATES]
        units = max(len(self.children), 1)
        self.receipts_chart.show_data(ChartData(
            bar_sets=bar_sets, key=True,  # the key: the colours of the states
            x_labels=[(short_label(p), x - 0.5, x + 0.5) for x, p in enumerate(periods)] or [("", -0.5, 0.5)],
            x_range=(-0.5, max(len(periods), 1) - 0.5),
            y=YAxis(0, units, max(1, round(len(self.children) / 5)), 0, _("đơn vị"))))

    def receipts_series(self) -> list[BarSet] | None:
        """The stacked bars: one set a state, one value a report period."""
        if self.receipts_chart is None:
            return None
        return self.receipts_chart.bar_sets
