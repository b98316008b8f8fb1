"""«Gửi báo cáo»: export the chosen period as a signed bundle for the parent unit.

Shows whether the period was sent (and so is locked), with revision, digest, time and
file; the unit's key fingerprint in groups to read over the phone; buttons to create the
signing key, export the bundle, reopen the period for a correction, and write the public
key file for the parent. Signing and key creation run off the GUI thread (scrypt takes
about half a second).

Every prompt is injectable so tests never block on a modal dialog:
``ask_save_path(parent, caption, suggested_path, file_filter) -> str | None``,
``ask_passphrase(parent, creating, **options) -> str | None`` (the export passes ``intro``
and ``check``: a wrong passphrase is asked again in the same dialog, the chosen file
kept), ``ask_reason(parent, period_label) -> str | None``, and the ``DialogService`` for
the confirmation and errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.minisign import PublicKey, format_fingerprint
from qnapp.periods import parse_period
from qnapp.text import format_timestamp, in_sentence
from qnapp.workspace import ExportState, Workspace
from ui import ops
from ui.dialog_service import DialogService
from ui.dialogs.passphrase_dialog import ERROR_STYLE, ask_passphrase
from ui.dialogs.reason_dialog import ask_reopen_reason, can_reopen, reopen_for_correction

SavePathPrompt = Callable[[QWidget, str, Path, str], "str | None"]
PassphrasePrompt = Callable[..., "str | None"]  # (parent, creating, *, intro=None, check=None)
ReasonPrompt = Callable[[QWidget, str], "str | None"]

OK_STYLE = "color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; padding: 6px;"
LOCKED_STYLE = "color: #0d47a1; font-weight: bold;"


def short_digest(digest: str) -> str:
    """The first 16 hex digits in groups, enough to compare on the phone: "3F2A 9C01 …"."""
    return format_fingerprint(digest[:16]) + " …"


def fingerprint_lines(public_key: PublicKey) -> str:
    """16 groups of 4 on two lines of 8, to read back over the phone."""
    groups = public_key.fingerprint_groups.split()
    return " ".join(groups[:8]) + "\n" + " ".join(groups[8:])


def default_folder(workspace: Workspace) -> Path:
    """The folder used last, else the user's Documents."""
    folder = workspace.export_folder()
    if folder is not None:
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def ask_save_path(parent: QWidget, caption: str, suggested: Path, file_filter: str) -> str | None:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    if not path:
        return None
    if not Path(path).suffix:  # some dialogs do not add the filter's extension
        path += suggested.suffix
    return path


