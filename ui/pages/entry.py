"""«Nhập số liệu»: the entry grid of one period, keyboard first, saved cell by cell.

Keys: typing starts editing a cell; Enter stores it and goes down to the next editable
cell, Tab / Shift+Tab to the next / previous one, arrows move between editable cells;
Delete clears a value; Esc forgets a refused entry. There is no Save button: each value
is stored as soon as it is committed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.workspace import Workspace
from ui.models.entry_model import (
    CATEGORY_OF_COLUMN,
    COLUMN_TITLES,
    INDICATOR_NAME_SPAN,
    Col,
    EntryModel,
    RowKind,
)

Move = QAbstractItemView.CursorAction
CELL_COLUMNS = tuple(CATEGORY_OF_COLUMN)  # Nam, Nữ, Tổng

# Keys that, inside an editor, store the value and move on.
_EDITOR_MOVES = {
    Qt.Key.Key_Return: Move.MoveDown,
    Qt.Key.Key_Enter: Move.MoveDown,
    Qt.Key.Key_Tab: Move.MoveNext,
    Qt.Key.Key_Backtab: Move.MovePrevious,
    Qt.Key.Key_Up: Move.MoveUp,
    Qt.Key.Key_Down: Move.MoveDown,
}


class CellDelegate(QStyledItemDelegate):
    """A line edit for numbers, a có/không list for yes-no elements."""

    moveRequested = Signal(object)  # a QAbstractItemView.CursorAction, after the commit

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        if index.model().is_bool(index):
            combo = QComboBox(parent)
            combo.addItems(["", _("có"), _("không")])
            return combo
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(text), 0))
        else:
            editor.setText(text)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text, Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            action = _EDITOR_MOVES.get(event.key())
            if isinstance(editor, QComboBox) and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                action = None  # arrows choose có / không
            if action is not None:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.moveRequested.emit(action)
                return True
        return super().eventFilter(editor, event)


class EntryTable(QTableView):
    """A table whose cursor only lands on editable cells."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setItemDelegate(delegate := CellDelegate(self))
        delegate.moveRequested.connect(self._move_after_edit)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.verticalHeader().hide()
        # Row heights follow the wrapped names as the window is resized.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def model(self) -> EntryModel:
        return super().model()

    # -- where the cursor may go ----------------------------------------------------------
    def editable_cells(self) -> list[tuple[int, int]]:
        """(row, column) of every cell one can type in, in reading order."""
        model = self.model()
        return [(r, c) for r in range(model.rowCount()) for c in CELL_COLUMNS if model.is_editable(r, c)]

    def first_editable(self) -> QModelIndex:
        cells = self.editable_cells()
        return self.model().index(*cells[0]) if cells else QModelIndex()

    def moveCursor(self, action: Move, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        model, current = self.model(), self.currentIndex()
        if model is None or not current.isValid():
            return self.first_editable() if model is not None else QModelIndex()
        row, column = current.row(), current.column()
        found: tuple[int, int] | None = None
        if action in (Move.MoveNext, Move.MovePrevious):
            cells = self.editable_cells()
            if action == Move.MoveNext:
                found = next((cell for cell in cells if cell > (row, column)), None)
            else:
                found = next((cell for cell in reversed(cells) if cell < (row, column)), None)
        elif action in (Move.MoveDown, Move.MoveUp):
            step = 1 if action == Move.MoveDown else -1
            r = row + step
            while 0 <= r < model.rowCount() and found is None:
                found = self._nearest_in_row(r, column)
                r += step
        elif action in (Move.MoveLeft, Move.MoveRight):
            step = 1 if action == Move.MoveRight else -1
            c = column + step
            while 0 <= c < model.columnCount() and found is None:
                found = (row, c) if model.is_editable(row, c) else None
                c += step
        else:
            return super().moveCursor(action, modifiers)
        return model.index(*found) if found else current

    def _nearest_in_row(self, row: int, column: int) -> tuple[int, int] | None:
        model = self.model()
        editable = [c for c in CELL_COLUMNS if model.is_editable(row, c)]
        if not editable:
            return None
        return row, min(editable, key=lambda c: (abs(c - column), -c))

    # -- keys -------------------------------------------------------------------------------
    def _move_after_edit(self, action: Move) -> None:
        self.setFocus()
        if self.model().message_at(self.currentIndex()):
            return  # refused: stay on the cell so it can be corrected
        target = self.moveCursor(action, Qt.KeyboardModifier.NoModifier)
        if target.isValid():
            self.setCurrentIndex(target)

    def keyPressEvent(self, event) -> None:
        key, current, model = event.key(), self.currentIndex(), self.model()
        if self.state() != QAbstractItemView.State.EditingState and current.isValid():
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._move_after_edit(Move.MoveDown)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and model.is_editable(current.row(), current.column()):
                model.clear_cell(current)
                return
            if key == Qt.Key.Key_Escape and model.discard_rejected(current):
                return
        super().keyPressEvent(event)


class EntryPage(QWidget):
    valuesChanged = Signal()

    def __init__(self, workspace: Workspace, period_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self.model = EntryModel(workspace, parent=self)
        self.table = EntryTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Bảng nhập số liệu"))

        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        hint = QLabel(
            _(
                "Gõ số rồi nhấn Enter: số liệu được lưu ngay. Tab sang ô kế tiếp, Delete xóa một số. "
                "Số viết kiểu Việt Nam: 1.234 là một nghìn hai trăm ba mươi tư, 12,5 là mười hai phẩy năm."
            )
        )
        hint.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(
            "QLabel { color: #8e0000; background: #ffebee; border: 1px solid #e57373; padding: 4px; }"
        )
        self.message_label.hide()
        self.lock_label = QLabel()
        self.lock_label.setObjectName("lockBanner")
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet(
            "QLabel { color: #0d47a1; background: #e3f2fd; border: 1px solid #90caf9; padding: 4px; }"
        )
        self.lock_label.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("savedLabel")
        self.status_label.setStyleSheet("color: #1b5e20;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(hint)
        layout.addWidget(self.lock_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Col.NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMN_TITLES)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        widths = {Col.MALE: 80, Col.FEMALE: 80, Col.TOTAL: 90, Col.UNIT: 100, Col.RESULT: 90,
                  Col.TARGET_2025: 105, Col.TARGET_2030: 105, Col.MET: 120}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)

        self.model.modelReset.connect(self._after_reset)
        self.model.cellRejected.connect(self._show_rejected)
        self.model.cellSaved.connect(self._show_saved)
        self.model.valuesChanged.connect(self.valuesChanged)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        if period_id:
            self.set_period(period_id)

    def set_period(self, period_id: str) -> None:
        self.title_label.setText(
            _("<b>Nhập số liệu – {period}</b>").format(period=parse_period(period_id).label)
        )
        self.model.set_period(period_id)
        self.refresh_lock()

    def refresh_lock(self) -> None:
        """Say so when the period's figures are read-only because its report was sent."""
        period_id = self.model.period_id
        lock = self._workspace.period_lock(period_id) if period_id else None
        if lock is None:
            self.lock_label.hide()
            return
        if lock.period.id == period_id:
            text = _("Kỳ này đã gửi (lần {revision}) — mở lại ở trang Gửi báo cáo để sửa.").format(
                revision=lock.revision)
        else:
            text = _(
                "Kỳ này nằm trong kỳ {period} đã gửi (lần {revision}) — mở lại kỳ đó ở trang Gửi "
                "báo cáo để sửa."
            ).format(period=lock.period.label[:1].lower() + lock.period.label[1:], revision=lock.revision)
        self.lock_label.setText(text)
        self.lock_label.show()

    def _after_reset(self) -> None:
        self.table.clearSpans()
        for row in range(self.model.rowCount()):
            kind = self.model.row_kind(row)
            if kind is RowKind.OBJECTIVE:
                self.table.setSpan(row, 0, 1, len(COLUMN_TITLES))
            elif kind is RowKind.INDICATOR:
                self.table.setSpan(row, 0, 1, INDICATOR_NAME_SPAN)
        self.message_label.hide()
        self.status_label.clear()
        self.table.setCurrentIndex(self.table.first_editable())

    def _show_rejected(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()
        self.status_label.clear()

    def _show_saved(self, message: str) -> None:
        self.status_label.setText(message)
        if not self.model.rejected_count():
            self.message_label.hide()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        message = self.model.message_at(current)
        if message:
            self._show_rejected(message)
