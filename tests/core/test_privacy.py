"""The personal-data scan of Vietnamese free text (qnapp.privacy), and the activity log
refusing a note, a place or a title that names a person or carries an identifier."""

from __future__ import annotations

from datetime import date

import pytest

from qnapp.csvio import import_activities
from qnapp.errors import DataRejected, ValidationError
from qnapp.privacy import scan
from qnapp.text import nfc
from qnapp.units import load_trees
from qnapp.workspace import ActivityDraft

# (text, [(kind, the part found)])
FOUND = [
    ("Bổ sung chị Nguyễn Thị Hoa, 0912 345 678, bị chồng đánh",
     [("name", "chị Nguyễn Thị Hoa"), ("phone", "0912 345 678")]),
    ("bà Hoa ở khu 3 bị chồng đánh", [("name", "bà Hoa")]),
    ("em Lan 15 tuổi bị xâm hại", [("name", "em Lan")]),
    ("Chị Hoa bị đánh", [("name", "Chị Hoa")]),
    ("ông Trần Văn Bình đánh vợ", [("name", "ông Trần Văn Bình")]),
    ("cháu Nguyễn Gia Bảo", [("name", "cháu Nguyễn Gia Bảo")]),
    ("cụ Lý ở thôn 2", [("name", "cụ Lý")]),
    ("bé Na 6 tuổi", [("name", "bé Na")]),
    ("Nguyễn Văn Nam đánh vợ", [("name", "Nguyễn Văn Nam")]),
    ("trưởng thôn Trần Văn Nam báo", [("name", "Trần Văn Nam")]),
    ("Bổ sung Mai Thị Lan", [("name", "Mai Thị Lan")]),
    ("Bổ sung Nguyễn Thị Hoà", [("name", "Nguyễn Thị Hoà")]),  # new tone placement
    ("BỔ SUNG CHỊ NGUYỄN THỊ HOA", [("name", "CHỊ NGUYỄN THỊ HOA")]),
    ("Bo sung chi Nguyen Thi Hoa bi chong danh", [("name", "chi Nguyen Thi Hoa")]),
    ("ong Tran Van Binh", [("name", "ong Tran Van Binh")]),
    ("Bổ sung chi Nguyen Thi Hoa", [("name", "Nguyen Thi Hoa")]),
    ("Gặp chị Thanh Lâm", [("name", "chị Thanh Lâm")]),  # a unit's name used as a person's
    ("Gọi 0912.345.678", [("phone", "0912.345.678")]),
    ("Gọi +84 912 345 678", [("phone", "+84 912 345 678")]),
    ("Gọi 0389123456", [("phone", "0389123456")]),
    ("Máy bàn 0203 3845 678", [("phone", "0203 3845 678")]),
    ("CCCD 022190012345", [("id_number", "022190012345")]),
    ("Căn cước 022 190 012 345", [("id_number", "022 190 012 345")]),
    ("số CMND 123456789", [("id_number", "123456789")]),
    ("người sinh năm 1990", [("birth_date", "sinh năm 1990")]),
    ("cháu bé (SN 2015) bị xâm hại", [("birth_date", "SN 2015")]),
    ("sinh ngày 12/3/1990", [("birth_date", "sinh ngày 12/3/1990")]),
    ("ở số nhà 12 khu 3", [("address", "số nhà 12")]),
    ("nhà ở ngõ 5 khu 3", [("address", "ngõ 5")]),
    ("liên hệ hoa.nguyen@gmail.com", [("email", "hoa.nguyen@gmail.com")]),
]

