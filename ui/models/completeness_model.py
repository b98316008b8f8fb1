"""A parent unit's view of its children, as tables (``qnapp.consolidation`` does the work).

* ``CompletenessModel``: the board, children (rows) × periods (columns), each cell worded
  and coloured by the core's state: «Đúng hạn», «Muộn», «Chưa gửi», «Đã sửa (lần n)».
* ``ConsolidatedModel``: the period's consolidated elements, Nam / Nữ / Tổng.
* ``DrillDownModel``: one element's value at each child.

The models hold plain data handed to them by the page (``set_board``, ``set_values``,
``set_rows``) and format it; they never query the workspace themselves, so the page decides
when the database is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from qnapp.catalog import DataElement
from qnapp.i18n import N_, _
from qnapp.periods import parse_period
from qnapp.text import format_number
from qnapp.units import Unit
from qnapp.validation import effective_total
from ui.models.import_model import KEY_ROLE, STATUS_ROLE, StatusPalette, short_digest, timestamp_date

UNIT_ROLE = Qt.ItemDataRole.UserRole + 21  # unit key "tree:code"
ELEMENT_ROLE = Qt.ItemDataRole.UserRole + 22  # data element code
VALUE_ROLE = Qt.ItemDataRole.UserRole + 23  # the number behind a value cell (or None)

_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter

# state -> (background, foreground)
STATE_COLOURS = {
    "on_time": (StatusPalette.OK_BG, StatusPalette.OK_FG),
    "late": (StatusPalette.WAIT_BG, StatusPalette.WAIT_FG),
    "missing": (StatusPalette.BAD_BG, StatusPalette.BAD_FG),
    "corrected": (StatusPalette.INFO_BG, StatusPalette.INFO_FG),
}


def state_text(cell) -> str:
    """The word a board cell shows. A correction counts from the second revision: revision
    2 is «Đã sửa (lần 1)»."""
    if cell.state == "on_time":
        return _("Đúng hạn")
    if cell.state == "late":
        return _("Muộn")
    if cell.state == "missing":
        return _("Chưa gửi")
    if cell.state == "corrected":
        return _("Đã sửa (lần {n})").format(n=max((cell.revision or 2) - 1, 1))
    return cell.state


def state_tooltip(cell) -> str:
    if cell.state == "missing" or cell.revision is None:
        return _("Chưa nhận được báo cáo kỳ này.")
    return _("Bản thứ {revision} · mã gói {digest} · nhận ngày {date}").format(
        revision=cell.revision, digest=short_digest(cell.digest), date=timestamp_date(cell.received_at)
    )


def received(cell) -> bool:
    return cell.state != "missing"


class CompletenessModel(QAbstractTableModel):
    """Column 0 is the child's full name; columns 1… are the periods, oldest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._units: list[Unit] = []
        self._periods: list[str] = []
        self._cells: list[list[Any]] = []  # [row][period] -> consolidation.ChildCell

    def set_board(self, units: Sequence[Unit], period_ids: Sequence[str], cells: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._units = list(units)
        self._periods = list(period_ids)
        self._cells = [list(row) for row in cells]
        self.endResetModel()

    # -- lookups ----------------------------------------------------------------------
    @property
    def period_ids(self) -> list[str]:
        return list(self._periods)

    def unit(self, row: int) -> Unit:
        return self._units[row]

    def unit_row(self, unit_key: str) -> int:
        for row, unit in enumerate(self._units):
            if unit.key == unit_key:
                return row
        return -1

    def cell(self, row: int, period_id: str):
        return self._cells[row][self._periods.index(period_id)]

    def column_of(self, period_id: str) -> int:
        return self._periods.index(period_id) + 1 if period_id in self._periods else -1

    def summary(self, period_id: str) -> tuple[int, int]:
        """(children whose report for ``period_id`` arrived, children)."""
        if period_id not in self._periods:
            return 0, len(self._units)
        column = self._periods.index(period_id)
        return sum(1 for row in self._cells if received(row[column])), len(self._units)

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._units)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1 + len(self._periods)

    def flags(self, index):
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._units)):
            return None
        row, column = index.row(), index.column()
        if not 0 <= column <= len(self._periods):
            return None
        unit = self._units[row]
        if role == UNIT_ROLE:
            return unit.key
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return unit.full_name
            return None
        cell = self._cells[row][column - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return state_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return state_tooltip(cell)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "{}: {}".format(unit.full_name, state_text(cell))
        if role == STATUS_ROLE:
            return cell.state
        if role == KEY_ROLE:
            return cell.digest
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        colours = STATE_COLOURS.get(cell.state)
        if colours is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(colours[0])
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(colours[1])
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section <= len(self._periods):
            if section == 0:
                return _("Đơn vị") if role == Qt.ItemDataRole.DisplayRole else None
            period = parse_period(self._periods[section - 1])
            if role == Qt.ItemDataRole.DisplayRole:
                return period.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return period.range_label
            return None
        return super().headerData(section, orientation, role)


# -- values ---------------------------------------------------------------------------------

(VAL_NAME, VAL_MALE, VAL_FEMALE, VAL_TOTAL) = range(4)
VALUE_TITLES = (N_("Chỉ số"), N_("Nam"), N_("Nữ"), N_("Tổng"))
_CATEGORY_OF = {VAL_MALE: "nam", VAL_FEMALE: "nu"}


def _value_at(element: DataElement, values: Mapping[tuple[str, str], float], column: int) -> float | None:
    if column == VAL_TOTAL:
        return effective_total(values, element)
    if not element.disaggregated:
        return None
    return values.get((element.code, _CATEGORY_OF[column]))


def _number_text(element: DataElement, value: float | None) -> str:
    if value is None:
        return ""
    if element.value_type == "bool":
        return _("có") if value else _("không")
    return format_number(value)


class ConsolidatedModel(QAbstractTableModel):
    """One row per data element: its name, then the consolidated Nam, Nữ and Tổng."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._elements: list[DataElement] = []
        self._values: dict[tuple[str, str], float] = {}
        self._rows: dict[int, tuple[str, ...]] = {}

    def set_values(self, elements: Sequence[DataElement], values: Mapping[tuple[str, str], float]) -> None:
        self.beginResetModel()
        self._elements = list(elements)
        self._values = dict(values)
        self._rows = {}
        self.endResetModel()

    def element(self, row: int) -> DataElement:
        return self._elements[row]

    def row_of(self, code: str) -> int:
        for row, element in enumerate(self._elements):
            if element.code == code:
                return row
        return -1

    def value(self, row: int, column: int) -> float | None:
        return _value_at(self._elements[row], self._values, column)

    def _texts(self, row: int) -> tuple[str, ...]:
        cached = self._rows.get(row)
        if cached is None:
            element = self._elements[row]
            cached = (element.name,) + tuple(
                _number_text(element, _value_at(element, self._values, c)) for c in (VAL_MALE, VAL_FEMALE, VAL_TOTAL)
            )
            self._rows[row] = cached
        return cached

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._elements)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(VALUE_TITLES)

    def flags(self, index):
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._elements)):
            return None
        row, column = index.row(), index.column()
        if not 0 <= column < len(VALUE_TITLES):
            return None
        element = self._elements[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(row)[column]
        if role == ELEMENT_ROLE:
            return element.code
        if role == VALUE_ROLE:
            return None if column == VAL_NAME else self.value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != VAL_NAME:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == VAL_NAME:
                return element.name
            if column != VAL_TOTAL and not element.disaggregated:
                return _("Chỉ số này không tách theo giới tính.")
            return None
        if role == Qt.ItemDataRole.BackgroundRole and column in (VAL_MALE, VAL_FEMALE) and not element.disaggregated:
            return QBrush(StatusPalette.NONE_BG)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(VALUE_TITLES):
            return _(VALUE_TITLES[section]) if role == Qt.ItemDataRole.DisplayRole else None
        return super().headerData(section, orientation, role)


class DrillDownModel(QAbstractTableModel):
    """One element at each child: the child's name, then its Nam, Nữ and Tổng; a child
    with no value shows «chưa gửi»."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._element: DataElement | None = None
        self._units: list[Unit] = []
        self._values: list[dict[tuple[str, str], float]] = []

    def set_rows(self, element: DataElement | None, rows: Sequence[tuple[Unit, Mapping[str, float | None]]]) -> None:
        """``rows``: (child, {category: value or None}) in the order to show."""
        self.beginResetModel()
        self._element = element
        self._units = [unit for unit, _values in rows]
        self._values = []
        if element is not None:
            for _unit, by_category in rows:
                self._values.append(
                    {(element.code, cat): v for cat, v in by_category.items() if v is not None}
                )
        self.endResetModel()

    @property
    def element(self) -> DataElement | None:
        return self._element

    def unit(self, row: int) -> Unit:
        return self._units[row]

    def value(self, row: int, column: int) -> float | None:
        if self._element is None:
            return None
        return _value_at(self._element, self._values[row], column)

    def has_value(self, row: int) -> bool:
        return bool(self._values[row])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._element is None else len(self._units)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(VALUE_TITLES)

    def flags(self, index):
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if self._element is None or not index.isValid() or not (0 <= index.row() < len(self._units)):
            return None
        row, column = index.row(), index.column()
        if not 0 <= column < len(VALUE_TITLES):
            return None
        element, unit = self._element, self._units[row]
        applies = column == VAL_TOTAL or (column != VAL_NAME and element.disaggregated)
        missing = not self._values[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == VAL_NAME:
                return unit.full_name
            if not applies:
                return ""
            if missing:
                return _("chưa gửi")
            return _number_text(element, self.value(row, column))
        if role == UNIT_ROLE:
            return unit.key
        if role == VALUE_ROLE:
            return self.value(row, column) if applies else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column != VAL_NAME:
            return _RIGHT
        if missing and applies:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(StatusPalette.NONE_FG)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("{unit} chưa gửi số liệu này cho kỳ đang xem.").format(unit=unit.full_name)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(VALUE_TITLES):
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return _("Đơn vị") if section == VAL_NAME else _(VALUE_TITLES[section])
        return super().headerData(section, orientation, role)
