"""``qnapp keys …`` and the key made by ``init`` / ``demo``: a contract other tools drive."""

import json
import re

import pytest
from click.testing import CliRunner

from qnapp import keys
from qnapp.cli import main
from qnapp.store import Store

PASS = "mật khẩu xã Tiên Yên"
GROUPS = re.compile(r"(?:[0-9A-F]{4} ){15}[0-9A-F]{4}")


pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()

    def invoke(db, *args, passphrase=None):
        env = {"QNAPP_PASSPHRASE": passphrase}  # None: unset
        return runner.invoke(main, ["--db", str(tmp_path / db), *args], env=env,
                             catch_exceptions=False)

    return invoke


@pytest.fixture
def units(cli):
    """A commune with a key, and its district (2021 tree)."""
    result = cli("xa.sqlite", "init", "--tree", "2021", "--unit", "06862",
                 "--officer", "Nguyễn Thị Lan", passphrase=PASS)
    assert result.exit_code == 0, result.output
    result = cli("huyen.sqlite", "init", "--tree", "2021", "--unit", "199",
                 "--officer", "Lê Văn Huyện")
    assert result.exit_code == 0, result.output
    return cli


def own_key(tmp_path, db):
    with Store.open(tmp_path / db) as store:
        return keys.own_public_key(store)


def test_init_without_passphrase_says_how_to_make_the_key(cli, tmp_path):
    result = cli("xa.sqlite", "init", "--tree", "2021", "--unit", "06862", "--officer", "A B")
    assert result.exit_code == 0, result.output
    assert "Chưa tạo khóa ký" in result.output
    assert "QNAPP_PASSPHRASE=… qnapp keys create" in result.output
    assert own_key(tmp_path, "xa.sqlite") is None
    shown = cli("xa.sqlite", "keys", "show")
    assert shown.exit_code == 1 and "chưa có khóa ký" in shown.output
    assert "Tạo khóa bằng lệnh: QNAPP_PASSPHRASE=… qnapp keys create" in shown.output


def test_the_core_names_no_command_when_there_is_no_key(tmp_path):
    """The GUI shows the core's message beside its own «Tạo khóa» button."""
    with Store.open(tmp_path / "x.sqlite") as store:
        with pytest.raises(keys.KeysError) as err:
            keys.load_signing_key(store, "mat khau bat ky")
    assert err.value.reason_code == "no_own_key" and "qnapp" not in str(err.value)


def test_init_with_passphrase_creates_the_key(cli, tmp_path):
    result = cli("xa.sqlite", "init", "--tree", "2021", "--unit", "06862", "--officer", "A B",
                 passphrase=PASS)
    assert result.exit_code == 0, result.output
    public_key = own_key(tmp_path, "xa.sqlite")
    assert public_key is not None
    assert public_key.fingerprint_groups in result.output
    with Store.open(tmp_path / "xa.sqlite") as store:
        keys.load_signing_key(store, PASS)
    shown = cli("xa.sqlite", "keys", "show")
    assert shown.exit_code == 0 and public_key.fingerprint_groups in shown.output
    assert public_key.key_id_hex in shown.output
    data = json.loads(cli("xa.sqlite", "keys", "show", "--json").output)
    assert data["fingerprint"] == public_key.fingerprint and data["unit"] == "2021:06862"


def test_init_with_a_short_passphrase_changes_nothing(cli, tmp_path):
    result = cli("xa.sqlite", "init", "--tree", "2021", "--unit", "06862", "--officer", "A B",
                 passphrase="ngắn")
    assert result.exit_code == 1 and "ít nhất 8 ký tự" in result.output
    again = cli("xa.sqlite", "init", "--tree", "2021", "--unit", "06862", "--officer", "A B")
    assert again.exit_code == 0  # the first attempt did not initialise the database


