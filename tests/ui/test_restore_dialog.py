"""A damaged database gets the good backups offered, at start-up and from «Tệp» (issue 10,
item 5): the dialog lists them newest first with their dates, «Khôi phục» restores,
the damaged file is kept aside, and the program opens the restored data."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

import ui.app as app_module
from qnapp import backup
from qnapp.paths import backup_dir_for
from qnapp.restore import GoodBackup
from qnapp.store import Store
from qnapp.text import VN_TZ
from qnapp.workspace import Workspace
from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER
from ui.app import build_main_window
from ui.dialog_service import RecordingDialogService
from ui.dialogs.restore_dialog import RestoreDialog
from ui.startup_checks import StartupChecks

PAGE = 4096
TIMES = [datetime(2025, 6, d, h, m, tzinfo=VN_TZ) for d, h, m in ((3, 8, 5), (5, 16, 40), (9, 7, 30))]


def figures(path):
    with Store.open(path) as s:
        return s.get_values(f"{COMMUNE_TREE}:{COMMUNE_CODE}", "2025")


def with_backups(db_path):
    """An initialised database with three backups, each one figure further; a damaged file
    under the newest backup name; then a figure after the last backup."""
    ws = Workspace.open(db_path)
    ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    made = []
    for i, when in enumerate(TIMES):
        ws.store.set_values(ws.profile.unit_key, "2025", {(f"E{n}", "nu"): n + i for n in range(1500)}, "t")
        made.append(backup.make_backup(ws.store, now=when))
    ws.store.set_values(ws.profile.unit_key, "2025", {("LATE", ""): 1}, "t")
    ws.close(backup_on_close=False)
    newest = backup_dir_for(db_path) / "qnapp-20250610-090000.sqlite"
    newest.write_bytes(_damaged(made[-1].read_bytes()))
    return made[::-1]  # newest first


def _damaged(data: bytes) -> bytes:
    data = bytearray(data)
    pages = len(data) // PAGE
    for page in (pages - 3, pages - 2):  # header, schema, migrations still read
        data[page * PAGE + 8: page * PAGE + 4000] = b"\x5a" * (4000 - 8)
    return bytes(data)


def damage(db_path) -> bytes:
    db_path.write_bytes(_damaged(db_path.read_bytes()))
    return db_path.read_bytes()


class Driver:
    """Acts on each modal window as it comes up (a dialog's exec() blocks the test)."""

    def __init__(self, **acts):
        self.acts, self.seen = acts, []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        widget = QApplication.activeModalWidget()
        if widget is None or widget in self.seen:
            return
        self.seen.append(widget)
        act = self.acts.get(type(widget).__name__)
        if act is not None:
            act(widget)
        else:  # anything else (a message) is read and closed with Enter
            widget.setProperty("shown_text", widget.text() if isinstance(widget, QMessageBox) else "")
            self.timer.singleShot(0, lambda: widget.defaultButton().click())

    def texts(self, kind):
        return [w.property("shown_text") for w in self.seen if type(w).__name__ == kind]


def labels(dialog: RestoreDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def all_text(dialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_failed_integrity_check_offers_the_newest_good_backups(qtbot, db_path):
    made = with_backups(db_path)
    damaged = damage(db_path)
    ws = Workspace.open(db_path, deferred_checks=True)
    window = build_main_window(ws)
    window.dialogs = RecordingDialogService()
    qtbot.addWidget(window)
    checks = StartupChecks(ws, window, window.dialogs)
    offered = {}

    def choose_second(dialog):
        offered["labels"], offered["text"] = labels(dialog), all_text(dialog)
        offered["fits"] = dialog.screen().availableGeometry().contains(dialog.frameGeometry())
        qtbot.keyClick(dialog.list, Qt.Key.Key_Down)  # from the newest to the one before
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    driver = Driver(RestoreDialog=choose_second)  # noqa: F841 - kept alive
    try:
        window.show()
        qtbot.waitUntil(lambda: checks.done and not window.isVisible(), timeout=10_000)
    finally:
        ws.close(backup_on_close=False)
    # The damaged file under the newest name is passed over; dates dd/mm/yyyy hh:mm.
    assert offered["labels"] == [
        "09/06/2025 07:30 — qnapp-20250609-073000.sqlite",
        "05/06/2025 16:40 — qnapp-20250605-164000.sqlite",
        "03/06/2025 08:05 — qnapp-20250603-080500.sqlite",
    ]
    assert "bị hỏng" in offered["text"] and "được giữ nguyên một bản" in offered["text"]
    assert offered["fits"]  # SQLite's long report of the damage is cut short
    assert window.restore_choice.path == made[1]
    assert db_path.read_bytes() == damaged  # nothing is replaced before the window closes


def test_restore_after_the_failed_check_reopens_the_restored_data(qtbot, monkeypatch, windows, db_path):
    made = with_backups(db_path)
    damaged = damage(db_path)
    driver = Driver(RestoreDialog=lambda d: qtbot.keyClick(d.list, Qt.Key.Key_Return))
    states = []

    def event_loop(_app):
        window = windows[-1]
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() != "" or not window.isVisible(),
                        timeout=10_000)
        qtbot.waitUntil(lambda: not window.isVisible() or "tốt" in window.statusBar().currentMessage())
        states.append(window.isVisible())
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app_module.main(["--db", str(db_path)]) == 0
    assert states == [False, True]  # closed for the restore, then open on the restored data
    assert figures(db_path) == figures(made[0])
    [said] = driver.texts("QMessageBox")
    assert "Đã khôi phục dữ liệu từ bản sao lưu 09/06/2025 07:30" in said
    kept = [p for p in backup.list_backups(backup_dir_for(db_path)) if backup.backup_kind(p) == "prerestore"]
    assert [p.read_bytes() for p in kept] == [damaged]
    assert str(kept[0]) in said


def test_file_menu_restores_a_backup_chosen_on_a_usb_stick(qtbot, monkeypatch, tmp_path, db_path):
    made = with_backups(db_path)
    usb = tmp_path / "usb" / "sao lưu của xã.sqlite"
    usb.parent.mkdir()
    usb.write_bytes(made[-1].read_bytes())
    junk = tmp_path / "usb" / "ảnh.sqlite"
    junk.write_bytes(b"not a database " * 100)
    picks = iter([str(junk), str(usb)])
    monkeypatch.setattr(RestoreDialog, "pick_file", lambda self: next(picks))
    ws = Workspace.open(db_path, deferred_checks=True)
    window = build_main_window(ws)
    window.dialogs = RecordingDialogService()
    qtbot.addWidget(window)
    offered = {}

    def pick_from_usb(dialog):
        qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)  # refused: unchanged
        offered["after junk"] = labels(dialog)
        qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)
        offered["after usb"] = labels(dialog)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)

    driver = Driver(RestoreDialog=pick_from_usb)  # noqa: F841
    try:
        window.show()
        qtbot.waitExposed(window)
        file_menu = window.menuBar().actions()[0].menu()
        assert "Khôi phục từ bản sao lưu…" in [a.text().replace("&", "") for a in file_menu.actions()]
        window.menuBar().setActiveAction(window.menuBar().actions()[0])
        qtbot.waitUntil(file_menu.isVisible)
        qtbot.keyClick(file_menu, Qt.Key.Key_K)  # «&Khôi phục từ bản sao lưu…»
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    finally:
        ws.close(backup_on_close=False)
    [(kind, title, text)] = window.dialogs.calls
    assert kind == "error" and "không phải là cơ sở dữ liệu SQLite" in text
    assert offered["after junk"] == [GoodBackup(p, backup.backup_time(p)).label for p in made]
    assert offered["after usb"] == ["sao lưu của xã.sqlite"] + offered["after junk"]
    assert window.restore_choice.path == usb


def test_a_database_that_cannot_open_gets_the_backups_offered(qtbot, monkeypatch, windows, db_path):
    made = with_backups(db_path)
    data = bytearray(db_path.read_bytes())
    data[100:PAGE] = b"\x5a" * (PAGE - 100)  # the schema page: it does not even open
    db_path.write_bytes(bytes(data))
    with pytest.raises(Exception):
        Workspace.open(db_path, deferred_checks=True)
    driver = Driver(RestoreDialog=lambda d: qtbot.mouseClick(d.restore_button, Qt.MouseButton.LeftButton))
    assert app_module.main(["--db", str(db_path)]) == 0
    assert len(windows) == 1
    assert figures(db_path) == figures(made[0])
    assert "Đã khôi phục" in driver.texts("QMessageBox")[0]
