"""«Nhận và tổng hợp»: a district (2021 tree, Huyện Tiên Yên) receives its communes'
signed bundles from a folder holding good, duplicate and tampered files, sees who is
missing, consolidates, decides on held corrections, and trusts / revokes child keys.

The bundles come from real commune workspaces (``Workspace`` + ``keys.create_key`` with a
cheap scrypt + ``export_bundle``), built once per module. Pickers, prompts and dialogs are
injected so no modal window ever blocks.
"""

from __future__ import annotations

import io
import shutil
import threading
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from qnapp import keys
from qnapp.bundles.ledger import import_files
from qnapp.bundles.reasons import reason_message
from qnapp.bundles.writer import export_bundle, reopen_period
from qnapp.minisign import format_fingerprint
from qnapp.units import load_tree, sorted_by_name
from qnapp.workspace import Workspace
from tests.core.bundles.forge import zip_of
from ui.dialog_service import RecordingDialogService
from ui.dialogs.trust_key_dialog import RevokeKeyDialog, TrustKeyDialog
from ui.models.completeness_model import (
    VAL_FEMALE,
    VAL_MALE,
    VAL_NAME,
    VAL_TOTAL,
    CompletenessModel,
    ConsolidatedModel,
    DrillDownModel,
)
from ui.models.import_model import (
    IMP_FILE,
    IMP_MESSAGE,
    IMP_PERIOD,
    IMP_REVISION,
    IMP_STATUS,
    IMP_UNIT,
    KEY_REVOKED,
    KEY_UNIT,
    STATUS_ROLE,
    HeldModel,
    ImportResultModel,
    StatusPalette,
    TrustedKeyModel,
)
from ui.main_window import MainWindow
from ui.pages.receive import ReceivePage

from tests.ui.helpers import type_text

PERIOD = "2025S1"  # 6 tháng đầu năm 2025, due 10/06/2025
DISTRICT = ("2021", "199")  # Huyện Tiên Yên: 11 communes
TIEN_YEN, HA_LAU, DAI_DUC = "2021:06862", "2021:06865", "2021:06868"
NAMES = {TIEN_YEN: "Thị trấn Tiên Yên", HA_LAU: "Xã Hà Lâu", DAI_DUC: "Xã Đại Dực"}
CHILDREN = 11
PASSPHRASE = "mật khẩu của xã"
CLERK = "Lê Văn Huyện"
FAST_SCRYPT = keys.ScryptParams(n=16, r=1, p=1)
CREATED_AT = "2025-06-04T09:00:00+07:00"
IMPORT_DAY = date(2025, 6, 5)  # the district imports before the due date: on time

# What each commune reports for 2025S1 (GE_NEWS_ITEMS is entered per quarter and summed).
FIGURES = {
    TIEN_YEN: {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5, ("BIRTHS_MOTHERS_15_19", ""): 2},
    HA_LAU: {("GBV_VICTIMS", "nam"): 0, ("GBV_VICTIMS", "nu"): 2, ("BIRTHS_MOTHERS_15_19", ""): 1},
    DAI_DUC: {("GBV_VICTIMS", "nu"): 3},
}
NEWS = {TIEN_YEN: (4, 5), HA_LAU: (1, 2), DAI_DUC: (0, 0)}


@dataclass
class Commune:
    unit: str
    pub_text: str
    fingerprint: str
    bundle: Path  # revision 1 of 2025S1
    rev3: Path | None = None  # revision 3 (revision 2 never sent to the district)


