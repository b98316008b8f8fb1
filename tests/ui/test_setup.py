"""First-run setup: choose the unit list, find the unit, name the officer."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog

from qnapp.workspace import Workspace
from ui.dialogs.setup_dialog import SetupDialog


@pytest.fixture
def fresh(tmp_path):
    workspace = Workspace.open(tmp_path / "fresh.sqlite")
    yield workspace
    workspace.close(backup_on_close=False)


def type_text(qtbot, widget, text: str) -> None:
    """Type like a keyboard with a Vietnamese input method: QTest only knows ASCII keys,
    so letters with diacritics arrive as key events carrying their text."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def make_dialog(qtbot, workspace, today=date(2025, 3, 1)):
    dialog = SetupDialog(workspace, today=today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def listed(dialog) -> list[tuple[str, str, str]]:
    items = [dialog.unit_list.topLevelItem(i) for i in range(dialog.unit_list.topLevelItemCount())]
    return [(item.text(0), item.text(1), item.text(2)) for item in items]


def test_search_pick_name_ok_initialises_the_workspace(qtbot, fresh):
    dialog = make_dialog(qtbot, fresh)
    assert dialog.tree_id == "2021"  # before 01/7/2025 the old tree is offered first

    qtbot.keyClicks(dialog.search_edit, "tien yen")
    assert listed(dialog) == [
        ("Huyện Tiên Yên", "Tỉnh Quảng Ninh", "199"),
        ("Thị trấn Tiên Yên", "Huyện Tiên Yên", "06862"),
    ]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)  # into the list, first row
    qtbot.keyClick(dialog.unit_list, Qt.Key.Key_Down)
    assert dialog.unit_code == "06862"
    assert "Thị trấn Tiên Yên, Huyện Tiên Yên" in dialog.chosen_label.text()
    type_text(qtbot, dialog.officer_edit, "Nguyễn Thị  Lan ")
    assert dialog.ok_button.isEnabled()

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = fresh.profile
    assert (profile.tree, profile.unit_code, profile.officer) == ("2021", "06862", "Nguyễn Thị Lan")


def test_ok_stays_disabled_until_unit_and_name_are_given(qtbot, fresh):
    dialog = make_dialog(qtbot, fresh)
    assert not dialog.ok_button.isEnabled()
    type_text(qtbot, dialog.officer_edit, "Trần Văn Nam")
    assert not dialog.ok_button.isEnabled()  # no unit yet
    qtbot.keyClicks(dialog.search_edit, "06862")  # a code finds its unit, chosen when alone
    assert dialog.unit_code == "06862"
    assert dialog.ok_button.isEnabled()
    dialog.officer_edit.clear()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.officer_edit, "   ")
    assert not dialog.ok_button.isEnabled()

    qtbot.keyClick(dialog.officer_edit, Qt.Key.Key_Return)  # the default button is disabled

    assert dialog.isVisible()
    assert not fresh.is_initialised


@pytest.mark.parametrize("query", ["ha long", "hạ long", "HẠ LONG"])
def test_search_ignores_case_and_missing_diacritics(qtbot, fresh, query):
    dialog = make_dialog(qtbot, fresh)
    type_text(qtbot, dialog.search_edit, query)
    names = [name for name, _parent, _code in listed(dialog)]
    assert "Thành phố Hạ Long" in names
    assert all("Hạ Long" in name or parent == "Thành phố Hạ Long" for name, parent, _c in listed(dialog))


def test_new_tree_lists_units_under_the_province_only(qtbot, fresh):
    dialog = make_dialog(qtbot, fresh)
    dialog.tree_buttons.buttons()[1].click()
    assert dialog.tree_id == "2025"
    rows = listed(dialog)
    assert len(rows) == 55  # the province and its 54 communes, wards and special zones
    assert {parent for _n, parent, _c in rows} == {"", "Tỉnh Quảng Ninh"}
    names = [name for name, _p, _c in rows]
    # Vietnamese order of the names (code-point order would put Đ after Y).
    assert names.index("Phường Cửa Ông") < names.index("Phường Đông Triều") < names.index("Phường Hà An")


def test_core_refusal_is_shown_in_the_dialog(qtbot, workspace):
    dialog = make_dialog(qtbot, workspace)  # already initialised by the fixture
    qtbot.keyClicks(dialog.search_edit, "06862")
    type_text(qtbot, dialog.officer_edit, "Lê Văn Hùng")

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "đã được thiết lập" in dialog.error_label.text()


def test_demo_button_closes_with_the_demo_result(qtbot, fresh):
    dialog = make_dialog(qtbot, fresh)
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SetupDialog.DEMO
    assert not fresh.is_initialised
