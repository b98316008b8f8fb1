"""«Khóa ký của đơn vị»: the unit's signing key, its fingerprint in groups to read over
the phone, and the buttons to create it (off the GUI thread: scrypt takes about half a
second), replace it, and write the public key file for the parent."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.minisign import PublicKey
from ui import ops
from ui.pages.button_row import button_row
from ui.pages.send.save_path import default_folder


def fingerprint_lines(public_key: PublicKey) -> str:
    """16 groups of 4 on two lines of 8, to read back over the phone."""
    groups = public_key.fingerprint_groups.split()
    return " ".join(groups[:8]) + "\n" + " ".join(groups[8:])


class KeySection:
    """Mixed into ``SendPage``: uses its workspace, dialogs, ``ask_passphrase``,
    ``ask_save_path``, ``_public_key``, ``_busy`` and its message helpers."""

    def _build_key_box(self) -> QGroupBox:
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
        key_layout.addLayout(button_row(self.create_key_button, self.export_key_button, self.new_key_button))
        self.create_key_button.clicked.connect(self.create_key)
        self.export_key_button.clicked.connect(self.export_public_key)
        self.new_key_button.clicked.connect(self.replace_key)
        return key_box

    def _show_key(self) -> None:
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
