"""First run: the welcome wizard. It renders ``qnapp.setup_wizard.SetupWizard`` (the
rules and messages live there) one step at a time, and offers «Dùng thử với dữ liệu mẫu»,
which opens a separate demo database (the caller does that on the ``DEMO`` result)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.setup_wizard import STEP_TITLES, STEPS, TREE_CHOICES, SetupResult, SetupWizard, Step
from qnapp.workspace import Workspace
from ui import ops

CODE_ROLE = Qt.ItemDataRole.UserRole
ERROR_STYLE = "color: #a00000;"
STRENGTH_COLOURS = ("#b00020", "#c62828", "#ef6c00", "#2e7d32", "#1b5e20")


TITLE_BAR_ALLOWANCE = 40  # the frame is known only once shown


class WelcomeWizard(QDialog):
    """``exec()`` gives ``Accepted`` once the workspace is set up and its key made,
    ``Rejected`` on cancel, ``DEMO`` when the officer wants to try the demo data."""

    DEMO = 2

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self.wizard = SetupWizard(workspace.store.path, today=today)
        self.result_info: SetupResult | None = None
        self.busy = False
        self.setWindowTitle(_("Chào mừng đến với qnapp"))
        # 680×560 when the screen has room; never taller than a 125 % laptop screen less
        # its taskbar and this window's title bar.
        available = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        self.resize(min(680, available.width()), min(560, available.height() - TITLE_BAR_ALLOWANCE))

        self.step_label = QLabel()
        self.step_label.setObjectName("stepTitle")
        self.stack = QStackedWidget()
        self._pages = {
            Step.TREE: self._tree_page(),
            Step.UNIT: self._unit_page(),
            Step.OFFICER: self._officer_page(),
            Step.PASSPHRASE: self._passphrase_page(),
            Step.BACKUP: self._backup_page(),
            Step.FINISH: self._finish_page(),
        }
        for step in STEPS:
            self.stack.addWidget(self._pages[step])

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.demo_button = QPushButton(_("Dùng thử với dữ liệu mẫu"))
        self.demo_button.setToolTip(
            _("Mở một cơ sở dữ liệu mẫu riêng để làm quen; dữ liệu thật không bị đụng tới.")
        )
        self.back_button = QPushButton(_("< &Quay lại"))
        self.next_button = QPushButton(_("&Tiếp theo >"))
        self.cancel_button = QPushButton(_("Hủy"))
        for button in (self.demo_button, self.back_button, self.cancel_button):
            button.setAutoDefault(False)
        self.next_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

        self.demo_button.clicked.connect(lambda: self.done(self.DEMO))
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.reject)
        self._show_step()

    # -- pages --------------------------------------------------------------------
    def _tree_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Chào mừng! Vài bước sau đây thiết lập qnapp trên máy này: đơn vị, cán bộ "
                "phụ trách, mật khẩu khóa ký và nơi lưu bản sao lưu. Việc này chỉ làm một lần.\n\n"
                "Muốn xem thử trước? Bấm «Dùng thử với dữ liệu mẫu»: dữ liệu mẫu nằm ở một tệp "
                "riêng, không đụng tới dữ liệu thật."
            )
        )
        intro.setWordWrap(True)
        self.tree_buttons = QButtonGroup(page)
        column = QVBoxLayout(page)
        column.addWidget(intro)
        column.addWidget(QLabel(_("Đơn vị của bạn thuộc danh mục nào?")))
        for tree_id, label in TREE_CHOICES:
            button = QRadioButton(_(label))
            button.setProperty("tree", tree_id)
            button.setChecked(tree_id == self.wizard.tree)
            self.tree_buttons.addButton(button)
            column.addWidget(button)
        column.addStretch(1)
        self.tree_buttons.buttonToggled.connect(self._tree_toggled)
        return page

    def _unit_page(self) -> QWidget:
        page = QWidget()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Gõ tên hoặc mã đơn vị, ví dụ: tien yen"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
        self.unit_list = QTreeWidget()
        self.unit_list.setHeaderLabels([_("Đơn vị"), _("Trực thuộc"), _("Mã")])
        self.unit_list.setRootIsDecorated(False)
        self.unit_list.setUniformRowHeights(True)
        self.unit_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_list.setAccessibleName(_("Danh sách đơn vị"))
        self.unit_list.setColumnWidth(0, 260)
        self.unit_list.setColumnWidth(1, 220)
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        caption = QLabel(_("&Tìm đơn vị:"))
        caption.setBuddy(self.search_edit)
        column = QVBoxLayout(page)
        column.addWidget(caption)
        column.addWidget(self.search_edit)
        column.addWidget(self.unit_list, 1)
        column.addWidget(self.chosen_label)
        self.search_edit.textChanged.connect(self._fill_units)
        self.unit_list.itemSelectionChanged.connect(self._unit_selected)
        self.unit_list.itemActivated.connect(lambda *_a: self.go_next())
        return page

    def _officer_page(self) -> QWidget:
        page = QWidget()
        self.officer_edit = QLineEdit()
        self.officer_edit.setPlaceholderText(_("Ví dụ: Nguyễn Thị Lan"))
        self.officer_edit.setMaxLength(120)
        note = QLabel(_("Họ tên này ghi vào nhật ký thay đổi và vào báo cáo gửi cấp trên."))
        note.setWordWrap(True)
        form = QFormLayout(page)
        caption = QLabel(_("&Họ tên cán bộ:"))
        caption.setBuddy(self.officer_edit)
        form.addRow(caption, self.officer_edit)
        form.addRow(note)
        self.officer_edit.textChanged.connect(self._officer_changed)
        return page

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Đặt mật khẩu cho khóa ký của đơn vị. Cần mật khẩu này mỗi lần gửi báo cáo; "
                "hãy ghi nhớ nó: quên mật khẩu thì phải tạo khóa mới và đăng ký lại với "
                "đơn vị cấp trên."
            )
        )
        intro.setWordWrap(True)
        self.passphrase_edit = self._secret_edit()
        self.confirm_edit = self._secret_edit()
        self.show_check = QCheckBox(_("&Hiện mật khẩu"))
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setMaximumHeight(10)
        self.strength_label = QLabel()
        self.strength_label.setObjectName("strengthHint")
        self.strength_label.setWordWrap(True)
        form = QFormLayout(page)
        form.addRow(intro)
        for text, edit in ((_("&Mật khẩu:"), self.passphrase_edit), (_("&Nhập lại mật khẩu:"), self.confirm_edit)):
            caption = QLabel(text)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
        form.addRow("", self.show_check)
        form.addRow(_("Độ mạnh:"), self.strength_bar)
        form.addRow("", self.strength_label)
        self.show_check.toggled.connect(self._toggle_echo)
        self.passphrase_edit.textChanged.connect(self._passphrase_changed)
        self.confirm_edit.textChanged.connect(self._passphrase_changed)
        return page

    def _secret_edit(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        return edit

    def _backup_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "qnapp tự sao lưu cơ sở dữ liệu mỗi ngày và khi đóng chương trình, giữ 10 bản "
                "mới nhất. Nên chọn một thư mục được sao chép định kỳ (ổ USB, ổ mạng); "
                "mặc định là thư mục «backups» cạnh cơ sở dữ liệu."
            )
        )
        intro.setWordWrap(True)
        self.backup_edit = QLineEdit(str(self.wizard.backup_folder))
        self.browse_button = QPushButton(_("&Chọn thư mục…"))
        self.default_button = QPushButton(_("&Mặc định"))
        row = QHBoxLayout()
        row.addWidget(self.backup_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.default_button)
        column = QVBoxLayout(page)
        column.addWidget(intro)
        column.addLayout(row)
        column.addStretch(1)
        self.backup_edit.textChanged.connect(self._backup_changed)
        self.browse_button.clicked.connect(self._browse_backup)
        self.default_button.clicked.connect(lambda: self.backup_edit.setText(str(self.wizard.default_backup_folder)))
        return page

    def _finish_page(self) -> QWidget:
        page = QWidget()
        self.summary_form = QFormLayout()
        intro = QLabel(_("Kiểm tra lại rồi bấm «Bắt đầu». Tạo khóa ký mất khoảng một giây."))
        intro.setWordWrap(True)
        column = QVBoxLayout(page)
        column.addWidget(intro)
        column.addLayout(self.summary_form)
        column.addStretch(1)
        return page

    # -- navigation -----------------------------------------------------------------
    def _show_step(self) -> None:
        step = self.wizard.step
        self.stack.setCurrentWidget(self._pages[step])
        self.step_label.setText(
            _("<b>Bước {n}/{total}: {title}</b>").format(
                n=self.wizard.index + 1, total=len(STEPS), title=_(STEP_TITLES[step])
            )
        )
        self.error_label.hide()
        if step is Step.UNIT:
            self._fill_units()
            self.search_edit.setFocus()
        elif step is Step.OFFICER:
            self.officer_edit.setFocus()
        elif step is Step.PASSPHRASE:
            self._passphrase_changed()
            self.passphrase_edit.setFocus()
        elif step is Step.FINISH:
            self._fill_summary()
        self.next_button.setText(_("&Bắt đầu") if step is Step.FINISH else _("&Tiếp theo >"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.wizard.step
        ready = step is Step.FINISH or self.wizard.can_advance
        self.next_button.setEnabled(ready and not self.busy)
        self.back_button.setEnabled(self.wizard.can_go_back and not self.busy)
        self.cancel_button.setEnabled(not self.busy)
        self.demo_button.setEnabled(not self.busy)

    def go_next(self) -> None:
        if self.busy or not self.next_button.isEnabled():
            return
        if self.wizard.step is Step.FINISH:
            self._finish()
            return
        problem = self.wizard.problem()
        if problem is not None:
            self._show_error(problem)
            return
        self.wizard.advance()
        self._show_step()

    def go_back(self) -> None:
        if not self.busy:
            self.wizard.back()
            self._show_step()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    # -- step behaviour ---------------------------------------------------------------
    def _tree_toggled(self, button, checked: bool) -> None:
        if checked:
            self.wizard.set_tree(button.property("tree"))
            self._update_buttons()

    def _fill_units(self, *_args) -> None:
        keep = self.wizard.unit_code
        self.unit_list.blockSignals(True)
        self.unit_list.clear()
        for choice in self.wizard.search_units(self.search_edit.text()):
            item = QTreeWidgetItem([choice.name, choice.parent, choice.code])
            item.setData(0, CODE_ROLE, choice.code)
            item.setToolTip(0, choice.label)
            self.unit_list.addTopLevelItem(item)
        self.unit_list.blockSignals(False)
        if not (keep and self.select_unit(keep)) and self.unit_list.topLevelItemCount() == 1:
            self.select_unit(self.unit_list.topLevelItem(0).data(0, CODE_ROLE))
        self._unit_selected()

    def select_unit(self, code: str) -> bool:
        for i in range(self.unit_list.topLevelItemCount()):
            item = self.unit_list.topLevelItem(i)
            if item.data(0, CODE_ROLE) == code:
                self.unit_list.setCurrentItem(item)
                item.setSelected(True)
                return True
        return False

    def _unit_selected(self) -> None:
        items = self.unit_list.selectedItems()
        if items:
            self.wizard.set_unit(items[0].data(0, CODE_ROLE))
        unit = self.wizard.unit
        self.chosen_label.setText(
            _("Đơn vị đã chọn: {unit}").format(unit=unit.label) if unit
            else _("(chưa chọn – chọn một dòng trong danh sách)")
        )
        self._update_buttons()

    def _officer_changed(self, text: str) -> None:
        self.wizard.set_officer(text)
        self.error_label.hide()
        self._update_buttons()

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase_edit.setEchoMode(mode)
        self.confirm_edit.setEchoMode(mode)

    def _passphrase_changed(self, *_args) -> None:
        self.wizard.set_passphrase(self.passphrase_edit.text(), self.confirm_edit.text())
        strength = self.wizard.strength
        self.strength_bar.setValue(strength.score)
        colour = STRENGTH_COLOURS[strength.score]
        self.strength_bar.setStyleSheet("QProgressBar::chunk {{ background: {c}; }}".format(c=colour))
        problem = self.wizard.problem()
        text = "{label}. {hint}".format(label=strength.label, hint=strength.hint)
        if problem is not None and strength.score > 0:
            text = problem  # long enough, but the two fields differ
        self.strength_label.setText(text)
        self.strength_label.setStyleSheet("color: {c};".format(c=colour if problem is None else "#8e0000"))
        self.error_label.hide()
        self._update_buttons()

    def _backup_changed(self, text: str) -> None:
        self.wizard.set_backup_folder(text.strip() or None)
        self._update_buttons()

    def _browse_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Chọn thư mục sao lưu"), str(self.wizard.backup_folder))
        if folder:
            self.backup_edit.setText(folder)

    def _fill_summary(self) -> None:
        while self.summary_form.rowCount():
            self.summary_form.removeRow(0)
        for caption, value in self.wizard.summary():
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary_form.addRow(_("{caption}:").format(caption=caption), label)

    # -- finishing ----------------------------------------------------------------------
    def _finish(self) -> None:
        """Initialise and create the key (scrypt, about 0.6 s) on a worker thread, with
        a busy cursor; the dialog closes when it is done."""
        self.busy = True
        self._update_buttons()
        self.error_label.hide()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        workspace, wizard = self._workspace, self.wizard
        for edit in (self.passphrase_edit, self.confirm_edit):  # the wizard holds it until done
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        ops.run_in_background(self, lambda: wizard.finish(workspace), self._finished, self._failed)

    def _finished(self, result: SetupResult) -> None:
        QApplication.restoreOverrideCursor()
        self.busy = False
        self.result_info = result
        self.accept()

    def _failed(self, err: BaseException) -> None:
        QApplication.restoreOverrideCursor()
        self.busy = False
        self._show_error(ops.error_message(err))
        if not self._workspace.is_initialised:  # e.g. a refused passphrase: enter it again
            self.wizard.step = Step.PASSPHRASE
            self._show_step()
            self._show_error(ops.error_message(err))
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down arrow in the search box goes on to the list, as in a combo box.
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.unit_list.topLevelItemCount():
                self.unit_list.setFocus()
                if not self.unit_list.selectedItems():
                    self.unit_list.setCurrentItem(self.unit_list.topLevelItem(0))
                return True
        return super().eventFilter(watched, event)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
