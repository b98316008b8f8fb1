"""The import ledger (docs/bundle-design.md §9.5): every rule, held corrections and the clerk, and
that a refused file changes nothing but the append-only logs."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from qnapp import keys
from qnapp.bundles.layout import AGGREGATES
from qnapp.bundles.ledger import (
    accept_held,
    held_bundles,
    import_bundle,
    import_files,
    reject_held,
    scan_paths,
)
from qnapp.bundles.peek import Declared
from qnapp.bundles.reasons import reason_message
from qnapp.consolidation import consolidated_values, drill_down
from qnapp.errors import QnappError, ValidationError
from qnapp.units import get_unit
from tests.core.bundles.forge import Signer, zip_of
from tests.core.bundles.parties import count, dump, make_bundle, open_unit, trust_signer

DAY = date(2025, 6, 5)
TIEN_YEN, HA_LAU = "2021:06862", "2021:06865"
FIRST = {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5, ("LIVE_BIRTHS", "nu"): 9}
SECOND = {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 6, ("LIVE_BIRTHS", "nu"): 9}
THIRD = {("GBV_VICTIMS", "nam"): 2, ("GBV_VICTIMS", "nu"): 6, ("LIVE_BIRTHS", "nu"): 9}


@pytest.fixture(scope="module")
def tien_yen() -> Signer:
    return Signer.new(TIEN_YEN)


@pytest.fixture(scope="module")
def ha_lau() -> Signer:
    return Signer.new(HA_LAU)


@pytest.fixture(scope="module")
def chain(tien_yen):
    """Revisions 1, 2, 3 of Tiên Yên's 2025S1 report, each superseding the previous."""
    r1 = make_bundle(tien_yen, FIRST)
    r2 = make_bundle(tien_yen, SECOND, revision=2, supersedes=r1.digest)
    r3 = make_bundle(tien_yen, THIRD, revision=3, supersedes=r2.digest)
    return r1, r2, r3


@pytest.fixture
def district(tmp_path, tien_yen, ha_lau, fast_kdf):
    ws = open_unit(tmp_path, "2021:199", "Lê Văn Huyện", with_key=False)
    trust_signer(ws, tien_yen)
    trust_signer(ws, ha_lau)
    yield ws
    ws.close(backup_on_close=False)


def _import(ws, built, name="goi.zip", today=DAY):
    return import_bundle(ws, built.data if hasattr(built, "data") else built, file_name=name, today=today)


def _gbv_nu(ws) -> float | None:
    return consolidated_values(ws, "2025S1").get(("GBV_VICTIMS", "nu"))


def _statuses(ws) -> dict[int, str]:
    return dict(ws.store.conn.execute("SELECT revision, status FROM received_bundles").fetchall())


def test_accept_then_same_digest_is_a_no_op_duplicate(district, chain):
    r1 = chain[0]
    first = _import(district, r1, "a.zip")
    assert (first.status, first.reason_code, first.digest, first.unit, first.period, first.revision) == (
        "accepted", "ok", r1.digest, TIEN_YEN, "2025S1", 1)
    assert "Thị trấn Tiên Yên" in first.message
    before = dump(district)
    again = _import(district, r1, "b.zip")
    assert (again.status, again.reason_code, again.file) == ("duplicate", "duplicate", "b.zip")
    assert "không thay đổi" in again.message
    assert dump(district) == before
    # The original zip is kept for audit, byte for byte; the figures are the child's.
    content = district.store.conn.execute("SELECT content FROM received_bundles").fetchone()[0]
    assert content == r1.data
    assert _gbv_nu(district) == 5
    actions = [a["action"] for a in district.store.audit_log("bundle_import")]
    assert actions == ["duplicate", "accept"]


def test_header_unit_name_and_catalog_version_differences_warn_but_do_not_refuse(district, tien_yen, chain):
    """The signed unit name and catalog version are compared with this program's unit list
    and catalog: a difference is a note in the outcome (message and --json), never a refusal."""
    plain = _import(district, chain[0], "a.zip")
    assert plain.status == "accepted" and plain.warnings == () and "Lưu ý" not in plain.message
    odd = make_bundle(tien_yen, FIRST, period="2024S2", catalog_version="82-2019.0",
                      unit_name="Thị trấn Tiên Yên (tên cũ)")
    outcome = _import(district, odd, "b.zip")
    assert (outcome.status, outcome.reason_code) == ("accepted", "ok")
    assert len(outcome.warnings) == 2
    assert "«Thị trấn Tiên Yên (tên cũ)»" in outcome.warnings[0] and "«Thị trấn Tiên Yên»" in outcome.warnings[0]
    assert "«82-2019.0»" in outcome.warnings[1]
    assert all(w in outcome.message for w in outcome.warnings)
    assert outcome.as_json()["warnings"] == list(outcome.warnings)


