"""«Báo cáo của kỳ»: whether the period was sent (and so is locked), with revision,
digest, time and file; «Xuất gói báo cáo…» signs the bundle off the GUI thread (a wrong
passphrase is asked again in the same dialog, the chosen file kept); «Mở lại để sửa…»
reopens a sent period through ``ui.dialogs.reason_dialog.reopen_for_correction``."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton

from qnapp import keys
from qnapp.i18n import _
from qnapp.minisign import format_fingerprint
from qnapp.periods import parse_period
from qnapp.text import format_timestamp, in_sentence
from qnapp.workspace import ExportState
from ui import ops
from ui.dialogs.reason_dialog import can_reopen, reopen_for_correction
from ui.pages.button_row import button_row
from ui.pages.send.save_path import default_folder

LOCKED_STYLE = "color: #0d47a1; font-weight: bold;"


def short_digest(digest: str) -> str:
    """The first 16 hex digits in groups, enough to compare on the phone: "3F2A 9C01 …"."""
    return format_fingerprint(digest[:16]) + " …"


class ExportSection:
    """Mixed into ``SendPage``: uses its workspace, dialogs, ``ask_save_path``,
    ``ask_passphrase``, ``ask_reason``, ``_period_id``, ``_state``, ``_public_key``,
    ``_busy``, its message helpers and its signals ``exported`` and ``lockChanged``."""

    def _build_report_box(self) -> QGroupBox:
        self.state_label = QLabel(self)
        self.state_label.setObjectName("sendState")
        self.state_label.setWordWrap(True)
        self.digest_label = self._selectable()
        self.time_label = QLabel(self)
        self.file_label = self._selectable()
        self.file_label.setWordWrap(True)
        self.export_button = QPushButton(_("&Xuất gói báo cáo…"), self)
        self.export_button.setDefault(True)
        self.reopen_button = QPushButton(_("&Mở lại để sửa…"), self)
        self.print_button = self._build_print_button()
        self.export_hint = QLabel(self)
        self.export_hint.setWordWrap(True)
        self.export_hint.setStyleSheet("color: #555555;")

        report = QGroupBox(_("Báo cáo của kỳ"), self)
        form = QFormLayout(report)
        form.addRow(_("Tình trạng:"), self.state_label)
        form.addRow(_("Mã băm của gói:"), self.digest_label)
        form.addRow(_("Thời điểm xuất:"), self.time_label)
        form.addRow(_("Tệp đã ghi:"), self.file_label)
        form.addRow(button_row(self.export_button, self.reopen_button, self.print_button))
        form.addRow(self.export_hint)
        self.export_button.clicked.connect(self.export_report)
        self.reopen_button.clicked.connect(self.reopen)
        return report

    def _show_state(self, state: ExportState) -> None:
        if state.locked:
            self.state_label.setText(
                _("Đã gửi (lần {revision}). Số liệu và hoạt động của kỳ đang khóa.").format(
                    revision=state.revision)
            )
            self.state_label.setStyleSheet(LOCKED_STYLE)
        elif state.revision is not None:
            self.state_label.setText(
                _("Đã mở lại để sửa sau lần gửi {revision} (lý do: {reason}). Lần gửi tới là lần {next}.").format(
                    revision=state.revision, reason=state.reopen_reason, next=state.next_revision)
            )
            self.state_label.setStyleSheet("color: #e65100;")
        else:
            self.state_label.setText(_("Chưa gửi."))
            self.state_label.setStyleSheet("")
        self.digest_label.setText(short_digest(state.digest) if state.digest else "—")
        self.digest_label.setToolTip(format_fingerprint(state.digest) if state.digest else "")
        self.time_label.setText(format_timestamp(state.exported_at) or "—")
        self.file_label.setText(state.file or "—")

    def _show_export_hint(self, state: ExportState) -> None:
        if state.locked:
            self.export_hint.setText(
                _("Xuất lại sẽ ghi đúng gói đã gửi lần {revision} (không cần mật khẩu).").format(
                    revision=state.revision)
            )
        elif self._public_key is None:
            self.export_hint.setText(_("Cần tạo khóa ký trước khi xuất gói báo cáo."))
        else:
            self.export_hint.setText(
                _("Gói sẽ được ký bằng khóa của đơn vị (lần {revision}); cần nhập mật khẩu khóa.").format(
                    revision=state.next_revision)
            )

    def export_report(self) -> None:
        if self._busy or self._period_id is None:
            return
        self.refresh()
        state = self._state
        if state is None or not self.export_button.isEnabled():
            return
        period = parse_period(state.period)
        path = self.ask_save_path(
            self,
            _("Lưu gói báo cáo kỳ {period}").format(period=in_sentence(period.label)),
            default_folder(self.workspace) / state.file_name,
            _("Gói báo cáo (*.zip)"),
        )
        if not path:
            return
        passphrase = None
        if not state.locked:  # a locked period rewrites the bundle already signed
            intro = _("Nhập mật khẩu khóa ký của đơn vị để ký gói báo cáo kỳ {period} (lần {revision}), "
                      "ghi vào {path}.").format(period=in_sentence(period.label), revision=state.next_revision,
                                                 path=path)
            passphrase = self.ask_passphrase(self, False, intro=intro, check=self._wrong_passphrase)
            if passphrase is None:
                return
        workspace = self.workspace

        def work():
            from qnapp.bundles import export_bundle

            result = export_bundle(workspace, state.period, passphrase, path)
            workspace.remember_export(result.path, state.period)
            return result

        self._set_busy(True, _("Đang ký và xuất gói báo cáo…"))
        ops.run_in_background(
            self,
            work,
            lambda result: self._exported(period.id, result),
            lambda err: self._fail(_("Không xuất được gói báo cáo"), err),
        )

    def _wrong_passphrase(self, passphrase: str) -> str | None:
        """The dialog's check: a message when ``passphrase`` does not open the key, so it
        asks again; other problems (no key, a damaged key) are the export's to report."""
        try:
            keys.load_signing_key(self.workspace.store, passphrase)
        except keys.KeysError as err:
            if err.reason_code == "passphrase_wrong":
                return _("Mật khẩu khóa không đúng. Hãy nhập lại: kỳ và tệp đã chọn vẫn được giữ.")
        return None

    def _exported(self, period_id: str, result) -> None:
        self._set_busy(False)
        self.refresh()
        period = parse_period(period_id)
        if result.reused:
            text = _(
                "Kỳ {period} đã gửi (lần {revision}) và đang khóa: đã ghi lại đúng gói đó vào {path}."
            )
        else:
            text = _(
                "Đã xuất gói báo cáo kỳ {period} (lần {revision}) vào {path}. Kỳ này đã được khóa: "
                "muốn sửa số liệu thì «Mở lại để sửa…»."
            )
        message = text.format(period=in_sentence(period.label), revision=result.revision, path=result.path)
        self._show_message(
            message + "\n" + _("Mã băm của gói: {digest}").format(digest=short_digest(result.digest))
        )
        self.exported.emit(result)
        self.lockChanged.emit(period.id)

    def reopen(self) -> None:
        state = self._state
        if self._busy or state is None or not can_reopen(state):
            return
        next_revision = reopen_for_correction(self, self.workspace, self.dialogs, state.period, self.ask_reason)
        if next_revision is None:
            return
        self.refresh()
        self._show_message(
            _("Đã mở lại kỳ {period} để sửa. Lần gửi tới là lần {revision}.").format(
                period=in_sentence(parse_period(state.period).label), revision=next_revision)
        )
        self.lockChanged.emit(state.period)
