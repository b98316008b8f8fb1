"""Three real databases for the report tests, built the way officers build them.

2021 tree: Thị trấn Tiên Yên (the demo commune) enters its figures and activities and
sends its 2025S1 and 2025 reports up; Huyện Tiên Yên (199) trusts its key, imports them,
adds its own district-level figures and an activity, and sends its own reports; the
province (22) imports the district's. Every database is real (SQLite, keys, signed
bundles); the key derivation is made cheap for speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from qnapp import keys
from qnapp.bundles.ledger import import_files
from qnapp.bundles.writer import export_bundle
from qnapp.demo import DEMO_PASSPHRASE, fill_demo
from qnapp.workspace import ActivityDraft, Workspace

COMMUNE, DISTRICT, PROVINCE = "2021:06862", "2021:199", "2021:22"
PASSPHRASE = "mật khẩu báo cáo thử"
PERIODS = ("2025S1", "2025")
RECEIVED = {"2025S1": date(2025, 6, 5), "2025": date(2025, 12, 5)}  # before 10/6 and 10/12

DISTRICT_OWN = {
    **{("2025", code, ""): value for code, value in (
        ("COMMUNES", 11), ("COMMUNES_GE_NEWS_OK", 9), ("MEDIA_CENTRES", 1),
        ("MEDIA_CENTRES_GE_MONTHLY", 1))},
    **{(f"2025{m:02d}", "GE_MEDIA_COLUMNS", ""): v for m, v in zip(range(1, 7), (1, 0, 2, 1, 0, 1))},
}
PROVINCE_OWN = {
    ("2025", "PARTY_MASS_ORGS", ""): 32, ("2025", "PARTY_MASS_ORGS_WOMAN_LEADER", ""): 27,
    ("2025", "EMPLOYED", "nam"): 402_000, ("2025", "EMPLOYED", "nu"): 361_500,
    ("2025", "EMPLOYED_WAGE", "nam"): 251_300, ("2025", "EMPLOYED_WAGE", "nu"): 198_700,
    ("2025", "SOCIAL_ASSIST_FACILITIES", ""): 6, ("2025", "SOCIAL_ASSIST_FACILITIES_GBV", ""): 5,
}


@dataclass
class Chain:
    commune: Workspace
    district: Workspace
    province: Workspace
    folder: Path

    def units(self) -> dict[str, Workspace]:
        return {"commune": self.commune, "district": self.district, "province": self.province}

    def close(self) -> None:
        for ws in self.units().values():
            ws.close(backup_on_close=False)


def _open(folder: Path, unit_key: str, officer: str) -> Workspace:
    tree, code = unit_key.split(":")
    ws = Workspace.open(folder / f"{tree}-{code}.sqlite")
    ws.initialise(tree, code, officer)
    keys.create_key(ws.store, ws.require_profile().unit_key, PASSPHRASE, who=officer)
    return ws


def _trust(parent: Workspace, child: Workspace) -> None:
    keys.trust_key(parent.store, keys.export_public_key(child.store),
                   fingerprint=keys.own_public_key(child.store).fingerprint, who=parent.officer,
                   today=date(2025, 1, 2))


def _send(sender: Workspace, receiver: Workspace, folder: Path, passphrase: str) -> None:
    for period in PERIODS:
        out = folder / "{}_{}.zip".format(sender.require_profile().unit_code, period)
        export_bundle(sender, period, passphrase, out)
        [outcome] = import_files(receiver, [out], today=RECEIVED[period])
        assert outcome.status == "accepted", outcome


def build_chain(folder: Path) -> Chain:
    folder.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keys, "DEFAULT_SCRYPT", keys.ScryptParams(n=16, r=1, p=1))
        commune = Workspace.open(folder / "commune.sqlite")
        fill_demo(commune)  # Thị trấn Tiên Yên, with its key (DEMO_PASSPHRASE)
        district = _open(folder, DISTRICT, "Lê Văn Huyện")
        province = _open(folder, PROVINCE, "Trần Thị Tỉnh")
        _trust(district, commune)
        _trust(province, district)
        _send(commune, district, folder, DEMO_PASSPHRASE)
        district.apply_values({k: float(v) for k, v in DISTRICT_OWN.items()})
        district.add_activity(ActivityDraft(
            date=date(2025, 3, 8), type="truyen_thong", title="Mít tinh kỷ niệm ngày Quốc tế Phụ nữ",
            place="Nhà văn hóa huyện", participants_male=40, participants_female=110, cost=12_000_000,
            fund_source="ngan_sach", objectives=(1, 6)))
        _send(district, province, folder, PASSPHRASE)
        province.apply_values({k: float(v) for k, v in PROVINCE_OWN.items()})
        province.add_activity(ActivityDraft(
            date=date(2025, 11, 20), type="thang_hanh_dong",
            title="Lễ phát động Tháng hành động vì bình đẳng giới năm 2025", place="Hạ Long",
            participants_male=150, participants_female=350, cost=85_000_000, fund_source="vien_tro",
            objectives=(3, 6)))
    assert COMMUNE == commune.require_profile().unit_key
    return Chain(commune, district, province, folder)