def test_correction_supersedes_and_a_resent_old_revision_does_not_roll_back(district, chain):
    r1, r2, _r3 = chain
    assert _import(district, r1).status == "accepted"
    second = _import(district, r2)
    assert second.status == "accepted" and "Thay thế lần gửi 1" in second.message
    assert _statuses(district) == {1: "superseded", 2: "accepted"}
    assert _gbv_nu(district) == 6
    before = dump(district)
    old = _import(district, r1)
    assert (old.status, old.reason_code) == ("duplicate", "duplicate")
    assert dump(district) == before and _gbv_nu(district) == 6


def test_a_tampered_copy_of_a_known_bundle_is_rejected_not_duplicate(district, chain):
    r1 = chain[0]
    _import(district, r1)
    members = dict(r1.members)
    members[AGGREGATES] = members[AGGREGATES].replace(b'"value":5', b'"value":7')
    outcome = _import(district, zip_of(members))
    assert (outcome.status, outcome.reason_code) == ("rejected", "payload_hash_mismatch")
    assert outcome.digest is None


def test_same_bundle_id_with_other_content_is_rejected(district, chain, tien_yen):
    r1 = chain[0]
    _import(district, r1)
    bundle_id = district.store.conn.execute("SELECT bundle_id FROM received_bundles").fetchone()[0]
    other = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 2}, bundle_id=bundle_id)
    outcome = _import(district, other)
    assert (outcome.status, outcome.reason_code) == ("rejected", "bundle_id_reused")
    assert _gbv_nu(district) == 5


def test_stale_revision_and_forks_are_rejected(district, chain, tien_yen):
    r1, r2, _r3 = chain
    _import(district, r1)
    _import(district, r2)
    stale = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 1})  # another revision 1
    outcome = _import(district, stale)
    assert (outcome.status, outcome.reason_code) == ("rejected", "revision_stale")
    assert "cũ hơn" in outcome.message
    fork = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 8}, revision=2, supersedes=r1.digest)
    outcome = _import(district, fork)
    assert (outcome.status, outcome.reason_code) == ("rejected", "revision_stale")
    assert "cùng một lần gửi" in outcome.message
    assert _statuses(district) == {1: "superseded", 2: "accepted"} and _gbv_nu(district) == 6


def test_unlinked_correction_is_held_then_the_clerk_accepts_it(district, chain, tien_yen):
    r1 = chain[0]
    _import(district, r1)
    unlinked = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 8}, revision=2, supersedes="ab" * 32)
    outcome = _import(district, unlinked, "sua.zip")
    assert (outcome.status, outcome.reason_code) == ("held", "correction_unlinked")
    assert "chờ cán bộ" in outcome.message
    assert _gbv_nu(district) == 5  # a hold changes no figure
    [held] = held_bundles(district)
    assert (held.digest, held.file, held.unit, held.period, held.revision, held.supersedes,
            held.reason_code) == (unlinked.digest, "sua.zip", TIEN_YEN, "2025S1", 2, "ab" * 32,
                                  "correction_unlinked")
    again = _import(district, unlinked)  # the same file again stays held, no new row
    assert again.status == "held" and len(held_bundles(district)) == 1

    accepted = accept_held(district, unlinked.digest, today=DAY)
    assert (accepted.status, accepted.reason_code, accepted.revision) == ("accepted", "ok", 2)
    assert held_bundles(district) == [] and _gbv_nu(district) == 8
    assert _statuses(district) == {1: "superseded", 2: "accepted"}
    with pytest.raises(QnappError):
        accept_held(district, unlinked.digest)


def test_unlinked_correction_rejected_by_the_clerk_stays_rejected(district, chain, tien_yen):
    _import(district, chain[0])
    unlinked = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 8}, revision=2, supersedes="cd" * 32)
    _import(district, unlinked)
    with pytest.raises(ValidationError):
        reject_held(district, unlinked.digest, "  ")
    outcome = reject_held(district, unlinked.digest, "Xã chưa giải thích số liệu sửa")
    assert (outcome.status, outcome.reason_code) == ("rejected", "rejected_by_clerk")
    assert "Xã chưa giải thích" in outcome.message
    assert held_bundles(district) == [] and _gbv_nu(district) == 5
    again = _import(district, unlinked)
    assert (again.status, again.reason_code) == ("rejected", "rejected_by_clerk")