def test_keys_create_refuses_to_replace_a_key_unless_asked(units, tmp_path):
    old = own_key(tmp_path, "xa.sqlite")
    refused = units("xa.sqlite", "keys", "create", passphrase="mật khẩu mới 2025")
    assert refused.exit_code == 1
    assert "đã có khóa ký" in refused.output and "--replace" in refused.output
    assert old.fingerprint_groups in refused.output
    assert own_key(tmp_path, "xa.sqlite") == old
    missing = units("xa.sqlite", "keys", "create", "--replace")
    assert missing.exit_code == 2 and "QNAPP_PASSPHRASE" in missing.output
    short = units("xa.sqlite", "keys", "create", "--replace", passphrase="1234")
    assert short.exit_code == 1
    result = units("xa.sqlite", "keys", "create", "--replace", passphrase="mật khẩu mới 2025")
    assert result.exit_code == 0, result.output
    new = own_key(tmp_path, "xa.sqlite")
    assert new != old and new.fingerprint_groups in result.output
    assert old.fingerprint_groups in result.output and "ngừng dùng" in result.output


def test_a_replaced_key_is_kept_so_its_bundles_still_verify(units, tmp_path):
    commune = "xa.sqlite"
    imported = tmp_path / "values.csv"
    imported.write_text("period,element,category,value\n2025S1,GBV_VICTIMS,nu,3\n", encoding="utf-8")
    assert units(commune, "values", "import", str(imported)).exit_code == 0
    first = tmp_path / "r1.zip"
    sent = units(commune, "export", "2025S1", "-o", str(first), passphrase=PASS)
    assert sent.exit_code == 0, sent.output
    old = own_key(tmp_path, commune)
    pub = tmp_path / "xa.pub"
    units(commune, "keys", "export", "-o", str(pub))
    # The district trusted key A before the commune moved to a new PC.
    trusted = units("huyen.sqlite", "keys", "trust", str(pub), "--fingerprint", old.fingerprint)
    assert trusted.exit_code == 0, trusted.output

    replaced = units(commune, "keys", "create", "--replace", passphrase="mật khẩu máy mới")
    assert replaced.exit_code == 0, replaced.output

    checked = units(commune, "verify", "--json", str(first))
    assert json.loads(checked.output)["status"] == "ok", checked.output
    shown = units(commune, "keys", "show")
    assert "Khóa cũ của đơn vị" in shown.output and old.fingerprint_groups in shown.output
    assert re.search(r"ngừng dùng từ \d\d/\d\d/\d{4}", shown.output)
    data = json.loads(units(commune, "keys", "show", "--json").output)
    assert data["fingerprint"] == own_key(tmp_path, commune).fingerprint
    assert [k["fingerprint"] for k in data["retired"]] == [old.fingerprint]
    assert data["retired"][0]["retired_at"] >= data["retired"][0]["created_at"]
    listed = units(commune, "keys", "list")
    assert old.fingerprint_groups in listed.output and "Chưa có khóa tin cậy nào." in listed.output
    assert json.loads(units(commune, "keys", "list", "--json").output) == []
    # The parent's side is unchanged: the bundle signed with A imports with the trusted A.
    received = units("huyen.sqlite", "import", "--json", str(first))
    assert json.loads(received.output)["status"] == "accepted", received.output


