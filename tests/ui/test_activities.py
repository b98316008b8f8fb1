"""The «Hoạt động» page, its table model and the activity form, driven like a user would."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui.helpers import type_text
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QMessageBox,
    QStyle,
    QStyleOptionButton,
)

from qnapp.workspace import ActivityDraft
from ui.dialog_service import DialogService, RecordingDialogService
from ui.dialogs.activity_dialog import ActivityDialog
from ui.models.activity_model import (
    ACTION_MONTH_ROLE,
    COL_ACTION_MONTH,
    COL_COST,
    COL_DATE,
    COL_FEMALE,
    COL_FUND,
    COL_MALE,
    COL_OBJECTIVES,
    COL_TITLE,
    COL_TOTAL,
    COL_TYPE,
    ID_ROLE,
    SORT_KEY_ROLE,
    ActivitySortProxy,
    ActivityTableModel,
)
from ui.pages.activities import ActivitiesPage

# -- helpers ------------------------------------------------------------------------


def type_date(qtbot, edit, text: str) -> None:
    """Type a dd/mm/yyyy date into a QDateEdit, starting at the day section."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClicks(edit, text)


def replace_number(qtbot, spin, digits: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, digits)


def tick(qtbot, box) -> None:
    """Click the check box's square (its centre may lie past the end of a short label)."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    square = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=square.center())


def draft(**overrides) -> ActivityDraft:
    values = dict(
        date=date(2025, 3, 8),
        type="truyen_thong",
        title="Truyền thông ngày Quốc tế Phụ nữ",
        place="Hội trường UBND",
        participants_male=20,
        participants_female=40,
        cost=0,
        fund_source="",
        objectives=(6,),
        note="",
    )
    values.update(overrides)
    return ActivityDraft(**values)


def column(view_model, col: int) -> list[str]:
    return [view_model.index(row, col).data() for row in range(view_model.rowCount())]


def click_header(qtbot, view, col: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def select_row(page, row: int) -> None:
    page.table.setFocus()
    page.table.selectRow(row)


def fill_training_form(qtbot, dlg: ActivityDialog) -> None:
    """A training in the action month: 12 men, 15 women, 1.500.000 đồng of state budget."""
    type_date(qtbot, dlg.date_edit, "20/11/2025")
    dlg.type_combo.setFocus()
    type_text(dlg.type_combo, "Tập huấn")
    dlg.title_edit.setFocus()
    type_text(dlg.title_edit, "Tập huấn phòng, chống bạo lực gia đình")
    type_text(dlg.place_edit, "Nhà văn hóa khu 3")
    replace_number(qtbot, dlg.male_spin, "12")
    replace_number(qtbot, dlg.female_spin, "15")
    replace_number(qtbot, dlg.cost_spin, "1500000")
    dlg.fund_combo.setFocus()
    type_text(dlg.fund_combo, "Ngân sách")
    tick(qtbot, dlg.objective_boxes[3])
    tick(qtbot, dlg.objective_boxes[6])


@pytest.fixture
def dialogs():
    return RecordingDialogService()


@pytest.fixture
def page(qtbot, workspace, dialogs):
    widget = ActivitiesPage(workspace, dialogs=dialogs)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def form_driver(page):
    """Make the page's modal form run a scripted user instead of blocking in exec()."""
    scripts = []

    def factory(workspace, activity=None, parent=None):
        dlg = ActivityDialog(workspace, activity, parent=parent)

        def exec_scripted():
            dlg.show()
            scripts.pop(0)(dlg)
            return dlg.result()

        dlg.exec = exec_scripted
        return dlg

    page.dialog_factory = factory
    return scripts


# -- the form -----------------------------------------------------------------------


