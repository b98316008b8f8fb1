"""A clerk at the entry grid: choose a period (mouse or keyboard), type figures from paper,
Tab, Enter, switch period. Every test asserts where each figure landed."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from ui.app import build_main_window
from ui.models.entry_model import Col

CHOSEN, OTHER = "2024S2", "2025S1"  # the list runs newest first


def open_window(qtbot, workspace, period=OTHER):
    window = build_main_window(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.period_picker.set_period(period)
    window.nav.setCurrentRow(window.ENTRY)
    return window


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key as the keyboard sends it: to whatever has the focus now."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)


def type_figure(qtbot, text, then=Qt.Key.Key_Return):
    for char in text:
        press(qtbot, char)
    press(qtbot, then)


def choose_by_mouse(qtbot, combo, period_id):
    """Click the combo to drop its list down, point at the period, confirm it.

    Qt's offscreen and Xvfb test platforms drop a synthetic click inside a combo box's
    list, so the pointed item is confirmed with Enter, which goes the same way
    (the list's ``activated``)."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    index = view.model().index(combo.findData(period_id), 0)
    qtbot.mouseMove(view.viewport(), view.visualRect(index).topLeft() + QPoint(2, 2))
    qtbot.mouseMove(view.viewport(), view.visualRect(index).center())
    assert view.currentIndex() == index  # the pointer picked it
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    window = combo.window()
    window.activateWindow()  # the test platforms leave the closed list active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.wait(10)  # the focus moves once the list has closed


def stored(workspace, period):
    return workspace.stored_values(period)


def first_cell_code(window):
    model, table = window.entry_page.model, window.entry_page.table
    first = table.first_editable()
    return model.element_at(first).element.code, first.column()


def cells_in_reading_order(workspace, period):
    """(element, category) of every cell to type in, row by row: nam, nữ, tổng."""
    return [(row.element.code, category) for row in workspace.grid(period).rows() if row.editable
            for category in (("nam", "nu", "") if row.element.disaggregated else ("",))]


def paper_figures(cells):
    """Falling figures, so no part exceeds its whole, and each total = nam + nữ."""
    figures, n = [], 90
    for code, category in cells:
        figures.append(figures[-1] + figures[-2] if category == "" and cells[len(figures) - 1][1] == "nu"
                       else n)
        n -= 3
    return figures


def test_every_figure_typed_right_after_choosing_a_period_by_mouse_lands_in_it(qtbot, workspace):
    window = open_window(qtbot, workspace)
    picker, table = window.period_picker, window.entry_page.table
    choose_by_mouse(qtbot, picker.period_combo, CHOSEN)

    assert picker.period_id == CHOSEN
    assert QApplication.focusWidget() is table  # the grid has the keyboard, not the picker
    assert table.currentIndex() == table.first_editable()
    cells = cells_in_reading_order(workspace, CHOSEN)
    assert len(cells) >= 14
    figures = paper_figures(cells)
    for figure in figures:
        type_figure(qtbot, str(figure), then=Qt.Key.Key_Tab)

    assert picker.period_id == CHOSEN and window.entry_page.model.period_id == CHOSEN
    typed = dict(zip(cells, figures))
    # A total equal to nam + nữ is not stored twice; the grid shows it all the same.
    parts = {cell: figure for cell, figure in typed.items() if cell[1] or (cell[0], "nam") not in typed}
    assert stored(workspace, CHOSEN) == parts
    assert workspace.grid(CHOSEN).rows()[0].values[""] == typed[("GBV_VICTIMS", "")]
    assert stored(workspace, OTHER) == {}
    assert not window.entry_page.message_label.isVisible()


def test_choosing_the_type_and_period_with_the_keyboard_then_typing(qtbot, workspace):
    window = open_window(qtbot, workspace)
    picker = window.period_picker
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # «&Kỳ báo cáo:»
    assert QApplication.focusWidget() is picker.type_combo
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is picker.period_combo
    press(qtbot, Qt.Key.Key_Down)  # one half-year back: 2024S2
    assert picker.period_id == CHOSEN
    assert QApplication.focusWidget() is picker.period_combo  # still choosing
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.entry_page.table)

    type_figure(qtbot, "9")  # Enter: down to the next row
    type_figure(qtbot, "4", then=Qt.Key.Key_Tab)
    assert stored(workspace, CHOSEN) == {("GBV_VICTIMS", "nam"): 9, ("GBV_VICTIMS_SUPPORTED", "nam"): 4}
    assert stored(workspace, OTHER) == {}


