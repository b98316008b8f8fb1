"""The unit's own signing key (encrypted at rest) and the trust registry."""

import base64
import json
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from qnapp import keys, minisign
from qnapp.errors import QnappError
from qnapp.keys import KeysError, ScryptParams
from qnapp.minisign import MinisignError, PublicKey
from qnapp.units import load_tree
from qnapp.workspace import Workspace

PRODUCTION_SCRYPT = keys.DEFAULT_SCRYPT  # read before any fixture lowers it
FAST_SCRYPT = ScryptParams(n=2**8, r=8, p=1)

PASS = "mật khẩu xã Tiên Yên"
COMMUNE = "2021:06862"  # Thị trấn Tiên Yên, under Huyện Tiên Yên (2021:199)
NEIGHBOUR = "2021:06865"  # another commune of Huyện Tiên Yên
DISTRICT = "2021:199"
OTHER_DISTRICT_COMMUNE = "2021:06652"  # Hà Phong, Thành phố Hạ Long
WHO = "Nguyễn Thị Lan"
CLERK = "Lê Văn Huyện"
TODAY = date(2025, 1, 10)

MINISIGN = shutil.which("minisign")
requires_cli = pytest.mark.skipif(
    MINISIGN is None and not os.environ.get("CI"), reason="minisign CLI not installed"
)


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    """Cheap scrypt so the suite stays fast; one test checks the production cost."""
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT", FAST_SCRYPT)


def open_unit(path, unit_key, officer=WHO) -> Workspace:
    tree, code = unit_key.split(":")
    ws = Workspace.open(path)
    ws.initialise(tree, code, officer)
    return ws


@pytest.fixture
def commune(tmp_path):
    ws = open_unit(tmp_path / "xa.sqlite", COMMUNE)
    yield ws
    ws.close(backup_on_close=False)


@pytest.fixture
def district(tmp_path):
    ws = open_unit(tmp_path / "huyen.sqlite", DISTRICT, CLERK)
    yield ws
    ws.close(backup_on_close=False)


def new_pub_text(comment: str | None = None) -> tuple[str, PublicKey]:
    public_key = PublicKey.from_private_key(Ed25519PrivateKey.generate(), minisign.generate_key_id())
    if comment is None:
        return public_key.to_base64(), public_key
    return public_key.to_file_text(comment), public_key


def qnapp_pub_text(unit_key: str) -> tuple[str, PublicKey]:
    _text, public_key = new_pub_text()
    comment = f"qnapp unit {unit_key} fpr {public_key.fingerprint} | Xã thử | Người giữ khóa"
    return public_key.to_file_text(comment), public_key


def audit(ws, entity):
    return ws.store.audit_log(entity)


# --- own key ----------------------------------------------------------------------------------


def test_key_is_stored_encrypted_and_never_in_clear(commune):
    public_key = keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    private_key, loaded = keys.load_signing_key(commune.store, PASS)
    assert loaded == public_key == keys.own_public_key(commune.store)
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pkcs8 = private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())

    row = commune.store.conn.execute(
        "SELECT key_id, public_key, unit, encrypted_private, status FROM own_keys").fetchone()
    assert row[0] == public_key.key_id.hex() and row[1] == public_key.to_base64()
    assert row[2] == COMMUNE and row[4] == "active"
    enc = json.loads(row[3])
    assert enc["format"] == "qnapp-key/1" and enc["cipher"] == "chacha20poly1305"
    assert enc["kdf"] == {"name": "scrypt", "n": FAST_SCRYPT.n, "r": FAST_SCRYPT.r,
                          "p": FAST_SCRYPT.p, "salt": enc["kdf"]["salt"]}
    assert len(base64.b64decode(enc["kdf"]["salt"])) == 16
    assert len(base64.b64decode(enc["nonce"])) == 12
    assert len(base64.b64decode(enc["ciphertext"])) == 32 + 16  # seed + Poly1305 tag

    path = commune.store.path
    commune.close(backup_on_close=False)
    blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    for form in (seed, pkcs8, seed.hex().encode(), seed.hex().upper().encode(),
                 base64.b64encode(seed), base64.b64encode(seed).rstrip(b"=")):
        assert form not in blob
    assert PASS.encode() not in blob


