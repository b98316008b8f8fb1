"""The first-run wizard's state machine, without Qt."""

from __future__ import annotations

from datetime import date

import pytest

from qnapp import backup, keys
from qnapp.errors import QnappError
from qnapp.paths import backup_dir_for
from qnapp.setup_wizard import STEPS, SetupWizard, Step, passphrase_strength
from qnapp.workspace import Workspace

PASS = "mật khẩu xã Tiên Yên"


pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def fresh(tmp_path):
    ws = Workspace.open(tmp_path / "qnapp.sqlite")
    yield ws
    ws.close(backup_on_close=False)


def walk_to(wizard: SetupWizard, step: Step) -> None:
    while wizard.step is not step:
        wizard.advance()


def test_steps_in_order_with_a_tree_chosen_by_date(tmp_path):
    assert [s.value for s in STEPS] == ["tree", "unit", "officer", "passphrase", "backup", "finish"]
    assert SetupWizard(tmp_path / "q.sqlite", today=date(2025, 3, 1)).tree == "2021"
    wizard = SetupWizard(tmp_path / "q.sqlite", today=date(2025, 8, 1))
    assert wizard.tree == "2025"
    assert not wizard.can_go_back
    assert wizard.back() is Step.TREE
    assert wizard.advance() is Step.UNIT


def test_unit_search_is_vietnamese_aware_and_a_tree_change_forgets_the_unit(tmp_path):
    wizard = SetupWizard(tmp_path / "q.sqlite", today=date(2025, 3, 1))
    wizard.advance()
    assert not wizard.can_advance
    with pytest.raises(QnappError, match="Hãy chọn đơn vị"):
        wizard.advance()
    found = wizard.search_units("tien yen")
    assert [(c.code, c.name, c.parent) for c in found] == [
        ("199", "Huyện Tiên Yên", "Tỉnh Quảng Ninh"),
        ("06862", "Thị trấn Tiên Yên", "Huyện Tiên Yên"),
    ]
    assert [c.code for c in wizard.search_units("TIÊN YÊN")] == ["199", "06862"]
    wizard.set_unit("06862")
    assert wizard.unit.label == "Thị trấn Tiên Yên, Huyện Tiên Yên (mã 06862)"
    assert wizard.can_advance
    wizard.set_tree("2025")
    assert wizard.unit is None
    with pytest.raises(QnappError):
        wizard.set_unit("99999")  # no such unit


def test_officer_name_is_cleaned_and_required(tmp_path):
    wizard = SetupWizard(tmp_path / "q.sqlite")
    wizard.set_tree("2021")
    wizard.set_unit("06862")
    walk_to(wizard, Step.OFFICER)
    wizard.set_officer("   ")
    assert wizard.problem() == "Hãy nhập họ tên cán bộ."
    wizard.set_officer(" Nguyễn Thị  Lan ")
    assert wizard.officer == "Nguyễn Thị Lan"
    assert wizard.advance() is Step.PASSPHRASE


def test_passphrase_needs_the_core_minimum_and_twice_the_same(tmp_path):
    wizard = SetupWizard(tmp_path / "q.sqlite")
    wizard.step = Step.PASSPHRASE
    wizard.set_passphrase("ngan", "ngan")
    assert "ít nhất 8 ký tự" in wizard.problem()
    assert wizard.strength.score == 0
    wizard.set_passphrase(PASS, PASS + "x")
    assert wizard.problem() == "Hai lần nhập mật khẩu không khớp nhau."
    wizard.set_passphrase(PASS, PASS)
    assert wizard.problem() is None
    assert wizard.strength.score >= 3


@pytest.mark.parametrize(
    ("text", "score"),
    [("abc", 0), ("12345678", 1), ("aaaaaaaaaa", 1), ("abcdefgh", 1), ("abcdefgh12", 2),
     ("Hoa-Mai-2025!", 3), ("mùa xuân trên đảo Cô Tô", 4)],
)
def test_strength_estimate(text, score):
    result = passphrase_strength(text)
    assert result.score == score
    assert result.label and result.hint


def test_backup_folder_defaults_beside_the_database_and_refuses_a_file(tmp_path):
    wizard = SetupWizard(tmp_path / "q.sqlite")
    assert wizard.backup_folder == backup_dir_for(tmp_path / "q.sqlite") == tmp_path / "backups"
    (tmp_path / "afile").write_text("x")
    wizard.set_backup_folder(tmp_path / "afile")
    assert "không phải thư mục" in wizard.problem(Step.BACKUP)
    wizard.set_backup_folder("")
    assert wizard.backup_folder == tmp_path / "backups"


def test_finish_initialises_creates_the_key_and_remembers_the_backup_folder(tmp_path, fresh):
    wizard = SetupWizard(fresh.store.path, today=date(2025, 3, 1))
    wizard.set_unit("06862")
    wizard.set_officer("Nguyễn Thị Lan")
    wizard.set_passphrase(PASS, PASS)
    usb = tmp_path / "usb" / "sao lưu"
    wizard.set_backup_folder(usb)
    walk_to(wizard, Step.FINISH)
    assert not wizard.can_advance
    assert ("Bản sao lưu", str(usb)) in wizard.summary()

    result = wizard.finish(fresh)

    assert (fresh.profile.tree, fresh.profile.unit_code, fresh.officer) == ("2021", "06862", "Nguyễn Thị Lan")
    assert keys.own_public_key(fresh.store).fingerprint == result.fingerprint
    keys.load_signing_key(fresh.store, PASS)  # the passphrase opens the key
    assert fresh.backup_folder == usb
    made = fresh.backup_now()
    assert made.parent == usb  # make_backup honours the chosen folder
    assert backup.list_backups(usb) == [made]


def test_default_backup_folder_writes_no_setting(fresh):
    wizard = SetupWizard(fresh.store.path, today=date(2025, 3, 1))
    wizard.set_unit("06862")
    wizard.set_officer("Trần Văn Nam")
    wizard.set_passphrase(PASS, PASS)
    wizard.finish(fresh)
    assert fresh.store.get_setting(backup.BACKUP_FOLDER_KEY) is None
    assert fresh.backup_folder == backup_dir_for(fresh.store.path)


def test_finish_refuses_before_writing_anything(fresh):
    wizard = SetupWizard(fresh.store.path, today=date(2025, 3, 1))
    wizard.set_unit("06862")
    wizard.set_officer("Trần Văn Nam")
    wizard.set_passphrase("short", "short")
    with pytest.raises(QnappError, match="ít nhất 8 ký tự"):
        wizard.finish(fresh)
    assert not fresh.is_initialised
    assert keys.own_public_key(fresh.store) is None