def test_digits_typed_while_the_picker_has_focus_never_change_the_period(qtbot, workspace):
    window = open_window(qtbot, workspace, period=CHOSEN)
    picker = window.period_picker
    picker.period_combo.setFocus()
    code, column = first_cell_code(window)

    type_figure(qtbot, "21")  # a combo box would jump to the item starting with "2"

    assert picker.period_id == CHOSEN and picker.period_combo.currentData() == CHOSEN
    values = stored(workspace, CHOSEN)
    assert list(values.values()) == [21]  # both digits, in the grid's first cell
    assert stored(workspace, OTHER) == {}
    assert QApplication.focusWidget() is window.entry_page.table


def test_the_mouse_wheel_over_the_picker_does_not_change_the_period(qtbot, workspace):
    window = open_window(qtbot, workspace, period=CHOSEN)
    combo = window.period_picker.period_combo
    centre = QPointF(combo.rect().center())
    wheel = QWheelEvent(centre, QPointF(combo.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(combo, wheel)
    assert window.period_picker.period_id == CHOSEN


def test_letters_typed_in_the_page_list_do_not_switch_the_page(qtbot, workspace):
    window = open_window(qtbot, workspace)
    window.nav.setFocus()
    for char in "nht":  # «Nhập số liệu», «Hoạt động», «Trang chủ»
        qtbot.keyClick(window.nav, char)
    assert window.stack.currentIndex() == window.ENTRY


def test_switching_periods_keeps_every_figure_where_it_was_typed(qtbot, workspace):
    window = open_window(qtbot, workspace)
    picker, table = window.period_picker, window.entry_page.table
    choose_by_mouse(qtbot, picker.period_combo, CHOSEN)
    type_figure(qtbot, "6", then=Qt.Key.Key_Tab)
    type_figure(qtbot, "5", then=Qt.Key.Key_Tab)
    choose_by_mouse(qtbot, picker.period_combo, OTHER)
    assert QApplication.focusWidget() is table
    type_figure(qtbot, "7")
    choose_by_mouse(qtbot, picker.period_combo, CHOSEN)
    type_figure(qtbot, "8", then=Qt.Key.Key_Tab)  # the first cell again: 6 becomes 8

    assert sorted(stored(workspace, CHOSEN).values()) == [5, 8]
    assert list(stored(workspace, OTHER).values()) == [7]
    shown = {table.model().index(r, c).data() for r in range(table.model().rowCount()) for c in (1, 2, 3)}
    assert {"5", "8"} <= shown and "7" not in shown


def test_a_figure_still_being_typed_is_stored_in_its_own_period_when_the_period_changes(qtbot, workspace):
    window = open_window(qtbot, workspace, period=CHOSEN)
    window.entry_page.focus_grid()
    for char in "42":
        press(qtbot, char)  # no Enter yet: the editor is open
    choose_by_mouse(qtbot, window.period_picker.period_combo, OTHER)

    assert list(stored(workspace, CHOSEN).values()) == [42]
    assert stored(workspace, OTHER) == {}


def test_the_selected_cell_says_which_figure_and_period_it_is(qtbot, workspace):
    window = open_window(qtbot, workspace, period=CHOSEN)
    page = window.entry_page
    page.focus_grid()
    model, table = page.model, page.table
    element = model.element_at(table.currentIndex()).element
    assert element.name in page.where_label.text()
    assert "6 tháng cuối năm 2024" in page.where_label.text()
    press(qtbot, Qt.Key.Key_Tab)
    moved = model.element_at(table.currentIndex()).element
    assert moved.name in page.where_label.text()


def test_a_commit_refreshes_its_row_and_indicators_not_the_whole_grid(qtbot, workspace):
    window = open_window(qtbot, workspace, period=CHOSEN)
    page = window.entry_page
    model, table = page.model, page.table
    changed, resets = [], []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    model.modelReset.connect(lambda: resets.append(1))
    for row in range(model.rowCount()):
        element = model.element_at(model.index(row, 0))
        if element is not None and element.element.code == "GBV_VICTIMS":
            table.setCurrentIndex(model.index(row, Col.FEMALE))
            break
    table.setFocus()
    type_figure(qtbot, "4")

    assert resets == [] and changed
    assert all(top == bottom for top, bottom in changed)  # one row at a time
    assert len({top for top, _b in changed}) < model.rowCount() // 4
    assert model.index(row, Col.TOTAL).data() == "4"  # the derived total followed