def test_export_trust_list_revoke(units, tmp_path):
    pub = tmp_path / "xa.pub"
    result = units("xa.sqlite", "keys", "export", "-o", str(pub))
    assert result.exit_code == 0, result.output
    public_key, unit = keys.read_public_key_file(pub)
    assert unit == "2021:06862" and public_key == own_key(tmp_path, "xa.sqlite")
    assert public_key.fingerprint_groups in result.output
    stdout = units("xa.sqlite", "keys", "export")
    assert stdout.exit_code == 0 and stdout.output == pub.read_text(encoding="utf-8")

    wrong = units("huyen.sqlite", "keys", "trust", str(pub), "--fingerprint", "AB" * 32)
    assert wrong.exit_code == 1 and "không khớp" in wrong.output
    assert json.loads(units("huyen.sqlite", "keys", "list", "--json").output) == []

    spoken = public_key.fingerprint_groups.lower()
    ok = units("huyen.sqlite", "keys", "trust", str(pub), "--fingerprint", spoken)
    assert ok.exit_code == 0, ok.output
    assert "Thị trấn Tiên Yên" in ok.output and public_key.fingerprint_groups in ok.output
    neighbour = units("huyen.sqlite", "keys", "trust", str(pub), "--fingerprint", spoken,
                      "--unit", "2021:06865")
    assert neighbour.exit_code == 1 and "một khóa chỉ ký cho đúng một đơn vị" in neighbour.output

    listed = json.loads(units("huyen.sqlite", "keys", "list", "--json").output)
    assert len(listed) == 1
    entry = listed[0]
    assert {"fingerprint", "unit", "holder", "trusted_at", "valid_from", "revoked_from"} <= set(entry)
    assert entry["fingerprint"] == public_key.fingerprint and entry["unit"] == "2021:06862"
    assert entry["holder"] == "Nguyễn Thị Lan" and entry["revoked_from"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry["valid_from"])
    text = units("huyen.sqlite", "keys", "list")
    assert text.exit_code == 0 and "2021:06862" in text.output and GROUPS.search(text.output)

    bad_date = units("huyen.sqlite", "keys", "revoke", public_key.fingerprint, "--from", "31/02/2025")
    assert bad_date.exit_code == 2
    no_date = units("huyen.sqlite", "keys", "revoke", public_key.fingerprint)
    assert no_date.exit_code == 2
    revoked = units("huyen.sqlite", "keys", "revoke", public_key.fingerprint, "--from",
                    "01/03/2025", "--reason", "Mất máy tính")
    assert revoked.exit_code == 0, revoked.output
    assert "01/03/2025" in revoked.output
    entry = json.loads(units("huyen.sqlite", "keys", "list", "--json").output)[0]
    assert entry["revoked_from"] == "2025-03-01" and entry["revoked_reason"] == "Mất máy tính"
    again = units("huyen.sqlite", "keys", "revoke", public_key.fingerprint, "--from", "02/03/2025")
    assert again.exit_code == 1 and "đã bị thu hồi" in again.output
    unknown = units("huyen.sqlite", "keys", "revoke", "0" * 64, "--from", "02/03/2025")
    assert unknown.exit_code == 1


def test_trust_refuses_a_unit_that_is_not_a_child(units, tmp_path):
    result = units("tinh.sqlite", "init", "--tree", "2025", "--unit", "22", "--officer", "C D")
    assert result.exit_code == 0
    pub = tmp_path / "xa.pub"
    units("xa.sqlite", "keys", "export", "-o", str(pub))
    fpr = own_key(tmp_path, "xa.sqlite").fingerprint
    refused = units("tinh.sqlite", "keys", "trust", str(pub), "--fingerprint", fpr)
    assert refused.exit_code == 1 and "không phải đơn vị trực thuộc" in refused.output
    # The 2025 province registers the same file for one of its 54 communes.
    ok = units("tinh.sqlite", "keys", "trust", str(pub), "--fingerprint", fpr,
               "--unit", "2025:06652")
    assert ok.exit_code == 0, ok.output
    assert "Phường Hà Tu" in ok.output


def test_trust_usage_errors(units, tmp_path):
    assert units("huyen.sqlite", "keys", "trust", str(tmp_path / "none.pub"),
                 "--fingerprint", "0" * 64).exit_code == 2
    pub = tmp_path / "x.pub"
    pub.write_text("not a key\n", encoding="utf-8")
    assert units("huyen.sqlite", "keys", "trust", str(pub)).exit_code == 2
    bad = units("huyen.sqlite", "keys", "trust", str(pub), "--fingerprint", "0" * 64)
    assert bad.exit_code == 1 and "minisign" in bad.output


def test_keys_need_an_initialised_database(cli):
    result = cli("new.sqlite", "keys", "list")
    assert result.exit_code == 1 and "Chưa thiết lập" in result.output


def test_demo_makes_a_key_with_the_demo_passphrase(cli, tmp_path):
    from qnapp.demo import DEMO_PASSPHRASE

    result = cli("demo.sqlite", "demo")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSPHRASE in result.output and GROUPS.search(result.output)
    with Store.open(tmp_path / "demo.sqlite") as store:
        keys.load_signing_key(store, DEMO_PASSPHRASE)
    own = cli("own.sqlite", "demo", passphrase=PASS)
    assert own.exit_code == 0 and DEMO_PASSPHRASE not in own.output
    with Store.open(tmp_path / "own.sqlite") as store:
        keys.load_signing_key(store, PASS)