@pytest.fixture(scope="module")
def communes(tmp_path_factory) -> dict[str, Commune]:
    """Three communes of Huyện Tiên Yên, each with its key and its signed 2025S1 bundle."""
    root = tmp_path_factory.mktemp("communes")
    out: dict[str, Commune] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keys, "DEFAULT_SCRYPT", FAST_SCRYPT)
        for unit in (TIEN_YEN, HA_LAU, DAI_DUC):
            tree, code = unit.split(":")
            ws = Workspace.open(root / f"{code}.sqlite")
            try:
                ws.initialise(tree, code, "Cán bộ xã " + code)
                public_key = keys.create_key(ws.store, unit, PASSPHRASE, who=ws.officer)
                changes = {(PERIOD, el, cat): v for (el, cat), v in FIGURES[unit].items()}
                for quarter, n in zip(("2025Q1", "2025Q2"), NEWS[unit]):
                    changes[(quarter, "GE_NEWS_ITEMS", "")] = n
                ws.apply_values(changes)
                bundle = root / f"{code}-r1.zip"
                export_bundle(ws, PERIOD, PASSPHRASE, bundle, created_at=CREATED_AT)
                commune = Commune(unit, keys.export_public_key(ws.store), public_key.fingerprint, bundle)
                if unit == TIEN_YEN:  # two corrections; the district only ever gets the second
                    for revision, victims in ((2, 6), (3, 7)):
                        reopen_period(ws, PERIOD, "Bổ sung người bị bạo lực lần {}".format(revision))
                        ws.apply_values({(PERIOD, "GBV_VICTIMS", "nu"): victims})
                        path = root / f"{code}-r{revision}.zip"
                        export_bundle(ws, PERIOD, PASSPHRASE, path, created_at=CREATED_AT)
                    commune.rev3 = path
                out[unit] = commune
            finally:
                ws.close(backup_on_close=False)
    return out


def tampered(bundle: Path) -> bytes:
    """The same members under the same names, one digit of the figures changed."""
    with zipfile.ZipFile(io.BytesIO(bundle.read_bytes())) as z:
        members = {name: z.read(name) for name in z.namelist()}
    data = members["data/aggregates.json"]
    assert b'"value":5' in data
    members["data/aggregates.json"] = data.replace(b'"value":5', b'"value":9', 1)
    return zip_of(members)


@pytest.fixture
def district(tmp_path):
    ws = Workspace.open(tmp_path / "huyen.sqlite")
    ws.initialise(*DISTRICT, CLERK)
    yield ws
    ws.close(backup_on_close=False)


def trust(ws, commune: Commune) -> None:
    keys.trust_key(ws.store, commune.pub_text, fingerprint=commune.fingerprint, who=CLERK)


@pytest.fixture
def trusted_district(district, communes):
    for commune in communes.values():
        trust(district, commune)
    return district


@pytest.fixture
def usb(tmp_path, communes) -> Path:
    """A USB stick: two good bundles, a copy of one, and a tampered copy, in a sub-folder."""
    stick = tmp_path / "usb"
    (stick / "bao cao").mkdir(parents=True)
    shutil.copy(communes[TIEN_YEN].bundle, stick / "bao cao" / "01-tien-yen.zip")
    shutil.copy(communes[HA_LAU].bundle, stick / "bao cao" / "02-ha-lau.zip")
    shutil.copy(communes[TIEN_YEN].bundle, stick / "bao cao" / "03-tien-yen-ban-sao.zip")
    (stick / "bao cao" / "04-tien-yen-da-sua.zip").write_bytes(tampered(communes[TIEN_YEN].bundle))
    (stick / "ghi chu.txt").write_text("không phải gói báo cáo", encoding="utf-8")
    return stick


class Pickers:
    def __init__(self, folder=None, files=()):
        self.folder = folder
        self.files = list(files)
        self.asked = 0

    def pick_folder(self, parent):
        self.asked += 1
        return str(self.folder) if self.folder else None

    def pick_files(self, parent):
        self.asked += 1
        return [str(f) for f in self.files]


def make_page(qtbot, ws, *, pickers=None, dialogs=None, **kw) -> ReceivePage:
    pickers = pickers or Pickers()
    kw.setdefault("today", lambda: IMPORT_DAY)
    page = ReceivePage(
        ws,
        dialogs=dialogs or RecordingDialogService(answer=True),
        period_id=PERIOD,
        pick_files=pickers.pick_files,
        pick_folder=pickers.pick_folder,
        **kw,
    )
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def wait_import(qtbot, page: ReceivePage) -> None:
    qtbot.waitUntil(lambda: not page.is_importing(), timeout=30000)


def lines(page: ReceivePage) -> list[dict]:
    model = page.import_model
    out = []
    for row in range(model.rowCount()):
        cell = lambda c: model.index(row, c).data()  # noqa: E731
        out.append({
            "file": cell(IMP_FILE), "unit": cell(IMP_UNIT), "period": cell(IMP_PERIOD),
            "revision": cell(IMP_REVISION), "status": cell(IMP_STATUS), "message": cell(IMP_MESSAGE),
            "code": model.index(row, IMP_STATUS).data(STATUS_ROLE),
        })
    return out


