"""The page «Gửi báo cáo» itself: its sections put together (each a mixin of its own
module, see ``ui/pages/send/__init__.py``), the period it shows, the refresh, the
buttons' state and the message under the sections."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.minisign import PublicKey
from qnapp.periods import parse_period
from qnapp.workspace import ExportState, Workspace
from ui import ops
from ui.dialog_service import DialogService
from ui.dialogs.passphrase_dialog import ERROR_STYLE, ask_passphrase
from ui.dialogs.reason_dialog import ask_reopen_reason, can_reopen
from ui.pages.send.export_section import ExportSection
from ui.pages.send.key_section import KeySection
from ui.pages.send.print_section import PrintSection
from ui.pages.send.save_path import SavePathPrompt, ask_save_path

PassphrasePrompt = Callable[..., "str | None"]  # (parent, creating, *, intro=None, check=None)
ReasonPrompt = Callable[[QWidget, str], "str | None"]

OK_STYLE = "color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; padding: 6px;"


class SendPage(ExportSection, PrintSection, KeySection, QWidget):
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
        report = self._build_report_box()
        key_box = self._build_key_box()

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
        self._show_state(state)
        self._show_key()
        self._show_export_hint(state)
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

    # -- messages -------------------------------------------------------------------
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