def test_a_revision_jump_is_held_and_released_when_the_missing_one_arrives(district, chain):
    r1, r2, r3 = chain
    _import(district, r1)
    jump = _import(district, r3)
    assert (jump.status, jump.reason_code) == ("held", "revision_jump")
    assert "thiếu lần gửi" in jump.message
    middle = _import(district, r2)
    assert middle.status == "accepted"
    # Revision 3 names revision 2's digest: re-evaluated and accepted with it.
    assert _statuses(district) == {1: "superseded", 2: "superseded", 3: "accepted"}
    assert held_bundles(district) == [] and consolidated_values(district, "2025S1")[("GBV_VICTIMS", "nam")] == 2


def test_a_correction_arriving_before_the_original_waits_for_it(district, chain):
    r1, r2, _r3 = chain
    early = _import(district, r2)
    assert (early.status, early.reason_code) == ("held", "correction_unlinked")
    assert "chưa nhận" in early.message
    assert _import(district, r1).status == "accepted"
    assert _statuses(district) == {1: "superseded", 2: "accepted"} and _gbv_nu(district) == 6


def test_the_clerk_cannot_accept_a_held_bundle_into_a_rollback(district, chain, tien_yen):
    r1, r2, r3 = chain
    _import(district, r1)
    stray = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 9}, revision=2, supersedes="ef" * 32)
    assert _import(district, stray).status == "held"
    _import(district, r2)
    _import(district, r3)
    outcome = accept_held(district, stray.digest, today=DAY)
    assert (outcome.status, outcome.reason_code) == ("rejected", "revision_stale")
    assert held_bundles(district) == [] and _gbv_nu(district) == 6


def test_untrusted_key_is_rejected(district):
    stranger = Signer.new("2021:06868")  # a child, but its key was never registered
    outcome = _import(district, make_bundle(stranger, FIRST))
    assert (outcome.status, outcome.reason_code) == ("rejected", "key_unknown")


def test_a_key_of_one_commune_cannot_sign_for_its_neighbour(district, ha_lau):
    forged = make_bundle(Signer(ha_lau.private_key, ha_lau.public_key, TIEN_YEN), FIRST)
    outcome = _import(district, forged)
    assert (outcome.status, outcome.reason_code) == ("rejected", "key_wrong_unit")


def test_revoked_key_is_rejected_from_its_revocation_date(district, chain, tien_yen):
    keys.revoke_key(district.store, tien_yen.public_key.fingerprint, date(2025, 6, 1), "Mất máy",
                    who=district.officer)
    outcome = _import(district, chain[0], today=date(2025, 6, 1))
    assert (outcome.status, outcome.reason_code) == ("rejected", "key_revoked")
    assert _import(district, chain[0], today=date(2025, 5, 31)).status == "accepted"


def test_a_unit_that_is_not_a_child_is_rejected(district):
    # A commune of another district, its key slipped into the registry by hand.
    outsider = Signer.new("2021:06652")  # Phường Hà Phong, Thành phố Hạ Long
    district.store.conn.execute(
        "INSERT INTO trusted_keys (fingerprint, key_id, public_key, unit, holder, trusted_at, "
        "trusted_by, valid_from) VALUES (?, ?, ?, ?, '', '2025-01-01T00:00:00+07:00', 'x', '2025-01-01')",
        [outsider.public_key.fingerprint, outsider.public_key.key_id.hex(),
         outsider.public_key.to_base64(), outsider.unit])
    before = dump(district)
    outcome = _import(district, make_bundle(outsider, FIRST))
    assert (outcome.status, outcome.reason_code, outcome.unit) == ("rejected", "not_a_child", "2021:06652")
    assert "không phải đơn vị trực thuộc" in outcome.message
    assert dump(district) == before


def test_the_province_refuses_a_child_of_its_other_tree(tmp_path, fast_kdf):
    """The province trusts keys of its children in both trees, but consolidates its own
    tree: a 2025 commune's bundle is not for a province set up on the 2021 tree."""
    province = open_unit(tmp_path, "2021:22", with_key=False)
    commune = Signer.new("2025:06652")
    trust_signer(province, commune)
    outcome = import_bundle(province, make_bundle(commune, FIRST, period="2025S2").data,
                            file_name="x.zip", today=date(2025, 12, 1))
    assert (outcome.status, outcome.reason_code) == ("rejected", "not_a_child")
    province.close(backup_on_close=False)


