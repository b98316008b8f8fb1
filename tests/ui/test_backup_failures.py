"""A backup that cannot be made is said in the status bar with the age of the last good
one, and the window works on; a full disk is not called a damaged database."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from qnapp.store import Store
from tests.core.test_backup_failures import backups_on_usb
from tests.ui.test_startup_checks import initialised_db, open_window

LAST_GOOD_YESTERDAY = re.compile(
    r"Chưa sao lưu được · Bản sao lưu tốt gần nhất: \d\d:\d\d ngày \d\d/\d\d/\d{4} \(hôm qua\)")


def test_missing_usb_backup_folder_is_said_in_the_status_bar(qtbot, db_path, tmp_path):
    usb = backups_on_usb(db_path, tmp_path)
    ws, window, checks = open_window(qtbot, db_path)
    try:
        window.show()
        qtbot.waitUntil(lambda: checks.done)

        message = window.statusBar().currentMessage()
        said = LAST_GOOD_YESTERDAY.match(message)  # first: a long reason is cut off at the right
        assert said, message
        rest = message[said.end():]
        assert rest.startswith(" · Đã kiểm tra cơ sở dữ liệu: tốt · Không tạo được bản sao lưu: ")
        assert str(usb / "qnapp-backups") in rest
        assert window.dialogs.calls == [] and not checks.damaged  # the officer works on

        # «Sao lưu ngay» (Ctrl+Shift+S): the reason in a dialog, the age in the status bar.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: window.dialogs.calls != [])
        [(kind, _title, text)] = window.dialogs.calls
        assert kind == "error" and text.startswith("Không tạo được bản sao lưu: ")
        assert LAST_GOOD_YESTERDAY.fullmatch(window.statusBar().currentMessage())
        assert window.backup_action.isEnabled()  # try again when the stick is back
    finally:
        assert ws.close() is not None  # the closing backup fails too: reported, not raised
    assert ws.store.closed


def test_full_disk_at_start_is_not_called_damaged(qtbot, db_path, monkeypatch):
    from qnapp.disk import disk_full_message
    from qnapp.errors import DiskFullError

    initialised_db(db_path)

    def full(self):
        raise DiskFullError(disk_full_message(self.path.parent))

    monkeypatch.setattr(Store, "quick_check", full)
    ws, window, checks = open_window(qtbot, db_path)
    try:
        window.show()
        qtbot.waitUntil(lambda: checks.done)
        assert not checks.damaged  # so the closing backup still runs
        [(kind, title, text)] = window.dialogs.calls
        assert (kind, title) == ("error", "Ổ đĩa đã đầy — qnapp")
        assert "đã đầy" in text and "bị hỏng" not in text
        assert window.statusBar().currentMessage() == "Ổ đĩa đã đầy: hãy giải phóng chỗ trống."
    finally:
        ws.close(backup_on_close=False)
