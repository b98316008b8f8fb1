"""The figures next to the dashboard's charts (``ui.pages.dashboard``), as small tables.

* ``FiguresModel``: one indicator over the periods on record — «Kỳ», «Giá trị», «Đánh
  giá». Rows are ``qnapp.reports.progress.ProgressRow`` (the figures of the year-end
  report's «Phụ lục II»); values and verdicts are worded by the report builder's own
  ``value_cell`` / ``verdict``, so the screen and the printed report say the same.
* ``ReceiptsModel``: at a parent, its children's reports per report period — «Đúng hạn»,
  «Muộn», «Đã sửa», «Chưa gửi» — counted from ``qnapp.consolidation.completeness``.

Like the other models they hold the plain data handed to them and only format it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from qnapp.i18n import N_, _
from qnapp.periods import Period
from qnapp.reports.builder import value_cell, verdict
from qnapp.reports.progress import ProgressRow
from qnapp.text import format_number
from ui.models.completeness_model import STATE_COLOURS
from ui.models.import_model import StatusPalette

VALUE_ROLE = Qt.ItemDataRole.UserRole + 31  # the number behind a value / count cell (or None)
MET_ROLE = Qt.ItemDataRole.UserRole + 32  # True / False / None: the core's «met»
PERIOD_ROLE = Qt.ItemDataRole.UserRole + 33  # period id

FIG_PERIOD, FIG_VALUE, FIG_MET = range(3)
_FIGURE_TITLES = (N_("Kỳ"), N_("Giá trị"), N_("Đánh giá"))

_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter

# met -> (background, foreground): «Đạt» green, «Chưa đạt» red, no figures grey.
MET_COLOURS = {
    True: (StatusPalette.OK_BG, StatusPalette.OK_FG),
    False: (StatusPalette.BAD_BG, StatusPalette.BAD_FG),
    None: (StatusPalette.NONE_BG, StatusPalette.NONE_FG),
}


def short_label(period: Period, *, lines: bool = False) -> str:
    """A period as a chart axis shows it: «2024», «6T đầu 2024», «6T cuối 2024»
    (``lines``: the half-year's words above its year, for a narrow axis)."""
    if period.type == "half":
        words = _("6T đầu") if period.index == 1 else _("6T cuối")
        return "{words}{sep}{year}".format(words=words, sep="<br>" if lines else " ", year=period.year)
    if period.type == "year":
        return str(period.year)
    return period.label


def value_text(row: ProgressRow) -> str:
    """The value as the report prints it: «90,9%», «112,3», «Có» ("" without figures)."""
    return value_cell(row.indicator, row.value).text


class FiguresModel(QAbstractTableModel):
    """One indicator's value and verdict per period, oldest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ProgressRow] = []

    def set_rows(self, rows: Sequence[ProgressRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> ProgressRow:
        return self._rows[row]

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_FIGURE_TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(_FIGURE_TITLES):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(_FIGURE_TITLES[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(_RIGHT if section == FIG_VALUE else _LEFT)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FIG_PERIOD:
                return short_label(row.period)
            if column == FIG_VALUE:
                return value_text(row)
            if column == FIG_MET:
                return verdict(row.met)
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == FIG_PERIOD:
                return "{} ({})".format(row.period.label, row.period.range_label)
            if column == FIG_MET:
                return _("So với mục tiêu năm {year}").format(year=row.milestone)
            if column == FIG_VALUE and row.value is not None and not row.indicator.is_bool:
                return "{} {}".format(value_text(row), row.indicator.unit).strip()
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column == FIG_VALUE else (_CENTER if column == FIG_MET else _LEFT))
        elif role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and column == FIG_MET:
            background, foreground = MET_COLOURS[row.met]
            return background if role == Qt.ItemDataRole.BackgroundRole else foreground
        elif role == VALUE_ROLE:
            return row.value if column == FIG_VALUE else None
        elif role == MET_ROLE:
            return row.met
        elif role == PERIOD_ROLE:
            return row.period.id
        return None


# The states of the completeness board, in the order the bars stack.
RECEIPT_STATES = ("on_time", "late", "corrected", "missing")
_STATE_TITLES = {
    "on_time": N_("Đúng hạn"),
    "late": N_("Muộn"),
    "corrected": N_("Đã sửa"),
    "missing": N_("Chưa gửi"),
}


def state_title(state: str) -> str:
    return _(_STATE_TITLES[state])


class ReceiptsModel(QAbstractTableModel):
    """Rows: report periods, oldest first; columns: «Kỳ», then each state's count."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._periods: list[Period] = []
        self._counts: list[Counter] = []

    def set_board(self, periods: Sequence[Period], board: Sequence[Sequence[Any]]) -> None:
        """``board`` as ``consolidation.completeness`` returns it for these periods:
        rows = children, columns = ``periods``."""
        self.beginResetModel()
        self._periods = list(periods)
        self._counts = [Counter(cells[i].state for cells in board) for i in range(len(self._periods))]
        self.endResetModel()

    @property
    def periods(self) -> list[Period]:
        return list(self._periods)

    def count(self, period_id: str, state: str) -> int:
        for period, counts in zip(self._periods, self._counts):
            if period.id == period_id:
                return counts[state]
        raise KeyError(period_id)

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._periods)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1 + len(RECEIPT_STATES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section <= len(RECEIPT_STATES):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _("Kỳ") if section == 0 else state_title(RECEIPT_STATES[section - 1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_LEFT if section == 0 else _RIGHT)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._periods):
            return None
        period, counts, column = self._periods[index.row()], self._counts[index.row()], index.column()
        state = RECEIPT_STATES[column - 1] if column > 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return period.label if state is None else format_number(counts[state])
        if role == Qt.ItemDataRole.ToolTipRole and state is None:
            return period.range_label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_LEFT if state is None else _RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and state is not None and counts[state]:
            return STATE_COLOURS[state][1]
        if role == VALUE_ROLE and state is not None:
            return counts[state]
        if role == PERIOD_ROLE:
            return period.id
        return None