NOT_FOUND = [
    "Bổ sung số liệu tháng 5 do xã báo muộn",
    "Bổ sung một người bị bạo lực gia đình",
    "Sửa số người bị bạo lực từ 3 thành 4",
    "Thị trấn Tiên Yên gửi bản sửa",
    "Xã Hà Lâu báo cáo bổ sung",
    "Số liệu của huyện Cô Tô và huyện Ba Chẽ",
    "Hội Liên hiệp Phụ nữ huyện Tiên Yên đề nghị sửa",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
    "Kỷ niệm ngày sinh Bác Hồ 19/5",
    "Tuyên truyền tại Trường THCS Nguyễn Văn Cừ",
    "Mít tinh tại đường Trần Quang Khải",
    "Gặp mặt Bà mẹ Việt Nam Anh hùng",
    "Hội Nghị Tuyên Truyền Cho Chị Em Phụ Nữ",
    "Hồ Sơ Vụ Việc Bạo Lực",
    "ông Chủ tịch UBND xã chỉ đạo sửa",
    "Kinh phí 150.000.000 đồng",
    "Tuyên truyền cho 200 học sinh năm 2025",
    "Sửa số trẻ sinh năm 2025 theo báo cáo của trạm y tế",
    "Kế hoạch 82/KH-UBND ngày 08/4/2021 giai đoạn 2021-2030",
    "Theo Công văn số 123/UBND ngày 12/5/2025",
    "Đường dây nóng 111, tổng đài 18001567",
    "Chi hội Phụ nữ thôn 2",
    "Truyền thông về mất cân bằng giới tính khi sinh",
    "Bo sung so lieu thang 5 do xa bao muon",
]


@pytest.mark.parametrize("text, expected", FOUND)
def test_personal_data_is_found_with_its_kind_and_span(text, expected):
    text = nfc(text)
    assert [(f.kind, text[f.start:f.end]) for f in scan(text)] == expected


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_report_text_is_not_flagged(text):
    assert scan(text) == []


def test_no_unit_name_is_taken_for_a_person():
    flagged = [u.full_name for tree in load_trees().values() for u in tree.units
               if scan("Báo cáo của {} gửi bổ sung".format(u.full_name))
               or scan("{} báo cáo".format(u.name))]
    assert flagged == []


def test_a_finding_carries_no_text():
    finding = scan("Bổ sung chị Nguyễn Thị Hoa")[0]
    assert "Hoa" not in repr(finding) and "Nguyễn" not in repr(finding)
    assert "họ tên" in finding.explanation


def _draft(**fields) -> ActivityDraft:
    base = dict(date=date(2025, 5, 20), type="dich_vu_ho_tro", title="Tư vấn cho phụ nữ bị bạo lực gia đình",
                place="Trạm Y tế thị trấn", participants_male=0, participants_female=1, cost=0,
                fund_source="", objectives=(3,), note="")
    return ActivityDraft(**{**base, **fields})


def test_an_activity_note_with_a_phone_number_is_refused_at_entry(workspace):
    with pytest.raises(ValidationError) as err:
        workspace.add_activity(_draft(note="Nạn nhân gọi lại số 0912 345 678"))
    message = str(err.value)
    assert message.startswith("Ghi chú có số điện thoại.") and "bỏ số điện thoại" in message
    assert "0912" not in message and "345" not in message  # never echoed
    assert workspace.activities() == []


@pytest.mark.parametrize("field, label", [("title", "Tên hoạt động"), ("place", "Địa điểm")])
def test_an_activity_naming_a_victim_is_refused_at_entry(workspace, field, label):
    with pytest.raises(ValidationError) as err:
        workspace.add_activity(_draft(**{field: "Tư vấn tại nhà chị Nguyễn Thị Hoa"}))
    message = str(err.value)
    assert message.startswith("{} có họ tên người.".format(label))
    assert "«một người bị bạo lực gia đình»" in message and "Hoa" not in message
    assert workspace.activities() == []
    workspace.add_activity(_draft(**{field: "Tư vấn tại nhà một người bị bạo lực gia đình"}))


def test_an_activities_csv_naming_a_victim_is_refused_whole(workspace, tmp_path):
    path = tmp_path / "hoat_dong.csv"
    path.write_text(
        "date,type,title,objectives,participants_male,participants_female,cost,fund_source,place,note\n"
        "2025-05-20,dich_vu_ho_tro,Tư vấn pháp lý,3,0,1,0,,Trạm Y tế,\n"
        "2025-05-21,dich_vu_ho_tro,Tư vấn tâm lý,3,0,1,0,,Trạm Y tế,CCCD 022190012345\n",
        encoding="utf-8")
    with pytest.raises(DataRejected) as err:
        import_activities(workspace, path)
    assert [line for line, _reason in err.value.problems] == [3]
    assert "số CCCD/CMND" in err.value.problems[0][1] and "022190012345" not in str(err.value.problems)
    assert workspace.activities() == []