def board(page: ReceivePage, period: str = PERIOD) -> dict[str, str]:
    model = page.board_model
    column = model.column_of(period)
    return {model.index(r, 0).data(): model.index(r, column).data() for r in range(model.rowCount())}


def value_row(page: ReceivePage, code: str) -> int:
    row = page.values_model.row_of(code)
    assert row >= 0, code
    return row


def shown_values(model, row: int) -> tuple[str, str, str]:
    return tuple(model.index(row, c).data() for c in (VAL_MALE, VAL_FEMALE, VAL_TOTAL))


def test_a_file_that_is_not_a_bundle_is_refused_by_name(qtbot, trusted_district, tmp_path):
    broken = tmp_path / "bao-cao-xa.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    page = make_page(qtbot, trusted_district, pickers=Pickers(files=[broken]))
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    [line] = lines(page)
    assert line["code"] == "rejected" and line["unit"] == "" and line["period"] == ""
    assert line["message"].startswith("Tệp bao-cao-xa.zip: không đọc được đơn vị và kỳ báo cáo trong tệp. Lý do không nhận: ")
    assert page.import_status.text().endswith("\n• " + line["message"])


# -- import from a folder ----------------------------------------------------------------


def test_folder_import_accepts_good_skips_duplicate_rejects_tampered(qtbot, trusted_district, usb):
    pickers = Pickers(folder=usb)
    page = make_page(qtbot, trusted_district, pickers=pickers)
    assert page.summary_text() == "Đã nhận 0/11 đơn vị"

    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert page.is_importing() and not page.folder_button.isEnabled()
    wait_import(qtbot, page)

    assert pickers.asked == 1
    got = lines(page)
    assert [(line["file"], line["code"], line["status"]) for line in got] == [
        ("01-tien-yen.zip", "accepted", "Đã nhận"),
        ("02-ha-lau.zip", "accepted", "Đã nhận"),
        ("03-tien-yen-ban-sao.zip", "duplicate", "Trùng (đã có)"),
        ("04-tien-yen-da-sua.zip", "rejected", "Bị từ chối"),
    ]
    assert [line["unit"] for line in got[:3]] == [NAMES[TIEN_YEN], NAMES[HA_LAU], NAMES[TIEN_YEN]]
    assert got[0]["period"] == "6 tháng đầu năm 2025" and got[0]["revision"] == "1"
    # The tampered copy is refused with the Vietnamese reason, never taken for a duplicate,
    # and says which report it claims to be (its signature cannot vouch for that).
    assert reason_message("payload_hash_mismatch") in got[3]["message"]
    assert (got[3]["unit"], got[3]["period"], got[3]["revision"]) == (NAMES[TIEN_YEN], "6 tháng đầu năm 2025", "1")
    assert got[3]["message"].startswith(
        "Tệp 04-tien-yen-da-sua.zip ghi là báo cáo của Thị trấn Tiên Yên, kỳ 2025S1, lần gửi 1 (chưa kiểm chứng được).")
    assert page.import_model.index(3, IMP_UNIT).data(Qt.ItemDataRole.FontRole).italic()
    rejected = page.import_model.index(3, IMP_STATUS)
    assert rejected.data(Qt.ItemDataRole.BackgroundRole).color() == StatusPalette.BAD_BG
    assert page.import_model.index(0, IMP_STATUS).data(Qt.ItemDataRole.BackgroundRole).color() == StatusPalette.OK_BG
    assert "Đã xử lý 4 tệp: 2 đã nhận, 1 trùng, 0 chờ xem xét, 1 bị từ chối" in page.import_status.text()
    assert "\n• Tệp 04-tien-yen-da-sua.zip ghi là báo cáo của Thị trấn Tiên Yên" in page.import_status.text()
    assert page.folder_button.isEnabled() and page.progress.isHidden() and page.stop_button.isHidden()
    # Each line's file, unit, period and result are readable, not «0…», «Thị t…».
    header = page.import_table.horizontalHeader()
    for column in (IMP_FILE, IMP_UNIT, IMP_PERIOD, IMP_STATUS):
        assert header.sectionSize(column) >= page.import_table.sizeHintForColumn(column), column

    # The board: the two communes in, the nine others missing.
    states = board(page)
    assert len(states) == CHILDREN
    assert states[NAMES[TIEN_YEN]] == states[NAMES[HA_LAU]] == "Đúng hạn"
    assert [name for name, state in states.items() if state == "Chưa gửi"] == [
        name for name in states if name not in (NAMES[TIEN_YEN], NAMES[HA_LAU])
    ]
    assert page.summary_text() == "Đã nhận 2/11 đơn vị"
    assert page.summary_label.text() == "Đã nhận 2/11 đơn vị — 6 tháng đầu năm 2025"
    cell = page.board_model.index(page.board_model.unit_row(TIEN_YEN), page.board_model.column_of(PERIOD))
    assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith("Bản thứ 1 · mã gói ")
    assert cell.data(Qt.ItemDataRole.ToolTipRole).endswith("nhận ngày 05/06/2025")
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == StatusPalette.OK_BG
    # Names in Vietnamese alphabetical order (Đ after D, before H).
    assert list(states) == [u.full_name for u in sorted_by_name(load_tree("2021").children("199"))]
    assert list(states)[0] == "Xã Đại Dực"

    # Consolidated values: sums by hand. GBV_VICTIMS: nam 1 + 0, nữ 5 + 2.
    victims = value_row(page, "GBV_VICTIMS")
    assert shown_values(page.values_model, victims) == ("1", "7", "8")
    births = value_row(page, "BIRTHS_MOTHERS_15_19")
    assert shown_values(page.values_model, births) == ("", "", "3")

    # Drill-down: selecting the row lists every child, «chưa gửi» for the silent ones.
    page.tabs.setCurrentIndex(2)
    page.values_table.selectRow(victims)
    drill = page.drill_model
    assert drill.rowCount() == CHILDREN
    by_unit = {drill.index(r, VAL_NAME).data(): shown_values(drill, r) for r in range(drill.rowCount())}
    assert by_unit[NAMES[TIEN_YEN]] == ("1", "5", "6")
    assert by_unit[NAMES[HA_LAU]] == ("0", "2", "2")
    assert by_unit[NAMES[DAI_DUC]] == ("chưa gửi", "chưa gửi", "chưa gửi")
    assert "Số người bị bạo lực gia đình" in page.drill_label.text()