def test_a_refused_file_changes_nothing_but_the_logs(district, chain, tien_yen):
    r1 = chain[0]
    _import(district, r1)
    district.set_cell("202501", "GE_MEDIA_COLUMNS", "", "2")  # the district's own figure
    before = dump(district)
    logged = count(district, "import_rejections")
    members = dict(r1.members)
    members[AGGREGATES] = members[AGGREGATES].replace(b'"value":5', b'"value":7')
    refused = [
        _import(district, b"not a zip at all"),
        _import(district, zip_of(members)),
        _import(district, make_bundle(tien_yen, FIRST, bundle_id=None)),  # stale fork
        _import(district, make_bundle(Signer.new(TIEN_YEN), FIRST)),  # unknown key
    ]
    assert [o.status for o in refused] == ["rejected"] * 4
    assert dump(district) == before
    rows = district.store.conn.execute(
        "SELECT file_sha256, reason_code, digest FROM import_rejections ORDER BY id").fetchall()[logged:]
    assert [r[1] for r in rows] == ["not_a_zip", "payload_hash_mismatch", "revision_stale", "key_unknown"]
    assert all(len(r[0]) == 64 for r in rows)
    assert rows[2][2] is not None and rows[0][2] is None  # the digest when the bundle verified
    # No child value from any refused file; the district's own figure untouched.
    assert count(district, "received_values") == len(FIRST)
    assert district.stored_values("202501") == {("GE_MEDIA_COLUMNS", ""): 2.0}
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        district.store.conn.execute("DELETE FROM import_rejections")


def test_import_files_scans_folders_and_can_be_cancelled(district, chain, ha_lau, tmp_path):
    usb = tmp_path / "usb"
    (usb / "Tiên Yên").mkdir(parents=True)
    (usb / ".Trash").mkdir()
    (usb / "Tiên Yên" / "r1.ZIP").write_bytes(chain[0].data)
    (usb / "b-ha-lau.zip").write_bytes(make_bundle(ha_lau, FIRST).data)
    (usb / "._b-ha-lau.zip").write_bytes(b"AppleDouble")
    (usb / ".Trash" / "old.zip").write_bytes(b"junk")
    (usb / "ghi-chu.txt").write_text("x")
    assert [p.name for p in scan_paths([usb])] == ["b-ha-lau.zip", "r1.ZIP"]

    seen = []
    outcomes = import_files(district, [usb, tmp_path / "absent.zip"], today=DAY,
                            progress=lambda done, total, o: seen.append((done, total)) or done < 1)
    assert seen == [(1, 3)] and len(outcomes) == 1 and outcomes[0].status == "accepted"
    outcomes = import_files(district, [usb, tmp_path / "absent.zip"], today=DAY)
    assert [(o.status, o.reason_code) for o in outcomes] == [
        ("duplicate", "duplicate"), ("accepted", "ok"), ("rejected", "file_unreadable")]
    assert [u.code for u, v in drill_down(district, "2025S1", "GBV_VICTIMS", "nu") if v == 5] == ["06865", "06862"]


def test_a_refused_file_says_which_unit_period_and_file_it_was(district, tien_yen):
    stranger = Signer.new("2021:06868")  # a key the district never trusted
    unknown = make_bundle(stranger, FIRST, period="2025S1")
    outcome = _import(district, unknown, "D:/usb/bao-cao.zip")
    assert (outcome.status, outcome.reason_code) == ("rejected", "key_unknown")
    assert outcome.unit is None  # not vouched for by a signature, so never stored as the sender
    assert outcome.declared == Declared("2021:06868", "2025S1", 1)
    assert outcome.message.startswith(
        "Tệp bao-cao.zip ghi là báo cáo của {unit}, kỳ 2025S1, lần gửi 1 (chưa kiểm chứng được). "
        "Lý do không nhận: ".format(unit=get_unit("2021:06868").full_name))
    assert reason_message("key_unknown") in outcome.message
    line = outcome.as_json()
    assert (line["unit"], line["period"], line["revision"], line["declared"]) == ("2021:06868", "2025S1", 1, True)
    logged = district.store.conn.execute("SELECT unit, period FROM import_rejections").fetchall()
    assert logged == [(None, None)]


def test_a_refusal_after_verification_names_the_report(district, chain, tien_yen):
    r1 = chain[0]
    _import(district, r1)
    bundle_id = district.store.conn.execute("SELECT bundle_id FROM received_bundles").fetchone()[0]
    other = make_bundle(tien_yen, {("GBV_VICTIMS", "nu"): 2}, bundle_id=bundle_id, revision=2,
                        supersedes=r1.digest)
    outcome = _import(district, other)
    assert outcome.reason_code == "bundle_id_reused"
    assert outcome.message.startswith("Gói của Thị trấn Tiên Yên, kỳ 2025S1, lần gửi 2: Mã gói ")
    assert outcome.as_json()["declared"] is False and outcome.as_json()["unit"] == TIEN_YEN