def test_adding_through_the_form_lists_the_activity(qtbot, page, form_driver, workspace):
    def user(dlg):
        assert dlg.windowTitle() == "Thêm hoạt động"
        fill_training_form(qtbot, dlg)
        assert dlg.action_month_hint.isVisible()
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    form_driver.append(user)
    with qtbot.waitSignal(page.activitiesChanged):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)

    [stored] = workspace.activities()
    assert (stored.date, stored.type, stored.title, stored.place) == (
        date(2025, 11, 20),
        "tap_huan",
        "Tập huấn phòng, chống bạo lực gia đình",
        "Nhà văn hóa khu 3",
    )
    assert (stored.participants_male, stored.participants_female, stored.cost) == (12, 15, 1_500_000)
    assert stored.fund_source == "ngan_sach"
    assert stored.objectives == (3, 6)

    view = page.proxy
    assert view.rowCount() == 1
    row = {col: view.index(0, col).data() for col in range(view.columnCount())}
    assert row[COL_DATE] == "20/11/2025"
    assert row[COL_TYPE] == "Tập huấn"
    assert row[COL_TITLE] == "Tập huấn phòng, chống bạo lực gia đình"
    assert (row[COL_MALE], row[COL_FEMALE], row[COL_TOTAL]) == ("12", "15", "27")
    assert row[COL_COST] == "1.500.000"
    assert row[COL_FUND] == "Ngân sách nhà nước"
    assert row[COL_OBJECTIVES] == "3, 6"
    assert row[COL_ACTION_MONTH] == "Có"
    assert view.index(0, COL_ACTION_MONTH).data(ACTION_MONTH_ROLE) is True
    right = Qt.AlignmentFlag.AlignRight
    assert Qt.AlignmentFlag(view.index(0, COL_COST).data(Qt.ItemDataRole.TextAlignmentRole)) & right
    assert page.count_label.text() == "1 hoạt động, 1 thuộc Tháng hành động, tổng 27 người tham gia"
    assert page.selected_id() == stored.id  # the new row is selected, ready for Enter


@pytest.mark.parametrize(
    "key, modifier",
    [(Qt.Key.Key_Insert, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)],
    ids=["Insert", "Ctrl+N"],
)
def test_keyboard_opens_the_form_and_cancel_stores_nothing(qtbot, page, form_driver, workspace, key, modifier):
    opened = []

    def user(dlg):
        opened.append(dlg.windowTitle())
        type_text(dlg.title_edit, "Bỏ dở")
        qtbot.keyClick(dlg.title_edit, Qt.Key.Key_Escape)  # Esc = «Hủy»

    form_driver.append(user)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, key, modifier)
    assert opened == ["Thêm hoạt động"]
    assert workspace.activities() == []
    assert page.proxy.rowCount() == 0


@pytest.mark.parametrize(
    "leave_out, message",
    [
        ("title", "Hãy nhập tên hoạt động."),
        ("objectives", "Hãy chọn ít nhất một mục tiêu mà hoạt động phục vụ."),
    ],
)
def test_invalid_form_shows_the_message_and_stores_nothing(qtbot, workspace, leave_out, message):
    dlg = ActivityDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    fill_training_form(qtbot, dlg)
    if leave_out == "title":
        dlg.title_edit.clear()
    else:
        for box in dlg.objective_boxes.values():
            if box.isChecked():
                tick(qtbot, box)

    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    assert dlg.isVisible(), "the form stays open"
    assert dlg.result() != QDialog.DialogCode.Accepted
    assert dlg.error_label.isVisible()
    assert message in dlg.error_label.text()
    assert dlg.saved is None
    assert workspace.activities() == []


def test_cost_without_fund_source_is_refused_with_the_core_message(qtbot, workspace):
    dlg = ActivityDialog(workspace)
    qtbot.addWidget(dlg)
    fill_training_form(qtbot, dlg)
    dlg.fund_combo.setCurrentIndex(0)  # «— Không có / chưa chọn —»
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert "Có kinh phí thì phải chọn nguồn kinh phí." in dlg.error_text()
    assert workspace.activities() == []


def test_action_month_hint_follows_the_date(qtbot, workspace):
    dlg = ActivityDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    for typed, shown in [("14/11/2025", False), ("15/11/2025", True), ("15/12/2025", True), ("16/12/2025", False)]:
        type_date(qtbot, dlg.date_edit, typed)
        assert dlg.action_month_hint.isVisible() is shown, typed
    assert dlg.action_month_hint.text() == "Thuộc Tháng hành động (15/11–15/12)"


def test_enter_edits_the_selected_activity(qtbot, page, form_driver, workspace):
    workspace.add_activity(draft(title="Đối thoại chính sách", type="doi_thoai", objectives=(1,)))
    page.refresh()

    def user(dlg):
        assert dlg.windowTitle() == "Sửa hoạt động"
        assert dlg.title_edit.text() == "Đối thoại chính sách"
        assert dlg.date_edit.date() == QDate(2025, 3, 8)
        assert dlg.objective_boxes[1].isChecked()
        dlg.title_edit.selectAll()
        type_text(dlg.title_edit, "Đối thoại với phụ nữ dân tộc thiểu số")
        qtbot.keyClick(dlg.title_edit, Qt.Key.Key_Return)  # Enter presses «Lưu»

    form_driver.append(user)
    select_row(page, 0)
    with qtbot.waitSignal(page.activitiesChanged):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)

    [stored] = workspace.activities()
    assert stored.title == "Đối thoại với phụ nữ dân tộc thiểu số"
    assert column(page.proxy, COL_TITLE) == ["Đối thoại với phụ nữ dân tộc thiểu số"]


