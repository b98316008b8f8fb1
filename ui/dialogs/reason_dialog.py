"""A required reason (reopening a sent period, refusing a held correction): the text
travels with the decision, so a blank one is refused in the dialog, and so is one the
core's ``check`` refuses (a reopening reason naming a person): the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import clean_text, in_sentence
from ui.dialogs.passphrase_dialog import ERROR_STYLE


class ReasonDialog(QDialog):
    def __init__(self, parent: QWidget | None, *, title: str, intro: str, ok_text: str, missing: str,
                 check: Callable[[str], str | None] | None = None):
        super().__init__(parent)
        self._missing = missing
        self._check = check
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        intro_label = QLabel(intro, self)
        intro_label.setWordWrap(True)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(80)
        self.reason_edit.setAccessibleName(_("Lý do"))
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.button_box = QDialogButtonBox(self)
        self.ok_button = self.button_box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.button_box.addButton(_("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.button_box)
        self.reason_edit.textChanged.connect(self._reason_changed)
        self.reason_edit.setFocus()

    def _reason_changed(self) -> None:
        if self.reason:  # the missing reason was the error's only cause
            self.error_label.hide()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    @property
    def reason(self) -> str:
        return clean_text(self.reason_edit.toPlainText())

    def accept(self) -> None:
        problem = self._missing if not self.reason else (self._check(self.reason) if self._check else None)
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            self.reason_edit.setFocus()
            return
        super().accept()


def reopen_reason_dialog(parent: QWidget | None, period_label: str) -> ReasonDialog:
    from qnapp.bundles.free_text import reopen_reason_problem

    return ReasonDialog(
        parent,
        title=_("Mở lại kỳ để sửa"),
        intro=_(
            "Nêu lý do mở lại kỳ {period}, ví dụ «Bổ sung một người bị bạo lực gia đình». "
            "Lý do được gửi kèm báo cáo sửa cho đơn vị cấp trên."
        ).format(period=period_label),
        ok_text=_("Mở lại"),
        missing=_("Hãy nêu lý do mở lại kỳ."),
        check=reopen_reason_problem,
    )


def ask(dialog: ReasonDialog) -> str | None:
    """Run the dialog; the reason, or None when cancelled."""
    try:
        return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def ask_reopen_reason(parent: QWidget | None, period_label: str) -> str | None:
    return ask(reopen_reason_dialog(parent, period_label))


def can_reopen(state) -> bool:
    """A sent period, or one reopened with a reason the export refuses (it names a
    person: typed before the check) which must be given again."""
    from qnapp.bundles.free_text import reason_to_reword  # lazy: not on start-up

    return state.locked or (state.revision is not None and reason_to_reword(state.reopen_reason))


def reopen_for_correction(parent: QWidget, workspace, dialogs, period_id: str,
                          ask_reason=ask_reopen_reason) -> int | None:
    """The one «Mở lại để sửa» flow (entry grid and «Gửi báo cáo»): a required reason, a
    confirmation, then the core unlocks the period. The next revision, or None."""
    from qnapp.bundles import reopen_period  # lazy: the bundle code is not on start-up

    state = workspace.export_state(period_id)
    if not can_reopen(state):
        return None
    label = in_sentence(parse_period(state.period).label)
    reason = ask_reason(parent, label)
    if reason is None or not clean_text(reason):
        return None
    if state.locked and not dialogs.confirm(  # a new reason alone needs no confirmation
        parent,
        _("Mở lại kỳ để sửa"),
        _(
            "Mở lại kỳ {period}? Số liệu và hoạt động của kỳ sẽ sửa được. Sau khi sửa, hãy "
            "xuất lại gói báo cáo: đó là bản sửa (lần {revision}), thay thế bản đã gửi."
        ).format(period=label, revision=state.revision + 1),
    ):
        return None
    try:
        return reopen_period(workspace, state.period, reason)
    except QnappError as err:
        dialogs.error(parent, _("Không mở lại được kỳ"), str(err))
        return None
