"""The entry grid of one period as a table: objectives › indicators › data elements.

A thin adapter over ``Workspace.grid(period)``: rows are cached DTOs rebuilt from the core
after every stored value, so computed indicators, derived totals and rule-linked rows
always show what the core says. Editing calls ``Workspace.set_cell``; a value the core
refuses is kept visible in its cell, flagged, and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from qnapp.catalog import DataElement, Indicator, Target
from qnapp.errors import QnappError
from qnapp.i18n import N_, _
from qnapp.periods import parse_period
from qnapp.text import format_number
from qnapp.workspace import PERIOD_TYPE_NAMES, ElementRow, Grid, IndicatorBlock, ObjectiveBlock, Workspace

AnyIndex = QModelIndex | QPersistentModelIndex


class Col:
    NAME, MALE, FEMALE, TOTAL, UNIT, RESULT, TARGET_2025, TARGET_2030, MET = range(9)


COLUMN_TITLES = (
    N_("Chỉ tiêu / số liệu"),
    N_("Nam"),
    N_("Nữ"),
    N_("Tổng"),
    N_("Đơn vị"),
    N_("Kết quả"),
    N_("Mục tiêu 2025"),
    N_("Mục tiêu 2030"),
    N_("Đạt?"),
)
CATEGORY_OF_COLUMN = {Col.MALE: "nam", Col.FEMALE: "nu", Col.TOTAL: ""}
INDICATOR_NAME_SPAN = Col.RESULT  # an indicator's name runs over the value columns

OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


class RowKind(Enum):
    OBJECTIVE = "objective"
    INDICATOR = "indicator"
    ELEMENT = "element"


@dataclass(frozen=True)
class Row:
    kind: RowKind
    objective: ObjectiveBlock
    block: IndicatorBlock | None = None
    element: ElementRow | None = None


@dataclass(frozen=True)
class Rejected:
    text: str  # what the user typed, shown in the cell until corrected
    message: str


class Palette:
    OBJECTIVE_BG = QColor("#d6e4f0")
    INDICATOR_BG = QColor("#edf3f9")
    DERIVED_BG = QColor("#efefef")
    NOT_APPLICABLE_BG = QColor("#f6f6f6")
    DERIVED_FG = QColor("#555555")
    ERROR_BG = QColor("#ffcdd2")
    ERROR_FG = QColor("#8e0000")
    MET_BG = QColor("#d7f0d8")
    MET_FG = QColor("#1b5e20")
    UNMET_BG = QColor("#fde0dc")
    UNMET_FG = QColor("#b71c1c")
    UNKNOWN_FG = QColor("#6b6b6b")


def value_text(element: DataElement, value: float | None) -> str:
    """A stored value as typed: "1.234", "12,5", or có / không."""
    if value is None:
        return ""
    if element.value_type == "bool":
        return _("có") if value else _("không")
    return format_number(value)


def format_indicator_value(indicator: Indicator, value: float | None, decimals: int | None = 1) -> str:
    """A result (one decimal) or a target value (as written): "90,0%", "1,7", "Có"."""
    if value is None:
        return ""
    if indicator.is_bool:
        return _("Có") if value else _("Chưa")
    if indicator.unit == "%":
        return format_number(value, decimals) + "%"
    return format_number(value, decimals)


def format_target(indicator: Indicator, target: Target | None) -> str:
    if target is None:
        return ""
    if target.op == "bool":
        return _("Có") if target.value else _("Không")
    sign = OP_SIGNS.get(target.op, target.op)
    return "{} {}".format(sign, format_indicator_value(indicator, target.value, None))


def indicator_title(indicator: Indicator) -> str:
    if indicator.unit in ("%", "") or indicator.is_bool:
        return _("Chỉ tiêu {code}: {name}").format(code=indicator.code, name=indicator.name)
    return _("Chỉ tiêu {code}: {name} (đơn vị: {unit})").format(
        code=indicator.code, name=indicator.name, unit=indicator.unit
    )


class EntryModel(QAbstractTableModel):
    cellRejected = Signal(str)  # the Vietnamese message of a refused value
    cellSaved = Signal(str)  # a short confirmation
    valuesChanged = Signal()  # after a value was stored

    def __init__(self, workspace: Workspace, period_id: str | None = None, parent=None):
        super().__init__(parent)
        self._workspace = workspace
        self._period_id: str | None = None
        self._rows: list[Row] = []
        self._rejected: dict[tuple[str, str], Rejected] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        if period_id:
            self.set_period(period_id)

    # -- loading ------------------------------------------------------------------
    @property
    def period_id(self) -> str | None:
        return self._period_id

    def set_period(self, period_id: str) -> None:
        self.beginResetModel()
        period = parse_period(period_id)
        self._period_id = period.id
        self._rejected.clear()
        self._rows = _rows_of(self._workspace.grid(self._period_id))
        self.endResetModel()

    def reload(self) -> None:
        """Re-read the period from the core; keeps rows (and the view's current cell)."""
        if self._period_id is None:
            return
        rows = _rows_of(self._workspace.grid(self._period_id))
        if [r.kind for r in rows] != [r.kind for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        self._rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMN_TITLES) - 1))

    # -- structure -----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMN_TITLES):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMN_TITLES[section])
            if role == Qt.ItemDataRole.ToolTipRole and section == Col.MET:
                return _("So với mục tiêu của mốc gần nhất (2025, rồi 2030)")
        return None

    def row_kind(self, row: int) -> RowKind:
        return self._rows[row].kind

    def is_editable(self, row: int, column: int) -> bool:
        if not (0 <= row < len(self._rows)) or column not in CATEGORY_OF_COLUMN:
            return False
        element = self._rows[row].element
        if element is None or not element.editable:
            return False
        return element.element.disaggregated or column == Col.TOTAL

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def element_at(self, index: AnyIndex) -> ElementRow | None:
        return self._rows[index.row()].element if index.isValid() else None

    def is_bool(self, index: AnyIndex) -> bool:
        element = self.element_at(index)
        return element is not None and element.element.value_type == "bool"

    def message_at(self, index: AnyIndex) -> str | None:
        rejected = self._rejected_at(index)
        return rejected.message if rejected else None

    def rejected_count(self) -> int:
        return len(self._rejected)

    # -- data ------------------------------------------------------------------------
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], index.column()
        if row.kind is RowKind.OBJECTIVE:
            return self._objective_data(row, column, role)
        if row.kind is RowKind.INDICATOR:
            return self._indicator_data(row, column, role)
        return self._element_data(index, row, column, role)

    def _objective_data(self, row: Row, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole and column == Col.NAME:
            return _("Mục tiêu {number}: {name}").format(number=row.objective.number, name=row.objective.name)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(Palette.OBJECTIVE_BG)
        return None

    def _indicator_data(self, row: Row, column: int, role: int):
        block = row.block
        indicator, result = block.indicator, block.result
        met = {Col.TARGET_2025: result.met_2025, Col.TARGET_2030: result.met_2030}
        met[Col.RESULT] = met[Col.MET] = result.met
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Col.NAME:
                return indicator_title(indicator)
            if column == Col.RESULT:
                return format_indicator_value(indicator, result.value) or "—"
            if column == Col.TARGET_2025:
                return format_target(indicator, indicator.target(2025))
            if column == Col.TARGET_2030:
                return format_target(indicator, indicator.target(2030))
            if column == Col.MET:
                return _met_text(met[Col.MET], result.value)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Col.NAME:
                return indicator.name
            if column == Col.RESULT and result.value is None:
                return _("Chưa đủ số liệu để tính chỉ tiêu này.")
            if column == Col.MET:
                return _("So với mục tiêu năm {year}.").format(year=result.milestone)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column in (Col.NAME, Col.RESULT, Col.MET) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= Col.RESULT:
            return int(Qt.AlignmentFlag.AlignCenter)
        if column in met and result.value is not None and met[column] is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(Palette.MET_BG if met[column] else Palette.UNMET_BG)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(Palette.MET_FG if met[column] else Palette.UNMET_FG)
        elif role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(Palette.INDICATOR_BG)
        elif role == Qt.ItemDataRole.ForegroundRole and column in met:
            return QBrush(Palette.UNKNOWN_FG)
        return None

    def _element_data(self, index: AnyIndex, row: Row, column: int, role: int):
        element_row = row.element
        element = element_row.element
        category = CATEGORY_OF_COLUMN.get(column)
        applicable = category is not None and (element.disaggregated or category == "")
        rejected = self._rejected_at(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == Col.NAME:
                return element.name
            if column == Col.UNIT:
                return element.unit_of_count
            if not applicable:
                return None
            if rejected:
                return rejected.text
            return value_text(element, element_row.values.get(category))
        if role == Qt.ItemDataRole.ToolTipRole:
            if rejected:
                return rejected.message
            if not element_row.editable and (column == Col.NAME or applicable):
                return _("Tự tính từ số liệu theo {type}; không nhập lại ở đây.").format(
                    type=PERIOD_TYPE_NAMES[element.period_type]
                )
            if column == Col.NAME:
                return element.name
            if column == Col.TOTAL and element.disaggregated and element_row.editable:
                return _("Tổng = nam + nữ; nhập tổng lớn hơn khi có người chưa rõ giới tính.")
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if rejected:
                return QBrush(Palette.ERROR_BG)
            if not element_row.editable:
                return QBrush(Palette.DERIVED_BG)
            if category is not None and not applicable:
                return QBrush(Palette.NOT_APPLICABLE_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if rejected:
                return QBrush(Palette.ERROR_FG)
            if not element_row.editable:
                return QBrush(Palette.DERIVED_FG)
            return None
        if role == Qt.ItemDataRole.FontRole and not element_row.editable:
            return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and category is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _rejected_at(self, index: AnyIndex) -> Rejected | None:
        if not self._rejected or index.column() not in CATEGORY_OF_COLUMN:
            return None
        element = self._rows[index.row()].element
        if element is None:
            return None
        return self._rejected.get((element.element.code, CATEGORY_OF_COLUMN[index.column()]))

    # -- editing ----------------------------------------------------------------------
    def setData(self, index: AnyIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.is_editable(index.row(), index.column()):
            return False
        element_row = self._rows[index.row()].element
        code, category = element_row.element.code, CATEGORY_OF_COLUMN[index.column()]
        text = "" if value is None else str(value)
        key = (code, category)
        unchanged = text.strip() == value_text(element_row.element, element_row.values.get(category))
        if unchanged and key not in self._rejected:
            return False  # nothing to store
        try:
            stored = self._workspace.set_cell(self._period_id, code, category, text)
        except QnappError as err:
            self._rejected[key] = Rejected(text, str(err))
            self.dataChanged.emit(index, index)
            self.cellRejected.emit(str(err))
            return False
        self._rejected.pop(key, None)
        self.reload()
        self.cellSaved.emit(_saved_text(element_row, category, stored))
        self.valuesChanged.emit()
        return True

    def clear_cell(self, index: AnyIndex) -> bool:
        """Delete the stored value of an editable cell (the Delete key)."""
        return self.setData(index, "", Qt.ItemDataRole.EditRole)

    def discard_rejected(self, index: AnyIndex) -> bool:
        """Forget a refused entry: the cell shows the stored value again (the Esc key)."""
        element = self.element_at(index)
        if element is None or index.column() not in CATEGORY_OF_COLUMN:
            return False
        if self._rejected.pop((element.element.code, CATEGORY_OF_COLUMN[index.column()]), None) is None:
            return False
        self.dataChanged.emit(index, index)
        return True


def _rows_of(grid: Grid) -> list[Row]:
    rows: list[Row] = []
    for objective in grid.objectives:
        rows.append(Row(RowKind.OBJECTIVE, objective))
        for block in objective.indicators:
            rows.append(Row(RowKind.INDICATOR, objective, block))
            rows.extend(Row(RowKind.ELEMENT, objective, block, element) for element in block.rows)
    return rows


def _met_text(met: bool | None, value: float | None) -> str:
    if value is None:
        return _("Chưa đủ số liệu")
    if met is None:
        return "—"
    return _("Đạt") if met else _("Chưa đạt")


def _saved_text(element_row: ElementRow, category: str, value: float | None) -> str:
    part = {"nam": _("nam"), "nu": _("nữ"), "": _("tổng")}[category]
    if value is None:
        return _("Đã xóa «{name}» ({part}).").format(name=element_row.element.name, part=part)
    return _("Đã lưu «{name}» ({part}): {value}.").format(
        name=element_row.element.name, part=part, value=value_text(element_row.element, value)
    )