def test_wrong_passphrase_is_refused(commune):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    with pytest.raises(KeysError) as err:
        keys.load_signing_key(commune.store, PASS + "!")
    assert err.value.reason_code == "passphrase_wrong"
    assert str(err.value) == "Mật khẩu khóa không đúng."
    assert isinstance(err.value, QnappError)


def test_passphrase_rules(commune):
    for short in ("", "1234567", "  abc  "):
        with pytest.raises(KeysError) as err:
            keys.create_key(commune.store, COMMUNE, short, who=WHO)
        assert err.value.reason_code in {"passphrase_too_short", "passphrase_missing"}
        assert "ít nhất 8 ký tự" in str(err.value) or "Chưa nhập" in str(err.value)
    with pytest.raises(KeysError):
        keys.check_passphrase("ngắn")
    keys.check_passphrase("12345678")
    assert keys.own_public_key(commune.store) is None
    assert commune.store.conn.execute("SELECT count(*) FROM own_keys").fetchone()[0] == 0


def test_passphrase_is_nfc_normalised(commune):
    decomposed = unicodedata.normalize("NFD", PASS)
    assert decomposed != PASS
    keys.create_key(commune.store, COMMUNE, decomposed, who=WHO)
    keys.load_signing_key(commune.store, PASS)  # typed precomposed later: same key


def test_no_key_yet(commune):
    assert keys.own_public_key(commune.store) is None
    with pytest.raises(KeysError) as err:
        keys.load_signing_key(commune.store, PASS)
    assert err.value.reason_code == "no_own_key" and "tạo khóa ký" in str(err.value)


def test_new_key_retires_the_old_one(commune):
    first = keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    with pytest.raises(KeysError) as refused:  # never replaced without being asked
        keys.create_key(commune.store, COMMUNE, "mật khẩu mới 2025", who=WHO)
    assert refused.value.reason_code == "own_key_exists"
    assert first.fingerprint_groups in str(refused.value)
    assert [k.fingerprint for k in keys.list_own_keys(commune.store)] == [first.fingerprint]
    second = keys.create_key(commune.store, COMMUNE, "mật khẩu mới 2025", who=WHO, replace=True)
    assert first.fingerprint != second.fingerprint
    assert keys.own_public_key(commune.store) == second
    own = keys.list_own_keys(commune.store)
    assert [(k.fingerprint, k.status) for k in own] == [
        (second.fingerprint, "active"), (first.fingerprint, "retired")]
    assert own[0].retired_at is None and own[1].retired_at == own[0].created_at
    _private, loaded = keys.load_signing_key(commune.store, "mật khẩu mới 2025")
    assert loaded == second
    with pytest.raises(KeysError):
        keys.load_signing_key(commune.store, PASS)  # the active key has the new passphrase
    rows = audit(commune, "own_key")
    assert [(r["action"], r["entity_key"]) for r in rows] == [
        ("insert", second.fingerprint), ("update", first.fingerprint), ("insert", first.fingerprint)]
    assert rows[1]["new"] == {"status": "retired"}
    assert rows[0]["new"]["kdf"]["n"] == FAST_SCRYPT.n and rows[0]["who"] == WHO
    assert "encrypted_private" not in json.dumps(rows)


def test_ciphertext_is_bound_to_its_unit(commune):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    with commune.store.transaction():
        commune.store.conn.execute("UPDATE own_keys SET unit = ?", [NEIGHBOUR])
    with pytest.raises(KeysError):
        keys.load_signing_key(commune.store, PASS)


def test_loaded_key_signs_what_the_public_key_verifies(commune):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    private_key, public_key = keys.load_signing_key(commune.store, PASS)
    blob = minisign.sign(private_key, public_key.key_id, b"tagmanifest", "vnrb1 unit:2021:06862")
    minisign.verify(minisign.parse_signature(blob), keys.own_public_key(commune.store), b"tagmanifest")


