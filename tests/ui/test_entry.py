"""The entry grid, driven with the keyboard as an officer would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from qnapp.workspace import Workspace
from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER
from ui.app import build_main_window
from ui.models.entry_model import Col, EntryModel, Palette, RowKind

PERIOD = "2025S1"  # 6 tháng đầu năm 2025


def open_entry(qtbot, workspace, period=PERIOD):
    window = build_main_window(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(window.ENTRY)
    window.period_picker.set_period(period)
    return window


def cell(model: EntryModel, code: str, column: int):
    for row in range(model.rowCount()):
        element = model.element_at(model.index(row, 0))
        if element is not None and element.element.code == code:
            return model.index(row, column)
    raise LookupError(code)


def indicator_cell(model: EntryModel, code: str, column: int):
    for row in range(model.rowCount()):
        if model.row_kind(row) is RowKind.INDICATOR and model.data(model.index(row, 0)).startswith(
            "Chỉ tiêu {}:".format(code)
        ):
            return model.index(row, column)
    raise LookupError(code)


def type_into(qtbot, table, index, text, key=Qt.Key.Key_Return):
    """Go to the cell, open its editor (F2), type, and commit with ``key``."""
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, key)


def shown(index) -> str:
    return index.data(Qt.ItemDataRole.DisplayRole) or ""


def test_value_typed_with_keyboard_is_stored_and_shown_after_reopening(qtbot, db_path):
    workspace = Workspace.open(db_path)
    workspace.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    window = open_entry(qtbot, workspace)
    page = window.entry_page
    victims_female = cell(page.model, "GBV_VICTIMS", Col.FEMALE)

    type_into(qtbot, page.table, victims_female, "1.234")

    assert workspace.stored_values(PERIOD)[("GBV_VICTIMS", "nu")] == 1234
    assert "1.234" in page.status_label.text()
    window.close()
    workspace.close(backup_on_close=False)

    reopened = Workspace.open(db_path)
    try:
        window = open_entry(qtbot, reopened)
        model = window.entry_page.model
        assert shown(cell(model, "GBV_VICTIMS", Col.FEMALE)) == "1.234"
        assert shown(cell(model, "GBV_VICTIMS", Col.TOTAL)) == "1.234"
        window.close()
    finally:
        reopened.close(backup_on_close=False)


def test_typing_starts_editing_and_enter_moves_down_to_next_editable_cell(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    table, model = page.table, page.model
    start = cell(model, "GBV_VICTIMS_SUPPORTED", Col.MALE)
    table.setCurrentIndex(start)

    qtbot.keyClick(table, "7")
    editor = table.indexWidget(start)
    assert isinstance(editor, QLineEdit) and editor.text() == "7"
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    # The subset rule is checked when the whole is known; alone, 7 is accepted.
    assert workspace.stored_values(PERIOD)[("GBV_VICTIMS_SUPPORTED", "nam")] == 7
    # The 3.2b indicator header row below is skipped.
    assert table.currentIndex() == cell(model, "GBV_PERPETRATORS", Col.MALE)


def test_tab_and_shift_tab_move_between_editable_cells(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    table, model = page.table, page.model
    table.setCurrentIndex(cell(model, "GBV_VICTIMS", Col.MALE))

    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(model, "GBV_VICTIMS", Col.FEMALE)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(model, "GBV_VICTIMS", Col.TOTAL)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(model, "GBV_VICTIMS_SUPPORTED", Col.MALE)
    qtbot.keyClick(table, Qt.Key.Key_Backtab)
    assert table.currentIndex() == cell(model, "GBV_VICTIMS", Col.TOTAL)

    # Tab inside an editor stores the value and goes on.
    type_into(qtbot, table, cell(model, "GBV_VICTIMS", Col.MALE), "3", key=Qt.Key.Key_Tab)
    assert workspace.stored_values(PERIOD)[("GBV_VICTIMS", "nam")] == 3
    assert table.currentIndex() == cell(model, "GBV_VICTIMS", Col.FEMALE)


def test_arrows_skip_cells_that_cannot_be_typed_in(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    table, model = page.table, page.model
    # LIVE_BIRTHS is split by sex; MATERNAL_DEATHS below it only has a total.
    table.setCurrentIndex(cell(model, "LIVE_BIRTHS", Col.MALE))
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex() == cell(model, "MATERNAL_DEATHS", Col.TOTAL)
    qtbot.keyClick(table, Qt.Key.Key_Left)  # nothing to the left can be typed in
    assert table.currentIndex() == cell(model, "MATERNAL_DEATHS", Col.TOTAL)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert table.currentIndex() == cell(model, "LIVE_BIRTHS", Col.TOTAL)
    qtbot.keyClick(table, Qt.Key.Key_Left)
    assert table.currentIndex() == cell(model, "LIVE_BIRTHS", Col.FEMALE)


@pytest.mark.parametrize(
    ("prepare", "code", "column", "typed", "message"),
    [
        ({}, "GBV_VICTIMS", Col.MALE, "-5", "Số liệu không được âm."),
        ({}, "GBV_VICTIMS", Col.FEMALE, "abc", "«abc» không phải là số."),
        ({}, "GBV_VICTIMS", Col.MALE, "2,5", "phải là số nguyên"),
        (
            {("GBV_VICTIMS", ""): 5, ("GBV_VICTIMS", "nam"): 3},
            "GBV_VICTIMS",
            Col.FEMALE,
            "4",
            "Nam (3) cộng nữ (4) lớn hơn tổng số (5).",
        ),
        (
            {("GBV_VICTIMS", "nam"): 2},
            "GBV_VICTIMS_SUPPORTED",
            Col.MALE,
            "5",
            "lớn hơn «Số người bị bạo lực gia đình",
        ),
    ],
    ids=["negative", "text", "fraction-of-people", "parts-over-total", "subset-over-whole"],
)
def test_refused_value_is_flagged_explained_and_not_stored(qtbot, workspace, prepare, code, column, typed, message):
    workspace.apply_values({(PERIOD, c, k): v for (c, k), v in prepare.items()})
    page = open_entry(qtbot, workspace).entry_page
    index = cell(page.model, code, column)

    type_into(qtbot, page.table, index, typed)

    assert page.message_label.isVisible()
    assert message in page.message_label.text()
    assert shown(index) == typed  # what was typed stays in view to be corrected
    assert message in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == Palette.ERROR_BG
    assert page.table.currentIndex() == index  # the cursor stays on the refused cell
    assert workspace.stored_values(PERIOD) == {key: float(v) for key, v in prepare.items()}


def test_correcting_a_refused_cell_stores_it_and_clears_the_message(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    index = cell(page.model, "GBV_VICTIMS", Col.MALE)
    type_into(qtbot, page.table, index, "abc")
    assert page.message_label.isVisible()

    type_into(qtbot, page.table, index, "12")

    assert not page.message_label.isVisible()
    assert shown(index) == "12"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert workspace.stored_values(PERIOD) == {("GBV_VICTIMS", "nam"): 12.0}


def test_escape_forgets_a_refused_entry(qtbot, workspace):
    workspace.set_cell(PERIOD, "GBV_VICTIMS", "nam", "4")
    page = open_entry(qtbot, workspace).entry_page
    index = cell(page.model, "GBV_VICTIMS", Col.MALE)
    type_into(qtbot, page.table, index, "-1")
    assert shown(index) == "-1"

    qtbot.keyClick(page.table, Qt.Key.Key_Escape)

    assert shown(index) == "4"
    assert workspace.stored_values(PERIOD) == {("GBV_VICTIMS", "nam"): 4.0}


def test_delete_key_clears_a_stored_value(qtbot, workspace):
    workspace.set_cell(PERIOD, "MATERNAL_DEATHS", "", "1")
    page = open_entry(qtbot, workspace).entry_page
    index = cell(page.model, "MATERNAL_DEATHS", Col.TOTAL)
    page.table.setCurrentIndex(index)

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert shown(index) == ""
    assert workspace.stored_values(PERIOD) == {}


def test_indicator_result_follows_the_numbers_as_they_are_typed(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    model, table = page.model, page.table
    result = indicator_cell(model, "3.2a", Col.RESULT)
    met = indicator_cell(model, "3.2a", Col.MET)
    assert shown(result) == "—"
    assert shown(met) == "Chưa đủ số liệu"

    type_into(qtbot, table, cell(model, "GBV_VICTIMS", Col.MALE), "4")
    type_into(qtbot, table, cell(model, "GBV_VICTIMS", Col.FEMALE), "6")
    assert shown(cell(model, "GBV_VICTIMS", Col.TOTAL)) == "10"
    type_into(qtbot, table, cell(model, "GBV_VICTIMS_SUPPORTED", Col.MALE), "2")
    type_into(qtbot, table, cell(model, "GBV_VICTIMS_SUPPORTED", Col.FEMALE), "5")
    assert shown(result) == "70,0%"
    assert shown(met) == "Chưa đạt"
    assert result.data(Qt.ItemDataRole.ForegroundRole).color() == Palette.UNMET_FG

    type_into(qtbot, table, cell(model, "GBV_VICTIMS_SUPPORTED", Col.FEMALE), "6")
    assert shown(result) == "80,0%"
    assert shown(met) == "Đạt"
    assert shown(indicator_cell(model, "3.2a", Col.TARGET_2025)) == "≥ 80%"
    assert result.data(Qt.ItemDataRole.BackgroundRole).color() == Palette.MET_BG


def test_total_may_exceed_the_sexes_when_some_are_not_known(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    model, table = page.model, page.table
    type_into(qtbot, table, cell(model, "LIVE_BIRTHS", Col.MALE), "3")
    type_into(qtbot, table, cell(model, "LIVE_BIRTHS", Col.FEMALE), "4")
    type_into(qtbot, table, cell(model, "LIVE_BIRTHS", Col.TOTAL), "9")

    assert shown(cell(model, "LIVE_BIRTHS", Col.TOTAL)) == "9"
    assert workspace.stored_values(PERIOD)[("LIVE_BIRTHS", "")] == 9


def test_rows_derived_from_finer_periods_are_read_only(qtbot, workspace):
    workspace.set_cell("2025Q1", "GE_NEWS_ITEMS", "", "4")
    workspace.set_cell("2025Q2", "GE_NEWS_ITEMS", "", "5")
    page = open_entry(qtbot, workspace).entry_page
    model, table = page.model, page.table
    total = cell(model, "GE_NEWS_ITEMS", Col.TOTAL)

    assert shown(total) == "9"  # two quarters summed into the half year
    assert not model.flags(total) & Qt.ItemFlag.ItemIsEditable
    assert total.data(Qt.ItemDataRole.BackgroundRole).color() == Palette.DERIVED_BG
    assert "quý" in total.data(Qt.ItemDataRole.ToolTipRole)
    table.setCurrentIndex(cell(model, "BIRTHS_MOTHERS_15_19", Col.TOTAL))
    qtbot.keyClick(table, Qt.Key.Key_Tab)  # the derived row is not a stop
    assert table.currentIndex() == cell(model, "BIRTHS_MOTHERS_15_19", Col.TOTAL)


def test_every_row_of_the_grid_is_laid_out_for_the_reader(qtbot, workspace):
    page = open_entry(qtbot, workspace).entry_page
    model, table = page.model, page.table
    objective_row = next(r for r in range(model.rowCount()) if model.row_kind(r) is RowKind.OBJECTIVE)
    assert shown(model.index(objective_row, 0)).startswith("Mục tiêu 3:")
    assert table.columnSpan(objective_row, 0) == model.columnCount()
    assert model.index(objective_row, 0).data(Qt.ItemDataRole.FontRole).bold()
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header[:5] == ["Chỉ tiêu / số liệu", "Nam", "Nữ", "Tổng", "Đơn vị"]
    # An element without a sex split can only be typed in «Tổng».
    deaths_male = cell(model, "MATERNAL_DEATHS", Col.MALE)
    assert not model.flags(deaths_male) & Qt.ItemFlag.ItemIsEditable
    assert shown(cell(model, "MATERNAL_DEATHS", Col.UNIT)) == "người"


def test_entry_model_passes_the_qt_model_checks(qtmodeltester, workspace):
    workspace.apply_values(
        {(PERIOD, "GBV_VICTIMS", "nam"): 2, (PERIOD, "GBV_VICTIMS", "nu"): 5, (PERIOD, "LIVE_BIRTHS", "nam"): 40}
    )
    model = EntryModel(workspace, PERIOD)
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.set_period("2025")
    qtmodeltester.check(model)


def test_boolean_element_is_chosen_as_co_or_khong(qtbot, db_path):
    workspace = Workspace.open(db_path)
    workspace.initialise("2021", "22", OFFICER)  # the province also records yes/no indicators
    try:
        bool_codes = [e.code for e in workspace.catalog.elements_for("province") if e.value_type == "bool"]
        element = workspace.catalog.element(bool_codes[0])
        period = workspace.current_period(period_type=element.period_type).id
        window = open_entry(qtbot, workspace, period)
        table, model = window.entry_page.table, window.entry_page.model
        index = cell(model, element.code, Col.TOTAL)
        table.setCurrentIndex(index)

        qtbot.keyClick(table, "c")
        editor = table.indexWidget(index)
        assert isinstance(editor, QComboBox) and editor.currentText() == "có"
        qtbot.keyClick(editor, Qt.Key.Key_Return)

        assert shown(index) == "có"
        assert workspace.stored_values(period)[(element.code, "")] == 1.0
        window.close()
    finally:
        workspace.close(backup_on_close=False)


def test_on_a_1024_pixel_screen_names_keep_room_and_every_column_shows(qtbot, workspace):
    from ui.widgets.entry_table import NAME_MIN_CHARS

    window = open_entry(qtbot, workspace)
    window.showNormal()
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    table = window.entry_page.table
    qtbot.waitUntil(lambda: table.columnWidth(Col.NAME) >= NAME_MIN_CHARS * table.fontMetrics().averageCharWidth())
    # Every column fits the grid's width: no sideways scrolling at 1024.
    qtbot.waitUntil(lambda: sum(table.columnWidth(c) for c in range(table.model().columnCount()))
                    <= table.viewport().width() and not table.horizontalScrollBar().isVisible())
