"""Demo data: one real commune with plausible figures and activities, so a newcomer
sees a living app. It goes through the same validation as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qnapp import keys
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.workspace import ActivityDraft, Workspace

DEMO_TREE, DEMO_UNIT = "2021", "06862"  # Thị trấn Tiên Yên, Huyện Tiên Yên
DEMO_OFFICER = "Hoàng Thị Mai"
# The demo unit's signing-key passphrase. Documented and fixed: a demo database never
# holds real figures, so its key proves nothing and needs no secret.
DEMO_PASSPHRASE = "dulieumau-qnapp"

# Half-year counts per period: (nam, nữ) or a total.
_HALF_YEARS = {
    "2024S1": {
        "GBV_VICTIMS": (1, 6), "GBV_VICTIMS_SUPPORTED": (1, 5),
        "GBV_PERPETRATORS": (6, 1), "GBV_PERPETRATORS_COUNSELLED": (3, 0),
        "TRAFFICKING_RETURNEES_NEEDING_SUPPORT": (0, 1), "TRAFFICKING_RETURNEES_SUPPORTED": (0, 1),
        "LIVE_BIRTHS": (58, 51), "MATERNAL_DEATHS": 0, "BIRTHS_MOTHERS_15_19": 2,
    },
    "2024S2": {
        "GBV_VICTIMS": (0, 4), "GBV_VICTIMS_SUPPORTED": (0, 4),
        "GBV_PERPETRATORS": (4, 0), "GBV_PERPETRATORS_COUNSELLED": (2, 0),
        "TRAFFICKING_RETURNEES_NEEDING_SUPPORT": (0, 0), "TRAFFICKING_RETURNEES_SUPPORTED": (0, 0),
        "LIVE_BIRTHS": (61, 55), "MATERNAL_DEATHS": 0, "BIRTHS_MOTHERS_15_19": 1,
    },
    "2025S1": {
        "GBV_VICTIMS": (1, 5), "GBV_VICTIMS_SUPPORTED": (1, 4),
        "GBV_PERPETRATORS": (5, 1), "GBV_PERPETRATORS_COUNSELLED": (3, 1),
        "TRAFFICKING_RETURNEES_NEEDING_SUPPORT": (1, 2), "TRAFFICKING_RETURNEES_SUPPORTED": (1, 2),
        "LIVE_BIRTHS": (54, 50), "MATERNAL_DEATHS": 0, "BIRTHS_MOTHERS_15_19": 1,
    },
}

_YEARS = {
    "2024": {
        "GOV_BODIES": 2, "GOV_BODIES_WOMAN_LEADER": 1, "WOMEN_15_19": 412,
        "EM_PUPILS_PRIMARY_DUE": (48, 45), "EM_PUPILS_PRIMARY_COMPLETED": (48, 45),
        "EM_PUPILS_LOWER_SEC_DUE": (40, 43), "EM_PUPILS_LOWER_SEC_COMPLETED": (34, 38),
        "POP_6PLUS": (5120, 5240), "POP_6PLUS_REACHED": (2890, 3310),
        "PUBLIC_ORGS": 14, "PUBLIC_ORGS_GE_INFORMED": 12,
    },
    "2025": {
        "GOV_BODIES": 2, "GOV_BODIES_WOMAN_LEADER": 2, "WOMEN_15_19": 405,
        "POP_6PLUS": (5150, 5262), "POP_6PLUS_REACHED": (3120, 3495),
        "PUBLIC_ORGS": 14, "PUBLIC_ORGS_GE_INFORMED": 14,
    },
}

_QUARTERS = {"2024Q1": 4, "2024Q2": 5, "2024Q3": 3, "2024Q4": 6, "2025Q1": 4, "2025Q2": 5}

_ACTIVITIES = [
    (date(2024, 1, 18), "tap_huan", "Tập huấn kỹ năng phòng ngừa bạo lực gia đình cho tổ hòa giải",
     "Hội trường UBND thị trấn", 14, 22, 6_500_000, "ngan_sach", (3,)),
    (date(2024, 3, 8), "truyen_thong", "Truyền thông nhân Ngày Quốc tế Phụ nữ 8/3",
     "Nhà văn hóa khu 3", 35, 120, 4_000_000, "ngan_sach", (1, 6)),
    (date(2024, 4, 20), "doi_thoai", "Đối thoại chính sách với phụ nữ dân tộc thiểu số",
     "Nhà văn hóa khu Đông Tiến", 12, 46, 3_200_000, "xa_hoi_hoa", (2, 6)),
    (date(2024, 5, 28), "mo_hinh_clb", "Sinh hoạt câu lạc bộ Gia đình hạnh phúc quý II",
     "Nhà văn hóa khu 5", 18, 27, 1_500_000, "xa_hoi_hoa", (3,)),
    (date(2024, 6, 25), "kiem_tra_giam_sat", "Kiểm tra việc thực hiện bình đẳng giới tại các khu phố",
     "Các khu phố", 4, 3, 0, "", (1, 3, 6)),
    (date(2024, 8, 15), "dich_vu_ho_tro", "Tư vấn tâm lý, pháp lý cho người bị bạo lực gia đình",
     "Trạm Y tế thị trấn", 1, 4, 2_000_000, "ngan_sach", (3,)),
    (date(2024, 9, 12), "truyen_thong", "Phát thanh chuyên mục bình đẳng giới trên loa truyền thanh",
     "Đài truyền thanh thị trấn", 0, 0, 800_000, "ngan_sach", (6,)),
    (date(2024, 11, 15), "thang_hanh_dong", "Lễ phát động Tháng hành động vì bình đẳng giới năm 2024",
     "Quảng trường thị trấn", 85, 160, 15_000_000, "ngan_sach", (3, 6)),
    (date(2024, 11, 25), "truyen_thong", "Diễu hành hưởng ứng ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ",
     "Trung tâm thị trấn", 60, 95, 5_000_000, "vien_tro", (3, 6)),
    (date(2024, 12, 10), "doi_thoai", "Đối thoại phòng chống mua bán người ở khu vực biên giới",
     "Nhà văn hóa khu 2", 20, 31, 2_500_000, "vien_tro", (3,)),
    (date(2025, 2, 20), "tap_huan", "Tập huấn lồng ghép giới cho cán bộ, công chức thị trấn",
     "Hội trường UBND thị trấn", 16, 19, 7_000_000, "ngan_sach", (1, 6)),
    (date(2025, 3, 6), "truyen_thong", "Truyền thông về mất cân bằng giới tính khi sinh",
     "Trạm Y tế thị trấn", 22, 64, 2_400_000, "ngan_sach", (4,)),
    (date(2025, 4, 17), "mo_hinh_clb", "Ra mắt câu lạc bộ Thủ lĩnh của sự thay đổi tại trường THCS",
     "Trường THCS Tiên Yên", 30, 34, 3_000_000, "xa_hoi_hoa", (5, 6)),
    (date(2025, 5, 22), "khac", "Hỗ trợ sinh kế cho phụ nữ bị bạo lực gia đình",
     "Khu phố Hòa Bình", 0, 3, 9_000_000, "khac", (2, 3)),
]


@dataclass(frozen=True)
class DemoSummary:
    values: int
    activities: int
    periods: tuple[str, ...]
    fingerprint: str = ""  # the demo unit's signing key ("" when none was made)


def fill_demo(workspace: Workspace, passphrase: str | None = DEMO_PASSPHRASE) -> DemoSummary:
    """Initialise a new database as the demo commune with figures, activities and a
    signing key protected by ``passphrase`` (None: no key)."""
    if workspace.is_initialised:
        raise QnappError(_("Chỉ tạo dữ liệu mẫu trong một cơ sở dữ liệu mới, chưa thiết lập."))
    if passphrase is not None:
        keys.check_passphrase(passphrase)
    profile = workspace.initialise(DEMO_TREE, DEMO_UNIT, DEMO_OFFICER)
    fingerprint = ""
    if passphrase is not None:
        fingerprint = keys.create_key(
            workspace.store, profile.unit_key, passphrase, who=DEMO_OFFICER).fingerprint
    changes: dict[tuple[str, str, str], float] = {}
    for table in (_HALF_YEARS, _YEARS):
        for period, figures in table.items():
            for code, figure in figures.items():
                if isinstance(figure, tuple):
                    changes[(period, code, "nam")], changes[(period, code, "nu")] = figure
                else:
                    changes[(period, code, "")] = figure
    for period, count in _QUARTERS.items():
        changes[(period, "GE_NEWS_ITEMS", "")] = count
    written = workspace.apply_values({k: float(v) for k, v in changes.items()})
    drafts = [
        ActivityDraft(
            date=day, type=kind, title=title, place=place, participants_male=male,
            participants_female=female, cost=cost, fund_source=fund, objectives=objectives,
        )
        for day, kind, title, place, male, female, cost, fund, objectives in _ACTIVITIES
    ]
    added = workspace.add_activities([workspace.validate_activity(d) for d in drafts])
    periods = tuple(sorted({p for p, _code, _cat in changes}))
    return DemoSummary(values=written, activities=len(added), periods=periods,
                       fingerprint=fingerprint)
