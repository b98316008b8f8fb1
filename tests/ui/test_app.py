"""Start-up, the main window and background operations."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QDialog, QMessageBox

from qnapp.demo import DEMO_OFFICER
from qnapp.errors import NewerDatabaseError, QnappError
from qnapp.paths import backup_dir_for, data_dir
from qnapp.workspace import Workspace
from ui import app as app_module
from ui import ops
from ui.dialog_service import RecordingDialogService
from ui.dialogs.welcome_wizard import WelcomeWizard
from ui.main_window import MainWindow


@pytest.fixture
def shown_errors(monkeypatch):
    """Message boxes of the start-up code, recorded instead of shown."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    return shown


def test_locked_database_is_explained_in_vietnamese(qapp, workspace, db_path, shown_errors):
    # The fixture's workspace holds the database, like a second qnapp window would.
    assert app_module.main(["--db", str(db_path)]) == 1
    assert len(shown_errors) == 1
    assert "đang được mở ở một cửa sổ qnapp khác" in shown_errors[0]


def test_database_from_a_newer_qnapp_is_refused(qapp, monkeypatch, shown_errors, tmp_path):
    def refuse(path, **_options):
        raise NewerDatabaseError("Tệp do qnapp 9.0 tạo ra.")

    monkeypatch.setattr(Workspace, "open", staticmethod(refuse))
    assert app_module.main(["--db", str(tmp_path / "x.sqlite")]) == 1
    assert "phiên bản qnapp mới hơn" in shown_errors[0]
    assert "Tệp do qnapp 9.0 tạo ra." in shown_errors[0]


def test_cancelled_setup_quits_without_a_window(qapp, monkeypatch, windows, db_path):
    monkeypatch.setattr(WelcomeWizard, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert app_module.main(["--db", str(db_path)]) == 0
    assert windows == []
    with Workspace.open(db_path) as reopened:
        assert not reopened.is_initialised


def test_demo_choice_uses_a_separate_database(qapp, monkeypatch, windows, db_path):
    monkeypatch.setattr(WelcomeWizard, "exec", lambda self: WelcomeWizard.DEMO)

    assert app_module.main(["--db", str(db_path)]) == 0

    assert windows[0].windowTitle() == "Thị trấn Tiên Yên (dữ liệu mẫu) — qnapp"
    with Workspace.open(data_dir() / "demo.sqlite") as demo:
        assert demo.officer == DEMO_OFFICER  # filled with the demo commune's figures
        assert demo.stored_values("2025S1")
    with Workspace.open(db_path) as real:
        assert not real.is_initialised  # the real database is left alone


def test_demo_without_demo_data_says_so(qapp, monkeypatch, windows, shown_errors):
    monkeypatch.setitem(sys.modules, "qnapp.demo", None)  # makes the import fail
    assert app_module.main(["--demo"]) == 1
    assert shown_errors == ["Bản cài đặt này chưa có dữ liệu mẫu."]
    assert windows == []


@pytest.fixture
def window(qtbot, workspace):
    dialogs = RecordingDialogService()
    win = MainWindow(workspace, dialogs=dialogs)
    qtbot.addWidget(win)
    win.show()
    return win


def test_main_window_shows_unit_officer_and_switches_pages(qtbot, window):
    assert window.windowTitle() == "Thị trấn Tiên Yên — qnapp"
    assert window.status_label.text() == "Cán bộ: Nguyễn Thị Lan · Đơn vị: Thị trấn Tiên Yên"
    assert window.stack.currentWidget() is window.home_page
    window.nav.setCurrentRow(window.ENTRY)
    assert window.stack.currentWidget() is window.entry_page
    window.nav.setCurrentRow(window.ACTIVITIES)
    assert window.stack.currentWidget() is window.activities_page
    assert not window.period_picker.isVisible()


def test_period_change_reaches_home_and_entry(qtbot, window):
    window.period_picker.set_period("2025S1")
    assert window.home_page.period_label.text() == "<b>6 tháng đầu năm 2025</b>"
    assert window.entry_page.title_label.text() == "<b>Nhập số liệu – 6 tháng đầu năm 2025</b>"
    assert window.entry_page.model.period_id == "2025S1"


def test_backup_now_runs_in_the_background_and_reports_the_file(qtbot, window, db_path):
    window.backup_action.trigger()
    qtbot.waitUntil(window.backup_action.isEnabled)
    backups = list(backup_dir_for(db_path).glob("qnapp-*.sqlite"))
    assert len(backups) == 1
    assert "Đã sao lưu vào" in window.statusBar().currentMessage()
    assert window.dialogs.calls == []


def test_failed_backup_is_shown_with_its_vietnamese_message(qtbot, window, monkeypatch):
    def fail():
        raise QnappError("Ổ đĩa đã đầy.")

    monkeypatch.setattr(window.workspace, "backup_now", fail)
    window.backup_action.trigger()
    qtbot.waitUntil(window.backup_action.isEnabled)
    assert window.dialogs.calls == [("error", "Lỗi", "Ổ đĩa đã đầy.")]


def test_run_in_background_calls_back_on_the_gui_thread(qtbot, qapp):
    seen = []
    ops.run_in_background(None, lambda: QThread.currentThread() is qapp.thread(), lambda worker_was_gui: seen.append(
        (worker_was_gui, QThread.currentThread() is qapp.thread())
    ))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(False, True)]


def test_unexpected_failure_gets_a_generic_vietnamese_message(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(
        ops.DialogService, "error", lambda self, parent, title, text: shown.append((title, text))
    )
    ops.run_in_background(None, lambda: 1 / 0)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "Lỗi"
    assert shown[0][1].startswith("Đã xảy ra lỗi không mong muốn:")