def test_production_scrypt_cost_is_a_security_floor(commune, monkeypatch):
    # At least OWASP's scrypt recommendation (N=2^17, r=8: 128 MiB per guess); measured
    # about 0.6 s with p=2 on the development machine. Parameters, not a timing.
    assert PRODUCTION_SCRYPT.n >= 2**16 and PRODUCTION_SCRYPT.r >= 8 and PRODUCTION_SCRYPT.p >= 1
    assert 128 * PRODUCTION_SCRYPT.n * PRODUCTION_SCRYPT.r >= 128 * 2**20
    assert PRODUCTION_SCRYPT.n * PRODUCTION_SCRYPT.r * PRODUCTION_SCRYPT.p >= 2**17 * 8
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT", PRODUCTION_SCRYPT)
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    enc = json.loads(commune.store.conn.execute("SELECT encrypted_private FROM own_keys").fetchone()[0])
    assert (enc["kdf"]["n"], enc["kdf"]["r"], enc["kdf"]["p"]) == (
        PRODUCTION_SCRYPT.n, PRODUCTION_SCRYPT.r, PRODUCTION_SCRYPT.p)
    # Stored parameters win over the current default: old keys stay readable when it rises.
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT", FAST_SCRYPT)
    keys.load_signing_key(commune.store, PASS)


# --- public key files ---------------------------------------------------------------------------


def test_export_names_the_unit_and_round_trips(commune, tmp_path):
    public_key = keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    text = keys.export_public_key(commune.store)
    assert text == keys.export_public_key(commune.store, COMMUNE)
    first, second = text.split("\n")[:2]
    assert first == (f"untrusted comment: qnapp unit {COMMUNE} fpr {public_key.fingerprint}"
                     f" | Thị trấn Tiên Yên | {WHO}")
    assert second == public_key.to_base64() and text.endswith("\n")
    path = tmp_path / "xa.pub"
    path.write_bytes(text.encode("utf-8"))
    assert keys.read_public_key_file(path) == (public_key, COMMUNE)
    info = keys.read_public_key_text(text)
    assert (info.unit_name, info.holder) == ("Thị trấn Tiên Yên", WHO)
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())  # Notepad
    assert keys.read_public_key_file(path) == (public_key, COMMUNE)


def test_export_without_key_is_refused(commune):
    with pytest.raises(KeysError) as err:
        keys.export_public_key(commune.store)
    assert err.value.reason_code == "no_own_key"


def test_key_file_with_edited_comment_is_refused(commune, tmp_path):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    text = keys.export_public_key(commune.store)
    _other_text, other = new_pub_text()
    forged = text.replace(text.split("\n")[1], other.to_base64())  # key swapped, comment kept
    with pytest.raises(KeysError) as err:
        keys.read_public_key_text(forged)
    assert err.value.reason_code == "key_file_inconsistent"
    with pytest.raises(MinisignError):
        keys.read_public_key_text("untrusted comment: x\nnot a key\n")
    big = tmp_path / "big.pub"
    big.write_bytes(b"x" * 10_000)
    with pytest.raises(MinisignError):
        keys.read_public_key_file(big)
    assert keys.read_public_key_text(new_pub_text("minisign public key 1234")[0]).unit is None