def test_same_file_again_is_a_duplicate_and_changes_nothing(qtbot, trusted_district, communes):
    bundle = communes[TIEN_YEN].bundle
    # Picked twice in one go: the core handles the file once.
    page = make_page(qtbot, trusted_district, pickers=Pickers(files=[bundle, bundle]))
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    assert [line["code"] for line in lines(page)] == ["accepted"]
    # The same stick imported again the next day: one line, a duplicate; the table shows
    # the new import only.
    page.today = lambda: date(2025, 6, 6)
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    (line,) = lines(page)
    assert (line["code"], line["status"]) == ("duplicate", "Trùng (đã có)")
    assert "không thay đổi gì" in line["message"]
    assert page.summary_text() == "Đã nhận 1/11 đơn vị"
    assert board(page)[NAMES[TIEN_YEN]] == "Đúng hạn"  # still the first receipt


def test_a_report_imported_after_the_due_date_is_late(qtbot, trusted_district, communes):
    page = make_page(qtbot, trusted_district, pickers=Pickers(files=[communes[HA_LAU].bundle]),
                     today=lambda: date(2025, 6, 20))
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    assert board(page)[NAMES[HA_LAU]] == "Muộn"
    cell = page.board_model.index(page.board_model.unit_row(HA_LAU), page.board_model.column_of(PERIOD))
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == StatusPalette.WAIT_BG
    assert "nhận ngày 20/06/2025" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_untrusted_child_is_rejected_not_held(qtbot, district, communes, tmp_path):
    trust(district, communes[TIEN_YEN])
    commune = communes[HA_LAU]
    path = write_pub(tmp_path, commune)

    def trust_factory(workspace, parent=None):
        dialog = ScriptedTrustDialog(workspace, parent, pick_file=lambda p: str(path))
        dialog.typed = commune.fingerprint
        return dialog

    page = make_page(qtbot, district, pickers=Pickers(files=[commune.bundle]), trust_dialog_factory=trust_factory)
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    (line,) = lines(page)
    assert line["code"] == "rejected" and line["status"] == "Bị từ chối" and line["message"]
    assert line["unit"] == NAMES[HA_LAU]  # as its header says: the refusal names the unit
    assert page.summary_text() == "Đã nhận 0/11 đơn vị"
    assert page.held_model.rowCount() == 0
    assert "khóa chưa được tin cậy" in page.import_status.text()

    # Its key trusted, the refusal no longer stands: the status says so and asks to import again.
    page.tabs.setCurrentIndex(3)
    qtbot.mouseClick(page.trust_button, Qt.MouseButton.LeftButton)
    assert page.import_status.text() == (
        "Đã tin cậy khóa của Xã Hà Lâu. 1 tệp của đơn vị này vừa bị từ chối vì khóa chưa được tin cậy: hãy nhận lại.")
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    assert [line["code"] for line in lines(page)] == ["accepted"]


