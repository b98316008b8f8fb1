"""The safety net: an error nobody caught is in the log file and in a Vietnamese dialog.

pytest-qt normally catches exceptions raised in slots itself; these tests turn that off
(``qt_no_exception_capture``) so the app's own hooks get them, as in the real program.
"""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QThread, Qt, qWarning
from PySide6.QtWidgets import QApplication, QPushButton

from qnapp import logs
from qnapp.paths import data_dir
from ui import crash

pytestmark = pytest.mark.qt_no_exception_capture


class TotalBroken(RuntimeError):
    pass


def add_up_the_column():
    raise TotalBroken("tổng cột không tính được")


@pytest.fixture
def safety_net(qapp):
    """What ``app.main`` sets up first: the log file, then the hooks."""
    path = logs.configure()
    crash.install()
    yield path
    crash.uninstall()
    logs.reset()


@pytest.fixture
def button(qtbot):
    button = QPushButton("Tính tổng")
    button.clicked.connect(add_up_the_column)  # a real slot on a real signal
    qtbot.addWidget(button)
    button.show()
    return button


def shown_dialog(qtbot) -> crash.CrashDialog:
    qtbot.waitUntil(lambda: crash.current_dialog() is not None and crash.current_dialog().isVisible())
    return crash.current_dialog()


def test_error_in_a_slot_shows_a_vietnamese_dialog_and_is_logged(qtbot, safety_net, button):
    assert safety_net == data_dir() / "logs" / "qnapp.log"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    dialog = shown_dialog(qtbot)
    assert dialog.windowTitle() == "Lỗi — qnapp"
    message = dialog.message_label.text()
    assert message.startswith("Đã xảy ra lỗi không mong muốn: ")
    assert "TotalBroken: tổng cột không tính được" in message
    assert "(tệp test_crash.py, dòng " in message
    assert dialog.log_label.text() == "Chi tiết đã được ghi vào tệp nhật ký:\n{}".format(safety_net)
    assert [dialog.copy_button.text(), dialog.close_button.text()] == ["Sao chép chi tiết", "Đóng"]

    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied
    assert "in add_up_the_column" in copied
    assert "TotalBroken: tổng cột không tính được" in copied
    assert dialog.copy_button.text() == "Đã sao chép"

    logged = safety_net.read_text(encoding="utf-8")
    assert "CRITICAL [MainThread] qnapp.crash: unhandled TotalBroken" in logged
    assert "in add_up_the_column" in logged and "TotalBroken: tổng cột không tính được" in logged

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: crash.current_dialog() is None)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # pytest's hook, chained
def test_error_on_a_worker_thread_reaches_the_dialog_on_the_gui_thread(qtbot, safety_net):
    worker = threading.Thread(target=add_up_the_column, name="kiem-tra")
    worker.start()
    worker.join()

    dialog = shown_dialog(qtbot)
    assert dialog.thread() is QApplication.instance().thread()
    assert QThread.currentThread() is dialog.thread()
    assert "TotalBroken: tổng cột không tính được" in dialog.message_label.text()
    assert "thread: kiem-tra" in dialog.details
    logged = safety_net.read_text(encoding="utf-8")
    assert "unhandled TotalBroken in thread kiem-tra" in logged and "in add_up_the_column" in logged


def test_errors_while_the_dialog_is_open_join_it_instead_of_stacking_dialogs(qtbot, safety_net, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = shown_dialog(qtbot)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.more == 2)
    assert crash.current_dialog() is dialog
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, crash.CrashDialog) and w.isVisible()]
    assert dialogs == [dialog]
    assert dialog.more_label.text() == "Sau đó còn 2 lỗi khác, cũng đã được ghi vào nhật ký."
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text().count("Traceback (most recent call last)") == 3
    assert safety_net.read_text(encoding="utf-8").count("unhandled TotalBroken") == 3


def test_windowed_build_without_stderr_still_logs_and_shows(qtbot, monkeypatch, qapp, button):
    monkeypatch.setattr(sys, "stderr", None)  # PyInstaller's windowed build on Windows
    path = logs.configure()
    crash.install()
    try:
        assert [type(h).__name__ for h in logging.getLogger().handlers if getattr(h, "_qnapp_handler", False)] \
            == ["RotatingFileHandler"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert "TotalBroken" in shown_dialog(qtbot).message_label.text()
        assert "in add_up_the_column" in path.read_text(encoding="utf-8")
    finally:
        crash.uninstall()
        logs.reset()


def test_qt_messages_go_to_the_log(safety_net):
    qWarning("QLayout: một thông báo của Qt")
    assert "WARNING [MainThread] qt: QLayout: một thông báo của Qt" in safety_net.read_text(encoding="utf-8")


def test_a_dialog_that_cannot_open_does_not_loop(qtbot, safety_net, button, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("no room for a dialog")

    monkeypatch.setattr(crash.CrashDialog, "__init__", broken)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    logged = safety_net.read_text(encoding="utf-8")
    assert logged.count("the crash dialog cannot be shown") == 1
    assert logged.count("unhandled TotalBroken") == 2  # every error still in the log
    assert crash.current_dialog() is None
