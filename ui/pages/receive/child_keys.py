"""«Khóa đơn vị cấp dưới»: the trust registry of the children's signing keys
(``qnapp.keys``): trust a child's key (``TrustKeyDialog``), revoke one from a date."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.text import format_date
from ui.models.import_model import unit_name
from ui.pages.button_row import button_row
from ui.pages.receive.tables import list_table


class ChildKeys:
    """Mixed into ``ReceivePage``: uses its workspace, dialogs, ``trust_dialog_factory``,
    ``revoke_dialog_factory``, ``key_model``, ``import_model`` and ``import_status``
    (the refusals a newly trusted key answers) and ``_read``."""

    def _build_keys_tab(self) -> QWidget:
        tab = QWidget(self)
        hint = QLabel(
            _(
                "Chỉ nhận báo cáo ký bằng khóa đã tin cậy của đúng đơn vị gửi. Tin cậy một khóa "
                "sau khi đã gọi điện đối chiếu dấu vân tay với đơn vị."
            ),
            tab,
        )
        hint.setWordWrap(True)
        self.key_table = list_table(tab, self.key_model, _("Khóa đã tin cậy"))
        self.key_table.horizontalHeader().setStretchLastSection(True)
        self.trust_button = QPushButton(_("Tin cậy khóa của đơn vị cấp dưới…"), tab)
        self.revoke_button = QPushButton(_("Thu hồi…"), tab)
        self.revoke_button.setToolTip(_("Không nhận báo cáo ký bằng khóa này từ một ngày"))
        buttons = button_row(self.trust_button, self.revoke_button)
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.key_table, 1)
        layout.addLayout(buttons)
        self.trust_button.clicked.connect(self.trust_child_key)
        self.revoke_button.clicked.connect(self.revoke_selected_key)
        self.key_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.key_model.modelReset.connect(self._update_buttons)
        return tab

    def refresh_keys(self, select: str | None = None) -> None:
        found = self._read(_("Không đọc được danh sách khóa"), lambda: keys.list_trusted(self.workspace.store))
        if found is None:
            return
        self.key_model.set_items(found)
        if select is not None:
            row = self.key_model.row_of(select)
            if row >= 0:
                self.key_table.selectRow(row)

    def selected_key(self):
        rows = self.key_table.selectionModel().selectedRows()
        index = rows[0] if rows else self.key_table.currentIndex()
        return self.key_model.item(index.row()) if index.isValid() else None

    def trust_child_key(self) -> None:
        if self._importing:
            return
        dialog = self.trust_dialog_factory(self.workspace, parent=self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            trusted = getattr(dialog, "trusted", None)
        finally:
            dialog.deleteLater()
        self.refresh_keys(select=trusted.fingerprint if trusted is not None else None)
        if trusted is not None:
            # The refusals listed above for want of this key no longer stand: say so.
            waiting = [o for o in self.import_model.items()
                       if o.reason_code == "key_unknown" and o.shown_unit == trusted.unit]
            text = _("Đã tin cậy khóa của {unit}.").format(unit=unit_name(trusted.unit))
            if waiting:
                text += " " + _("{count} tệp của đơn vị này vừa bị từ chối vì khóa chưa được tin cậy: "
                                "hãy nhận lại.").format(count=len(waiting))
            self.import_status.setText(text)

    def revoke_selected_key(self) -> None:
        key = self.selected_key()
        if key is None or self._importing:
            return
        dialog = self.revoke_dialog_factory(key, parent=self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            from_date, reason = dialog.from_date, dialog.reason
        finally:
            dialog.deleteLater()
        question = _(
            "Thu hồi khóa của {unit} từ ngày {date}?\nBáo cáo ký bằng khóa này từ ngày đó sẽ bị từ chối."
        ).format(unit=unit_name(key.unit), date=format_date(from_date))
        if not self.dialogs.confirm(self, _("Thu hồi khóa"), question):
            return
        try:
            keys.revoke_key(self.workspace.store, key.fingerprint, from_date, reason, who=self.workspace.officer)
        except QnappError as err:
            self.dialogs.error(self, _("Không thu hồi được khóa"), str(err))
            return
        self.refresh_keys(select=key.fingerprint)
