"""The home page's guidance, computed without Qt: the next report due, figures and
activities recorded, children missing, corrections waiting, a retired unit list."""

from __future__ import annotations

from datetime import date

import pytest

from qnapp import keys
from qnapp.bundles import export_bundle
from qnapp.bundles.ledger import import_bundle
from qnapp.next_steps import ACTIVITIES, ENTRY, RECEIVE, SEND, next_steps
from qnapp.units import get_unit
from qnapp.workspace import ActivityDraft, Workspace
from tests.conftest import OFFICER
from tests.core.bundles.forge import Signer
from tests.core.bundles.parties import make_bundle, open_unit, trust_signer

pytestmark = pytest.mark.usefixtures("fast_kdf")

BEFORE_DUE = date(2025, 5, 29)  # 2025S1 is due before 10/06/2025
PASSPHRASE = "mật khẩu của xã"


def texts(guidance):
    return [s.text for s in guidance.steps]


def step(guidance, page):
    return next(s for s in guidance.steps if s.page == page and s.text)


def test_a_new_commune_is_told_the_report_due_and_what_is_missing(workspace):
    guidance = next_steps(workspace, BEFORE_DUE)
    assert guidance.period.id == "2025S1"
    assert texts(guidance) == [
        "Báo cáo cần gửi tiếp theo: 6 tháng đầu năm 2025, hạn gửi trước 10/06/2025. Còn 12 ngày.",
        "Nhập số liệu: đã nhập 0/16 ô của kỳ 6 tháng đầu năm 2025.",
        "Chưa ghi hoạt động nào trong kỳ (từ 15/12/2024): hãy ghi các hoạt động đã làm.",
        "Đơn vị chưa có khóa ký: hãy tạo khóa trước khi gửi báo cáo lần đầu.",
    ]
    assert [s.page for s in guidance.steps] == [SEND, ENTRY, ACTIVITIES, SEND]
    assert not any(s.done or s.urgent for s in guidance.steps)


def test_figures_activities_and_the_sent_report_show_up(workspace, tmp_path):
    keys.create_key(workspace.store, "2021:06862", PASSPHRASE, who=OFFICER)
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "3")
    workspace.add_activity(ActivityDraft(date=date(2025, 3, 8), type="truyen_thong", title="Truyền thông 8/3",
                                         objectives=(6,)))
    guidance = next_steps(workspace, date(2025, 6, 12))  # two days after the due date
    assert step(guidance, SEND).urgent and "Đã quá hạn 3 ngày" in step(guidance, SEND).text
    assert step(guidance, ENTRY).text == "Nhập số liệu: đã nhập 1/16 ô của kỳ 6 tháng đầu năm 2025."
    assert step(guidance, ACTIVITIES).text == "Đã ghi 1 hoạt động trong kỳ (từ 15/12/2024)."
    assert step(guidance, ACTIVITIES).done
    assert not any("khóa ký" in t for t in texts(guidance))

    export_bundle(workspace, "2025S1", PASSPHRASE, tmp_path / "r1.zip")
    sent = next_steps(workspace, date(2025, 6, 12))
    assert texts(sent) == ["Đã gửi báo cáo 6 tháng đầu năm 2025 (lần 1)."]
    assert sent.steps[0].done


def test_once_sent_a_current_unit_moves_on_to_the_next_report(db_path, tmp_path):
    ws = Workspace.open(db_path)
    try:
        ws.initialise("2025", "06652", "Lê Văn An")
        keys.create_key(ws.store, "2025:06652", PASSPHRASE, who="Lê Văn An")
        ws.set_cell("2026S1", "GBV_VICTIMS", "nu", "1")
        assert next_steps(ws, date(2026, 5, 29)).period.id == "2026S1"
        export_bundle(ws, "2026S1", PASSPHRASE, tmp_path / "r1.zip")
        guidance = next_steps(ws, date(2026, 5, 29))
        assert guidance.period.id == "2026S2"
        assert guidance.steps[0].text.startswith("Báo cáo cần gửi tiếp theo: 6 tháng cuối năm 2026, hạn gửi trước 10/12/2026.")
    finally:
        ws.close(backup_on_close=False)


def test_a_unit_of_the_retired_list_is_told_its_list_ended(workspace):
    guidance = next_steps(workspace, date(2026, 11, 30))
    first, due = guidance.steps[:2]
    assert "Danh mục đơn vị 2021 đã hết hiệu lực sau ngày 30/06/2025" in first.text
    assert "danh sách đơn vị này đã kết thúc" in first.text and first.page is None
    assert due.text == "Báo cáo cuối của đơn vị: 6 tháng đầu năm 2025 (hạn gửi trước 10/06/2025), chưa gửi."
    assert not any("quá hạn" in t for t in texts(guidance))


TIEN_YEN, HA_LAU = "2021:06862", "2021:06865"


def test_a_district_is_told_which_communes_are_missing_and_what_waits(tmp_path):
    tien_yen, ha_lau = Signer.new(TIEN_YEN), Signer.new(HA_LAU)
    district = open_unit(tmp_path, "2021:199", "Lê Văn Huyện", with_key=False)
    try:
        trust_signer(district, tien_yen)
        trust_signer(district, ha_lau)
        first = next_steps(district, BEFORE_DUE)
        missing = step(first, RECEIVE)
        assert missing.text.startswith("11/11 đơn vị trực thuộc chưa gửi báo cáo kỳ 6 tháng đầu năm 2025: ")
        assert "và 6 đơn vị khác" in missing.text

        r1 = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 5})
        assert import_bundle(district, r1.data, file_name="a.zip", today=BEFORE_DUE).status == "accepted"
        unlinked = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 8}, revision=2, supersedes="ab" * 32)
        assert import_bundle(district, unlinked.data, file_name="b.zip", today=BEFORE_DUE).status == "held"

        guidance = next_steps(district, BEFORE_DUE)
        receive = [s for s in guidance.steps if s.page == RECEIVE]
        assert receive[0].text.startswith("10/11 đơn vị trực thuộc chưa gửi")
        assert get_unit(TIEN_YEN).full_name not in receive[0].text
        assert receive[1].text == "1 gói báo cáo sửa đang chờ anh/chị quyết định nhận hay không (Thị trấn Tiên Yên)."
        assert receive[1].urgent
    finally:
        district.close(backup_on_close=False)
