"""«Nhận báo cáo», lower half: the corrections the ledger holds (one that does not follow
the revision in use), with «Chấp nhận» and «Từ chối…» (a reason is required: it is kept
in the ledger). The rules are ``qnapp.bundles.ledger``'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from qnapp.bundles import ledger
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.text import clean_text
from ui.dialogs.reason_dialog import ReasonDialog, ask
from ui.models.import_model import period_label, unit_name
from ui.pages.button_row import button_row
from ui.pages.receive.tables import list_table

ReasonPrompt = Callable[[QWidget, str, str], "str | None"]


def ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    """Why a held correction is refused (required: it is kept in the ledger)."""
    return ask(ReasonDialog(parent, title=title, intro=label, ok_text=_("Từ chối bản này"),
                            missing=_("Hãy ghi lý do từ chối (lý do được lưu vào sổ nhận).")))


class HeldCorrections:
    """Mixed into ``ReceivePage``: uses its workspace, dialogs, ``reason_prompt``,
    ``today``, ``held_model``, ``tabs``, ``import_status``, ``_read`` and
    ``_after_ledger_change``."""

    def _build_held_box(self, tab: QWidget) -> QGroupBox:
        held_box = QGroupBox(_("Bản sửa chờ xem xét"), tab)
        self.held_table = list_table(held_box, self.held_model, _("Bản sửa chờ xem xét"))
        self.held_hint = QLabel(
            _(
                "Bản sửa không nối tiếp bản đang dùng (thiếu một bản ở giữa, hoặc sửa từ một bản "
                "cũ) được giữ lại để cán bộ quyết định. Nếu chưa rõ, hãy gọi điện hỏi đơn vị gửi."
            ),
            held_box,
        )
        self.held_hint.setWordWrap(True)
        self.accept_held_button = QPushButton(_("Chấp nhận"), held_box)
        self.accept_held_button.setToolTip(_("Dùng bản sửa này thay cho bản đang dùng"))
        self.reject_held_button = QPushButton(_("Từ chối…"), held_box)
        self.reject_held_button.setToolTip(_("Không dùng bản sửa này (cần ghi lý do)"))
        held_buttons = button_row(self.accept_held_button, self.reject_held_button)
        held_layout = QVBoxLayout(held_box)
        held_layout.addWidget(self.held_hint)
        held_layout.addWidget(self.held_table, 1)
        held_layout.addLayout(held_buttons)

        self.accept_held_button.clicked.connect(self.accept_selected_held)
        self.reject_held_button.clicked.connect(self.reject_selected_held)
        self.held_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.held_model.modelReset.connect(self._update_buttons)
        return held_box

    def refresh_held(self) -> None:
        held = self._read(_("Không đọc được danh sách bản sửa chờ xem xét"), lambda: ledger.held_bundles(self.workspace))
        if held is not None:
            self.held_model.set_items(held)
            if held:  # the oldest first, ready for «Chấp nhận» / «Từ chối…»
                self.held_table.selectRow(0)
            self.tabs.setTabText(
                0, _("Nhận báo cáo ({n} chờ xem xét)").format(n=len(held)) if held else _("Nhận báo cáo")
            )

    def selected_held(self):
        rows = self.held_table.selectionModel().selectedRows()
        index = rows[0] if rows else self.held_table.currentIndex()
        return self.held_model.item(index.row()) if index.isValid() else None

    def select_held(self, digest: str) -> bool:
        row = self.held_model.row_of(digest)
        if row >= 0:
            self.held_table.selectRow(row)
        return row >= 0

    def _held_title(self, held) -> str:
        return _("bản thứ {revision} của {unit}, {period}").format(
            revision=held.revision, unit=unit_name(held.unit), period=period_label(held.period)
        )

    def accept_selected_held(self) -> None:
        held = self.selected_held()
        if held is None or self._importing:
            return
        question = _(
            "Chấp nhận {what}?\nSố liệu của bản này sẽ thay cho bản đang dùng khi tổng hợp."
        ).format(what=self._held_title(held))
        if not self.dialogs.confirm(self, _("Chấp nhận bản sửa"), question):
            return
        today = self.today() if self.today else None
        self._decide(
            lambda: ledger.accept_held(self.workspace, held.digest, today=today), _("Không chấp nhận được bản sửa")
        )

    def reject_selected_held(self) -> None:
        held = self.selected_held()
        if held is None or self._importing:
            return
        reason = self.reason_prompt(
            self, _("Từ chối bản sửa"), _("Lý do từ chối {what}:").format(what=self._held_title(held))
        )
        if reason is None:
            return
        reason = clean_text(reason)
        if not reason:
            self.dialogs.warning(self, _("Từ chối bản sửa"), _("Hãy ghi lý do từ chối (lý do được lưu vào sổ nhận)."))
            return
        question = _("Từ chối {what}?\nLý do: {reason}").format(what=self._held_title(held), reason=reason)
        if not self.dialogs.confirm(self, _("Từ chối bản sửa"), question):
            return
        self._decide(
            lambda: ledger.reject_held(self.workspace, held.digest, reason), _("Không từ chối được bản sửa")
        )

    def _decide(self, fn: Callable[[], Any], failure_title: str) -> None:
        try:
            outcome = fn()
        except QnappError as err:
            self.dialogs.error(self, failure_title, str(err))
            return
        self.import_status.setText(outcome.message or "")
        self._after_ledger_change()
