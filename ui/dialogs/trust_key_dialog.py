"""Trusting a child unit's public key, and revoking one.

Why the clerk TYPES the fingerprint instead of ticking «đã đối chiếu»
    The ``.pub`` file usually arrives the same way a forged one would: on a USB stick or in
    a chat app. What makes the key trustworthy is the phone call: the clerk calls the
    child unit on a number already known (not one written next to the file) and its
    officer reads out the 16 groups of 4 characters that qnapp shows on their own machine.

    A dialog that showed the file's fingerprint and asked for a tick would invite a tick
    without a comparison (people confirm what they are shown). So this dialog never shows
    the file's fingerprint before the key is trusted: the clerk types all 64 characters
    heard over the phone, and ``keys.trust_key`` compares them with the key, the only
    check that counts. The whole fingerprint, not its first groups: the core requires it,
    and a prefix would be a weaker check for little saving (16 groups read aloud take
    about two minutes, once per child key). The field refuses paste and drop, so the
    fingerprint cannot be copied from the message that came with the file. A mismatch is
    reported without revealing the file's fingerprint, only the first group that differs,
    so a typing slip can be fixed but the file cannot be copied from.

``TrustKeyDialog``: ``exec()`` returns Accepted once the key is registered; ``trusted``
then holds the ``keys.TrustedKey``. Errors (wrong fingerprint, unit not a child, key of
another unit, unreadable file) are shown inside the dialog and nothing is registered.

``RevokeKeyDialog``: asks the date from which a key is no longer valid and the reason;
``from_date`` and ``reason`` hold them once accepted. The page revokes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QFontDatabase, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.minisign import format_fingerprint, normalise_fingerprint
from qnapp.text import clean_text, format_date
from qnapp.units import get_unit
from qnapp.workspace import Workspace
from ui.dialogs.activity_dialog import from_qdate, make_date_edit

FilePicker = Callable[[QWidget], "str | None"]

FINGERPRINT_DIGITS = 64
FINGERPRINT_GROUPS = 16
_HEX = frozenset("0123456789abcdefABCDEF")
_ERROR_STYLE = "color: #b71c1c;"


def pick_key_file(parent: QWidget) -> str | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Chọn tệp khóa công khai"), "", _("Tệp khóa công khai (*.pub);;Mọi tệp (*)")
    )
    return path or None


def hex_digits(text: str) -> int:
    return sum(1 for ch in text if ch in _HEX)


class FingerprintEdit(QLineEdit):
    """Hex digits typed by hand: paste, drop and the context menu are refused."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9A-Fa-f :\-]{0,96}"), self)
        )
        self.setMaxLength(96)
        self.setAcceptDrops(False)
        self.setDragEnabled(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 11))
        self.setFont(font)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000 " * FINGERPRINT_GROUPS) + 16)
        self.setPlaceholderText(_("Gõ 16 nhóm, mỗi nhóm 4 ký tự, ví dụ 3F2A 9C01 …"))
        self.paste_refused = 0

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_refused += 1
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:  # X11 selection paste
            event.accept()
            return
        super().mouseReleaseEvent(event)


class TrustKeyDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        pick_file: FilePicker | None = None,
        today: date | None = None,
    ):
        super().__init__(parent)
        self._workspace = workspace
        self._pick_file: FilePicker = pick_file or pick_key_file
        self._today = today
        self._pub_text: str | None = None
        self._trust_error = False  # the error shown is a refused trust (of what was typed)
        self._info: keys.KeyFileInfo | None = None
        self.trusted: keys.TrustedKey | None = None
        self.setWindowTitle(_("Tin cậy khóa của đơn vị cấp dưới"))
        self.setMinimumWidth(620)
        self._build()
        self._update()

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(
            _(
                "Khóa công khai cho biết một gói báo cáo đúng là do đơn vị cấp dưới gửi. Tệp "
                "khóa (.pub) có thể bị đánh tráo trên đường gửi, nên chỉ tin cậy khóa sau khi "
                "đã gọi điện đối chiếu dấu vân tay."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.choose_button = QPushButton(_("Chọn tệp khóa…"), self)
        self.file_label = QLabel(_("Chưa chọn tệp."), self)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)

        self.unit_label = QLabel("", self)
        self.unit_label.setWordWrap(True)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setAccessibleName(_("Đơn vị của khóa"))
        self.unit_combo.hide()
        self.holder_label = QLabel("", self)
        unit_box = QVBoxLayout()
        unit_box.setContentsMargins(0, 0, 0, 0)
        unit_box.addWidget(self.unit_label)
        unit_box.addWidget(self.unit_combo)

        self.howto_label = QLabel("", self)
        self.howto_label.setWordWrap(True)

        self.fingerprint_edit = FingerprintEdit(self)
        self.fingerprint_edit.setAccessibleName(_("Dấu vân tay đọc qua điện thoại"))
        self.count_label = QLabel("", self)

        form = QFormLayout()
        form.addRow(_("Tệp khóa:"), file_row)
        form.addRow(_("Đơn vị:"), unit_box)
        form.addRow(_("Người giữ khóa:"), self.holder_label)
        fingerprint_label = QLabel(_("&Dấu vân tay:"), self)
        fingerprint_label.setBuddy(self.fingerprint_edit)
        form.addRow(fingerprint_label, self.fingerprint_edit)
        form.addRow("", self.count_label)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.trust_button = self.buttons.addButton(_("Tin cậy khóa này"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.trust_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.howto_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.choose_button.clicked.connect(self.choose_file)
        self.fingerprint_edit.textChanged.connect(self._update)
        self.unit_combo.currentIndexChanged.connect(self._update)
        # A refused trust is about the fingerprint or unit typed: it clears when they change.
        self.fingerprint_edit.textChanged.connect(self._clear_trust_error)
        self.unit_combo.currentIndexChanged.connect(self._clear_trust_error)
        self.buttons.accepted.connect(self.trust)
        self.buttons.rejected.connect(self.reject)

    # -- file -----------------------------------------------------------------------
    def choose_file(self) -> None:
        path = self._pick_file(self)
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        """Read a ``.pub`` file; show the unit it names. False (and the error) if unusable."""
        self._pub_text = self._info = None
        self.unit_combo.hide()
        self.unit_combo.clear()
        self.file_label.setText(str(path))
        try:
            text = keys.read_key_file_text(path)
            info = keys.read_public_key_text(text)
        except QnappError as err:
            self.unit_label.setText("")
            self.holder_label.setText("")
            self._show_error(str(err))
            self._update()
            return False
        self._pub_text, self._info = text, info
        self._clear_error()
        if info.unit is not None:
            try:
                named = get_unit(info.unit).full_name
            except QnappError:
                named = info.unit_name or info.unit
            self.unit_label.setText(_("{name} ({key}) — theo ghi chú trong tệp").format(name=named, key=info.unit))
        else:
            self.unit_label.setText(_("Tệp không ghi khóa của đơn vị nào; hãy chọn đơn vị:"))
            self._fill_children()
        self.holder_label.setText(info.holder or _("(không ghi)"))
        self.fingerprint_edit.setFocus()
        self._update()
        self._fit()
        return True

    def _fill_children(self) -> None:
        from qnapp.consolidation import children_of  # lazy: only for a key file without a unit

        self.unit_combo.addItem(_("— Chọn đơn vị —"), None)
        try:
            children = children_of(self._workspace)
        except QnappError as err:
            self._show_error(str(err))
            children = []
        for unit in children:
            self.unit_combo.addItem(unit.full_name, unit.key)
        self.unit_combo.show()

    def chosen_unit(self) -> str | None:
        """The unit the key is registered for: the file's, or the one chosen in the list."""
        if self._info is None:
            return None
        if self._info.unit is not None:
            return self._info.unit
        return self.unit_combo.currentData()

    def _unit_display(self) -> str:
        key = self.chosen_unit()
        if key is None:
            return _("đơn vị gửi khóa")
        try:
            return get_unit(key).full_name
        except QnappError:
            return key

    # -- state ----------------------------------------------------------------------
    def _update(self, *_args) -> None:
        typed = hex_digits(self.fingerprint_edit.text())
        self.count_label.setText(
            _("Đã gõ {typed}/{total} ký tự.").format(typed=typed, total=FINGERPRINT_DIGITS)
        )
        if self._info is None:
            self.howto_label.setText(_("Chọn tệp khóa mà đơn vị cấp dưới đã gửi."))
        else:
            self.howto_label.setText(
                _(
                    "Gọi điện cho cán bộ của {unit} theo số điện thoại đã biết (không dùng số ghi "
                    "kèm tệp). Đề nghị họ mở qnapp trên máy của mình, đọc dấu vân tay khóa (16 "
                    "nhóm, mỗi nhóm 4 ký tự), và gõ lại từng nhóm vào ô trên. Không sao chép dấu "
                    "vân tay từ tin nhắn gửi kèm tệp."
                ).format(unit=self._unit_display())
            )
        ready = (
            self._info is not None
            and self.chosen_unit() is not None
            and normalise_fingerprint(self.fingerprint_edit.text()) is not None
        )
        self.trust_button.setEnabled(ready)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self._fit()

    def _fit(self) -> None:
        """Grow to show a label that appeared (Qt does not grow a dialog by itself)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def _clear_error(self) -> None:
        self.error_label.setText("")
        self.error_label.hide()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    # -- trust ----------------------------------------------------------------------
    def trust(self) -> None:
        if self._pub_text is None or self._info is None:
            self._show_error(_("Hãy chọn tệp khóa trước."))  # load_file clears it
            return
        typed = self.fingerprint_edit.text()
        try:
            self.trusted = keys.trust_key(
                self._workspace.store,
                self._pub_text,
                fingerprint=typed,
                unit_key=None if self._info.unit is not None else self.chosen_unit(),
                who=self._workspace.officer,
                today=self._today,
            )
        except QnappError as err:
            self._show_error(str(err))
            self._trust_error = True
            return
        self.accept()

    def _clear_trust_error(self, *_args) -> None:
        if self._trust_error:
            self._trust_error = False
            self._clear_error()

class RevokeKeyDialog(QDialog):
    """The date a key stops being valid (inclusive) and why; the page does the revoking."""

    def __init__(self, key: keys.TrustedKey, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.key = key
        self.from_date: date | None = None
        self.reason = ""
        self.setWindowTitle(_("Thu hồi khóa"))
        self.setMinimumWidth(520)
        try:
            unit = get_unit(key.unit).full_name
        except QnappError:
            unit = key.unit
        about = QLabel(
            _(
                "Khóa của {unit} (dấu vân tay {fpr}), tin cậy từ {since}. Gói báo cáo ký bằng "
                "khóa này vào ngày thu hồi hoặc sau đó sẽ bị từ chối."
            ).format(unit=unit, fpr=format_fingerprint(key.fingerprint), since=format_date(key.valid_from)),
            self,
        )
        about.setWordWrap(True)
        self.date_edit = make_date_edit(self, today or date.today())
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(_("Ví dụ: máy bị mất, cán bộ giữ khóa nghỉ việc"))
        self.error_label = QLabel("", self)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.hide()
        form = QFormLayout()
        date_label = QLabel(_("Thu hồi &từ ngày:"), self)
        date_label.setBuddy(self.date_edit)
        reason_label = QLabel(_("&Lý do:"), self)
        reason_label.setBuddy(self.reason_edit)
        form.addRow(date_label, self.date_edit)
        form.addRow(reason_label, self.reason_edit)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(_("Thu hồi"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(_("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._reason_changed)

    def _reason_changed(self, text: str) -> None:
        if clean_text(text):  # the missing reason was the error's only cause
            self.error_label.hide()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def _accept(self) -> None:
        reason = clean_text(self.reason_edit.text())
        if not reason:
            self.error_label.setText(_("Hãy ghi lý do thu hồi (được lưu vào nhật ký)."))
            self.error_label.show()
            self.reason_edit.setFocus()
            return
        self.from_date = from_qdate(self.date_edit.date())
        self.reason = reason
        self.accept()
