"""Ask for the passphrase of the unit's signing key.

Creating a key: the passphrase twice, with a live hint from the core's
``keys.check_passphrase`` (at least 8 characters). Using the key: one field. Echo is
hidden until «Hiện mật khẩu» is ticked. The dialog keeps no copy: ``take_passphrase()``
returns the text and clears the fields, and ``ask_passphrase`` does exactly that.

With ``check`` (using the key: ``check(passphrase) -> error or None``), OK tries the
passphrase first; a wrong one leaves the dialog open with the error, so the flow that asked
(the export's chosen file and period) goes on with the next attempt.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qnapp import keys
from qnapp.i18n import _

ERROR_STYLE = "color: #a00000; background: #fdecea; border: 1px solid #e0a0a0; padding: 6px;"


class PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, creating: bool, intro: str | None = None,
                 check: Callable[[str], str | None] | None = None):
        super().__init__(parent)
        self.creating = creating
        self._check = check
        self.setWindowTitle(_("Tạo khóa ký") if creating else _("Mật khẩu khóa ký"))
        self.setMinimumWidth(460)
        if intro is None:
            intro = (
                _(
                    "Đặt mật khẩu cho khóa ký của đơn vị. Cần mật khẩu này mỗi lần gửi báo cáo; "
                    "hãy ghi nhớ nó: quên mật khẩu thì phải tạo khóa mới và đăng ký lại với "
                    "đơn vị cấp trên."
                )
                if creating
                else _("Nhập mật khẩu khóa ký của đơn vị để ký gói báo cáo.")
            )
        intro_label = QLabel(intro, self)
        intro_label.setWordWrap(True)

        self.passphrase_edit = self._secret_edit()
        self.confirm_edit = self._secret_edit() if creating else None
        self.show_check = QCheckBox(_("&Hiện mật khẩu"), self)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("strengthHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(creating)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()

        form = QFormLayout()
        self._add_row(form, _("&Mật khẩu:"), self.passphrase_edit)
        if self.confirm_edit is not None:
            self._add_row(form, _("&Nhập lại mật khẩu:"), self.confirm_edit)
        form.addRow("", self.show_check)
        form.addRow("", self.hint_label)

        self.button_box = QDialogButtonBox(self)
        self.ok_button = self.button_box.addButton(
            _("Tạo khóa") if creating else _("Đồng ý"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setDefault(True)
        self.cancel_button = self.button_box.addButton(_("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.button_box)

        self.show_check.toggled.connect(self._toggle_echo)
        self.passphrase_edit.textChanged.connect(self._update_hint)
        if self.confirm_edit is not None:
            self.confirm_edit.textChanged.connect(self._update_hint)
        self._update_hint()
        self.passphrase_edit.setFocus()

    def _secret_edit(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMinimumWidth(260)
        # No input-method suggestions or history for a secret.
        edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        return edit

    def _add_row(self, form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(field)
        form.addRow(label, field)

    def _edits(self) -> list[QLineEdit]:
        return [e for e in (self.passphrase_edit, self.confirm_edit) if e is not None]

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in self._edits():
            edit.setEchoMode(mode)

    def _problem(self) -> tuple[str, QLineEdit] | None:
        """What stops OK now (a Vietnamese message, the field to fix); the core decides
        what a new passphrase needs."""
        text = self.passphrase_edit.text()
        if not self.creating:
            return None if text else (_("Chưa nhập mật khẩu khóa."), self.passphrase_edit)
        try:
            keys.check_passphrase(text)
        except keys.KeysError as err:
            return str(err), self.passphrase_edit
        if self.confirm_edit is not None and self.confirm_edit.text() != text:
            return _("Hai lần nhập mật khẩu không khớp nhau."), self.confirm_edit
        return None

    def _update_hint(self, *_args) -> None:
        if self.error_label.isVisibleTo(self):
            self.error_label.hide()
        if not self.creating:
            return
        problem = self._problem()
        if problem is None:
            self.hint_label.setText(_("Mật khẩu dùng được. Hãy ghi nhớ, đừng ghi lên giấy dán cạnh máy."))
            self.hint_label.setStyleSheet("color: #1b5e20;")
        else:
            self.hint_label.setText(problem[0])
            self.hint_label.setStyleSheet("color: #8e0000;")

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def accept(self) -> None:
        problem = self._problem()
        if problem is None and self._check is not None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the KDF takes ~0.5 s
            try:
                wrong = self._check(self.passphrase_edit.text())
            finally:
                QApplication.restoreOverrideCursor()
            if wrong:
                problem = wrong, self.passphrase_edit
        if problem is not None:
            message, edit = problem
            self.error_label.setText(message)
            self.error_label.show()
            edit.selectAll()
            edit.setFocus()
            return
        super().accept()

    def take_passphrase(self) -> str:
        """The passphrase typed; the fields are cleared, so the dialog keeps no copy."""
        text = self.passphrase_edit.text()
        for edit in self._edits():
            edit.clear()
        return text

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            for edit in self._edits():
                edit.clear()
        super().done(result)


def ask_passphrase(parent: QWidget | None, creating: bool, *, intro: str | None = None,
                   check: Callable[[str], str | None] | None = None) -> str | None:
    """Show the dialog modally: the passphrase, or None when cancelled."""
    dialog = PassphraseDialog(parent, creating=creating, intro=intro, check=check)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.take_passphrase()
    finally:
        dialog.deleteLater()