def test_double_click_edits_the_row_clicked(qtbot, page, form_driver, workspace):
    workspace.add_activity(draft(title="Hoạt động A", date=date(2025, 1, 2)))
    workspace.add_activity(draft(title="Hoạt động B", date=date(2025, 1, 3)))
    page.refresh()
    seen = []

    def user(dlg):
        seen.append(dlg.title_edit.text())
        replace_number(qtbot, dlg.female_spin, "41")
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    form_driver.append(user)
    row = column(page.proxy, COL_TITLE).index("Hoạt động A")
    rect = page.table.visualRect(page.proxy.index(row, COL_TITLE))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seen == ["Hoạt động A"]
    changed = {a.title: a.participants_female for a in workspace.activities()}
    assert changed == {"Hoạt động A": 41, "Hoạt động B": 40}


# -- filters ------------------------------------------------------------------------


@pytest.fixture
def seeded(workspace, page):
    workspace.add_activity(
        draft(
            date=date(2025, 11, 20),
            type="tap_huan",
            title="Tập huấn kỹ năng phòng, chống bạo lực gia đình",
            participants_male=9,
            participants_female=21,
            cost=2_000_000,
            fund_source="ngan_sach",
            objectives=(3,),
        )
    )
    workspace.add_activity(
        draft(
            date=date(2025, 3, 8),
            type="truyen_thong",
            title="Mít tinh hưởng ứng ngày Quốc tế Phụ nữ",
            participants_male=10,
            participants_female=90,
            objectives=(6,),
        )
    )
    workspace.add_activity(
        draft(
            date=date(2025, 12, 1),
            type="doi_thoai",
            title="Đối thoại về bình đẳng giới trong gia đình",
            place="Thôn Khe Tiên",
            participants_male=100,
            participants_female=2,
            objectives=(3, 6),
        )
    )
    workspace.add_activity(
        draft(
            date=date(2024, 12, 15),
            type="tap_huan",
            title="Tập huấn cán bộ cơ sở",
            participants_male=5,
            participants_female=5,
            objectives=(1,),
        )
    )
    page.refresh()
    return page


def titles(page) -> set[str]:
    return set(column(page.proxy, COL_TITLE))


def test_count_label_sums_what_is_shown(seeded):
    # 20/11/2025, 01/12/2025 and 15/12/2024 fall in the action month; 242 people in all.
    assert seeded.count_label.text() == "4 hoạt động, 3 thuộc Tháng hành động, tổng 242 người tham gia"


def test_filter_by_objective(qtbot, seeded):
    seeded.objective_combo.setCurrentIndex(seeded.objective_combo.findData(3))
    assert titles(seeded) == {
        "Tập huấn kỹ năng phòng, chống bạo lực gia đình",
        "Đối thoại về bình đẳng giới trong gia đình",
    }
    assert seeded.count_label.text().startswith("2 hoạt động, 2 thuộc Tháng hành động")
    seeded.objective_combo.setCurrentIndex(0)  # «Tất cả mục tiêu»
    assert seeded.proxy.rowCount() == 4


def test_filter_by_type(qtbot, seeded):
    assert seeded.type_combo.itemText(0) == "Tất cả loại"
    seeded.type_combo.setFocus()
    type_text(seeded.type_combo, "Tập")
    assert seeded.type_combo.currentData() == "tap_huan"
    assert titles(seeded) == {"Tập huấn kỹ năng phòng, chống bạo lực gia đình", "Tập huấn cán bộ cơ sở"}


def test_filter_by_date_range(qtbot, seeded):
    assert not seeded.date_from_edit.isEnabled(), "dates are off until «Lọc theo ngày» is ticked"
    qtbot.mouseClick(seeded.date_check, Qt.MouseButton.LeftButton)
    assert seeded.date_check.isChecked() and seeded.date_from_edit.isEnabled()

    type_date(qtbot, seeded.date_from_edit, "01/11/2025")
    type_date(qtbot, seeded.date_to_edit, "30/11/2025")
    assert titles(seeded) == {"Tập huấn kỹ năng phòng, chống bạo lực gia đình"}

    type_date(qtbot, seeded.date_to_edit, "01/12/2025")  # bounds are inclusive
    assert len(titles(seeded)) == 2

    qtbot.mouseClick(seeded.date_check, Qt.MouseButton.LeftButton)
    assert seeded.proxy.rowCount() == 4


