"""The home page and the period picker: what is due, when, and how much is filled in."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from ui.app import build_main_window
from ui.models.entry_model import Col
from ui.pages.home import HomePage
from ui.widgets.period_picker import PeriodPicker


def make_home(qtbot, workspace, period, today):
    page = HomePage(workspace, period, today=lambda: today)
    qtbot.addWidget(page)
    return page


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 5, 29), "Còn 12 ngày"),
        (date(2025, 6, 9), "Hôm nay là ngày cuối để gửi"),
        (date(2025, 6, 12), "Đã quá hạn 3 ngày"),
    ],
)
def test_home_shows_deadline_and_days_left(qtbot, workspace, today, expected):
    page = make_home(qtbot, workspace, "2025S1", today)
    assert page.period_label.text() == "<b>6 tháng đầu năm 2025</b>"
    assert page.window_label.text() == "Từ 15/12/2024 đến 14/06/2025"
    assert page.due_label.text() == "trước 10/06/2025"
    assert page.days_label.text() == expected


def test_home_of_a_retired_unit_list_says_so_instead_of_overdue(qtbot, workspace):
    page = make_home(qtbot, workspace, "2025S1", date(2026, 11, 30))
    assert "hết hiệu lực" in page.days_label.text() and "30/06/2025" in page.days_label.text()
    assert "quá hạn" not in page.days_label.text()


def test_home_shows_unit_and_officer(qtbot, workspace):
    page = make_home(qtbot, workspace, "2025S1", date(2025, 5, 1))
    assert page.unit_label.text() == "Thị trấn Tiên Yên (mã 06862)"
    assert page.officer_label.text() == "Nguyễn Thị Lan"


def test_completeness_grows_as_values_are_entered(qtbot, workspace):
    window = build_main_window(workspace)
    qtbot.addWidget(window)
    window.show()
    window.period_picker.set_period("2025S1")
    home, entry = window.home_page, window.entry_page
    assert home.completeness_label.text() == "Đã nhập 0/16 ô (0%)"
    assert home.progress.value() == 0

    window.nav.setCurrentRow(window.ENTRY)
    table, model = entry.table, entry.model
    index = next(
        model.index(r, Col.MALE)
        for r in range(model.rowCount())
        if model.element_at(model.index(r, 0)) and model.element_at(model.index(r, 0)).element.code == "GBV_VICTIMS"
    )
    table.setCurrentIndex(index)
    qtbot.keyClicks(table, "3")
    qtbot.keyClick(table.indexWidget(index), Qt.Key.Key_Return)
    window.nav.setCurrentRow(window.HOME)

    assert home.completeness_label.text() == "Đã nhập 1/16 ô (6%)"
    assert (home.progress.value(), home.progress.maximum()) == (1, 16)
    # The steps, left alone while the page was hidden, catch up when it shows again.
    qtbot.waitUntil(lambda: "Nhập số liệu: đã nhập 1/16 ô của kỳ 6 tháng đầu năm 2025." in home.step_texts())


def test_period_picker_shows_window_and_due_date_and_announces_changes(qtbot, workspace):
    picker = PeriodPicker(workspace)
    qtbot.addWidget(picker)
    assert [picker.type_combo.itemText(i) for i in range(picker.type_combo.count())] == ["Năm", "6 tháng", "Quý"]
    assert picker.period_id == workspace.current_period().id

    with qtbot.waitSignal(picker.periodChanged) as signal:
        picker.set_period("2025S1")
    assert signal.args == ["2025S1"]
    assert picker.period_combo.currentText() == "6 tháng đầu năm 2025"
    assert picker.window_label.text() == "Từ 15/12/2024 đến 14/06/2025"
    assert picker.due_label.text() == "Hạn gửi: trước 10/06/2025"

    with qtbot.waitSignal(picker.periodChanged) as signal:
        picker.type_combo.setCurrentIndex(picker.type_combo.findData("year"))
    # The 2021 unit list ended on 30/06/2025, so its units stay on report year 2025.
    assert signal.args == ["2025"]
    assert picker.due_label.text() == "Hạn gửi: trước 10/12/2025"
    assert picker.window_label.text() == "Từ 15/12/2024 đến 14/12/2025"

    with qtbot.waitSignal(picker.periodChanged) as signal:
        picker.period_combo.setCurrentIndex(1)  # the year before
    assert signal.args == ["2024"]
    assert picker.period_combo.currentText() == "Năm 2024"


def test_period_picker_offers_nothing_after_the_unit_list_ended(qtbot, workspace):
    # The fixture's commune is in the 2021 list, which ended on 30/06/2025 (before today).
    picker = PeriodPicker(workspace)
    qtbot.addWidget(picker)
    for period_type, last in (("half", "2025S1"), ("quarter", "2025Q2"), ("year", "2025")):
        picker.type_combo.setCurrentIndex(picker.type_combo.findData(period_type))
        offered = [picker.period_combo.itemData(i) for i in range(picker.period_combo.count())]
        assert offered[0] == last, offered
        assert picker.period_id in offered


# -- what to do next ------------------------------------------------------------------------


def step_rows(page):
    """(text, button text or None) of each step, as shown."""
    layout, rows = page.steps_layout, []
    for row in range(layout.rowCount()):
        text = layout.itemAtPosition(row, 1)
        if text is None:
            continue
        button = layout.itemAtPosition(row, 2)
        rows.append((text.widget().text(), button.widget().text() if button else None))
    return rows


def test_commune_home_lists_the_next_steps_and_a_step_opens_its_page(qtbot, workspace):
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "3")
    page = make_home(qtbot, workspace, "2025S1", date(2025, 5, 29))
    page.show()
    qtbot.waitUntil(lambda: bool(step_rows(page)))
    assert step_rows(page) == [
        ("Báo cáo cần gửi tiếp theo: 6 tháng đầu năm 2025, hạn gửi trước 10/06/2025. Còn 12 ngày.", "Gửi báo cáo"),
        ("Nhập số liệu: đã nhập 1/16 ô của kỳ 6 tháng đầu năm 2025.", "Nhập số liệu"),
        ("Chưa ghi hoạt động nào trong kỳ (từ 15/12/2024): hãy ghi các hoạt động đã làm.", "Hoạt động"),
        ("Đơn vị chưa có khóa ký: hãy tạo khóa trước khi gửi báo cáo lần đầu.", "Gửi báo cáo"),
    ]
    with qtbot.waitSignal(page.stepChosen) as chosen:
        qtbot.mouseClick(page.step_buttons[1], Qt.MouseButton.LeftButton)
    assert chosen.args == ["entry", "2025S1"]


def test_a_step_button_in_the_main_window_switches_page_and_period(qtbot, workspace):
    window = build_main_window(workspace)
    qtbot.addWidget(window)
    window.show()
    window.period_picker.set_period("2024S2")
    home = window.home_page
    qtbot.waitUntil(lambda: bool(home.step_buttons))
    # Today the fixture's 2021 list has ended: the steps are about its last half-year.
    assert "danh sách đơn vị này đã kết thúc" in home.step_texts()[0]
    entry_button = next(b for b in home.step_buttons if b.text() == "Nhập số liệu")
    qtbot.mouseClick(entry_button, Qt.MouseButton.LeftButton)
    assert window.nav.currentRow() == window.ENTRY
    assert window.period_picker.period_id == "2025S1"
    assert window.entry_page.model.period_id == "2025S1"


@pytest.fixture
def district(tmp_path, fast_kdf):
    from tests.core.bundles.parties import open_unit

    ws = open_unit(tmp_path, "2021:199", "Lê Văn Huyện", with_key=False)
    yield ws
    ws.close(backup_on_close=False)


def test_district_home_names_the_communes_missing_and_opens_receive(qtbot, district):
    from tests.core.bundles.forge import Signer
    from tests.core.bundles.parties import make_bundle, trust_signer
    from qnapp.bundles.ledger import import_bundle

    tien_yen = Signer.new("2021:06862")
    trust_signer(district, tien_yen)
    today = date(2025, 5, 29)
    import_bundle(district, make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 5}).data, file_name="a.zip", today=today)
    window = build_main_window(district)
    qtbot.addWidget(window)
    home = window.home_page
    home._today = lambda: today
    window.show()
    qtbot.waitUntil(lambda: bool(home.step_buttons))
    texts = [text for text, _button in step_rows(home)]
    missing = next(t for t in texts if "đơn vị trực thuộc chưa gửi" in t)
    assert missing.startswith("10/11 đơn vị trực thuộc chưa gửi báo cáo kỳ 6 tháng đầu năm 2025: ")
    assert "Thị trấn Tiên Yên" not in missing and "và 5 đơn vị khác" in missing
    receive_button = next(b for b in home.step_buttons if b.text() == "Nhận và tổng hợp")
    qtbot.mouseClick(receive_button, Qt.MouseButton.LeftButton)
    assert window.nav.currentRow() == window.RECEIVE
    assert window.stack.currentWidget() is window.receive_page