@requires_cli
def test_minisign_cli_accepts_the_exported_key(commune, tmp_path):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    (tmp_path / "xa.pub").write_bytes(keys.export_public_key(commune.store).encode("utf-8"))
    private_key, public_key = keys.load_signing_key(commune.store, PASS)
    (tmp_path / "tagmanifest-sha256.txt").write_bytes(b"abc  bundle.json\n")
    (tmp_path / "bundle.minisig").write_bytes(
        minisign.sign(private_key, public_key.key_id, b"abc  bundle.json\n", "vnrb1 rev:1"))
    result = subprocess.run(
        [MINISIGN, "-H", "-Vm", "tagmanifest-sha256.txt", "-x", "bundle.minisig", "-p", "xa.pub"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "vnrb1 rev:1" in result.stdout


# --- trust registry -------------------------------------------------------------------------------


def trust(ws, text, fpr, **kw):
    kw.setdefault("who", CLERK)
    kw.setdefault("today", TODAY)
    return keys.trust_key(ws.store, text, fingerprint=fpr, **kw)


def test_trust_after_fingerprint_read_back(commune, district):
    keys.create_key(commune.store, COMMUNE, PASS, who=WHO)
    text = keys.export_public_key(commune.store)
    public_key = keys.own_public_key(commune.store)
    spoken = public_key.fingerprint_groups.lower()  # typed with spaces, any case
    trusted = trust(district, text, spoken)
    assert trusted.fingerprint == public_key.fingerprint and trusted.public_key == public_key
    assert trusted.unit == COMMUNE and trusted.holder == WHO and trusted.trusted_by == CLERK
    assert trusted.valid_from == TODAY and trusted.revoked_from is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", trusted.trusted_at)
    assert keys.list_trusted(district.store) == [trusted]
    assert keys.trusted_key_for(district.store, public_key.fingerprint, TODAY) == trusted
    assert keys.trusted_key_by_key_id(district.store, public_key.key_id) == trusted
    rows = audit(district, "trusted_key")
    assert len(rows) == 1 and rows[0]["action"] == "insert" and rows[0]["who"] == CLERK
    assert rows[0]["new"]["unit"] == COMMUNE and rows[0]["entity_key"] == public_key.fingerprint
    # Trusting the same key for the same unit again changes nothing.
    assert trust(district, text, public_key.fingerprint) == trusted
    assert len(audit(district, "trusted_key")) == 1


@pytest.mark.parametrize("given, code", [
    ("0" * 64, "fingerprint_mismatch"),
    ("", "fingerprint_malformed"),
    ("C4D2 B1A8", "fingerprint_malformed"),
    ("z" * 64, "fingerprint_malformed"),
])
def test_trust_with_wrong_fingerprint_is_refused(district, given, code):
    text, _public_key = qnapp_pub_text(COMMUNE)
    with pytest.raises(KeysError) as err:
        trust(district, text, given)
    assert err.value.reason_code == code
    if code == "fingerprint_mismatch":
        assert "không khớp" in str(err.value)
    assert keys.list_trusted(district.store) == []
    assert audit(district, "trusted_key") == []


def test_one_wrong_digit_is_a_mismatch(district):
    text, public_key = qnapp_pub_text(COMMUNE)
    fpr = public_key.fingerprint
    wrong = fpr[:-1] + ("0" if fpr[-1] != "0" else "1")
    with pytest.raises(KeysError) as err:
        trust(district, text, wrong)
    assert err.value.reason_code == "fingerprint_mismatch"


def test_a_district_trusts_its_own_communes_only(district):
    for unit_key in (NEIGHBOUR, COMMUNE):
        text, public_key = qnapp_pub_text(unit_key)
        assert trust(district, text, public_key.fingerprint).unit == unit_key
    refused = (
        OTHER_DISTRICT_COMMUNE,  # a commune of another district
        "2021:193",              # another district
        DISTRICT,                # itself
        "2021:22",               # its parent
        "2025:06652",            # a 2025 unit (other tree)
    )
    for unit_key in refused:
        text, public_key = qnapp_pub_text(unit_key)
        with pytest.raises(KeysError) as err:
            trust(district, text, public_key.fingerprint)
        assert err.value.reason_code == "key_unit_not_child", unit_key
        assert "không phải đơn vị trực thuộc" in str(err.value)
    assert {k.unit for k in keys.list_trusted(district.store)} == {COMMUNE, NEIGHBOUR}


def test_child_units_in_both_trees():
    t2021, t2025 = load_tree("2021"), load_tree("2025")
    assert len(t2025.communes()) == 54
    for unit in t2025.communes():
        assert keys.is_child_unit("2025:22", unit.key)
    for unit in t2021.districts():
        assert keys.is_child_unit("2021:22", unit.key)
        assert keys.is_child_unit("2025:22", unit.key)  # the province across the reform
    for unit in t2021.communes():
        assert not keys.is_child_unit("2021:22", unit.key)
        assert keys.is_child_unit(f"2021:{unit.parent_code}", unit.key)
    for unit in t2025.communes():
        assert not keys.is_child_unit(DISTRICT, unit.key)
    assert not keys.is_child_unit(DISTRICT, "2021:99999")
    assert not keys.is_child_unit("nonsense", COMMUNE)


def test_the_2025_province_trusts_any_of_the_54(tmp_path):
    province = open_unit(tmp_path / "tinh.sqlite", "2025:22", "Trần Văn Tỉnh")
    try:
        communes = load_tree("2025").communes()
        for unit in (communes[0], communes[-1]):
            text, public_key = qnapp_pub_text(unit.key)
            assert trust(province, text, public_key.fingerprint).unit == unit.key
        text, public_key = qnapp_pub_text(COMMUNE)  # a 2021 commune: the district's child
        with pytest.raises(KeysError) as err:
            trust(province, text, public_key.fingerprint)
        assert err.value.reason_code == "key_unit_not_child"
    finally:
        province.close(backup_on_close=False)


def test_one_key_signs_for_one_unit_only(district):
    text, public_key = qnapp_pub_text(COMMUNE)
    trust(district, text, public_key.fingerprint)
    with pytest.raises(KeysError) as err:
        trust(district, text, public_key.fingerprint, unit_key=NEIGHBOUR)
    assert err.value.reason_code == "key_trusted_for_other_unit"
    assert "chỉ ký cho đúng một đơn vị" in str(err.value)
    assert [k.unit for k in keys.list_trusted(district.store)] == [COMMUNE]


def test_a_colliding_key_id_is_refused(district):
    text, public_key = qnapp_pub_text(COMMUNE)
    trust(district, text, public_key.fingerprint)
    twin = PublicKey.from_private_key(Ed25519PrivateKey.generate(), public_key.key_id)
    with pytest.raises(KeysError) as err:
        trust(district, twin.to_base64(), twin.fingerprint, unit_key=NEIGHBOUR)
    assert err.value.reason_code == "key_id_collision"


def test_own_key_cannot_be_trusted_for_a_child(district):
    keys.create_key(district.store, DISTRICT, PASS, who=CLERK)
    own = keys.own_public_key(district.store)
    with pytest.raises(KeysError) as err:
        trust(district, own.to_base64(), own.fingerprint, unit_key=COMMUNE)
    assert err.value.reason_code == "key_is_own"


def test_unit_comes_from_the_file_or_the_override(district):
    bare, public_key = new_pub_text()  # a plain minisign key: no unit in it
    with pytest.raises(KeysError) as err:
        trust(district, bare, public_key.fingerprint)
    assert err.value.reason_code == "key_unit_missing"
    assert trust(district, bare, public_key.fingerprint, unit_key=NEIGHBOUR).unit == NEIGHBOUR

    text, public_key = qnapp_pub_text(COMMUNE)
    trusted = trust(district, text, public_key.fingerprint, unit_key="2021:06868")
    assert trusted.unit == "2021:06868"
    assert audit(district, "trusted_key")[0]["new"]["file_unit"] == COMMUNE
    text, public_key = qnapp_pub_text(COMMUNE)
    with pytest.raises(KeysError) as err:
        trust(district, text, "0" * 64, unit_key="06862")
    assert err.value.reason_code == "fingerprint_mismatch"  # checked before the unit
    with pytest.raises(KeysError) as err:
        trust(district, text, public_key.fingerprint, unit_key="06862")  # bare code
    assert err.value.reason_code == "key_unit_unknown"


def test_trust_needs_an_initialised_database(tmp_path):
    ws = Workspace.open(tmp_path / "new.sqlite")
    try:
        text, public_key = qnapp_pub_text(COMMUNE)
        with pytest.raises(QnappError, match="Chưa thiết lập"):
            trust(ws, text, public_key.fingerprint)
    finally:
        ws.close(backup_on_close=False)


def test_revocation_is_dated(district):
    text, public_key = qnapp_pub_text(COMMUNE)
    fpr = public_key.fingerprint
    trust(district, text, fpr)
    revoked = keys.revoke_key(district.store, public_key.fingerprint_groups, date(2025, 3, 1),
                              "Mất máy tính", who=CLERK)
    assert revoked.revoked_from == date(2025, 3, 1) and revoked.revoked_reason == "Mất máy tính"
    assert keys.trusted_key_for(district.store, fpr, date(2025, 2, 28)) == revoked
    assert keys.trusted_key_for(district.store, fpr, date(2025, 3, 1)) is None
    assert keys.trusted_key_for(district.store, fpr, date(2025, 6, 1)) is None
    assert keys.trusted_key_for(district.store, "0" * 64, date(2025, 1, 1)) is None
    assert keys.trusted_key_for(district.store, "not a fingerprint", date(2025, 1, 1)) is None
    assert keys.list_trusted(district.store) == [revoked]  # kept, for the audit

    with pytest.raises(KeysError) as err:  # later: refused, a revocation never shrinks
        keys.revoke_key(district.store, fpr, date(2025, 4, 1), "", who=CLERK)
    assert err.value.reason_code == "key_already_revoked"
    earlier = keys.revoke_key(district.store, fpr, date(2025, 2, 1), "Lộ mật khẩu", who=CLERK)
    assert earlier.revoked_from == date(2025, 2, 1)
    assert keys.trusted_key_for(district.store, fpr, date(2025, 2, 15)) is None

    with pytest.raises(KeysError) as err:  # a revoked key is not trusted again
        trust(district, text, fpr)
    assert err.value.reason_code == "key_revoked"
    with pytest.raises(KeysError) as err:
        keys.revoke_key(district.store, "1" * 64, date(2025, 3, 1), "", who=CLERK)
    assert err.value.reason_code == "key_unknown"

    rows = audit(district, "trusted_key")
    assert [r["action"] for r in rows] == ["update", "update", "insert"]
    assert rows[1]["old"] == {"revoked_from": None, "revoked_reason": ""}
    assert rows[1]["new"] == {"revoked_from": "2025-03-01", "revoked_reason": "Mất máy tính"}
    assert rows[0]["old"]["revoked_from"] == "2025-03-01"


def test_list_trusted_json_form(district):
    for unit_key in (NEIGHBOUR, COMMUNE):
        text, public_key = qnapp_pub_text(unit_key)
        trust(district, text, public_key.fingerprint)
    listed = keys.list_trusted(district.store)
    assert [k.unit for k in listed] == [COMMUNE, NEIGHBOUR]  # by unit
    data = listed[0].as_json()
    assert {"fingerprint", "unit", "holder", "trusted_at", "valid_from", "revoked_from"} <= set(data)
    assert data["valid_from"] == "2025-01-10" and data["revoked_from"] is None
    assert data["key_id"] == listed[0].public_key.key_id_hex
    json.dumps(data)


def test_demo_creates_a_key_with_the_documented_passphrase(tmp_path):
    from qnapp.demo import DEMO_PASSPHRASE, fill_demo

    assert DEMO_PASSPHRASE == "dulieumau-qnapp"
    ws = Workspace.open(tmp_path / "demo.sqlite")
    try:
        summary = fill_demo(ws)
        public_key = keys.own_public_key(ws.store)
        assert public_key is not None and summary.fingerprint == public_key.fingerprint
        _private, loaded = keys.load_signing_key(ws.store, DEMO_PASSPHRASE)
        assert loaded == public_key
        assert keys.list_own_keys(ws.store)[0].unit == ws.profile.unit_key
    finally:
        ws.close(backup_on_close=False)


def test_a_mismatch_names_the_wrong_group_but_never_the_files_fingerprint(district):
    text, public_key = qnapp_pub_text(COMMUNE)
    fpr = public_key.fingerprint
    wrong = fpr[:20] + ("0" if fpr[20] != "0" else "1") + fpr[21:]  # group 6
    with pytest.raises(KeysError) as err:
        trust(district, text, wrong)
    assert "sai từ nhóm thứ 6" in str(err.value)
    assert fpr[:16].upper() not in str(err.value).replace(" ", "").upper()
