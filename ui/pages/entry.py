"""«Nhập số liệu»: the entry grid of one period, keyboard first, saved cell by cell.

Keys: typing starts editing a cell; Enter stores it and goes down to the next editable
cell, Tab / Shift+Tab to the next / previous one, arrows move between editable cells;
Delete clears a value; Esc forgets a refused entry. There is no Save button: each value
is stored as soon as it is committed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import format_timestamp, in_sentence
from qnapp.workspace import PeriodLock, Workspace
from ui.dialog_service import DialogService
from ui.dialogs.reason_dialog import ask_reopen_reason, reopen_for_correction
from ui.widgets.padlock import padlock_pixmap
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


def _printable(event) -> bool:
    text = event.text()
    plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return plain and bool(text) and text.isprintable()


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
        self.horizontalHeader().sectionResized.connect(lambda *_args: self._fit_rows.start())

    def model(self) -> EntryModel:
        return super().model()

    def setModel(self, model) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        model.modelReset.connect(self._fit_rows.start)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_rows.start()

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
                and (key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) or _printable(event))):
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


class EntryPage(QWidget):
    valuesChanged = Signal()
    lockChanged = Signal(str)  # the period was reopened here

    def __init__(self, workspace: Workspace, period_id: str | None = None, parent: QWidget | None = None,
                 *, dialogs: DialogService | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self.dialogs = dialogs or DialogService()
        self.ask_reason = ask_reopen_reason  # tests replace it
        self._lock: PeriodLock | None = None
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
        self.message_label = _banner("errorLabel", "#8e0000", "#ffebee", "#e57373")
        self.lock_bar = QFrame()
        self.lock_bar.setObjectName("lockBar")
        self.lock_bar.setStyleSheet(
            "QFrame#lockBar { background: #e3f2fd; border: 1px solid #90caf9; }"
            "QLabel { color: #0d47a1; }"
        )
        lock_mark = QLabel()
        lock_mark.setPixmap(padlock_pixmap(22, QColor("#0d47a1")))
        lock_mark.setAccessibleName(_("Đã khóa"))
        self.lock_label = QLabel()
        self.lock_label.setObjectName("lockBanner")
        self.lock_label.setWordWrap(True)
        self.lock_notice = QLabel()  # after typing into a locked cell
        self.lock_notice.setObjectName("lockNotice")
        self.lock_notice.setWordWrap(True)
        self.lock_notice.setStyleSheet("font-weight: bold;")
        self.reopen_button = QPushButton(_("Mở lại để &sửa…"))
        self.reopen_button.clicked.connect(self.reopen)
        texts = QVBoxLayout()
        texts.addWidget(self.lock_label)
        texts.addWidget(self.lock_notice)
        lock_layout = QHBoxLayout(self.lock_bar)
        lock_layout.setContentsMargins(6, 4, 6, 4)
        lock_layout.addWidget(lock_mark)
        lock_layout.addLayout(texts, 1)
        lock_layout.addWidget(self.reopen_button)
        self.lock_bar.hide()
        self.where_label = QLabel()
        self.where_label.setObjectName("cellLocation")
        self.where_label.setStyleSheet("color: #37474f;")
        self.status_label = QLabel()
        self.status_label.setObjectName("savedLabel")
        self.status_label.setStyleSheet("color: #1b5e20;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(hint)
        layout.addWidget(self.lock_bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.where_label)
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
        self.model.cellSaved.connect(self.status_label.setText)
        self.model.rejectionsChanged.connect(self._sync_message)
        self.model.valuesChanged.connect(self.valuesChanged)
        self.table.lockedEdit.connect(self._locked_edit)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        if period_id:
            self.set_period(period_id)

    @property
    def period_id(self) -> str | None:
        return self.model.period_id

    def set_period(self, period_id: str) -> None:
        self.table.commit_open_editor()  # a figure being typed belongs to the period it was typed in
        self.title_label.setText(
            _("<b>Nhập số liệu – {period}</b>").format(period=parse_period(period_id).label)
        )
        self.model.set_period(period_id)
        self.refresh_lock()

    def commit_pending(self) -> None:
        self.table.commit_open_editor()

    def focus_grid(self) -> None:
        """Put the keyboard in the grid, on its first cell to type in."""
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.table.first_editable())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def type_into_grid(self, key: int, text: str) -> None:
        """A key typed elsewhere (the period picker) goes into the current cell."""
        self.focus_grid()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(self.table, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_lock(self) -> None:
        """A sent period is read-only: say who sent it and when, and offer to reopen it."""
        period_id = self.model.period_id
        lock = self._workspace.period_lock(period_id) if period_id else None
        self._lock = lock
        self.model.set_locked(lock is not None)
        self.lock_notice.hide()
        if lock is None:
            self.lock_bar.hide()
            self._sync_message()
            return
        sent = _("gửi lúc {moment}").format(moment=format_timestamp(lock.sent_at)) if lock.sent_at else ""
        if lock.sent_by:
            sent = _("{sent}, người gửi: {officer}").format(sent=sent, officer=lock.sent_by)
        if lock.period.id == period_id:
            text = _("<b>Đã khóa.</b> Kỳ này đã gửi báo cáo (lần {revision}; {sent}). Số liệu chỉ để xem.").format(
                revision=lock.revision, sent=sent)
        else:
            text = _(
                "<b>Đã khóa.</b> Kỳ này nằm trong kỳ {period} đã gửi báo cáo (lần {revision}; {sent}). "
                "Số liệu chỉ để xem."
            ).format(period=in_sentence(lock.period.label), revision=lock.revision, sent=sent)
        self.lock_label.setText(text)
        self.reopen_button.setText(
            _("Mở lại để &sửa…") if lock.period.id == period_id
            else _("Mở lại kỳ {period} để &sửa…").format(period=in_sentence(lock.period.label)))
        self.lock_bar.show()
        self._sync_message()

    def reopen(self) -> None:
        if self._lock is None:
            return
        period = self._lock.period.id
        revision = reopen_for_correction(self, self._workspace, self.dialogs, period, self.ask_reason)
        if revision is None:
            return
        self.refresh_lock()
        self.status_label.setText(
            _("Đã mở lại kỳ {period} để sửa. Lần gửi tới là lần {revision} (bản sửa).").format(
                period=in_sentence(parse_period(period).label), revision=revision))
        self.lockChanged.emit(period)
        self.focus_grid()

    def _after_reset(self) -> None:
        self.table.clearSpans()
        for row in range(self.model.rowCount()):
            kind = self.model.row_kind(row)
            if kind is RowKind.OBJECTIVE:
                self.table.setSpan(row, 0, 1, len(COLUMN_TITLES))
            elif kind is RowKind.INDICATOR:
                self.table.setSpan(row, 0, 1, INDICATOR_NAME_SPAN)
        self._sync_message()
        self.status_label.clear()
        self.table.setCurrentIndex(self.table.first_editable())

    def _show_rejected(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()
        self.status_label.clear()

    def _sync_message(self) -> None:
        """The error banner stays only while a refused entry waits in the grid."""
        if not self.model.rejected_count():
            self.message_label.hide()
            return
        message = self.model.message_at(self.table.currentIndex())
        if message:
            self._show_rejected(message)

    def _locked_edit(self) -> None:
        self.status_label.clear()
        self.lock_notice.setText(_("Không sửa được số liệu của kỳ đã gửi. Bấm «{button}» nếu cần sửa.").format(
            button=self.reopen_button.text().replace("&", "")))
        self.lock_notice.show()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        where = self.model.cell_location(current)
        self.where_label.setText(_("Ô đang chọn: {where}").format(where=where) if where else "")
        message = self.model.message_at(current)
        if message:
            self._show_rejected(message)


def _banner(name: str, color: str, background: str, border: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(
        "QLabel {{ color: {c}; background: {b}; border: 1px solid {r}; padding: 4px; }}".format(
            c=color, b=background, r=border))
    label.hide()
    return label
