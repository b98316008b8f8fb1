"""«Gửi báo cáo»: signing key, export, lock, reopen — driven through the real widgets, with
the file dialog and the passphrase prompt replaced by callables."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.ui.helpers import type_text
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from qnapp import keys
from qnapp.bundles import verify_bundle
from qnapp.workspace import Workspace
from tests.conftest import OFFICER
from ui.dialog_service import RecordingDialogService
from ui.dialogs.activity_dialog import ActivityDialog
from ui.dialogs.passphrase_dialog import PassphraseDialog, ask_passphrase
from ui.main_window import MainWindow
from ui.models.entry_model import Col
from ui.dialogs.reason_dialog import reopen_reason_dialog
from ui.pages.send import SendPage

PERIOD = "2025S1"  # 6 tháng đầu năm 2025
PASSPHRASE = "Mật khẩu của xã"
UNIT = "2021:06862"  # Thị trấn Tiên Yên
REASON = "Bổ sung một người bị bạo lực gia đình"


pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def filled(workspace):
    """The commune with a signing key and figures for the half-year."""
    keys.create_key(workspace.store, UNIT, PASSPHRASE, who=OFFICER)
    workspace.set_cell(PERIOD, "GBV_VICTIMS", "nu", "5")
    workspace.set_cell(PERIOD, "GBV_VICTIMS", "nam", "1")
    return workspace


class Prompts:
    """Stand-ins for the modal prompts: record what was asked, answer as told."""

    def __init__(self, folder, passphrase: str | None = PASSPHRASE, reason: str | None = REASON):
        self.folder = folder
        self.passphrase = passphrase
        self.reason = reason
        self.suggested = []
        self.passphrase_asked = 0

    def save_path(self, parent, caption, suggested, file_filter):
        self.suggested.append(suggested)
        return str(self.folder / suggested.name)

    def ask_passphrase(self, parent, creating, *, intro=None, check=None):
        """Like the dialog: each attempt in turn goes through ``check``; when none passes,
        the officer cancels (None)."""
        self.passphrase_asked += 1
        self.intro = intro
        attempts = self.passphrase if isinstance(self.passphrase, list) else [self.passphrase]
        self.refusals = [check(a) for a in attempts if a is not None and check is not None]
        return next((a for a, wrong in zip(attempts, self.refusals + [None] * len(attempts)) if not wrong), None)

    def ask_reason(self, parent, period_label):
        return self.reason


def make_page(qtbot, workspace, prompts=None, answer=True):
    page = SendPage(workspace, dialogs=RecordingDialogService(answer=answer), period_id=PERIOD)
    qtbot.addWidget(page)
    if prompts is not None:
        page.ask_save_path = prompts.save_path
        page.ask_passphrase = prompts.ask_passphrase
        page.ask_reason = prompts.ask_reason
    page.show()
    qtbot.waitExposed(page)
    return page


def export(qtbot, page):
    with qtbot.waitSignal(page.exported, timeout=10_000) as blocker:
        page.export_button.click()
    return blocker.args[0]


def own_lookup(workspace):
    own = keys.own_public_key(workspace.store)
    return lambda key_id: SimpleNamespace(unit=UNIT, public_key=own) if key_id == own.key_id else None


def verify(workspace, path):
    return verify_bundle(path.read_bytes(), own_lookup(workspace), today=date.today())


# -- the signing key -------------------------------------------------------------------


def test_create_key_asks_twice_refuses_a_mismatch_and_shows_the_fingerprint(qtbot, workspace):
    page = make_page(qtbot, workspace)
    assert page.fingerprint_label.text() == "Đơn vị chưa có khóa ký."
    assert page.create_key_button.isVisible()
    assert not page.export_button.isEnabled() and not page.export_key_button.isEnabled()
    seen = {}

    def prompt(parent, creating):
        assert creating
        dialog = PassphraseDialog(parent, creating=True)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.passphrase_edit.echoMode() == QLineEdit.EchoMode.Password
        type_text(dialog.passphrase_edit, "ngắn")
        assert dialog.hint_label.text() == "Mật khẩu khóa phải có ít nhất 8 ký tự."
        type_text(dialog.passphrase_edit, " quá")  # now "ngắn quá": long enough
        type_text(dialog.confirm_edit, "ngắn qua")
        dialog.ok_button.click()
        seen["mismatch"] = dialog.error_text()
        assert dialog.isVisible()  # refused: still asking
        dialog.show_check.click()
        assert dialog.confirm_edit.echoMode() == QLineEdit.EchoMode.Normal
        dialog.confirm_edit.clear()
        type_text(dialog.confirm_edit, "ngắn quá")
        assert dialog.hint_label.text().startswith("Mật khẩu dùng được")
        dialog.ok_button.click()
        assert dialog.result() == QDialog.DialogCode.Accepted
        passphrase = dialog.take_passphrase()
        seen["left"] = (dialog.passphrase_edit.text(), dialog.confirm_edit.text())
        return passphrase

    page.ask_passphrase = prompt
    with qtbot.waitSignal(page.keyCreated, timeout=10_000) as blocker:
        page.create_key_button.click()

    assert seen["mismatch"] == "Hai lần nhập mật khẩu không khớp nhau."
    assert seen["left"] == ("", "")  # the dialog keeps no copy of the passphrase
    public_key = keys.own_public_key(workspace.store)
    assert blocker.args[0] == public_key
    groups = public_key.fingerprint_groups.split()
    assert page.fingerprint_label.text() == " ".join(groups[:8]) + "\n" + " ".join(groups[8:])
    assert not page.create_key_button.isVisible()
    assert page.export_button.isEnabled() and page.export_key_button.isEnabled()
    assert "Đã tạo khóa ký" in page.message_text()
    keys.load_signing_key(workspace.store, "ngắn quá")  # the passphrase typed protects it


@pytest.mark.parametrize("answer", [False, True])
def test_new_key_replaces_the_old_one_after_a_warning(qtbot, workspace, answer):
    old = keys.create_key(workspace.store, UNIT, PASSPHRASE, who=OFFICER)
    page = make_page(qtbot, workspace, answer=answer)
    assert page.new_key_button.isVisible() and not page.create_key_button.isVisible()
    page.ask_passphrase = lambda parent, creating: "mật khẩu máy mới"
    if not answer:
        page.new_key_button.click()
        assert keys.own_public_key(workspace.store) == old
    else:
        with qtbot.waitSignal(page.keyCreated, timeout=10_000):
            page.new_key_button.click()
        assert keys.own_public_key(workspace.store) != old
        keys.load_signing_key(workspace.store, "mật khẩu máy mới")
        # The old key is kept, retired, so the bundles it signed still verify.
        assert [(k.public_key, k.status) for k in keys.list_own_keys(workspace.store)][1] == (old, "retired")
    [(kind, title, text)] = page.dialogs.calls[:1]
    assert (kind, title) == ("confirm", "Tạo khóa mới")
    assert "thu hồi khóa cũ" in text


def test_cancelled_passphrase_creates_no_key(qtbot, workspace):
    page = make_page(qtbot, workspace)
    page.ask_passphrase = lambda parent, creating: None
    page.create_key_button.click()
    assert keys.own_public_key(workspace.store) is None
    assert not page.busy


def test_using_the_key_asks_one_field(qtbot):
    dialog = PassphraseDialog(None, creating=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.confirm_edit is None and not dialog.hint_label.isVisible()
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error_text() == "Chưa nhập mật khẩu khóa."
    type_text(dialog.passphrase_edit, PASSPHRASE)
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.take_passphrase() == PASSPHRASE and dialog.passphrase_edit.text() == ""


def test_public_key_file_for_the_parent(qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    page.export_key_button.click()
    path = tmp_path / "06862.pub"
    public_key, unit = keys.read_public_key_file(path)
    assert (public_key, unit) == (keys.own_public_key(filled.store), UNIT)
    assert public_key.fingerprint_groups in page.message_text()
    assert filled.export_folder() == tmp_path  # remembered for the next file


# -- export ------------------------------------------------------------------------------


def test_export_writes_a_verifiable_bundle_and_locks_the_period(qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    assert page.state_label.text() == "Chưa gửi."

    result = export(qtbot, page)

    path = tmp_path / "06862_2025S1_r1.zip"
    assert result.path == path and path.exists()
    assert prompts.suggested[0].name == "06862_2025S1_r1.zip"
    assert prompts.passphrase_asked == 1
    bundle = verify(filled, path)
    assert bundle.digest == result.digest and bundle.header["revision"] == 1
    assert bundle.header["unit"]["code"] == "06862" and bundle.header["period"] == PERIOD
    assert page.state_label.text() == "Đã gửi (lần 1). Số liệu và hoạt động của kỳ đang khóa."
    assert page.digest_label.text() == " ".join(result.digest[i:i + 4].upper() for i in range(0, 16, 4)) + " …"
    assert page.file_label.text() == str(path)
    assert page.time_label.text() != "—"
    assert "đã được khóa" in page.message_text() and "(lần 1)" in page.message_text()
    assert page.reopen_button.isEnabled()
    assert filled.export_state(PERIOD).locked
    assert page.dialogs.calls == []

    # Again: the same bytes, no passphrase needed, offered in the folder used last.
    again_dir = tmp_path / "again"
    again_dir.mkdir()
    prompts.folder = again_dir
    again = export(qtbot, page)
    assert prompts.suggested[1] == tmp_path / "06862_2025S1_r1.zip"
    assert prompts.passphrase_asked == 1
    assert again.reused and again.revision == 1
    assert (again_dir / "06862_2025S1_r1.zip").read_bytes() == path.read_bytes()
    assert "đã ghi lại đúng gói đó" in page.message_text()


def test_wrong_passphrase_is_refused_and_leaves_nothing_behind(qtbot, filled, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    prompts = Prompts(out, passphrase=["không phải mật khẩu"])
    page = make_page(qtbot, filled, prompts)
    page.export_button.click()  # the dialog refuses it; the officer then cancels
    assert prompts.refusals == ["Mật khẩu khóa không đúng. Hãy nhập lại: kỳ và tệp đã chọn vẫn được giữ."]
    assert "06862_2025S1_r1.zip" in prompts.intro and "6 tháng đầu năm 2025" in prompts.intro
    assert page.dialogs.calls == [] and not page.busy
    assert list(out.iterdir()) == []
    assert not filled.export_state(PERIOD).locked
    assert page.state_label.text() == "Chưa gửi." and page.export_button.isEnabled()


def test_a_wrong_passphrase_is_asked_again_in_the_same_dialog_and_the_export_goes_on(qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    page.ask_passphrase = ask_passphrase  # the real dialog
    seen = {}

    def officer_types():
        dialog = QApplication.activeModalWidget()
        seen["title"] = dialog.windowTitle()
        type_text(dialog.passphrase_edit, "mật khẩu sai")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error_text()
        seen["still_open"] = dialog.isVisible()
        type_text(dialog.passphrase_edit, PASSPHRASE)  # replaces the selected wrong one
        seen["error_after_typing"] = dialog.error_text()
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, officer_types)
    with qtbot.waitSignal(page.exported, timeout=10_000) as blocker:
        page.export_button.click()
    assert seen == {
        "title": "Mật khẩu khóa ký",
        "error": "Mật khẩu khóa không đúng. Hãy nhập lại: kỳ và tệp đã chọn vẫn được giữ.",
        "still_open": True,
        "error_after_typing": "",
    }
    path = tmp_path / "06862_2025S1_r1.zip"
    assert blocker.args[0].path == path and path.exists()
    assert len(prompts.suggested) == 1  # the file was chosen once
    assert verify(filled, path).header["period"] == PERIOD
    assert filled.export_state(PERIOD).locked and page.dialogs.calls == []


def test_cancelling_the_file_dialog_exports_nothing(qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    page.ask_save_path = lambda *args: None
    page.export_button.click()
    assert prompts.passphrase_asked == 0 and not page.busy
    assert filled.export_state(PERIOD).revision is None


def test_reopen_with_a_reason_then_the_next_export_is_revision_2(qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    first = export(qtbot, page)

    page.dialogs.answer = False  # «Không» at the confirmation: nothing changes
    page.reopen_button.click()
    assert filled.export_state(PERIOD).locked

    page.dialogs.answer = True
    with qtbot.waitSignal(page.lockChanged):
        page.reopen_button.click()
    kind, title, text = page.dialogs.calls[-1]
    assert (kind, title) == ("confirm", "Mở lại kỳ để sửa") and "(lần 2)" in text
    state = filled.export_state(PERIOD)
    assert not state.locked and state.next_revision == 2 and state.reopen_reason == REASON
    assert page.state_label.text() == (
        "Đã mở lại để sửa sau lần gửi 1 (lý do: {}). Lần gửi tới là lần 2.".format(REASON)
    )
    assert not page.reopen_button.isEnabled()
    filled.set_cell(PERIOD, "GBV_VICTIMS", "nu", "6")  # the correction

    second = export(qtbot, page)
    path = tmp_path / "06862_2025S1_r2.zip"
    assert second.path == path and second.revision == 2
    header = verify(filled, path).header
    assert header["revision"] == 2 and header["supersedes"] == first.digest and header["reason"] == REASON
    assert page.state_label.text().startswith("Đã gửi (lần 2).")


def test_reopen_needs_a_reason(qtbot, filled, tmp_path):
    dialog = reopen_reason_dialog(None, "6 tháng đầu năm 2025")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.reason_edit, "   ")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error_label.text() == "Hãy nêu lý do mở lại kỳ."
    type_text(dialog.reason_edit, REASON)
    assert dialog.error_text() == ""  # a reason typed: the error is gone before OK
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.reason == REASON

    page = make_page(qtbot, filled, Prompts(tmp_path, reason=None))
    export(qtbot, page)
    page.reopen_button.click()  # the reason prompt was cancelled
    assert filled.export_state(PERIOD).locked
    assert [c[0] for c in page.dialogs.calls] == []


def test_an_activity_dated_in_a_sent_period_is_refused_with_a_readable_message(qtbot, filled, tmp_path):
    page = make_page(qtbot, filled, Prompts(tmp_path))
    export(qtbot, page)
    dlg = ActivityDialog(filled)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.date_edit.setDate(QDate(2025, 3, 8))
    dlg.type_combo.setCurrentIndex(dlg.type_combo.findData("truyen_thong"))
    dlg.title_edit.setFocus()
    type_text(dlg.title_edit, "Truyền thông nhân ngày 8/3")
    dlg.objective_boxes[6].setChecked(True)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and filled.activities() == []
    assert dlg.error_text() == (
        "Ngày 08/03/2025 thuộc kỳ 6 tháng đầu năm 2025 đã gửi báo cáo (lần 1) nên hoạt động của "
        "kỳ này đang khóa, không thêm, sửa hay xóa được. Muốn sửa, hãy mở lại kỳ (nút «Mở lại để "
        "sửa» trên bảng nhập số liệu hoặc ở trang «Gửi báo cáo»), rồi gửi lại báo cáo."
    )


# -- the main window ---------------------------------------------------------------------------


def open_window(qtbot, workspace):
    window = MainWindow(workspace, dialogs=RecordingDialogService(answer=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.period_picker.set_period(PERIOD)
    return window


def test_only_a_parent_unit_gets_the_receive_page(qtbot, workspace, tmp_path):
    commune = open_window(qtbot, workspace)
    titles = [commune.nav.item(i).text() for i in range(commune.nav.count())]
    assert titles == ["Trang chủ", "Nhập số liệu", "Hoạt động", "Gửi báo cáo", "Tiến độ mục tiêu"]
    assert [a.shortcut().toString() for a in commune.page_actions][-1] == "Ctrl+5"
    assert commune.receive_page is None

    district = Workspace.open(tmp_path / "district.sqlite")
    try:
        district.initialise("2021", "199", OFFICER)  # Huyện Tiên Yên
        window = open_window(qtbot, district)
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert titles[window.SEND:] == ["Gửi báo cáo", "Nhận và tổng hợp", "Tiến độ mục tiêu"]
        assert [(a.text(), a.shortcut().toString()) for a in window.page_actions[3:]] == [
            ("Gửi báo cáo", "Ctrl+4"), ("Nhận và tổng hợp", "Ctrl+5"), ("Tiến độ mục tiêu", "Ctrl+6")]
        window.close()
    finally:
        district.close(backup_on_close=False)


def test_report_to_print_is_written_as_pdf_and_xlsx(qtbot, filled, tmp_path):
    import openpyxl

    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    page.print_button.click()
    pdf = tmp_path / "BC_06862_2025S1.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Đã ghi báo cáo" in page.message_text()

    page.ask_save_path = lambda *args: str(tmp_path / "bao_cao.xlsx")
    page.print_button.click()
    sheet = openpyxl.load_workbook(tmp_path / "bao_cao.xlsx").worksheets[0]
    texts = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "BÁO CÁO" in texts


def test_a_refusal_banner_goes_once_the_officer_went_to_fix_it(qtbot, workspace, tmp_path):
    keys.create_key(workspace.store, UNIT, PASSPHRASE, who=OFFICER)
    window = MainWindow(workspace, dialogs=RecordingDialogService())
    qtbot.addWidget(window)
    window.show()
    window.period_picker.set_period(PERIOD)
    window.nav.setCurrentRow(window.SEND)
    send = window.send_page
    prompts = Prompts(tmp_path)
    send.ask_save_path, send.ask_passphrase = prompts.save_path, prompts.ask_passphrase
    with qtbot.waitSignal(send.failed, timeout=10_000):
        send.export_button.click()  # nothing typed yet for the half-year
    assert "chưa có số liệu hay hoạt động nào để gửi" in send.message_text()

    window.nav.setCurrentRow(window.ENTRY)  # the officer types a figure
    entry = window.entry_page
    model = entry.model
    index = next(model.index(r, Col.FEMALE) for r in range(model.rowCount())
                 if model.element_at(model.index(r, 0)) and model.element_at(model.index(r, 0)).element.code == "GBV_VICTIMS")
    entry.table.setCurrentIndex(index)
    qtbot.keyClicks(entry.table, "4")
    qtbot.keyClick(entry.table.indexWidget(index), Qt.Key.Key_Return)
    window.nav.setCurrentRow(window.SEND)

    assert send.message_text() == ""  # the refusal no longer stands
    assert send.export_button.isEnabled()
    export(qtbot, send)
    assert workspace.export_state(PERIOD).locked


def test_a_reason_naming_a_victim_stored_before_the_check_is_given_again_before_the_export(
        qtbot, filled, tmp_path):
    prompts = Prompts(tmp_path)
    page = make_page(qtbot, filled, prompts)
    export(qtbot, page)
    with filled.store.transaction():  # reopened by a qnapp that did not check the reason
        filled.store.conn.execute(
            "UPDATE locked_periods SET reopened_at = '2025-07-01T08:00:00+07:00', reason = ? "
            "WHERE period = ?", ["Bổ sung chị Nguyễn Thị Hoa, 0912 345 678", PERIOD])
    page.refresh()
    assert page.reopen_button.isEnabled()

    with qtbot.waitSignal(page.failed, timeout=10_000) as blocker:
        page.export_button.click()
    message = blocker.args[0]
    assert "Lý do mở lại kỳ (ghi từ trước): có họ tên người, số điện thoại." in message
    assert "«Mở lại để sửa»" in message and "Hoa" not in message and "0912" not in message
    assert not (tmp_path / "06862_2025S1_r2.zip").exists()

    page.reopen_button.click()  # the reason prompt answers REASON
    assert filled.export_state(PERIOD).reopen_reason == REASON
    second = export(qtbot, page)
    header = verify(filled, second.path).header
    assert header["revision"] == 2 and header["reason"] == REASON
