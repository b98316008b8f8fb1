"""Everyday comfort: the About box, the language choice, remembered window geometry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from qnapp import __version__, keys
from qnapp.keys import ScryptParams
from ui import settings
from ui.dialog_service import RecordingDialogService
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, workspace):
    win = MainWindow(workspace, dialogs=RecordingDialogService())
    qtbot.addWidget(win)
    win.show()
    return win


def test_about_box_shows_version_folders_unit_and_fingerprint(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT", ScryptParams(n=2**8, r=8, p=1))
    public_key = keys.create_key(window.workspace.store, "2021:06862", "mật khẩu dài", who="Lan")
    assert window.about_action.shortcut().toString() == "F1"
    window.about_action.trigger()
    values = {k: v.text() for k, v in window.about_dialog.values.items()}
    assert values["Phiên bản"] == __version__
    assert values["Đơn vị"] == "Thị trấn Tiên Yên (2021:06862)"
    assert values["Thư mục dữ liệu"] == str(tmp_path)
    assert values["Thư mục sao lưu"] == str(tmp_path / "backups")
    assert values["Dấu vân tay khóa ký"] == public_key.fingerprint_groups
    assert len(values["Dấu vân tay khóa ký"].split()) == 16
    window.about_dialog.close()


def test_about_box_without_a_key_says_so(qtbot, window):
    window.show_about()
    assert window.about_dialog.values["Dấu vân tay khóa ký"].text() == "(chưa tạo khóa ký)"
    window.about_dialog.close()


def test_language_choice_is_saved_for_the_next_start(qtbot, window):
    assert settings.language() == "vi"
    assert window.language_actions["vi"].isChecked()
    window.language_actions["en"].trigger()
    assert settings.language() == "en"
    [(kind, title, text)] = window.dialogs.calls
    assert "lần mở qnapp sau" in text and "next time" in text
    window.language_actions["vi"].trigger()
    assert settings.language() == "vi"


def test_window_geometry_is_remembered(qtbot, workspace):
    first = MainWindow(workspace, dialogs=RecordingDialogService())
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(QRect(30, 40, 700, 500))
    first.close()
    second = MainWindow(workspace, dialogs=RecordingDialogService())
    qtbot.addWidget(second)
    assert second.height() == 500  # not the default 760 (the width has a minimum)


def test_frequent_actions_have_shortcuts(window):
    assert window.backup_action.shortcut().toString() == "Ctrl+Shift+S"
    assert [a.shortcut().toString() for a in window.page_actions][:4] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Tệp", "T&rang", "&Cài đặt", "Trợ &giúp"]


def test_english_applies_at_the_next_start(qtbot, workspace):
    from qnapp import i18n

    settings.set_language("en")
    try:
        i18n.set_language(settings.language())  # what app.main does first
        win = MainWindow(workspace, dialogs=RecordingDialogService())
        qtbot.addWidget(win)
        assert [a.text() for a in win.menuBar().actions()] == ["&File", "&Go", "&Settings", "&Help"]
        assert win.page_titles[:4] == ["Home", "Data entry", "Activities", "Send report"]
        assert win.status_label.text() == "Officer: Nguyễn Thị Lan · Unit: Thị trấn Tiên Yên"
    finally:
        i18n.set_language("vi")
