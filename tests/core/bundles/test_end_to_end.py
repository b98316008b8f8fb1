"""End to end, with real databases and keys: communes enter figures and export; their
parent trusts their keys, imports, sees who is missing, consolidates and exports; the
province trusts only the district key, re-verifies every commune signature and gets the
same sums. Every expected number below was added up by hand.

2021 tree: three communes of Huyện Tiên Yên (199) → the district → the province (22).
2025 tree: three communes → the province directly.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import date

import bagit
import pytest
from click.testing import CliRunner

from qnapp import keys
from qnapp.bundles.layout import AGGREGATES, CHILD_KEY, child_dir
from qnapp.bundles.ledger import import_bundle, import_files, key_lookup
from qnapp.bundles.verifier import verify_bundle
from qnapp.bundles.writer import export_bundle
from qnapp.cli import main
from qnapp.consolidation import completeness, drill_down, status
from qnapp.workspace import ActivityDraft
from tests.core.bundles.conftest import PASSPHRASE
from tests.core.bundles.forge import Signer, resign, zip_of
from tests.core.bundles.parties import dump, open_unit, trust_unit

RECEIVED = date(2025, 6, 5)  # before the 2025S1 due date (send before 10/6/2025)

# What each commune's officer types for 2025S1 (element, category) -> value.
COMMUNES_2021 = {
    "2021:06862": {  # Thị trấn Tiên Yên
        ("2025S1", "GBV_VICTIMS", "nam"): 1, ("2025S1", "GBV_VICTIMS", "nu"): 5,
        ("2025S1", "GBV_VICTIMS_SUPPORTED", "nam"): 1, ("2025S1", "GBV_VICTIMS_SUPPORTED", "nu"): 4,
        ("2025S1", "LIVE_BIRTHS", "nam"): 12, ("2025S1", "LIVE_BIRTHS", "nu"): 10,
        ("2025S1", "MATERNAL_DEATHS", ""): 0, ("2025S1", "BIRTHS_MOTHERS_15_19", ""): 1,
        ("2025Q1", "GE_NEWS_ITEMS", ""): 4, ("2025Q2", "GE_NEWS_ITEMS", ""): 5,
    },
    "2021:06865": {  # Xã Hà Lâu: one victim whose sex is not recorded
        ("2025S1", "GBV_VICTIMS", "nam"): 0, ("2025S1", "GBV_VICTIMS", "nu"): 3,
        ("2025S1", "GBV_VICTIMS", ""): 4, ("2025S1", "GBV_VICTIMS_SUPPORTED", "nu"): 3,
        ("2025S1", "LIVE_BIRTHS", "nam"): 7, ("2025S1", "LIVE_BIRTHS", "nu"): 8,
        ("2025S1", "BIRTHS_MOTHERS_15_19", ""): 2,
    },
    "2021:06868": {  # Xã Đại Dực
        ("2025S1", "GBV_VICTIMS", "nu"): 2, ("2025S1", "GBV_VICTIMS_SUPPORTED", "nu"): 1,
        ("2025S1", "LIVE_BIRTHS", "nam"): 5, ("2025S1", "LIVE_BIRTHS", "nu"): 6,
        ("2025S1", "MATERNAL_DEATHS", ""): 1,
    },
}
# The district's own figure: media columns, January–June 1+0+2+1+0+1 = 5.
DISTRICT_OWN = {(f"20250{m}", "GE_MEDIA_COLUMNS", ""): v for m, v in zip(range(1, 7), (1, 0, 2, 1, 0, 1))}

# By hand: nam 1+0 (Đại Dực none) = 1; nữ 5+3+2 = 10; total (1+5) + 4 (stored) + 2 = 12.
# Supported: nam 1; nữ 4+3+1 = 8 (no stored total: 9 by nam + nữ). Births: 12+7+5, 10+8+6.
# Maternal deaths 0+1; mothers 15–19: 1+2; news items stay at commune level.
EXPECTED_2021 = [
    {"element": "BIRTHS_MOTHERS_15_19", "category": "", "value": 3},
    {"element": "GBV_VICTIMS", "category": "", "value": 12},
    {"element": "GBV_VICTIMS", "category": "nam", "value": 1},
    {"element": "GBV_VICTIMS", "category": "nu", "value": 10},
    {"element": "GBV_VICTIMS_SUPPORTED", "category": "nam", "value": 1},
    {"element": "GBV_VICTIMS_SUPPORTED", "category": "nu", "value": 8},
    {"element": "GE_MEDIA_COLUMNS", "category": "", "value": 5},
    {"element": "LIVE_BIRTHS", "category": "nam", "value": 24},
    {"element": "LIVE_BIRTHS", "category": "nu", "value": 24},
    {"element": "MATERNAL_DEATHS", "category": "", "value": 1},
]


def _commune_exports(tmp_path, communes, period):
    """Each commune: init + key, figures, one activity, export. Returns (workspaces, files)."""
    units, files = {}, []
    for key, figures in communes.items():
        ws = open_unit(tmp_path, key, f"Cán bộ {key[-5:]}")
        ws.apply_values(figures)
        out = tmp_path / f"{key.replace(':', '-')}_{period}.zip"
        export_bundle(ws, period, PASSPHRASE, out)
        units[key], files = ws, files + [out]
    return units, files


@pytest.fixture
def chain_2021(tmp_path, fast_kdf):
    communes, files = _commune_exports(tmp_path, COMMUNES_2021, "2025S1")
    district = open_unit(tmp_path, "2021:199", "Lê Văn Huyện")
    for ws in communes.values():
        trust_unit(district, ws)
    yield communes, files, district
    for ws in (*communes.values(), district):
        ws.close(backup_on_close=False)


def test_2021_communes_to_district_to_province(chain_2021, tmp_path):
    communes, files, district = chain_2021
    district.add_activity(ActivityDraft(date=date(2025, 3, 8), type="truyen_thong",
                                        title="Mít tinh ngày Quốc tế Phụ nữ", participants_male=20,
                                        participants_female=60, objectives=(1,)))
    outcomes = import_files(district, files, today=RECEIVED)
    assert [(o.status, o.unit) for o in outcomes] == [("accepted", k) for k in COMMUNES_2021]
    district.apply_values(DISTRICT_OWN)

    # The board: three on time, the other eight communes missing (Xã Phong Dụ among them).
    [column] = zip(*completeness(district, ["2025S1"]))
    states = {c.unit: c.state for c in column}
    assert len(states) == 11 and sum(s == "on_time" for s in states.values()) == 3
    assert states["2021:06871"] == "missing" and sum(s == "missing" for s in states.values()) == 8
    assert status(district, "2025S1")["values"] == EXPECTED_2021
    results = {r.indicator.code: r.value for r in district.indicator_results("2025S1")}
    assert results["3.2a"] == pytest.approx(9 / 12 * 100) and results["4.1"] == pytest.approx(100.0)

    sent = export_bundle(district, "2025S1", PASSPHRASE, tmp_path / "tien-yen_2025S1.zip")
    data = sent.path.read_bytes()

    province = open_unit(tmp_path, "2021:22", "Trần Thị Tỉnh", with_key=False)
    trust_unit(province, district)  # only the district's key
    assert {k.unit for k in keys.list_trusted(province.store)} == {"2021:199"}
    bundle = verify_bundle(data, key_lookup(province.store, RECEIVED), today=RECEIVED)
    own_keys = {keys.own_public_key(ws.store).fingerprint for ws in communes.values()}
    assert {c.unit for c in bundle.children} == set(COMMUNES_2021)
    assert {c.key_fingerprint for c in bundle.children} == own_keys  # every commune re-verified
    assert len(bundle.missing) == 8 and "2021:06871" in bundle.missing
    header = bundle.header
    assert [e["unit"] for e in header["consolidates"]] == sorted(COMMUNES_2021)
    assert {e["digest"] for e in header["consolidates"]} == {o.digest for o in outcomes}
    assert bundle.activities[0]["title"] == "Mít tinh ngày Quốc tế Phụ nữ"

    _public_tools_check(data, tmp_path / "unzipped", [child_dir(o.digest) for o in outcomes])

    outcome = import_bundle(province, data, file_name=sent.path.name, today=date(2025, 6, 8))
    assert (outcome.status, outcome.unit) == ("accepted", "2021:199")
    result = status(province, "2025S1")
    assert result["values"] == EXPECTED_2021
    assert {c["unit"]: c["state"] for c in result["children"]}["2021:199"] == "on_time"
    assert sum(c["state"] == "missing" for c in result["children"]) == 12  # 13 districts
    inside = {u.key: v for u, v in drill_down(province, "2025S1", "GBV_VICTIMS", "", within="2021:199")}
    assert (inside["2021:06862"], inside["2021:06865"], inside["2021:06868"], inside["2021:06871"]) == (6, 4, 2, None)
    db = province.store.path
    province.close(backup_on_close=False)
    out = CliRunner().invoke(main, ["--db", str(db), "status", "2025S1", "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == result


def test_2021_district_bundle_with_a_bad_child_or_sum_is_rejected(chain_2021, tmp_path):
    communes, files, district = chain_2021
    import_files(district, files, today=RECEIVED)
    sent = export_bundle(district, "2025S1", PASSPHRASE, tmp_path / "d.zip")
    with zipfile.ZipFile(io.BytesIO(sent.path.read_bytes())) as z:
        members = {n: z.read(n) for n in z.namelist()}
    private, public = keys.load_signing_key(district.store, PASSPHRASE)
    signer = Signer(private, public, "2021:199")
    tien_yen = child_dir(_digest_of(files[0], district))

    def forged(**changes):
        out = dict(members)
        for name, (old, new) in changes.items():
            assert out[name].count(old) == 1
            out[name] = out[name].replace(old, new)
        return zip_of(resign(out, signer))  # the district's signature stays valid

    minisig = members[tien_yen + "bundle.minisig"].split(b"\n")
    flipped = minisig[1][:40] + (b"B" if minisig[1][40:41] != b"B" else b"C") + minisig[1][41:]

    province = open_unit(tmp_path, "2021:22", with_key=False)
    trust_unit(province, district)
    before = dump(province)
    cases = {
        "child_hash_mismatch": forged(**{tien_yen + "aggregates.json": (b'"value":5', b'"value":6')}),
        "child_signature_invalid": forged(**{tien_yen + "bundle.minisig": (minisig[1], flipped)}),
        "child_sum_mismatch": forged(**{AGGREGATES: (b'"category":"nu","element":"GBV_VICTIMS","value":10',
                                                     b'"category":"nu","element":"GBV_VICTIMS","value":11')}),
    }
    for code, data in cases.items():
        outcome = import_bundle(province, data, file_name=f"{code}.zip", today=RECEIVED)
        assert (outcome.status, outcome.reason_code) == ("rejected", code), outcome
    assert dump(province) == before
    good = import_bundle(province, zip_of(resign(members, signer)), file_name="ok.zip", today=RECEIVED)
    assert good.status == "accepted"
    province.close(backup_on_close=False)


def _public_tools_check(data: bytes, folder, child_dirs) -> None:
    """Anyone can check the district's bundle and each commune's attestation in it:
    unzip; sha256sum -c both manifests; minisign -H with each vouched unit.pub; and the
    ``bagit`` library reads it as a valid bag, children's files in the payload."""
    missing = [tool for tool in ("minisign", "sha256sum") if shutil.which(tool) is None]
    assert not missing, f"{missing} not installed (.ci/run installs minisign)"
    folder.mkdir()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(folder)

    def run(*args, cwd=folder):
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    run("sha256sum", "-c", "tagmanifest-sha256.txt")
    run("sha256sum", "-c", "manifest-sha256.txt")
    bag = bagit.Bag(str(folder))
    bag.validate(fast=False)
    assert {rel + CHILD_KEY for rel in child_dirs} <= set(bag.payload_files())
    for rel in child_dirs:
        run("minisign", "-H", "-Vm", "tagmanifest-sha256.txt", "-x", "bundle.minisig", "-p", "unit.pub",
            cwd=folder / rel)


