"""«Khôi phục từ bản sao lưu»: the newest good backups (checked by ``qnapp.restore``), or
a file chosen by hand (a USB stick). The dialog only chooses; ``ui/restore_flow.py``
closes the database, restores and reopens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qnapp import restore
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.paths import backup_dir_for
from ui.dialog_service import DialogService


PROBLEM_CHARS = 300  # SQLite's report of a damaged file runs to hundreds of lines


def short(problem: str) -> str:
    """The start of a long error on one paragraph, so the dialog fits the screen."""
    text = " ".join(problem.split())
    return text if len(text) <= PROBLEM_CHARS else text[:PROBLEM_CHARS].rstrip() + "…"


class RestoreDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        db_path: Path,
        choices: list[restore.GoodBackup],
        *,
        problem: str | None = None,
        dialogs: DialogService | None = None,
    ):
        super().__init__(parent)
        self.dialogs = dialogs or DialogService()
        self.chosen: restore.GoodBackup | None = None
        self.setWindowTitle(_("Khôi phục từ bản sao lưu — qnapp"))
        self.setMinimumWidth(560)
        if problem is not None:
            lead = _("Cơ sở dữ liệu bị hỏng:\n{problem}\n\nHãy khôi phục từ một bản sao lưu còn tốt.").format(
                problem=short(problem))
        else:
            lead = _("Chọn bản sao lưu để khôi phục. Số liệu nhập sau thời điểm sao lưu sẽ không còn.")
        intro = QLabel(lead, self)
        intro.setWordWrap(True)
        if problem is not None:
            intro.setToolTip(problem)
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Bản sao lưu còn tốt"))
        for choice in choices:
            self._add(choice)
        self.empty_label = QLabel(
            _("Không tìm thấy bản sao lưu còn tốt. Hãy chọn tệp khác, ví dụ trên USB."), self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(not choices)
        kept = QLabel(
            _("Tệp dữ liệu hiện tại (kể cả khi bị hỏng) được giữ nguyên một bản trong thư mục "
              "{folder} trước khi khôi phục.").format(folder=backup_dir_for(db_path)), self)
        kept.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(_("Khôi phục"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.other_button = buttons.addButton(_("Chọn tệp khác…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(_("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.other_button.clicked.connect(self.choose_other)
        self.list.currentItemChanged.connect(lambda *_a: self._update())
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        for widget in (intro, self.list, self.empty_label, kept, buttons):
            layout.addWidget(widget)
        if choices:
            self.list.setCurrentRow(0)
        self._update()
        self.list.setFocus()

    def _add(self, choice: restore.GoodBackup, *, first: bool = False) -> None:
        item = QListWidgetItem(choice.label)
        item.setData(Qt.ItemDataRole.UserRole, choice)
        item.setToolTip(str(choice.path))
        if first:
            self.list.insertItem(0, item)
        else:
            self.list.addItem(item)

    def _update(self) -> None:
        self.restore_button.setEnabled(self.list.currentItem() is not None)
        self.restore_button.setDefault(self.list.currentItem() is not None)

    def pick_file(self) -> str:
        """The file dialog (tests replace it: a native dialog cannot be driven)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Chọn bản sao lưu"), "", _("Bản sao lưu qnapp (*.sqlite);;Mọi tệp (*)"))
        return path

    def choose_other(self) -> None:
        path = self.pick_file()
        if not path:
            return
        try:
            choice = restore.chosen_backup(path)
        except QnappError as err:  # refused: nothing is added, nothing changes
            self.dialogs.error(self, _("Không dùng được tệp này — qnapp"), str(err))
            return
        self._add(choice, first=True)
        self.list.setCurrentRow(0)
        self.empty_label.hide()
        self.restore_button.setFocus()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
