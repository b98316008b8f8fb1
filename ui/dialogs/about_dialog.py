"""«Giới thiệu»: version, data and backup folders, the unit and its key fingerprint."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from qnapp import __version__, keys
from qnapp.i18n import _
from qnapp.workspace import Workspace


def about_rows(workspace: Workspace) -> list[tuple[str, str]]:
    public_key = keys.own_public_key(workspace.store)
    fingerprint = public_key.fingerprint_groups if public_key else _("(chưa tạo khóa ký)")
    return [
        (_("Phiên bản"), __version__),
        (_("Đơn vị"), "{name} ({key})".format(name=workspace.unit.full_name, key=workspace.profile.unit_key)),
        (_("Cán bộ"), workspace.officer),
        (_("Cơ sở dữ liệu"), str(workspace.store.path)),
        (_("Thư mục dữ liệu"), str(workspace.store.path.parent)),
        (_("Thư mục sao lưu"), str(workspace.backup_folder)),
        (_("Dấu vân tay khóa ký"), fingerprint),
    ]


class AboutDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Giới thiệu qnapp"))
        self.setMinimumWidth(560)
        heading = QLabel(
            _(
                "<b>qnapp</b> – ghi số liệu, hoạt động của Kế hoạch 82/KH-UBND tỉnh Quảng Ninh "
                "về bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới; chạy "
                "không cần mạng."
            )
        )
        heading.setWordWrap(True)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for caption, value in about_rows(workspace):
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[caption] = label
            form.addRow(_("{caption}:").format(caption=caption), label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Đóng"))  # whatever Qt's catalog
        self.copy_button = buttons.addButton(_("&Chép thông tin"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(
                "\n".join("{c}: {v}".format(c=c, v=v) for c, v in about_rows(workspace))
            )
        )
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