class SendPage(QWidget):
    exported = Signal(object)  # an ExportResult, once the file is written
    keyCreated = Signal(object)  # the new PublicKey
    lockChanged = Signal(str)  # a period was locked (exported) or reopened
    failed = Signal(str)  # the Vietnamese message of a refused action

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        dialogs: DialogService | None = None,
        *,
        period_id: str | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.dialogs = dialogs or DialogService()
        self.ask_save_path: SavePathPrompt = ask_save_path
        self.ask_passphrase: PassphrasePrompt = ask_passphrase
        self.ask_reason: ReasonPrompt = ask_reopen_reason
        self._period_id: str | None = None
        self._state: ExportState | None = None
        self._public_key: PublicKey | None = None
        self._busy = False
        self._error_shown = False  # the message shown is a refusal
        self._build()
        if period_id:
            self.set_period(period_id)

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        intro = QLabel(
            _(
                "Xuất báo cáo của kỳ thành một tệp có chữ ký (gói báo cáo .zip) để chép vào USB "
                "hoặc gửi qua Zalo, thư điện tử cho đơn vị cấp trên. Sau khi xuất, số liệu và "
                "hoạt động của kỳ bị khóa; muốn sửa thì mở lại kỳ rồi gửi bản sửa."
            ),
            self,
        )
        intro.setWordWrap(True)

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
        self.print_button = QPushButton(_("Xuất &báo cáo để in (Excel, PDF)…"), self)
        self.export_hint = QLabel(self)
        self.export_hint.setWordWrap(True)
        self.export_hint.setStyleSheet("color: #555555;")

        report = QGroupBox(_("Báo cáo của kỳ"), self)
        form = QFormLayout(report)
        form.addRow(_("Tình trạng:"), self.state_label)
        form.addRow(_("Mã băm của gói:"), self.digest_label)
        form.addRow(_("Thời điểm xuất:"), self.time_label)
        form.addRow(_("Tệp đã ghi:"), self.file_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.export_hint)

        self.fingerprint_label = self._selectable()
        self.fingerprint_label.setObjectName("fingerprint")
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._mono.setPointSize(max(self._mono.pointSize(), 12))
        self._mono.setBold(True)
        self.fingerprint_label.setAccessibleName(_("Dấu vân tay khóa ký"))
        self.key_hint = QLabel(self)
        self.key_hint.setWordWrap(True)
        self.create_key_button = QPushButton(_("&Tạo khóa ký"), self)
        self.export_key_button = QPushButton(_("Xuất &khóa công khai…"), self)
        self.new_key_button = QPushButton(_("Tạo khóa &mới…"), self)
        self.new_key_button.setToolTip(
            _("Khi chuyển sang máy mới hoặc lộ mật khẩu: khóa cũ ngừng dùng, đơn vị cấp trên "
              "cần thu hồi khóa cũ và tin cậy khóa mới.")
        )

        key_box = QGroupBox(_("Khóa ký của đơn vị"), self)
        key_layout = QVBoxLayout(key_box)
        key_layout.addWidget(self.fingerprint_label)
        key_layout.addWidget(self.key_hint)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.create_key_button)
        key_buttons.addWidget(self.export_key_button)
        key_buttons.addWidget(self.new_key_button)
        key_buttons.addStretch(1)
        key_layout.addLayout(key_buttons)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("sendMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(intro)
        layout.addWidget(report)
        layout.addWidget(key_box)
        layout.addWidget(self.message_label)
        layout.addStretch(1)

        self.export_button.clicked.connect(self.export_report)
        self.reopen_button.clicked.connect(self.reopen)
        self.print_button.clicked.connect(self.print_report)
        self.create_key_button.clicked.connect(self.create_key)
        self.export_key_button.clicked.connect(self.export_public_key)
        self.new_key_button.clicked.connect(self.replace_key)

    def _selectable(self) -> QLabel:
        label = QLabel(self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- state ----------------------------------------------------------------------
    @property
    def period_id(self) -> str | None:
        return self._period_id

    @property
    def state(self) -> ExportState | None:
        return self._state

    @property
    def busy(self) -> bool:
        return self._busy

    def set_period(self, period_id: str) -> None:
        self._period_id = parse_period(period_id).id
        self.message_label.hide()
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not event.spontaneous() and self._error_shown:
            # The officer went to another page, likely to fix what was refused (figures,
            # activities): the page now shows the state as it is, and a retry says again.
            self.message_label.hide()
            self._error_shown = False
        if not self._busy:
            self.refresh()  # a key made or a period sent elsewhere (command line) shows up

    def refresh(self) -> None:
        if self._period_id is None:
            return
        period = parse_period(self._period_id)
        self.title_label.setText(_("<h2>Gửi báo cáo – {period}</h2>").format(period=period.label))
        try:
            self._state = state = self.workspace.export_state(period.id)
            self._public_key = keys.own_public_key(self.workspace.store)
        except QnappError as err:
            self._show_message(str(err), error=True)
            return
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

        self.fingerprint_label.setFont(self.font() if self._public_key is None else self._mono)
        if self._public_key is None:
            self.fingerprint_label.setText(_("Đơn vị chưa có khóa ký."))
            self.key_hint.setText(
                _("Tạo khóa ký trước khi gửi báo cáo lần đầu. Khóa được bảo vệ bằng mật khẩu do anh/chị đặt.")
            )
        else:
            self.fingerprint_label.setText(fingerprint_lines(self._public_key))
            self.key_hint.setText(
                _(
                    "Dấu vân tay của khóa: đọc cho cán bộ đơn vị cấp trên qua điện thoại khi họ "
                    "đăng ký khóa công khai của đơn vị."
                )
            )
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
        self._update_buttons()

    def _update_buttons(self) -> None:
        state, has_key, idle = self._state, self._public_key is not None, not self._busy
        self.export_button.setEnabled(idle and state is not None and (state.locked or has_key))
        self.reopen_button.setEnabled(idle and state is not None and can_reopen(state))
        self.create_key_button.setVisible(not has_key)
        self.create_key_button.setEnabled(idle)
        self.new_key_button.setVisible(has_key)
        self.new_key_button.setEnabled(idle)
        self.export_key_button.setEnabled(idle and has_key)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        if busy:
            self._show_message(text)
        self._update_buttons()

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message_label.show()
        self._error_shown = error

    def message_text(self) -> str:
        return self.message_label.text() if self.message_label.isVisibleTo(self) else ""

    def _fail(self, title: str, err: BaseException) -> None:
        message = ops.error_message(err)
        self._set_busy(False)
        self._show_message(message, error=True)
        self.dialogs.error(self, title, message)
        self.failed.emit(message)

    # -- the signing key ------------------------------------------------------------
    def create_key(self, *, replace: bool = False) -> None:
        if self._busy:
            return
        passphrase = self.ask_passphrase(self, True)
        if passphrase is None:
            return
        store, unit_key, officer = self.workspace.store, self.workspace.require_profile().unit_key, self.workspace.officer
        self._set_busy(True, _("Đang tạo khóa ký…"))
        ops.run_in_background(
            self,
            lambda: keys.create_key(store, unit_key, passphrase, who=officer, replace=replace),
            self._key_created,
            lambda err: self._fail(_("Không tạo được khóa ký"), err),
        )

    def replace_key(self) -> None:
        """A new key on a new PC (or after a leaked passphrase); the old one is retired."""
        if self._busy or not self.dialogs.confirm(
            self,
            _("Tạo khóa mới"),
            _(
                "Tạo khóa ký mới cho đơn vị? Khóa hiện tại sẽ ngừng dùng (vẫn được giữ để kiểm tra "
                "các gói đã ký bằng nó). Sau đó hãy gửi khóa công khai mới cho đơn vị cấp trên: họ "
                "thu hồi khóa cũ và tin cậy khóa mới (đọc dấu vân tay qua điện thoại), nếu không "
                "báo cáo ký bằng khóa mới sẽ bị từ chối."
            ),
        ):
            return
        self.create_key(replace=True)

    def _key_created(self, public_key: PublicKey) -> None:
        self._set_busy(False)
        self.refresh()
        self._show_message(
            _(
                "Đã tạo khóa ký của đơn vị. Hãy «Xuất khóa công khai…» gửi cho đơn vị cấp trên "
                "và đọc dấu vân tay cho họ qua điện thoại."
            )
        )
        self.keyCreated.emit(public_key)

    def export_public_key(self) -> None:
        if self._busy or self._public_key is None:
            return
        unit = self.workspace.unit
        suggested = default_folder(self.workspace) / "{code}.pub".format(code=unit.code)
        path = self.ask_save_path(
            self, _("Lưu khóa công khai"), suggested, _("Khóa công khai minisign (*.pub)")
        )
        if not path:
            return
        try:
            public_key = self.workspace.write_public_key(path)
        except QnappError as err:
            self._fail(_("Không ghi được khóa công khai"), err)
            return
        self._show_message(
            _("Đã ghi khóa công khai vào {path}. Dấu vân tay: {fpr}").format(
                path=path, fpr=public_key.fingerprint_groups)
        )

    # -- export and reopen ----------------------------------------------------------
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

    def print_report(self) -> None:
        """The NĐ 30 report of the period, as .xlsx or .pdf, to print, sign and stamp."""
        if self._busy or self._period_id is None:
            return
        period = parse_period(self._period_id)
        unit = self.workspace.unit
        path = self.ask_save_path(
            self,
            _("Lưu báo cáo kỳ {period}").format(period=in_sentence(period.label)),
            default_folder(self.workspace) / "BC_{code}_{period}.pdf".format(code=unit.code, period=period.id),
            _("Báo cáo PDF (*.pdf);;Bảng tính Excel (*.xlsx)"),
        )
        if not path:
            return
        from ui.report_pdf import export_report  # Qt text layout: stays on the GUI thread

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = export_report(self.workspace, period.id, path)
        except QnappError as err:
            self._fail(_("Không xuất được báo cáo"), err)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._show_message(_("Đã ghi báo cáo kỳ {period} vào {path}.").format(
            period=in_sentence(period.label), path=written))

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