def _digest_of(path, ws) -> str:
    return verify_bundle(path.read_bytes(), key_lookup(ws.store, RECEIVED), today=RECEIVED).digest


COMMUNES_2025 = {
    "2025:06652": {  # Phường Hà Tu
        ("2025S2", "GBV_VICTIMS", "nam"): 2, ("2025S2", "GBV_VICTIMS", "nu"): 7,
        ("2025S2", "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "nu"): 2,
        ("2025S2", "TRAFFICKING_RETURNEES_SUPPORTED", "nu"): 2,
    },
    "2025:06658": {  # Phường Cao Xanh
        ("2025S2", "GBV_VICTIMS", "nu"): 4,
        ("2025S2", "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "nam"): 1,
        ("2025S2", "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "nu"): 1,
        ("2025S2", "TRAFFICKING_RETURNEES_SUPPORTED", "nu"): 1,
    },
    "2025:06661": {  # Phường Việt Hưng: three victims, one of each sex known
        ("2025S2", "GBV_VICTIMS", "nam"): 1, ("2025S2", "GBV_VICTIMS", "nu"): 1,
        ("2025S2", "GBV_VICTIMS", ""): 3,
    },
}
# By hand: nam 2+1 = 3; nữ 7+4+1 = 12; total (2+7) + 4 + 3 = 16. Returnees needing
# support: nam 1, nữ 2+1 = 3; supported nữ 2+1 = 3 → indicator 3.3 = 3 / 4 = 75 %.
# The province's own media columns for July: 3.
EXPECTED_2025 = [
    {"element": "GBV_VICTIMS", "category": "", "value": 16},
    {"element": "GBV_VICTIMS", "category": "nam", "value": 3},
    {"element": "GBV_VICTIMS", "category": "nu", "value": 12},
    {"element": "GE_MEDIA_COLUMNS", "category": "", "value": 3},
    {"element": "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "category": "nam", "value": 1},
    {"element": "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "category": "nu", "value": 3},
    {"element": "TRAFFICKING_RETURNEES_SUPPORTED", "category": "nu", "value": 3},
]


def test_2025_communes_to_province(tmp_path, fast_kdf):
    communes, files = _commune_exports(tmp_path, COMMUNES_2025, "2025S2")
    province = open_unit(tmp_path, "2025:22", "Trần Thị Tỉnh")
    for ws in communes.values():
        trust_unit(province, ws)
    outcomes = import_files(province, [tmp_path], today=date(2025, 12, 1))
    assert sorted((o.status, o.unit) for o in outcomes) == [("accepted", k) for k in sorted(COMMUNES_2025)]
    province.set_cell("202507", "GE_MEDIA_COLUMNS", "", "3")
    result = status(province, "2025S2")
    assert result["values"] == EXPECTED_2025
    assert len(result["children"]) == 54
    assert sum(c["state"] == "on_time" for c in result["children"]) == 3
    results = {r.indicator.code: r.value for r in province.indicator_results("2025S2")}
    assert results["3.3"] == pytest.approx(75.0)
    # The province may send its own consolidated bundle too; it carries its custody.
    sent = export_bundle(province, "2025S2", PASSPHRASE, tmp_path / "tinh.zip")
    own = keys.own_public_key(province.store)
    bundle = verify_bundle(sent.path.read_bytes(), {own.key_id: _Key("2025:22", own)}.get,
                           today=date(2025, 12, 1))
    assert len(bundle.children) == 3 and len(bundle.missing) == 51
    for ws in (*communes.values(), province):
        ws.close(backup_on_close=False)


class _Key:
    def __init__(self, unit, public_key):
        self.unit, self.public_key = unit, public_key
