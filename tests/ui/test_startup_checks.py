"""The window paints first; the page check and the daily backup follow in the background,
and the status bar says how they went."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

import ui.app as app_module
from qnapp import backup
from qnapp.paths import backup_dir_for
from qnapp.workspace import Workspace
from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER
from tests.core.test_startup_checks import make_damaged
from ui.app import build_main_window
from ui.dialog_service import RecordingDialogService
from ui.dialogs.restore_dialog import RestoreDialog
from ui.first_paint import after_first_paint
from ui.startup_checks import StartupChecks

CHECKED_AND_SAVED = re.compile(
    r"^Đã kiểm tra cơ sở dữ liệu: tốt · Đã sao lưu lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}$")


def initialised_db(db_path):
    with Workspace.open(db_path) as ws:
        ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    for old in backup_dir_for(db_path).glob("*"):
        old.unlink()  # as on the first start of a day: a backup is due
    return db_path


def open_window(qtbot, db_path):
    ws = Workspace.open(db_path, deferred_checks=True)
    window = build_main_window(ws)
    window.dialogs = RecordingDialogService()  # a damaged file's dialog is recorded, not shown
    qtbot.addWidget(window)
    checks = StartupChecks(ws, window, window.dialogs)
    return ws, window, checks


def test_checks_wait_for_the_first_paint_then_report_in_the_status_bar(qtbot, db_path):
    ws, window, checks = open_window(qtbot, initialised_db(db_path))
    try:
        QApplication.processEvents()
        assert not checks.done and backup.list_backups(backup_dir_for(db_path)) == []  # nothing before the paint

        window.show()
        qtbot.waitUntil(lambda: checks.done)

        assert CHECKED_AND_SAVED.match(window.statusBar().currentMessage())
        assert len(backup.list_backups(backup_dir_for(db_path))) == 1
        assert window.dialogs.calls == [] and not checks.damaged
    finally:
        ws.close(backup_on_close=False)


def test_a_recent_backup_is_named_instead_of_making_another(qtbot, db_path):
    Workspace.open(initialised_db(db_path)).close(backup_on_close=False)  # the CLI backs up when due
    made = backup.list_backups(backup_dir_for(db_path))
    assert len(made) == 1
    ws, window, checks = open_window(qtbot, db_path)
    try:
        window.show()
        qtbot.waitUntil(lambda: checks.done)
        message = window.statusBar().currentMessage()
        assert message.startswith("Đã kiểm tra cơ sở dữ liệu: tốt · Bản sao lưu gần nhất: ")
        assert backup.list_backups(backup_dir_for(db_path)) == made
    finally:
        ws.close(backup_on_close=False)


def test_damaged_database_offers_a_restore_and_is_not_backed_up(qtbot, db_path):
    make_damaged(db_path)
    ws, window, checks = open_window(qtbot, db_path)
    offered = []

    def close_it():  # the restore dialog is modal: read it, then close it with Escape
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RestoreDialog):
            return
        timer.stop()
        offered.append("\n".join(label.text() for label in dialog.findChildren(QLabel)))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    timer = QTimer()
    timer.timeout.connect(close_it)
    timer.start(20)
    try:
        window.show()  # it opens: the officer sees the window, then the problem
        qtbot.waitUntil(lambda: checks.done and bool(offered))
        assert checks.damaged
        assert "bị hỏng" in offered[0] and "Không tìm thấy bản sao lưu còn tốt" in offered[0]
        assert window.statusBar().currentMessage() == "Cơ sở dữ liệu bị hỏng: hãy khôi phục từ một bản sao lưu."
        assert window.isVisible() and window.restore_choice is None  # closed: nothing restored
        assert not backup_dir_for(db_path).exists()
    finally:
        ws.close(backup_on_close=False)


def test_main_runs_the_checks_after_showing_the_window(qtbot, monkeypatch, windows, db_path):
    initialised_db(db_path)
    seen = {}

    def event_loop(_app):
        window = windows[0]
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Đã kiểm tra"))
        seen["visible"], seen["message"] = window.isVisible(), window.statusBar().currentMessage()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert app_module.main(["--db", str(db_path)]) == 0
    assert seen["visible"] and CHECKED_AND_SAVED.match(seen["message"])
    # The daily backup after the paint, and the one made on closing.
    assert len(backup.list_backups(backup_dir_for(db_path))) == 2


def test_a_window_painted_after_its_workspace_closed_checks_nothing(qtbot, db_path):
    ws, window, checks = open_window(qtbot, initialised_db(db_path))
    ws.close(backup_on_close=False)
    painted = []
    after_first_paint(window, painted.append)
    window.show()
    qtbot.waitUntil(lambda: bool(painted))
    qtbot.wait(200)  # the checks' own turn after the paint, and a worker if one started
    assert not checks.done and window.dialogs.calls == []
    assert window.statusBar().currentMessage() == ""