@pytest.mark.parametrize(
    "query, expected",
    [
        ("tap huan", {"Tập huấn kỹ năng phòng, chống bạo lực gia đình", "Tập huấn cán bộ cơ sở"}),
        ("Tập huấn", {"Tập huấn kỹ năng phòng, chống bạo lực gia đình", "Tập huấn cán bộ cơ sở"}),
        ("binh dang", {"Đối thoại về bình đẳng giới trong gia đình"}),
        ("khe tien", {"Đối thoại về bình đẳng giới trong gia đình"}),  # the place is searched too
        ("không có gì như thế", set()),
    ],
)
def test_filter_by_text_ignores_diacritics(qtbot, seeded, query, expected):
    seeded.search_edit.setFocus()
    type_text(seeded.search_edit, query)
    assert titles(seeded) == expected
    if not expected:
        assert seeded.count_label.text() == "Không có hoạt động nào."


def test_filters_combine_and_clear(qtbot, seeded):
    type_text(seeded.search_edit, "tap huan")
    seeded.objective_combo.setCurrentIndex(seeded.objective_combo.findData(1))
    assert titles(seeded) == {"Tập huấn cán bộ cơ sở"}
    qtbot.mouseClick(seeded.clear_filters_button, Qt.MouseButton.LeftButton)
    assert seeded.search_edit.text() == ""
    assert seeded.objective_combo.currentIndex() == 0
    assert seeded.proxy.rowCount() == 4


# -- sorting ------------------------------------------------------------------------


def test_sorting_by_date_uses_real_dates(qtbot, seeded):
    # As text "01/12/2025" < "08/03/2025" < "15/12/2024" < "20/11/2025"; as dates it is not.
    chronological = ["15/12/2024", "08/03/2025", "20/11/2025", "01/12/2025"]
    assert column(seeded.proxy, COL_DATE) == chronological[::-1], "newest first on opening"
    click_header(qtbot, seeded.table, COL_DATE)
    assert column(seeded.proxy, COL_DATE) == chronological
    click_header(qtbot, seeded.table, COL_DATE)
    assert column(seeded.proxy, COL_DATE) == chronological[::-1]


def test_sorting_by_participants_is_numeric(qtbot, seeded):
    click_header(qtbot, seeded.table, COL_MALE)
    assert seeded.table.horizontalHeader().sortIndicatorSection() == COL_MALE
    assert column(seeded.proxy, COL_MALE) == ["5", "9", "10", "100"]
    click_header(qtbot, seeded.table, COL_MALE)
    assert column(seeded.proxy, COL_MALE) == ["100", "10", "9", "5"]
    click_header(qtbot, seeded.table, COL_TOTAL)
    assert column(seeded.proxy, COL_TOTAL) == ["10", "30", "100", "102"]


def test_sorting_by_title_uses_vietnamese_order(qtbot, seeded):
    click_header(qtbot, seeded.table, COL_TITLE)
    # Vietnamese alphabet: ... D < Đ < ... M < ... T; "Tập huấn c" < "Tập huấn k".
    assert column(seeded.proxy, COL_TITLE) == [
        "Đối thoại về bình đẳng giới trong gia đình",
        "Mít tinh hưởng ứng ngày Quốc tế Phụ nữ",
        "Tập huấn cán bộ cơ sở",
        "Tập huấn kỹ năng phòng, chống bạo lực gia đình",
    ]


# -- delete -------------------------------------------------------------------------


def test_delete_asks_and_keeps_the_activity_on_khong(qtbot, seeded, dialogs, workspace):
    dialogs.answer = False
    select_row(seeded, 0)  # newest: 01/12/2025
    qtbot.keyClick(seeded.table, Qt.Key.Key_Delete)
    [(kind, title, text)] = dialogs.calls
    assert (kind, title) == ("confirm", "Xóa hoạt động")
    assert "Đối thoại về bình đẳng giới trong gia đình" in text and "01/12/2025" in text
    assert len(workspace.activities()) == 4
    assert seeded.proxy.rowCount() == 4
    assert not [e for e in workspace.store.audit_log("activity") if e["action"] == "delete"]


def test_delete_on_co_removes_it_and_the_audit_log_keeps_it(qtbot, seeded, dialogs, workspace):
    dialogs.answer = True
    select_row(seeded, 0)
    doomed = seeded.selected_id()
    with qtbot.waitSignal(seeded.activitiesChanged):
        qtbot.mouseClick(seeded.delete_button, Qt.MouseButton.LeftButton)
    assert [c[0] for c in dialogs.calls] == ["confirm"]
    assert doomed not in {a.id for a in workspace.activities()}
    assert "Đối thoại về bình đẳng giới trong gia đình" not in titles(seeded)
    assert seeded.count_label.text() == "3 hoạt động, 2 thuộc Tháng hành động, tổng 140 người tham gia"
    deletions = [e for e in workspace.store.audit_log("activity") if e["action"] == "delete"]
    assert [e["entity_key"] for e in deletions] == [str(doomed)]
    assert deletions[0]["old"]["title"] == "Đối thoại về bình đẳng giới trong gia đình"
    assert deletions[0]["who"] == "Nguyễn Thị Lan"
    assert seeded.selected_id() is not None, "the cursor stays in the list for the next Delete"