def test_empty_folder_says_so(qtbot, trusted_district, tmp_path):
    (tmp_path / "trong").mkdir()
    page = make_page(qtbot, trusted_district, pickers=Pickers(folder=tmp_path / "trong"))
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    assert page.import_model.rowCount() == 0
    assert page.import_status.text() == "Không tìm thấy tệp báo cáo (.zip) nào."


def test_cancelled_picker_imports_nothing(qtbot, trusted_district):
    page = make_page(qtbot, trusted_district, pickers=Pickers())
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    assert not page.is_importing() and page.import_model.rowCount() == 0


def test_stop_button_cancels_after_the_current_file(qtbot, trusted_district, communes, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    for n, unit in enumerate((TIEN_YEN, HA_LAU, DAI_DUC), 1):
        shutil.copy(communes[unit].bundle, folder / f"{n:02d}.zip")
    first_done = threading.Event()
    release = threading.Event()

    def gated_import(workspace, paths, *, today=None, progress=None):
        """The real import; after the first file it waits for the test to press «Dừng»."""

        def gate(done, total, outcome):
            if done == 1:
                first_done.set()
                assert release.wait(30)
            return progress(done, total, outcome)

        return import_files(workspace, paths, today=today, progress=gate)

    page = make_page(qtbot, trusted_district, pickers=Pickers(folder=folder), importer=gated_import)
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(first_done.is_set, timeout=30000)
    assert page.stop_button.isVisible() and page.stop_button.isEnabled()
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert not page.stop_button.isEnabled()
    release.set()
    wait_import(qtbot, page)

    assert [line["file"] for line in lines(page)] == ["01.zip"]
    assert lines(page)[0]["code"] == "accepted"
    assert page.import_status.text().startswith("Đã dừng: đã xử lý 1/3 tệp")
    # The other two were never imported.
    states = board(page)
    assert states[NAMES[TIEN_YEN]] == "Đúng hạn"
    assert states[NAMES[HA_LAU]] == "Chưa gửi" and states[NAMES[DAI_DUC]] == "Chưa gửi"
    assert page.summary_text() == "Đã nhận 1/11 đơn vị"


# -- held corrections --------------------------------------------------------------------


def held_page(qtbot, ws, communes, **kw) -> ReceivePage:
    """Revision 1 of Tiên Yên, then its revision 3 (revision 2 never arrived): held."""
    page = make_page(qtbot, ws, pickers=Pickers(files=[communes[TIEN_YEN].bundle, communes[TIEN_YEN].rev3]), **kw)
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    assert [line["code"] for line in lines(page)] == ["accepted", "held"]
    assert lines(page)[1]["status"] == "Chờ xem xét"
    assert page.held_model.rowCount() == 1
    assert page.tabs.tabText(0) == "Nhận báo cáo (1 chờ xem xét)"
    assert page.selected_held().digest == page.held_model.digest(0)  # the oldest, selected
    assert page.accept_held_button.isEnabled() and page.reject_held_button.isEnabled()
    return page


def test_clerk_accepts_a_held_correction(qtbot, trusted_district, communes):
    dialogs = RecordingDialogService(answer=True)
    page = held_page(qtbot, trusted_district, communes, dialogs=dialogs)
    assert page.held_model.index(0, 0).data() == NAMES[TIEN_YEN]

    qtbot.mouseClick(page.accept_held_button, Qt.MouseButton.LeftButton)

    kind, title, text = dialogs.calls[-1]
    assert kind == "confirm" and "bản thứ 3 của Thị trấn Tiên Yên" in text
    assert page.held_model.rowCount() == 0
    assert board(page)[NAMES[TIEN_YEN]] == "Đã sửa (lần 2)"
    tip = page.board_model.index(
        page.board_model.unit_row(TIEN_YEN), page.board_model.column_of(PERIOD)
    ).data(Qt.ItemDataRole.ToolTipRole)
    assert "Bản thứ 3" in tip
    # Revision 3 replaced revision 1: Tiên Yên now counts 7 women.
    assert shown_values(page.values_model, value_row(page, "GBV_VICTIMS")) == ("1", "7", "8")


def test_clerk_declining_the_confirmation_keeps_it_held(qtbot, trusted_district, communes):
    page = held_page(qtbot, trusted_district, communes, dialogs=RecordingDialogService(answer=False))
    qtbot.mouseClick(page.accept_held_button, Qt.MouseButton.LeftButton)
    assert page.held_model.rowCount() == 1
    assert board(page)[NAMES[TIEN_YEN]] == "Đúng hạn"


def test_clerk_rejects_a_held_correction_with_a_reason(qtbot, trusted_district, communes):
    dialogs = RecordingDialogService(answer=True)
    reasons = ["   ", "Xã chưa gửi bản sửa lần 1; đề nghị gửi lại"]
    asked = []

    def prompt(parent, title, label):
        asked.append(label)
        return reasons.pop(0)

    page = held_page(qtbot, trusted_district, communes, dialogs=dialogs, reason_prompt=prompt)

    qtbot.mouseClick(page.reject_held_button, Qt.MouseButton.LeftButton)  # blank reason
    assert dialogs.calls[-1][0] == "warning" and "lý do" in dialogs.calls[-1][2]
    assert page.held_model.rowCount() == 1

    qtbot.mouseClick(page.reject_held_button, Qt.MouseButton.LeftButton)
    assert "Lý do từ chối bản thứ 3 của Thị trấn Tiên Yên" in asked[-1]
    assert dialogs.calls[-1][0] == "confirm" and "đề nghị gửi lại" in dialogs.calls[-1][2]
    assert page.held_model.rowCount() == 0
    assert page.tabs.tabText(0) == "Nhận báo cáo"
    assert board(page)[NAMES[TIEN_YEN]] == "Đúng hạn"  # revision 1 stays
    assert shown_values(page.values_model, value_row(page, "GBV_VICTIMS")) == ("1", "5", "6")


# -- board periods -----------------------------------------------------------------------


def test_board_follows_the_period_picker(qtbot, trusted_district):
    page = make_page(qtbot, trusted_district)
    assert page.board_model.period_ids == ["2023S2", "2024S1", "2024S2", "2025S1"]
    assert page.board_model.headerData(4, Qt.Orientation.Horizontal) == "6 tháng đầu năm 2025"
    page.set_period("2024S2")
    assert page.board_model.period_ids == ["2023S1", "2023S2", "2024S1", "2024S2"]
    assert set(board(page, "2024S2").values()) == {"Chưa gửi"}
    assert page.summary_text() == "Đã nhận 0/11 đơn vị"
    page.set_period("2025")
    assert page.board_model.period_ids[-1] == "2025"


def test_main_window_shows_the_page_to_a_district_and_passes_the_period(qtbot, trusted_district):
    window = MainWindow(trusted_district, dialogs=RecordingDialogService())
    qtbot.addWidget(window)
    window.nav.setCurrentRow(window.RECEIVE)
    page = window.receive_page
    assert isinstance(page, ReceivePage) and window.stack.currentWidget() is page
    window.period_picker.set_period("2024S2")
    assert page.period_id == "2024S2" and page.board_model.period_ids[-1] == "2024S2"


# -- trusting keys -----------------------------------------------------------------------


def write_pub(tmp_path, commune: Commune, name="khoa.pub") -> Path:
    path = tmp_path / name
    path.write_text(commune.pub_text, encoding="utf-8")
    return path


def open_trust_dialog(qtbot, ws, path) -> TrustKeyDialog:
    dialog = TrustKeyDialog(ws, pick_file=lambda parent: str(path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    return dialog


def retype(dialog: TrustKeyDialog, text: str) -> None:
    dialog.fingerprint_edit.clear()
    type_text(dialog.fingerprint_edit, text)


def test_trust_dialog_refuses_a_wrong_fingerprint_and_trusts_nothing(qtbot, district, communes, tmp_path):
    commune = communes[TIEN_YEN]
    dialog = open_trust_dialog(qtbot, district, write_pub(tmp_path, commune))
    assert "Thị trấn Tiên Yên (2021:06862)" in dialog.unit_label.text()
    assert "Thị trấn Tiên Yên" in dialog.howto_label.text()
    # The file's fingerprint is shown nowhere: it must come from the phone call.
    groups = format_fingerprint(commune.fingerprint)
    assert not [label for label in dialog.findChildren(QLabel) if groups[:9] in label.text().upper()]
    assert not dialog.trust_button.isEnabled()

    # The clerk heard one group wrong (the 5th).
    wrong = list(format_fingerprint(commune.fingerprint))
    wrong[20] = "0" if wrong[20] != "0" else "1"
    retype(dialog, "".join(wrong).lower())
    assert dialog.count_label.text() == "Đã gõ 64/64 ký tự."
    assert dialog.trust_button.isEnabled()
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)

    error = dialog.error_text()
    assert "KHÔNG khớp" in error and "sai từ nhóm thứ 5" in error
    assert commune.fingerprint.upper()[:16] not in error.replace(" ", "")  # never shows the file's
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.trusted is None
    assert keys.list_trusted(district.store) == []
    # Correcting what was typed takes the refusal away: it was about the old text.
    qtbot.keyClick(dialog.fingerprint_edit, Qt.Key.Key_Backspace)
    assert dialog.error_text() == "" and not dialog.error_label.isVisible()

    # Read back again, right this time.
    retype(dialog, format_fingerprint(commune.fingerprint))
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.trusted.unit == TIEN_YEN
    assert [k.unit for k in keys.list_trusted(district.store)] == [TIEN_YEN]


def test_trust_dialog_refuses_paste(qtbot, district, communes, tmp_path):
    commune = communes[TIEN_YEN]
    dialog = open_trust_dialog(qtbot, district, write_pub(tmp_path, commune))
    QApplication.clipboard().setText(commune.fingerprint)
    edit = dialog.fingerprint_edit
    edit.setFocus()
    paste = QKeySequence(QKeySequence.StandardKey.Paste)[0]
    qtbot.keyClick(edit, paste.key(), paste.keyboardModifiers())
    assert edit.text() == "" and edit.paste_refused == 1
    type_text(edit, "xyz")  # not hex: refused by the field
    assert edit.text() == ""


def test_trust_dialog_refuses_a_unit_that_is_not_a_child(qtbot, district, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from qnapp import minisign

    public_key = minisign.PublicKey.from_private_key(Ed25519PrivateKey.generate(), minisign.generate_key_id())
    text = public_key.to_file_text(
        f"qnapp unit 2021:06652 fpr {public_key.fingerprint} | Xã Hà Phong | Người giữ khóa"
    )
    path = tmp_path / "ha-phong.pub"
    path.write_text(text, encoding="utf-8")
    dialog = open_trust_dialog(qtbot, district, path)
    retype(dialog, public_key.fingerprint)
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert "không phải đơn vị trực thuộc" in dialog.error_text()
    assert keys.list_trusted(district.store) == []


def test_trust_dialog_refuses_a_key_already_trusted_for_another_unit(qtbot, district, communes, tmp_path):
    commune = communes[TIEN_YEN]
    trust(district, commune)
    # The same key in a file that says it belongs to Hà Lâu.
    forged = commune.pub_text.replace("qnapp unit 2021:06862", "qnapp unit 2021:06865")
    path = tmp_path / "ha-lau.pub"
    path.write_text(forged, encoding="utf-8")
    dialog = open_trust_dialog(qtbot, district, path)
    assert "Xã Hà Lâu" in dialog.unit_label.text()
    retype(dialog, commune.fingerprint)
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert "đã được đăng ký cho Thị trấn Tiên Yên" in dialog.error_text()
    assert [k.unit for k in keys.list_trusted(district.store)] == [TIEN_YEN]


def test_trust_dialog_shows_an_unreadable_file(qtbot, district, tmp_path):
    path = tmp_path / "hong.pub"
    path.write_text("đây không phải khóa\n", encoding="utf-8")
    dialog = open_trust_dialog(qtbot, district, path)
    assert dialog.error_text()
    assert not dialog.trust_button.isEnabled()


class ScriptedTrustDialog(TrustKeyDialog):
    """The real dialog; ``exec`` plays the clerk: choose the file, type, press «Tin cậy»."""

    typed = ""

    def exec(self):
        self.choose_file()
        type_text(self.fingerprint_edit, self.typed)
        self.trust_button.click()
        return self.result()


def test_page_trusts_and_revokes_a_child_key(qtbot, district, communes, tmp_path):
    commune = communes[HA_LAU]
    path = write_pub(tmp_path, commune)

    def trust_factory(workspace, parent=None):
        dialog = ScriptedTrustDialog(workspace, parent, pick_file=lambda p: str(path))
        dialog.typed = commune.fingerprint
        return dialog

    class FakeRevoke:
        def __init__(self, key, parent=None):
            self.key = key
            self.from_date = date(2025, 6, 15)
            self.reason = "Máy của xã bị mất"

        def exec(self):
            return QDialog.DialogCode.Accepted

        def deleteLater(self):
            pass

    dialogs = RecordingDialogService(answer=True)
    page = make_page(qtbot, district, dialogs=dialogs, trust_dialog_factory=trust_factory,
                     revoke_dialog_factory=FakeRevoke)
    assert page.key_model.rowCount() == 0 and not page.revoke_button.isEnabled()
    page.tabs.setCurrentIndex(3)
    qtbot.mouseClick(page.trust_button, Qt.MouseButton.LeftButton)

    assert page.key_model.rowCount() == 1
    assert page.key_model.index(0, KEY_UNIT).data() == NAMES[HA_LAU]
    assert page.revoke_button.isEnabled()  # the new key is selected
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    assert dialogs.calls[-1][0] == "confirm" and "15/06/2025" in dialogs.calls[-1][2]
    assert page.key_model.index(0, KEY_REVOKED).data() == "15/06/2025"
    (key,) = keys.list_trusted(district.store)
    assert key.revoked_from == date(2025, 6, 15) and key.revoked_reason == "Máy của xã bị mất"


def test_revoke_dialog_needs_a_reason(qtbot, district, communes):
    trust(district, communes[TIEN_YEN])
    (key,) = keys.list_trusted(district.store)
    dialog = RevokeKeyDialog(key, today=date(2025, 7, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.error_label.isVisibleTo(dialog)
    type_text(dialog.reason_edit, "   ")  # blanks are no reason: the error stays
    assert dialog.error_text() == "Hãy ghi lý do thu hồi (được lưu vào nhật ký)."
    type_text(dialog.reason_edit, "Cán bộ giữ khóa nghỉ việc")
    assert dialog.error_text() == "" and not dialog.error_label.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.from_date, dialog.reason) == (date(2025, 7, 1), "Cán bộ giữ khóa nghỉ việc")


# -- models ------------------------------------------------------------------------------


def test_models_pass_the_model_tester(qtbot, qtmodeltester, trusted_district, communes, usb):
    page = make_page(qtbot, trusted_district, pickers=Pickers(files=[
        *sorted((usb / "bao cao").glob("*.zip")), communes[TIEN_YEN].rev3,
    ]))
    for model in (page.import_model, page.held_model, page.key_model, page.board_model,
                  page.values_model, page.drill_model):
        qtmodeltester.check(model)  # empty, or nearly
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    wait_import(qtbot, page)
    page.values_table.selectRow(value_row(page, "GBV_VICTIMS"))
    models = (page.import_model, page.held_model, page.key_model, page.board_model,
              page.values_model, page.drill_model)
    assert [type(m) for m in models] == [ImportResultModel, HeldModel, TrustedKeyModel, CompletenessModel,
                                         ConsolidatedModel, DrillDownModel]
    for model in models:
        assert model.rowCount() > 0, type(model).__name__
        qtmodeltester.check(model)
