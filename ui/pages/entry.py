"""«Nhập số liệu»: the entry grid of one period, keyboard first, saved cell by cell.

There is no Save button: each value is stored as soon as it is committed (the keys are
in ``ui.widgets.entry_table``). Above the grid: a sent period's lock with «Mở lại để
sửa», the banner of a refused value, and where the selected cell's figure goes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import format_timestamp, in_sentence
from qnapp.workspace import PeriodLock, Workspace
from ui.dialog_service import DialogService
from ui.dialogs.reason_dialog import ask_reopen_reason, reopen_for_correction
from ui.models.entry_model import COLUMN_TITLES, INDICATOR_NAME_SPAN, EntryModel, RowKind
from ui.widgets.entry_table import EntryTable
from ui.widgets.padlock import padlock_pixmap

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
