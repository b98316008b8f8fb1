"""A sent period in the entry grid: visibly read-only, who sent it and when, and a
«Mở lại để sửa» action right there (a reason, then the next bundle is a correction)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from qnapp import keys
from qnapp.bundles import export_bundle
from tests.conftest import OFFICER
from tests.ui.helpers import type_text
from ui.dialog_service import RecordingDialogService
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.models.entry_model import Col, Palette

PERIOD = "2025S1"
PASSPHRASE = "Mật khẩu của xã"
REASON = "Bổ sung một người bị bạo lực gia đình"


@pytest.fixture
def sent(workspace, tmp_path, fast_kdf):
    """The commune sent its half-year report (revision 1)."""
    keys.create_key(workspace.store, workspace.require_profile().unit_key, PASSPHRASE, who=OFFICER)
    workspace.set_cell(PERIOD, "GBV_VICTIMS", "nu", "5")
    export_bundle(workspace, PERIOD, PASSPHRASE, tmp_path / "bundle.zip")
    return workspace


def open_entry(qtbot, workspace, period=PERIOD):
    window = MainWindow(workspace, dialogs=RecordingDialogService(answer=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.period_picker.set_period(period)
    window.nav.setCurrentRow(window.ENTRY)
    return window, window.entry_page


def victims_female(model):
    for row in range(model.rowCount()):
        element = model.element_at(model.index(row, 0))
        if element is not None and element.element.code == "GBV_VICTIMS":
            return model.index(row, Col.FEMALE)
    raise LookupError("GBV_VICTIMS")


def answer_reason_dialog(qtbot, reason):
    """When the reason dialog opens, type ``reason`` and click its OK button."""
    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, answer)
            return
        type_text(dialog.reason_edit, reason)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, answer)


def test_a_sent_period_shows_its_lock_who_sent_it_and_when(qtbot, sent):
    window, page = open_entry(qtbot, sent)
    assert page.lock_bar.isVisible()
    text = page.lock_label.text()
    assert "Đã khóa" in text and "đã gửi báo cáo (lần 1" in text and OFFICER in text
    assert "ngày" in text and "/20" in text  # «09:30 ngày 12/06/2025»
    assert "qnapp" not in text and "lệnh" not in text  # no command line in the GUI
    cell = victims_female(page.model)
    assert not page.model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    assert page.model.data(cell, Qt.ItemDataRole.BackgroundRole).color() == Palette.LOCKED_BG


def test_typing_into_a_sent_period_changes_nothing_and_points_to_the_button_beside_it(qtbot, sent):
    window, page = open_entry(qtbot, sent)
    cell = victims_female(page.model)
    page.table.setCurrentIndex(cell)
    page.table.setFocus()
    qtbot.keyClick(page.table, "7")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert sent.stored_values(PERIOD)[("GBV_VICTIMS", "nu")] == 5
    assert page.table.indexWidget(cell) is None  # no editor opened
    assert page.lock_notice.isVisible()
    assert "Mở lại để sửa" in page.lock_notice.text()
    assert "qnapp" not in page.lock_notice.text() and "trang" not in page.lock_notice.text()


def test_reopening_from_the_grid_asks_a_reason_then_figures_can_be_corrected(qtbot, sent):
    window, page = open_entry(qtbot, sent)
    window.nav.setCurrentRow(window.SEND)  # built now, so it must follow the reopening
    window.nav.setCurrentRow(window.ENTRY)
    answer_reason_dialog(qtbot, REASON)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)

    assert not page.lock_bar.isVisible()
    state = sent.export_state(PERIOD)
    assert not state.locked and state.next_revision == 2 and state.reopen_reason == REASON
    assert [kind for kind, *_rest in window.dialogs.calls] == ["confirm"]
    assert "lần 2" in page.status_label.text()
    assert window.send_page.reopen_button.isEnabled() is False  # the send page saw it

    cell = victims_female(page.model)
    page.table.setCurrentIndex(cell)
    page.table.setFocus()
    qtbot.keyClick(page.table, "6")
    qtbot.keyClick(page.table.indexWidget(cell), Qt.Key.Key_Return)
    assert sent.stored_values(PERIOD)[("GBV_VICTIMS", "nu")] == 6


def test_a_cancelled_reason_keeps_the_period_locked(qtbot, sent):
    window, page = open_entry(qtbot, sent)

    def cancel():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, cancel)
            return
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Escape)
    QTimer.singleShot(0, cancel)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)

    assert sent.export_state(PERIOD).locked and page.lock_bar.isVisible()
    assert window.dialogs.calls == []


def test_a_quarter_inside_a_sent_half_year_names_the_half_year_and_reopens_it(qtbot, sent):
    window, page = open_entry(qtbot, sent, period="2025Q1")
    assert "nằm trong kỳ 6 tháng đầu năm 2025" in page.lock_label.text()
    assert "6 tháng đầu năm 2025" in page.reopen_button.text()
    answer_reason_dialog(qtbot, REASON)
    page.reopen_button.click()
    assert not sent.export_state(PERIOD).locked and not page.lock_bar.isVisible()


def test_reopen_reason_naming_a_victim_is_refused_in_the_dialog(qtbot, sent):
    window, page = open_entry(qtbot, sent)
    seen = {}

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, answer)
            return
        type_text(dialog.reason_edit, "Bổ sung chị Nguyễn Thị Hoa, 0912 345 678, bị chồng đánh")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["open"], seen["error"] = dialog.isVisible(), dialog.error_text()
        dialog.reason_edit.clear()
        type_text(dialog.reason_edit, REASON)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, answer)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)

    assert seen["open"], "the dialog stays open for a better wording"
    assert seen["error"].startswith("Lý do mở lại kỳ có họ tên người, số điện thoại.")
    assert "«một người bị bạo lực gia đình»" in seen["error"]
    assert "Hoa" not in seen["error"] and "0912" not in seen["error"]
    assert sent.export_state(PERIOD).reopen_reason == REASON  # only the reworded reason went in
