"""The entry grid of one period as a table: objectives › indicators › data elements.

A thin adapter over ``Workspace.grid(period)``: rows are cached DTOs from the core. After
a stored value only what it touches is refreshed (``Workspace.cell_update``: the element's
row with its derived total, and the indicators that read it), so a commit costs one cell,
not the whole grid. Editing calls ``Workspace.set_cell``; a value the core refuses is kept
visible in its cell, flagged, and never stored. While the period is locked (its report was
sent) no cell is editable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from qnapp.errors import QnappError
from qnapp.i18n import N_, _
from qnapp.periods import parse_period
from qnapp.text import in_sentence
from qnapp.workspace import (
    PERIOD_TYPE_NAMES,
    CellUpdate,
    ElementRow,
    Grid,
    IndicatorBlock,
    ObjectiveBlock,
    Workspace,
)
from ui.models.entry_format import (
    Palette,
    format_indicator_value,
    format_target,
    indicator_title,
    met_text,
    value_text,
)

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
CATEGORY_NAMES = {"nam": N_("nam"), "nu": N_("nữ"), "": N_("tổng")}
INDICATOR_NAME_SPAN = Col.RESULT  # an indicator's name runs over the value columns

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


class EntryModel(QAbstractTableModel):
    cellRejected = Signal(str)  # the Vietnamese message of a refused value
    cellSaved = Signal(str)  # a short confirmation
    valuesChanged = Signal()  # after a value was stored
    rejectionsChanged = Signal()  # a refused entry was flagged, corrected or discarded

    def __init__(self, workspace: Workspace, period_id: str | None = None, parent=None):
        super().__init__(parent)
        self._workspace = workspace
        self._period_id: str | None = None
        self._rows: list[Row] = []
        self._row_of_element: dict[str, int] = {}
        self._rows_of_indicator: dict[str, list[int]] = {}
        self._locked = False
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
        self._set_rows(_rows_of(self._workspace.grid(self._period_id)))
        self.endResetModel()

    def reload(self) -> None:
        """Re-read the period from the core (figures imported or consolidated elsewhere);
        keeps rows (and the view's current cell)."""
        if self._period_id is None:
            return
        rows = _rows_of(self._workspace.grid(self._period_id))
        if [r.kind for r in rows] != [r.kind for r in self._rows]:
            self.beginResetModel()
            self._set_rows(rows)
            self.endResetModel()
            return
        self._set_rows(rows)
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMN_TITLES) - 1))

    def set_locked(self, locked: bool) -> None:
        """A sent period is read-only until it is reopened."""
        if locked == self._locked:
            return
        self._locked = locked
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMN_TITLES) - 1))

    @property
    def locked(self) -> bool:
        return self._locked

    def _set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._row_of_element = {r.element.element.code: n for n, r in enumerate(rows) if r.element}
        self._rows_of_indicator = {}
        for n, r in enumerate(rows):
            if r.kind is RowKind.INDICATOR:
                self._rows_of_indicator.setdefault(r.block.indicator.code, []).append(n)

    def _apply(self, update: CellUpdate) -> None:
        """Refresh the one element row and the indicators that read it."""
        n = self._row_of_element[update.element]
        row = self._rows[n]
        self._rows[n] = replace(row, element=replace(row.element, values=update.values))
        self.dataChanged.emit(self.index(n, Col.MALE), self.index(n, Col.TOTAL))
        for code, result in update.results.items():
            for m in self._rows_of_indicator.get(code, ()):
                indicator_row = self._rows[m]
                self._rows[m] = replace(indicator_row, block=replace(indicator_row.block, result=result))
                self.dataChanged.emit(self.index(m, Col.RESULT), self.index(m, Col.MET))

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
        return not self._locked and self.is_entry_cell(row, column)

    def is_entry_cell(self, row: int, column: int) -> bool:
        """A cell the officer types in for this period (read-only while it is locked)."""
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
                return met_text(met[Col.MET], result.value)
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
        locked = self._locked and element_row.editable and applicable
        if role == Qt.ItemDataRole.ToolTipRole:
            if rejected:
                return rejected.message
            if locked:
                return _("Kỳ này đã gửi báo cáo: số liệu chỉ để xem. Bấm «Mở lại để sửa» phía trên bảng.")
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
            if locked:
                return QBrush(Palette.LOCKED_BG)
            if category is not None and not applicable:
                return QBrush(Palette.NOT_APPLICABLE_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if rejected:
                return QBrush(Palette.ERROR_FG)
            if not element_row.editable:
                return QBrush(Palette.DERIVED_FG)
            if locked:
                return QBrush(Palette.LOCKED_FG)
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
            self.rejectionsChanged.emit()
            return False
        if self._rejected.pop(key, None) is not None:
            self.rejectionsChanged.emit()
        self._apply(self._workspace.cell_update(self._period_id, code))
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
        self.rejectionsChanged.emit()
        return True

    def cell_location(self, index: AnyIndex) -> str:
        """Where a figure typed in ``index`` goes: element, part and period."""
        element = self.element_at(index)
        if element is None or self._period_id is None or index.column() not in CATEGORY_OF_COLUMN:
            return ""
        name = element.element.name
        if element.element.disaggregated:
            name = "{} – {}".format(name, _(CATEGORY_NAMES[CATEGORY_OF_COLUMN[index.column()]]))
        return _("{element} · kỳ {period}").format(
            element=name, period=in_sentence(parse_period(self._period_id).label))


def _rows_of(grid: Grid) -> list[Row]:
    rows: list[Row] = []
    for objective in grid.objectives:
        rows.append(Row(RowKind.OBJECTIVE, objective))
        for block in objective.indicators:
            rows.append(Row(RowKind.INDICATOR, objective, block))
            rows.extend(Row(RowKind.ELEMENT, objective, block, element) for element in block.rows)
    return rows


def _saved_text(element_row: ElementRow, category: str, value: float | None) -> str:
    part = _(CATEGORY_NAMES[category])
    if value is None:
        return _("Đã xóa «{name}» ({part}).").format(name=element_row.element.name, part=part)
    return _("Đã lưu «{name}» ({part}): {value}.").format(
        name=element_row.element.name, part=part, value=value_text(element_row.element, value)
    )
