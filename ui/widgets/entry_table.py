"""The entry grid's table: a cursor that lands only on cells one types in, an editor per
cell (a number, or có / không), and the keys of the paper-to-screen routine.

Keys: typing starts editing a cell; Enter stores it and goes down to the next editable
cell, Tab / Shift+Tab to the next / previous one, arrows move between editable cells;
Delete clears a value; Esc forgets a refused entry. Each value is stored before the
cursor moves.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from qnapp.i18n import _
from ui.models.entry_model import CATEGORY_OF_COLUMN, Col, EntryModel
from ui.widgets.typing import typed_text

Move = QAbstractItemView.CursorAction
VALUE_COLUMN_CHARS = {Col.MALE: 7, Col.FEMALE: 7, Col.TOTAL: 7, Col.UNIT: 8, Col.RESULT: 8,
                      Col.TARGET_2025: 9, Col.TARGET_2030: 9, Col.MET: 10}
NAME_MIN_CHARS = 30
CELL_PADDING = 12
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

    lockedEdit = Signal()  # the officer typed into a locked period's cell

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
        # Row heights follow the wrapped names, measured when rows or widths change; not
        # ResizeToContents, which measures every row again on each stored figure.
        self._fit_rows = QTimer(self, singleShot=True, interval=0, timeout=self.resizeRowsToContents)
        header = self.horizontalHeader()
        header.sectionResized.connect(lambda *_args: self._fit_rows.start())
        # Narrow value columns with wrapped titles («Mục tiêu / 2025»), so the names keep
        # room on a 1024-pixel screen; below that the grid scrolls sideways.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def model(self) -> EntryModel:
        return super().model()

    def setModel(self, model) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        model.modelReset.connect(self._fit_rows.start)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:  # the window, or a scroll bar came or went
            self.fit_columns()
            self._fit_rows.start()
        return super().viewportEvent(event)

    def fit_columns(self) -> None:
        """Value columns as wide as their figures; the names take the rest, never less than
        NAME_MIN_CHARS characters."""
        char = self.fontMetrics().averageCharWidth()
        for column, chars in VALUE_COLUMN_CHARS.items():
            self.setColumnWidth(column, chars * char + CELL_PADDING)
        values = sum(self.columnWidth(column) for column in VALUE_COLUMN_CHARS)
        self.setColumnWidth(Col.NAME, max(self.viewport().width() - values, NAME_MIN_CHARS * char))
        self.horizontalHeader().setFixedHeight(2 * self.fontMetrics().lineSpacing() + CELL_PADDING // 2)

    # -- where the cursor may go ----------------------------------------------------------
    def editable_cells(self) -> list[tuple[int, int]]:
        """(row, column) of every cell one types in, in reading order (a locked period's
        too: the cursor still walks them, read-only)."""
        model = self.model()
        return [(r, c) for r in range(model.rowCount()) for c in CELL_COLUMNS if model.is_entry_cell(r, c)]

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
                found = (row, c) if model.is_entry_cell(row, c) else None
                c += step
        else:
            return super().moveCursor(action, modifiers)
        return model.index(*found) if found else current

    def _nearest_in_row(self, row: int, column: int) -> tuple[int, int] | None:
        model = self.model()
        editable = [c for c in CELL_COLUMNS if model.is_entry_cell(row, c)]
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

    def commit_open_editor(self) -> None:
        """Store what is being typed now (before the period changes or the window closes)."""
        editor = self.indexWidget(self.currentIndex()) if self.state() == QAbstractItemView.State.EditingState else None
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def keyPressEvent(self, event) -> None:
        key, current, model = event.key(), self.currentIndex(), self.model()
        if (model is not None and model.locked and current.isValid()
                and model.is_entry_cell(current.row(), current.column())
                and (key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) or bool(typed_text(event)))):
            self.lockedEdit.emit()
            return
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
