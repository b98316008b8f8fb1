"""A parent unit's figures and board: sums of its children's current bundles, read-only
consolidated rows, completeness states, ``status``, drill-down, and the custody checks a
parent's bundle must pass (child signatures, hashes, whose child, every sum)."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from qnapp.bundles.custody import attestation_files, children_in_tree, combine, consolidated_elements
from qnapp.bundles.layout import AGGREGATES, HEADER, child_dir
from qnapp.bundles.ledger import import_bundle
from qnapp.bundles.reasons import REASONS, BundleRejected
from qnapp.bundles.verifier import verify_bundle
from qnapp.catalog import load_catalog
from qnapp.cli import main
from qnapp.bundles.writer import export_bundle, reopen_period
from qnapp.consolidation import (
    children_of,
    completeness,
    consolidated_values,
    drill_down,
    outdated_children,
    status,
)
from qnapp.errors import ValidationError
from qnapp.units import get_unit
from tests.core.bundles.conftest import PASSPHRASE
from tests.core.bundles.forge import Signer, registry, zip_of
from tests.core.bundles.parties import make_bundle, open_unit, trust_signer

TIEN_YEN, HA_LAU, DAI_DUC = "2021:06862", "2021:06865", "2021:06868"
DISTRICT = "2021:199"


@pytest.fixture(scope="module")
def signers() -> dict[str, Signer]:
    return {key: Signer.new(key) for key in (TIEN_YEN, HA_LAU, DAI_DUC, DISTRICT)}


@pytest.fixture
def district(tmp_path, signers, fast_kdf):
    ws = open_unit(tmp_path, DISTRICT, "Lê Văn Huyện", with_key=False)
    for key in (TIEN_YEN, HA_LAU, DAI_DUC):
        trust_signer(ws, signers[key])
    yield ws
    ws.close(backup_on_close=False)


def _take(ws, signer, values, *, day=date(2025, 6, 5), **kw):
    built = make_bundle(signer, values, **kw)
    outcome = import_bundle(ws, built.data, file_name=f"{signer.unit}.zip", today=day)
    assert outcome.status == "accepted", outcome
    return built


def test_combine_adds_sexes_and_totals_by_effective_total():
    catalog = load_catalog()
    elements = consolidated_elements(catalog, get_unit(DISTRICT))
    assert {e.code for e in elements} >= {"GBV_VICTIMS", "LIVE_BIRTHS", "POP_6PLUS", "GOV_BODIES"}
    assert not {"COMMUNES", "GE_MEDIA_COLUMNS", "GE_NEWS_ITEMS"} & {e.code for e in elements}
    a = {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5}
    b = {("GBV_VICTIMS", "nam"): 0, ("GBV_VICTIMS", "nu"): 3, ("GBV_VICTIMS", ""): 4}
    c = {("GBV_VICTIMS", "nu"): 2, ("MATERNAL_DEATHS", ""): 1}
    # nam 1+0, nu 5+3+2; the total exists because Hà Lâu has one: 6 + 4 + 2.
    assert combine(elements, [a, b, c]) == {
        ("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 10, ("GBV_VICTIMS", ""): 12,
        ("MATERNAL_DEATHS", ""): 1}
    assert combine(elements, [a, c]) == {
        ("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 7, ("MATERNAL_DEATHS", ""): 1}
    # The 2021 province sums its districts' district-level elements (COMMUNES included).
    province = {e.code for e in consolidated_elements(catalog, get_unit("2021:22"))}
    assert {"COMMUNES", "COMMUNES_GE_NEWS_OK", "GE_MEDIA_COLUMNS"} <= province
    assert "PARTY_MASS_ORGS" not in province
    # The 2025 province has communes as children: district-only elements stay its own.
    assert "COMMUNES" not in {e.code for e in consolidated_elements(catalog, get_unit("2025:22"))}
    assert consolidated_elements(catalog, get_unit(TIEN_YEN)) == ()


def test_a_parent_sees_sums_never_types_them_and_keeps_its_own_figures(district, signers):
    _take(district, signers[TIEN_YEN], {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5,
                                        ("GBV_VICTIMS_SUPPORTED", "nu"): 4, ("GE_NEWS_ITEMS", ""): 9})
    _take(district, signers[HA_LAU], {("GBV_VICTIMS", "nu"): 3, ("GBV_VICTIMS", ""): 4,
                                      ("GBV_VICTIMS_SUPPORTED", "nu"): 2})
    district.set_cell("202501", "GE_MEDIA_COLUMNS", "", "1")
    district.set_cell("202502", "GE_MEDIA_COLUMNS", "", "2")
    values = district.period_values("2025S1")
    assert values == {
        ("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 8, ("GBV_VICTIMS", ""): 10,
        ("GBV_VICTIMS_SUPPORTED", "nu"): 6, ("GE_MEDIA_COLUMNS", ""): 3,
    }
    # Indicator 3.2a from the sums: 6 supported of 10 victims.
    result = {r.indicator.code: r.value for r in district.indicator_results("2025S1")}
    assert result["3.2a"] == pytest.approx(60.0)
    rows = {r.element.code: r for r in district.grid("2025S1").rows()}
    assert rows["GBV_VICTIMS"].editable is False and rows["GBV_VICTIMS"].values[""] == 10
    assert {r.element.code: r.editable for r in district.grid("2025").rows()}["COMMUNES"] is True
    assert {r.element.code: r.editable for r in district.grid("202503").rows()}["GE_MEDIA_COLUMNS"] is True
    with pytest.raises(ValidationError, match="tổng hợp từ báo cáo"):
        district.set_cell("2025S1", "GBV_VICTIMS", "nu", "9")
    assert district.stored_values("2025S1") == {}


def test_coarser_stocks_come_from_the_childrens_year_reports(district, signers):
    _take(district, signers[TIEN_YEN], {("BIRTHS_MOTHERS_15_19", ""): 2})
    _take(district, signers[HA_LAU], {("BIRTHS_MOTHERS_15_19", ""): 1})
    _take(district, signers[TIEN_YEN], {("WOMEN_15_19", ""): 120}, period="2025", day=date(2025, 12, 1))
    _take(district, signers[HA_LAU], {("WOMEN_15_19", ""): 80}, period="2025", day=date(2025, 12, 1))
    values = district.period_values("2025S1")
    assert values[("WOMEN_15_19", "")] == 200 and values[("BIRTHS_MOTHERS_15_19", "")] == 3
    result = {r.indicator.code: r.value for r in district.indicator_results("2025S1")}
    assert result["4.3"] == pytest.approx(3 * 1000 / 200)


def test_completeness_board_states(district, signers):
    # 2025S1 is due «before 10/6/2025»: the last day to send is 9/6.
    r1 = _take(district, signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 1}, day=date(2025, 6, 9))
    _take(district, signers[HA_LAU], {("GBV_VICTIMS", "nu"): 1}, day=date(2025, 6, 10))
    _take(district, signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 2}, revision=2,
          supersedes=r1.digest, day=date(2025, 6, 20))
    _take(district, signers[DAI_DUC], {("GE_NEWS_ITEMS", ""): 4}, period="2025Q1",
          day=date(2025, 3, 1))
    children = children_of(district)
    assert len(children) == 11 and children[0].name == "Đại Dực" and children[-1].name == "Yên Than"
    board = completeness(district, ["2025Q1", "2025S1"])
    cells = {row[0].unit: row for row in board}
    assert len(board) == 11 and all(len(row) == 2 for row in board)
    ty_q1, ty_s1 = cells[TIEN_YEN]
    assert (ty_q1.state, ty_q1.revision, ty_q1.digest) == ("missing", None, None)
    assert (ty_s1.state, ty_s1.revision, ty_s1.received_at[:10]) == ("corrected", 2, "2025-06-20")
    assert cells[HA_LAU][1].state == "late"
    assert cells[DAI_DUC][0].state == "on_time" and cells[DAI_DUC][1].state == "missing"
    assert cells["2021:06871"][1].state == "missing"  # Xã Phong Dụ sent nothing


def test_a_correction_arriving_after_the_parent_sent_makes_its_report_outdated(tmp_path, signers, fast_kdf):
    from qnapp import keys

    ws = open_unit(tmp_path, DISTRICT, "Lê Văn Huyện")
    trust_signer(ws, signers[TIEN_YEN])
    r1 = _take(ws, signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 5})
    assert outdated_children(ws, "2025S1") == []
    first = export_bundle(ws, "2025S1", PASSPHRASE, tmp_path / "d1.zip")
    assert outdated_children(ws, "2025S1") == []
    _take(ws, signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 6}, revision=2, supersedes=r1.digest)
    assert outdated_children(ws, "2025S1") == [TIEN_YEN]
    assert consolidated_values(ws, "2025S1")[("GBV_VICTIMS", "nu")] == 6
    # Still locked: exporting again rewrites what was sent; a new revision needs reopening.
    assert export_bundle(ws, "2025S1", PASSPHRASE, tmp_path / "again.zip").digest == first.digest
    reopen_period(ws, "2025S1", "Xã Tiên Yên gửi bản sửa")
    second = export_bundle(ws, "2025S1", PASSPHRASE, tmp_path / "d2.zip")
    assert second.revision == 2 and outdated_children(ws, "2025S1") == []
    own = keys.own_public_key(ws.store)
    lookup = {own.key_id: SimpleNamespace(unit=DISTRICT, public_key=own)}.get
    bundle = verify_bundle(second.path.read_bytes(), lookup, today=date(2025, 7, 1))
    assert bundle.header["consolidates"][0]["revision"] == 2 and bundle.supersedes == first.digest
    assert {(r["element"], r["category"]): r["value"] for r in bundle.aggregates} == {("GBV_VICTIMS", "nu"): 6}
    ws.close(backup_on_close=False)


def test_status_shape_cli_and_drill_down(district, signers, tmp_path):
    _take(district, signers[TIEN_YEN], {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5})
    _take(district, signers[HA_LAU], {("GBV_VICTIMS", "nu"): 3, ("GBV_VICTIMS", ""): 4})
    district.set_cell("202501", "GE_MEDIA_COLUMNS", "", "2")
    result = status(district, "2025S1")
    assert list(result) == ["period", "children", "values"] and result["period"] == "2025S1"
    assert all(list(c) == ["unit", "state", "revision", "digest"] for c in result["children"])
    assert {c["unit"]: c["state"] for c in result["children"]}[TIEN_YEN] == "on_time"
    assert result["values"] == [
        {"element": "GBV_VICTIMS", "category": "", "value": 10},
        {"element": "GBV_VICTIMS", "category": "nam", "value": 1},
        {"element": "GBV_VICTIMS", "category": "nu", "value": 8},
        {"element": "GE_MEDIA_COLUMNS", "category": "", "value": 2},
    ]
    assert all(type(v["value"]) is int for v in result["values"])
    by_unit = {u.key: v for u, v in drill_down(district, "2025S1", "GBV_VICTIMS", "")}
    assert (by_unit[TIEN_YEN], by_unit[HA_LAU], by_unit[DAI_DUC]) == (6, 4, None)
    assert {u.key: v for u, v in drill_down(district, "2025S1", "GBV_VICTIMS", "nam")}[HA_LAU] is None
    db = district.store.path
    district.close(backup_on_close=False)

    out = CliRunner().invoke(main, ["--db", str(db), "status", "2025S1", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == result
    human = CliRunner().invoke(main, ["--db", str(db), "status", "2025S1"])
    assert human.exit_code == 0 and "Đơn vị trực thuộc đã gửi báo cáo: 2/11" in human.output
    assert "Chưa gửi" in human.output and "Đúng hạn" in human.output
    assert CliRunner().invoke(main, ["--db", str(db), "status", "2025-S1"]).exit_code == 2


def test_cli_import_json_lines_and_exit_codes(district, signers, tmp_path):
    good = tmp_path / "good.zip"
    good.write_bytes(make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 1}).data)
    held = tmp_path / "held.zip"
    held.write_bytes(make_bundle(signers[HA_LAU], {("GBV_VICTIMS", "nu"): 1}, revision=2,
                                 supersedes="ab" * 32).data)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    db = district.store.path
    district.close(backup_on_close=False)

    def run(*args):
        return CliRunner().invoke(main, ["--db", str(db), "import", *args])

    first = run(str(good), "--json")
    assert first.exit_code == 0, first.output
    assert [json.loads(line) for line in first.stdout.splitlines()] == [
        {"file": str(good), "status": "accepted", "reason_code": "ok",
         "message": "Đã nhận báo cáo của Thị trấn Tiên Yên, kỳ 2025S1, lần gửi 1.",
         "unit": TIEN_YEN, "period": "2025S1", "revision": 1, "declared": False, "warnings": []}]
    assert run(str(good)).exit_code == 0  # a duplicate is fine
    mixed = run(str(good), str(held), str(bad), "--json")
    assert mixed.exit_code == 1
    rows = [json.loads(line) for line in mixed.stdout.splitlines()]
    assert [(r["status"], r["reason_code"]) for r in rows] == [
        ("duplicate", "duplicate"), ("held", "correction_unlinked"), ("rejected", "zip_truncated")]
    # The documented keys stay; unit, period, revision, declared and warnings were added.
    assert all(set(r) == {"file", "status", "reason_code", "message", "unit", "period", "revision", "declared",
                          "warnings"} for r in rows)
    assert (rows[1]["unit"], rows[1]["period"], rows[1]["revision"]) == (HA_LAU, "2025S1", 2)
    # A file that is not even a zip: its name and why, no unit or period to tell.
    assert (rows[2]["unit"], rows[2]["period"], rows[2]["declared"]) == (None, None, False)
    assert rows[2]["message"].startswith("Tệp bad.zip: không đọc được đơn vị và kỳ báo cáo trong tệp. Lý do không nhận: ")
    human = run(str(tmp_path))
    assert human.exit_code == 1 and "KHÔNG NHẬN" in human.output and "CHỜ XEM XÉT" in human.output
    assert "bad.zip: [zip_truncated] Tệp bad.zip: không đọc được đơn vị và kỳ" in human.output
    assert run(str(tmp_path / "absent.zip")).exit_code == 2
    assert run().exit_code == 2


# --- a parent's bundle: custody checks (built without a database) ------------------------------


def _entry(built, signer):
    header = json.loads(built.members[HEADER])
    return {"unit": signer.unit, "bundle_id": header["bundle_id"], "revision": header["revision"],
            "digest": built.digest, "key_fingerprint": signer.public_key.fingerprint}


def _children_files(pairs):
    files = {}
    for built, signer in pairs:
        for name, data in attestation_files(built.members, signer.public_key, signer.unit).items():
            files[child_dir(built.digest) + name] = data
    return files


ALL_TIEN_YEN = sorted(u.key for u in children_in_tree(get_unit(DISTRICT)))


def _district_bundle(signers, pairs, values, *, missing=None, entries=None, files=None, period="2025S1",
                     **kw):
    entries = entries if entries is not None else [_entry(b, s) for b, s in pairs]
    if missing is None:
        missing = sorted(set(ALL_TIEN_YEN) - {e["unit"] for e in entries})
    return make_bundle(signers[DISTRICT], values, period=period, consolidates=entries, missing=missing,
                       children=files if files is not None else _children_files(pairs), **kw)


def _code(data, signers) -> str:
    with pytest.raises(BundleRejected) as err:
        verify_bundle(data, registry(signers[DISTRICT]), today=date(2025, 7, 1))
    assert err.value.reason_code in REASONS and str(err.value)
    return err.value.reason_code


@pytest.fixture(scope="module")
def kids(signers):
    a = make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 5})
    b = make_bundle(signers[HA_LAU], {("GBV_VICTIMS", "nu"): 3})
    return [(a, signers[TIEN_YEN]), (b, signers[HA_LAU])]


SUMS = {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 8, ("GE_MEDIA_COLUMNS", ""): 2}


def test_a_well_formed_parent_bundle_verifies_with_its_children(signers, kids):
    good = _district_bundle(signers, kids, SUMS)
    bundle = verify_bundle(good.data, registry(signers[DISTRICT]), today=date(2025, 7, 1))
    assert [c.unit for c in bundle.children] == [TIEN_YEN, HA_LAU]
    assert len(bundle.missing) == 9 and "2021:06871" in bundle.missing
    assert bundle.children[0].aggregates[1] == {"category": "nu", "element": "GBV_VICTIMS", "value": 5}


def test_parent_bundle_custody_failures_each_have_a_code(signers, kids):
    # A child's figures edited inside the parent's bundle (the parent re-signed it).
    files = _children_files(kids)
    name = child_dir(kids[0][0].digest) + "aggregates.json"
    files[name] = files[name].replace(b'"value":5', b'"value":6')
    assert _code(_district_bundle(signers, kids, SUMS, files=files).data, signers) == "child_hash_mismatch"
    # A child's signature replaced by one over other bytes.
    files = _children_files(kids)
    other = make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 7})
    files[child_dir(kids[0][0].digest) + "bundle.minisig"] = other.members["signature/bundle.minisig"]
    assert _code(_district_bundle(signers, kids, SUMS, files=files).data, signers) == "child_signature_invalid"
    # The key the parent vouches for is not the child's.
    files = _children_files(kids)
    files[child_dir(kids[0][0].digest) + "unit.pub"] = attestation_files(
        kids[0][0].members, signers[HA_LAU].public_key, TIEN_YEN)["unit.pub"]
    assert _code(_district_bundle(signers, kids, SUMS, files=files).data, signers) == "child_key_mismatch"
    # A sum that does not check.
    wrong = {**SUMS, ("GBV_VICTIMS", "nu"): 9}
    assert _code(_district_bundle(signers, kids, wrong).data, signers) == "child_sum_mismatch"
    assert _code(_district_bundle(signers, kids, {("GE_MEDIA_COLUMNS", ""): 2}).data, signers) == "child_sum_mismatch"
    # A commune of another district consolidated.
    outsider = Signer.new("2021:06652")
    foreign = [(make_bundle(outsider, {("GBV_VICTIMS", "nu"): 3}), outsider), kids[0]]
    entries = sorted((_entry(b, s) for b, s in foreign), key=lambda e: e["unit"])
    assert _code(_district_bundle(signers, foreign, SUMS, entries=entries,
                                  missing=sorted(set(ALL_TIEN_YEN) - {TIEN_YEN})).data,
                 signers) == "child_not_of_sender"
    # A child neither consolidated nor declared missing.
    short = sorted(set(ALL_TIEN_YEN) - {TIEN_YEN, HA_LAU, "2021:06871"})
    assert _code(_district_bundle(signers, kids, SUMS, missing=short).data, signers) == "child_set_mismatch"
    # A child's report of another period.
    q1 = [(make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 5}, period="2025"), signers[TIEN_YEN]),
          kids[1]]
    assert _code(_district_bundle(signers, q1, SUMS).data, signers) == "child_period_mismatch"
    # The header's entry disagrees with the attestation (another revision claimed).
    entries = [_entry(b, s) for b, s in kids]
    entries[0]["revision"] = 2
    assert _code(_district_bundle(signers, kids, SUMS, entries=entries).data, signers) == "child_attestation_invalid"
    # A parent's bundle without custody, and a commune's bundle with some.
    assert _code(make_bundle(signers[DISTRICT], SUMS).data, signers) == "header_invalid"
    commune = make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nu"): 1}, children=_children_files(kids[1:]))
    with pytest.raises(BundleRejected) as err:
        verify_bundle(commune.data, registry(signers[TIEN_YEN]), today=date(2025, 7, 1))
    assert err.value.reason_code == "child_attestation_invalid"


def test_importing_a_parent_bundle_stores_the_childrens_figures_too(tmp_path, signers, kids, fast_kdf):
    province = open_unit(tmp_path, "2021:22", with_key=False)
    trust_signer(province, signers[DISTRICT])
    good = _district_bundle(signers, kids, SUMS)
    outcome = import_bundle(province, good.data, file_name="tien-yen.zip", today=date(2025, 6, 20))
    assert outcome.status == "accepted", outcome
    assert consolidated_values(province, "2025S1") == SUMS
    inside = {u.key: v for u, v in drill_down(province, "2025S1", "GBV_VICTIMS", "nu", within=DISTRICT)}
    assert (inside[TIEN_YEN], inside[HA_LAU], inside["2021:06871"]) == (5, 3, None)
    custody = province.store.conn.execute(
        "SELECT child_unit, child_digest FROM received_custody WHERE child_digest IS NOT NULL "
        "ORDER BY child_unit").fetchall()
    assert custody == [(TIEN_YEN, kids[0][0].digest), (HA_LAU, kids[1][0].digest)]
    # The district's next revision may not go back to an older report of a commune, nor
    # drop one it had consolidated.
    ty2 = make_bundle(signers[TIEN_YEN], {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 6},
                      revision=2, supersedes=kids[0][0].digest)
    newer = _district_bundle(signers, [(ty2, signers[TIEN_YEN]), kids[1]],
                             {**SUMS, ("GBV_VICTIMS", "nu"): 9}, revision=2, supersedes=good.digest)
    assert import_bundle(province, newer.data, file_name="r2.zip").status == "accepted"
    back = _district_bundle(signers, kids, SUMS, revision=3, supersedes=newer.digest)
    refused = import_bundle(province, back.data, file_name="r3.zip")
    assert (refused.status, refused.reason_code) == ("rejected", "child_rollback")
    dropped = _district_bundle(signers, [(ty2, signers[TIEN_YEN])],
                               {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 6, ("GE_MEDIA_COLUMNS", ""): 2},
                               revision=3, supersedes=newer.digest)
    assert import_bundle(province, dropped.data, file_name="r3b.zip").reason_code == "child_rollback"
    assert consolidated_values(province, "2025S1")[("GBV_VICTIMS", "nu")] == 9
    # A tampered district bundle never reaches the ledger.
    members = dict(good.members)
    members[AGGREGATES] = members[AGGREGATES].replace(b'"value":8', b'"value":9')
    assert import_bundle(province, zip_of(members), file_name="x.zip").reason_code == "payload_hash_mismatch"
    province.close(backup_on_close=False)
