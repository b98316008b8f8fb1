"""«Nhận báo cáo», upper half: choose files or a folder, import them on a worker thread
(``ui.ops``) with a progress bar and «Dừng», one result line per file as soon as the core
has handled it. The held corrections below it are ``held.py``'s."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.text import format_number
from ui import ops
from ui.models.import_model import IMP_MESSAGE, refusal_lines
from ui.pages.receive.tables import labelled_pane, list_table

FilesPicker = Callable[[QWidget], Sequence[str]]
FolderPicker = Callable[[QWidget], "str | None"]
Importer = Callable[..., list]


def pick_bundle_files(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, _("Chọn tệp báo cáo của đơn vị cấp dưới"), "", _("Gói báo cáo (*.zip)")
    )
    return paths


def pick_bundle_folder(parent: QWidget) -> str | None:
    folder = QFileDialog.getExistingDirectory(parent, _("Chọn thư mục hoặc ổ USB chứa báo cáo"))
    return folder or None


class ProgressRelay(QObject):
    """Created on the GUI thread; the worker emits, the page's slot runs queued."""

    progressed = Signal(int, int, object)


class ImportFiles:
    """Mixed into ``ReceivePage``: uses its workspace, dialogs, ``pick_files``,
    ``pick_folder``, ``importer``, ``today``, ``import_model`` and ``_after_ledger_change``."""

    def _build_import_tab(self) -> QWidget:
        tab = QWidget(self)
        top = self._build_import_buttons(tab)
        self.import_status = QLabel(
            _("Chép các tệp báo cáo vào máy hoặc cắm ổ USB, rồi bấm «Chọn tệp…» hoặc «Chọn thư mục…»."), tab
        )
        self.import_status.setWordWrap(True)
        self.import_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_table = list_table(tab, self.import_model, _("Kết quả nhận tệp"))
        self.import_table.horizontalHeader().setSectionResizeMode(IMP_MESSAGE, QHeaderView.ResizeMode.Stretch)
        held_box = self._build_held_box(tab)

        splitter = QSplitter(Qt.Orientation.Vertical, tab)
        splitter.addWidget(labelled_pane(splitter, self.import_status, self.import_table))
        splitter.addWidget(held_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        return tab

    def _build_import_buttons(self, tab: QWidget) -> QHBoxLayout:
        self.files_button = QPushButton(_("Chọn tệp…"), tab)
        self.files_button.setToolTip(_("Chọn một hoặc nhiều tệp báo cáo (.zip) đơn vị cấp dưới đã gửi"))
        self.folder_button = QPushButton(_("Chọn thư mục…"), tab)
        self.folder_button.setToolTip(
            _("Chọn một thư mục hoặc ổ USB: mọi tệp báo cáo (.zip) trong đó đều được nhận")
        )
        self.progress = QProgressBar(tab)
        self.progress.setFormat(_("%v/%m tệp"))
        self.progress.setMinimumWidth(220)
        self.progress.hide()
        self.stop_button = QPushButton(_("Dừng"), tab)
        self.stop_button.setToolTip(_("Dừng sau tệp đang xử lý; các tệp còn lại chưa được nhận"))
        self.stop_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.files_button)
        top.addWidget(self.folder_button)
        top.addSpacing(12)
        top.addWidget(self.progress)
        top.addWidget(self.stop_button)
        top.addStretch(1)
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self.stop_button.clicked.connect(self.cancel_import)
        return top

    def is_importing(self) -> bool:
        return self._importing

    def choose_files(self) -> None:
        paths = [str(p) for p in (self.pick_files(self) or [])]
        if paths:
            self.import_paths(paths)

    def choose_folder(self) -> None:
        folder = self.pick_folder(self)
        if folder:
            self.import_paths([str(folder)])

    def import_paths(self, paths: Sequence[str]) -> bool:
        """Start importing files and folders in the background; False if one is running."""
        if self._importing:
            return False
        self._importing = True
        self._cancel = threading.Event()
        self._total = None
        self.import_model.clear()
        self.progress.setRange(0, 0)  # busy until the core has counted the files
        self.progress.show()
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        self.import_status.setText(_("Đang kiểm tra và nhận tệp…"))
        self._update_buttons()

        relay = self._relay
        cancel = self._cancel
        workspace, importer, today = self.workspace, self.importer, self.today
        paths = list(paths)

        def progress(done: int, total: int, outcome) -> bool:  # worker thread
            relay.progressed.emit(done, total, outcome)
            return not cancel.is_set()

        def run():  # worker thread
            return importer(workspace, paths, today=today() if today else None, progress=progress)

        ops.run_in_background(self, run, self._import_done, self._import_failed)
        return True

    def cancel_import(self) -> None:
        """«Dừng»: the core stops after the file it is checking."""
        if not self._importing:
            return
        self._cancel.set()
        self.stop_button.setEnabled(False)
        self.import_status.setText(_("Đang dừng sau tệp đang kiểm tra…"))

    def _on_progress(self, done: int, total: int, outcome) -> None:
        self._total = total
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.import_model.append(outcome)
        # Rows added one by one do not re-fit ResizeToContents columns by themselves.
        self.import_table.horizontalHeader().resizeSections()
        self.import_table.scrollToBottom()
        if not self._cancel.is_set():
            self.import_status.setText(_("Đang nhận: đã xử lý {done}/{total} tệp…").format(done=done, total=total))

    def _finish_import(self) -> None:
        self._importing = False
        self.progress.hide()
        self.stop_button.hide()
        self._update_buttons()

    def _import_done(self, outcomes) -> None:
        outcomes = list(outcomes or [])
        self.import_model.extend_to(outcomes)
        self.import_table.horizontalHeader().resizeSections()
        total = self._total
        stopped = self._cancel.is_set() and total is not None and len(outcomes) < total
        self._finish_import()
        self.import_status.setText(self._result_text(outcomes, total, stopped))
        self._after_ledger_change()
        self.importFinished.emit(outcomes)

    def _import_failed(self, err: BaseException) -> None:
        self._finish_import()
        self.import_status.setText(_("Nhận tệp không thành công: {error}").format(error=ops.error_message(err)))
        ops.show_error(self, err, self.dialogs)
        self._after_ledger_change()
        self.importFinished.emit(self.import_model.items())

    def _result_text(self, outcomes, total: int | None, stopped: bool) -> str:
        if not outcomes:
            return _("Không tìm thấy tệp báo cáo (.zip) nào.")
        counts = self.import_model.counts()
        parts = _("{accepted} đã nhận, {duplicate} trùng, {held} chờ xem xét, {rejected} bị từ chối").format(
            accepted=format_number(counts.get("accepted", 0)),
            duplicate=format_number(counts.get("duplicate", 0)),
            held=format_number(counts.get("held", 0)),
            rejected=format_number(counts.get("rejected", 0)),
        )
        if stopped:
            text = _("Đã dừng: đã xử lý {done}/{total} tệp ({parts}). Các tệp còn lại chưa được nhận.").format(
                done=len(outcomes), total=total, parts=parts
            )
        else:
            text = _("Đã xử lý {n} tệp: {parts}.").format(n=len(outcomes), parts=parts)
        return "\n".join([text, *refusal_lines(outcomes)])