def test_edit_and_delete_need_a_selection(qtbot, seeded, dialogs):
    seeded.table.clearSelection()
    seeded.table.setCurrentIndex(seeded.proxy.index(-1, -1))
    assert not seeded.edit_button.isEnabled()
    assert not seeded.delete_button.isEnabled()
    seeded.delete_selected()
    assert dialogs.calls == []
    select_row(seeded, 1)
    assert seeded.edit_button.isEnabled() and seeded.delete_button.isEnabled()


# -- the model ----------------------------------------------------------------------


def test_model_passes_the_model_tester(qtmodeltester, workspace, seeded):
    model = ActivityTableModel(workspace)
    model.refresh()
    assert model.rowCount() == 4
    qtmodeltester.check(model)
    proxy = ActivitySortProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_MALE)
    qtmodeltester.check(proxy)


def test_model_roles_carry_id_and_typed_sort_keys(workspace):
    stored = workspace.add_activity(draft(date=date(2025, 11, 15), participants_male=10, cost=1_234_000,
                                          fund_source="xa_hoi_hoa"))
    model = ActivityTableModel(workspace)
    model.refresh()
    index = model.index(0, COL_DATE)
    assert index.data(ID_ROLE) == stored.id
    assert model.sort_key(0, COL_DATE) == date(2025, 11, 15).toordinal()
    assert model.sort_key(0, COL_MALE) == 10
    assert model.index(0, COL_COST).data() == "1.234.000"
    assert model.index(0, COL_COST).data(SORT_KEY_ROLE) == 1_234_000
    assert model.index(0, COL_ACTION_MONTH).data() == "Có"
    assert model.headerData(COL_COST, Qt.Orientation.Horizontal) == "Kinh phí (đồng)"
    assert model.headerData(COL_ACTION_MONTH, Qt.Orientation.Horizontal) == "Tháng hành động"


def test_empty_model_passes_the_model_tester(qtmodeltester, workspace):
    model = ActivityTableModel(workspace)
    model.refresh()
    qtmodeltester.check(model)


# -- dialog service -----------------------------------------------------------------


def test_dialog_service_buttons_are_vietnamese(qtbot, monkeypatch):
    seen = {}

    def fake_exec(box):
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["default"] = box.defaultButton().text()
        for button in box.buttons():
            if button.text() == "Có":
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert DialogService().confirm(None, "Xóa hoạt động", "Xóa?") is True
    assert seen == {"buttons": ["Có", "Không"], "default": "Không"}
    DialogService().error(None, "Lỗi", "Không lưu được.")
    assert seen["buttons"] == ["Đóng"]


def test_a_form_error_follows_the_form_and_goes_once_it_is_right(qtbot, workspace):
    dlg = ActivityDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    fill_training_form(qtbot, dlg)
    dlg.title_edit.clear()
    for box in dlg.objective_boxes.values():
        if box.isChecked():
            tick(qtbot, box)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert "Hãy nhập tên hoạt động." in dlg.error_text()
    assert "Hãy chọn ít nhất một mục tiêu" in dlg.error_text()

    dlg.title_edit.setFocus()
    type_text(dlg.title_edit, "Tập huấn kỹ năng")
    assert "Hãy nhập tên hoạt động." not in dlg.error_text()  # one problem fixed, one left
    assert "Hãy chọn ít nhất một mục tiêu" in dlg.error_text()
    tick(qtbot, dlg.objective_boxes[3])
    assert dlg.error_text() == "" and not dlg.error_label.isVisible()
    assert workspace.activities() == []  # nothing saved until «Lưu»
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted and len(workspace.activities()) == 1


def test_a_note_with_a_phone_number_is_refused_in_the_form(qtbot, workspace):
    dlg = ActivityDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    fill_training_form(qtbot, dlg)
    dlg.note_edit.setFocus()
    type_text(dlg.note_edit, "Chị ấy xin gọi lại số 0912 345 678")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.saved is None and workspace.activities() == []
    assert dlg.error_text().startswith("Ghi chú có số điện thoại.")
    assert "0912" not in dlg.error_text()
