"""The first-run welcome wizard, driven with qtbot from the start to a ready main window."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from qnapp import keys
from qnapp.demo import DEMO_OFFICER
from qnapp.paths import data_dir, default_db_path
from qnapp.setup_wizard import Step
from qnapp.workspace import Workspace
from tests.ui.helpers import type_text
from ui import app as app_module
from ui.dialogs.welcome_wizard import WelcomeWizard

PASS = "mùa xuân trên đảo Cô Tô"
TODAY = date(2025, 3, 1)


pytestmark = pytest.mark.usefixtures("fast_kdf")


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def drive(qtbot, wizard: WelcomeWizard, *, backup_folder=None) -> None:
    """What an officer does, page by page."""
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert wizard.wizard.step is Step.TREE
    assert wizard.step_label.text() == "<b>Bước 1/6: Danh mục đơn vị</b>"
    assert not wizard.back_button.isEnabled()
    wizard.tree_buttons.buttons()[0].click()  # the 2021 list
    click(qtbot, wizard.next_button)

    assert wizard.wizard.step is Step.UNIT
    assert not wizard.next_button.isEnabled()  # no unit yet
    type_text(wizard.search_edit, "tiên yên")
    assert wizard.unit_list.topLevelItemCount() == 2
    qtbot.keyClick(wizard.search_edit, Qt.Key.Key_Down)  # into the list, first row
    qtbot.keyClick(wizard.unit_list, Qt.Key.Key_Down)
    assert wizard.wizard.unit_code == "06862"
    assert "Thị trấn Tiên Yên, Huyện Tiên Yên" in wizard.chosen_label.text()
    click(qtbot, wizard.next_button)

    assert wizard.wizard.step is Step.OFFICER
    assert not wizard.next_button.isEnabled()
    type_text(wizard.officer_edit, "Nguyễn Thị  Lan ")
    click(qtbot, wizard.next_button)

    assert wizard.wizard.step is Step.PASSPHRASE
    qtbot.keyClicks(wizard.passphrase_edit, "abc")
    assert "ít nhất 8 ký tự" in wizard.strength_label.text()
    assert not wizard.next_button.isEnabled()
    wizard.passphrase_edit.clear()
    type_text(wizard.passphrase_edit, PASS)
    type_text(wizard.confirm_edit, PASS[:-1])
    assert wizard.strength_label.text() == "Hai lần nhập mật khẩu không khớp nhau."
    assert not wizard.next_button.isEnabled()
    type_text(wizard.confirm_edit, PASS[-1])
    assert wizard.strength_bar.value() == 4
    assert wizard.strength_label.text().startswith("Mạnh.")
    click(qtbot, wizard.next_button)

    assert wizard.wizard.step is Step.BACKUP
    assert wizard.backup_edit.text() == str(wizard.wizard.default_backup_folder)
    if backup_folder is not None:
        wizard.backup_edit.setText(str(backup_folder))
    click(qtbot, wizard.next_button)

    assert wizard.wizard.step is Step.FINISH
    assert wizard.next_button.text() == "&Bắt đầu"
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10000)
    assert wizard.error_label.isHidden(), wizard.error_label.text()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert not wizard.busy
    assert wizard.passphrase_edit.text() == wizard.confirm_edit.text() == ""  # no copy kept


def test_wizard_from_start_to_a_ready_main_window(qapp, qtbot, monkeypatch, windows, tmp_path):
    usb = tmp_path / "usb" / "qnapp"

    def run(wizard):
        wizard.wizard.tree = "2025"  # whatever today is, the officer picks the list
        drive(qtbot, wizard, backup_folder=usb)
        return wizard.result()

    monkeypatch.setattr(WelcomeWizard, "exec", run)

    assert app_module.main([]) == 0  # the default database, under QNAPP_HOME

    [window] = windows
    assert window.windowTitle() == "Thị trấn Tiên Yên — qnapp"
    assert window.status_label.text() == "Cán bộ: Nguyễn Thị Lan · Đơn vị: Thị trấn Tiên Yên"
    assert not window.windowIcon().isNull()
    assert not QApplication.windowIcon().isNull()
    assert window.stack.currentWidget() is window.home_page
    with Workspace.open(default_db_path()) as reopened:
        assert reopened.officer == "Nguyễn Thị Lan"
        assert reopened.backup_folder == usb
        keys.load_signing_key(reopened.store, PASS)
    assert list(usb.glob("qnapp-*.sqlite"))  # closing made the rotating backup there


def test_back_keeps_what_was_typed(qtbot, fresh_workspace):
    wizard = WelcomeWizard(fresh_workspace, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(wizard.search_edit, "06862")  # a code alone is chosen
    click(qtbot, wizard.next_button)
    type_text(wizard.officer_edit, "Trần Văn Nam")
    click(qtbot, wizard.back_button)
    assert wizard.wizard.step is Step.UNIT
    assert wizard.wizard.unit_code == "06862"
    click(qtbot, wizard.next_button)
    assert wizard.officer_edit.text() == "Trần Văn Nam"
    assert wizard.next_button.isEnabled()


def test_cancel_leaves_the_database_alone(qtbot, fresh_workspace):
    wizard = WelcomeWizard(fresh_workspace, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    click(qtbot, wizard.cancel_button)
    assert wizard.result() == QDialog.DialogCode.Rejected
    assert not fresh_workspace.is_initialised


@pytest.fixture
def fresh_workspace(tmp_path):
    ws = Workspace.open(tmp_path / "fresh.sqlite")
    yield ws
    ws.close(backup_on_close=False)


def test_demo_button_opens_the_demo_database_and_leaves_the_real_one_uninitialised(
    qapp, qtbot, monkeypatch, windows, db_path
):
    def run(wizard):
        qtbot.addWidget(wizard)
        wizard.show()
        click(qtbot, wizard.demo_button)
        return wizard.result()

    monkeypatch.setattr(WelcomeWizard, "exec", run)

    assert app_module.main(["--db", str(db_path)]) == 0

    [window] = windows
    assert window.windowTitle() == "Thị trấn Tiên Yên (dữ liệu mẫu) — qnapp"
    assert window.workspace.store.path == data_dir() / "demo.sqlite" != db_path
    with Workspace.open(data_dir() / "demo.sqlite") as demo:
        assert demo.officer == DEMO_OFFICER
        assert keys.own_public_key(demo.store) is not None
    with Workspace.open(db_path) as real:
        assert not real.is_initialised
        assert keys.own_public_key(real.store) is None
