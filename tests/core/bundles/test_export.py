"""Export from a real database: round trip, determinism, locking, corrections, privacy,
and the public-tools recipe (unzip, minisign -H, sha256sum -c)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date

import bagit
import pytest

from qnapp import keys
from qnapp.bundles.layout import (
    ACTIVITIES,
    AGGREGATES,
    HEADER,
    REPORT,
    TAG_FILES,
    TAGMANIFEST,
    sha256_hex,
)
from qnapp.bundles.locks import PeriodLockedError, exports, is_locked
from qnapp.bundles.verifier import HEADER_KEYS, SIGNER_KEYS, UNIT_KEYS, verify_bundle
from qnapp.bundles.writer import (
    ACTIVITY_FIELDS,
    build_bundle,
    collect_activities,
    collect_aggregates,
    export_bundle,
    reopen_period,
)
from qnapp.cli_bundles import key_lookup_for
from qnapp.demo import DEMO_OFFICER, fill_demo
from qnapp.errors import QnappError, ValidationError
from qnapp.periods import parse_period
from qnapp.workspace import ActivityDraft, Workspace
from tests.core.bundles.conftest import PASSPHRASE

TODAY = date(2025, 7, 1)


@pytest.fixture
def demo(db_path, fast_kdf):
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=PASSPHRASE)
    yield ws
    ws.close(backup_on_close=False)


def _verify(ws, data, today=TODAY):
    return verify_bundle(data, key_lookup_for(ws.store, today), today=today)


def test_round_trip(demo, tmp_path):
    out = tmp_path / "b.zip"
    result = export_bundle(demo, "2025S1", PASSPHRASE, out)
    data = out.read_bytes()
    bundle = _verify(demo, data)
    assert (bundle.digest, bundle.bundle_id, bundle.revision) == (result.digest, result.bundle_id, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert result.digest == sha256_hex(z.read(TAGMANIFEST))
    own = keys.own_public_key(demo.store)
    header = bundle.header
    assert header["unit"] == {"tree": "2021", "code": "06862", "level": "commune",
                              "name": "Thị trấn Tiên Yên", "parent": "2021:199"}
    assert header["period"] == "2025S1" and header["report_type"] == "kh82"
    assert header["supersedes"] is None and header["reason"] is None
    assert header["signer"] == {"fingerprint": own.fingerprint, "name": DEMO_OFFICER}
    assert bundle.signer_unit == "2021:06862"
    period = parse_period("2025S1")
    assert list(bundle.aggregates) == collect_aggregates(demo, period)
    assert list(bundle.activities) == collect_activities(demo, period)
    # The half-year's own figures and the quarters inside it, summed; not the year's stocks.
    values = {(r["element"], r["category"]): r["value"] for r in bundle.aggregates}
    assert values[("GBV_VICTIMS", "nu")] == 5 and values[("GE_NEWS_ITEMS", "")] == 4 + 5
    assert all(type(v) is int for v in values.values())
    assert not any(code == "POP_6PLUS" for code, _c in values)
    assert [a["date"] for a in bundle.activities] == ["2025-02-20", "2025-03-06", "2025-04-17", "2025-05-22"]
    assert list(out.parent.glob("b.zip*.tmp")) == []  # no temporary file left


def test_export_twice_writes_the_same_bytes(demo, tmp_path):
    first = export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "a.zip")
    second = export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert second.reused and (second.digest, second.bundle_id) == (first.digest, first.bundle_id)
    # Not only a copy: building again from the database and the stored header gives the
    # same bytes (deterministic zip, JSON, xlsx and Ed25519).
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        header = json.loads(z.read(HEADER))
    private_key, public_key = keys.load_signing_key(demo.store, PASSPHRASE)
    period = parse_period("2025S1")
    for _ in range(2):
        rebuilt = build_bundle(header, collect_aggregates(demo, period), collect_activities(demo, period),
                               private_key, public_key, demo.catalog)
        assert rebuilt.data == (tmp_path / "a.zip").read_bytes()


def test_zip_is_deterministic_in_form(demo, tmp_path):
    export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert set(names) == {*TAG_FILES, TAGMANIFEST, "signature/bundle.minisig",
                              AGGREGATES, ACTIVITIES, REPORT}
        for i in infos:
            assert i.date_time == (1980, 1, 1, 0, 0, 0)
            assert i.compress_type == zipfile.ZIP_DEFLATED
            assert i.external_attr >> 16 == 0o100644 and i.create_system == 3
            assert i.filename == i.filename.lower() and i.filename.isascii()
        xlsx = zipfile.ZipFile(io.BytesIO(z.read(REPORT)))
        assert {i.date_time for i in xlsx.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = xlsx.read("docProps/core.xml").decode()
        header = json.loads(z.read(HEADER))
        assert "qnapp" in core and "openpyxl" not in core
        # created/modified = the bundle's created_at (in UTC, as Office stores it)
        assert core.count("<dcterms:created") == 1 and core.count("<dcterms:modified") == 1
        assert header["created_at"][:4] in core


def test_lock_reopen_and_revision_2(demo, tmp_path):
    first = export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "r1.zip")
    assert is_locked(demo.store, "2021:06862", "2025S1")
    with pytest.raises(PeriodLockedError) as err:
        demo.set_cell("2025S1", "GBV_VICTIMS", "nu", "6")
    assert "6 tháng đầu năm 2025" in str(err.value) and err.value.locked_period == "2025S1"
    assert "qnapp" not in str(err.value)  # the GUI shows its own button, the CLI its command
    with pytest.raises(PeriodLockedError):  # a quarter inside the sent half-year
        demo.set_cell("2025Q2", "GE_NEWS_ITEMS", "", "7")
    with pytest.raises(PeriodLockedError):  # an activity dated in its window
        demo.add_activity(ActivityDraft(date=date(2025, 3, 1), type="khac", title="Họp",
                                        objectives=(1,)))
    activity = demo.activities()[0]
    assert activity.date == date(2025, 5, 22)
    with pytest.raises(PeriodLockedError):
        demo.delete_activity(activity.id)
    # Outside the sent period: the year's stocks and a later half-year stay editable.
    demo.set_cell("2025", "POP_6PLUS", "nam", "5151")
    demo.set_cell("2025S2", "GBV_VICTIMS", "nu", "2")
    demo.add_activity(ActivityDraft(date=date(2025, 8, 1), type="khac", title="Họp", objectives=(1,)))

    with pytest.raises(ValidationError):
        reopen_period(demo, "2025S1", "   ")
    assert reopen_period(demo, "2025S1", "Bổ sung  một người bị bạo lực") == 2
    with pytest.raises(QnappError):
        reopen_period(demo, "2025S1", "again")
    demo.set_cell("2025S1", "GBV_VICTIMS", "nu", "6")
    second = export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "r2.zip")
    assert second.revision == 2 and second.bundle_id != first.bundle_id
    bundle = _verify(demo, (tmp_path / "r2.zip").read_bytes())
    assert bundle.supersedes == first.digest
    assert bundle.header["reason"] == "Bổ sung một người bị bạo lực"
    assert ("GBV_VICTIMS", "nu", 6) in {(r["element"], r["category"], r["value"]) for r in bundle.aggregates}
    again = export_bundle(demo, "2025S1", PASSPHRASE, tmp_path / "r2b.zip")
    assert again.reused and (tmp_path / "r2b.zip").read_bytes() == (tmp_path / "r2.zip").read_bytes()
    # Revision 1 still verifies (the ledger, not the verifier, knows it is superseded).
    assert _verify(demo, (tmp_path / "r1.zip").read_bytes()).revision == 1
    assert [e.revision for e in exports(demo.store, "2021:06862", "2025S1")] == [1, 2]
    audit = demo.store.audit_log("bundle_export")
    assert [a["new"]["revision"] for a in audit] == [2, 1]


def test_wrong_passphrase_changes_nothing(demo, tmp_path):
    with pytest.raises(keys.KeysError):
        export_bundle(demo, "2025S1", "not the passphrase", tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists() and list(tmp_path.glob("x.zip*.tmp")) == []
    assert not is_locked(demo.store, "2021:06862", "2025S1")
    demo.set_cell("2025S1", "GBV_VICTIMS", "nu", "6")


def test_empty_or_future_period_is_refused(demo, tmp_path):
    with pytest.raises(ValidationError):
        export_bundle(demo, "2023S1", PASSPHRASE, tmp_path / "x.zip")
    with pytest.raises(ValidationError):
        export_bundle(demo, "9000S1", PASSPHRASE, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)


@pytest.mark.parametrize("period", ["2025S1", "2024", "2024S2"])
def test_no_personal_names_in_a_demo_bundle(demo, tmp_path, period):
    """Counts and activity summaries only: the signing officer appears once, in
    bundle.json's signer; no place or note of an activity leaves the unit."""
    out = tmp_path / "b.zip"
    export_bundle(demo, period, PASSPHRASE, out)
    forbidden = {DEMO_OFFICER, "Hoàng", "Thị Mai"}
    titles = " ".join(a.title for a in demo.activities()).casefold()
    for a in demo.activities():
        # (a place that is also words of a title, e.g. "Các khu phố", proves nothing)
        forbidden |= {t for t in (a.place, a.note) if t and t.casefold() not in titles}
    assert len(forbidden) > 10
    forbidden |= {unicodedata.normalize("NFD", f) for f in forbidden}
    blobs: dict[str, bytes] = {}
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            blobs[name] = z.read(name)
        with zipfile.ZipFile(io.BytesIO(blobs[REPORT])) as xlsx:
            for part in xlsx.namelist():
                blobs[f"{REPORT}!{part}"] = xlsx.read(part)
    header = json.loads(blobs[HEADER])
    assert header["signer"]["name"] == DEMO_OFFICER
    header["signer"]["name"] = "-"
    blobs[HEADER] = json.dumps(header, ensure_ascii=False).encode()
    for name, blob in blobs.items():
        text = blob.decode("utf-8", errors="replace").casefold()
        for word in forbidden:
            assert word.casefold() not in text, (name, word)
    # Only the allowed fields anywhere.
    assert set(header) == HEADER_KEYS and set(header["unit"]) == UNIT_KEYS
    assert set(header["signer"]) == SIGNER_KEYS
    for row in json.loads(blobs[AGGREGATES]):
        assert set(row) == {"element", "category", "value"}
    for row in json.loads(blobs[ACTIVITIES]):
        assert set(row) == ACTIVITY_FIELDS and set(row["participants"]) == {"nam", "nu"}


def test_anyone_can_check_a_bundle_with_public_tools(demo, tmp_path):
    """unzip; minisign -H -Vm tagmanifest-sha256.txt -x signature/bundle.minisig -p unit.pub;
    sha256sum -c on both manifests — with the real Debian tools."""
    missing = [tool for tool in ("minisign", "sha256sum") if shutil.which(tool) is None]
    assert not missing, f"{missing} not installed (.ci/run installs minisign)"
    out = tmp_path / "b.zip"
    export_bundle(demo, "2025S1", PASSPHRASE, out)
    folder = tmp_path / "unzipped"
    folder.mkdir()
    with zipfile.ZipFile(out) as z:  # a fresh, empty folder: the recipe's rule
        z.extractall(folder)
    (folder / "unit.pub").write_text(keys.export_public_key(demo.store), encoding="utf-8")

    def run(*cmd):
        return subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=60)

    check = run("minisign", "-H", "-Vm", "tagmanifest-sha256.txt", "-x",
                "signature/bundle.minisig", "-p", "unit.pub")
    assert check.returncode == 0, check.stderr
    assert "qnapp1 bundle:" in check.stdout and "unit:2021:06862 period:2025S1" in check.stdout
    for manifest in ("tagmanifest-sha256.txt", "manifest-sha256.txt"):
        result = run("sha256sum", "-c", "--strict", manifest)
        assert result.returncode == 0, result.stdout + result.stderr
    # …and the tools notice tampering too.
    (folder / "data" / "aggregates.json").write_text("[]\n")
    assert run("sha256sum", "-c", "manifest-sha256.txt").returncode != 0
    (folder / "bundle.json").write_bytes(b"{}\n")
    assert run("sha256sum", "-c", "tagmanifest-sha256.txt").returncode != 0


def test_an_independent_bagit_reader_validates_a_bundle(demo, tmp_path):
    """The Library of Congress ``bagit`` library (PyPI), not our verifier, reads the
    unzipped bundle as a BagIt 1.0 bag: full validation (every checksum, Payload-Oxum, no
    file missing or extra in data/), and it notices a changed payload or bag-info."""
    out = tmp_path / "b.zip"
    result = export_bundle(demo, "2025S1", PASSPHRASE, out)
    folder = tmp_path / "bag"
    with zipfile.ZipFile(out) as z:
        z.extractall(folder)
    bag = bagit.Bag(str(folder))
    bag.validate(fast=False)
    assert bag.version_info == (1, 0) and bag.encoding.upper() == "UTF-8"
    assert set(bag.payload_files()) == {ACTIVITIES, AGGREGATES, REPORT}
    header = json.loads((folder / HEADER).read_bytes())
    assert bag.info["External-Identifier"] == header["bundle_id"] == result.bundle_id
    assert bag.info["Bag-Group-Identifier"] == "2021:06862/2025S1/kh82"

    report = folder / REPORT
    good = report.read_bytes()
    report.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # same size: only the checksum tells
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(folder)).validate(fast=False)
    report.write_bytes(good)
    info = folder / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("kh82", "kh83"), encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(folder)).validate(fast=False)


def test_a_bundle_signed_by_the_minisign_cli_verifies(demo, tmp_path):
    """Interop the other way: the reference CLI signs the tag manifest with its own key
    (the header naming that key), and the app's verifier accepts it."""
    assert shutil.which("minisign"), "minisign not installed (.ci/run installs it)"
    from types import SimpleNamespace

    from qnapp import minisign
    from qnapp.bundles.layout import render_manifest
    from tests.core.bundles.forge import zip_of

    def run(*cmd):
        result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result

    run("minisign", "-G", "-W", "-p", "cli.pub", "-s", "cli.key")
    cli_key = minisign.parse_public_key((tmp_path / "cli.pub").read_text())
    out = tmp_path / "b.zip"
    export_bundle(demo, "2025S1", PASSPHRASE, out)
    with zipfile.ZipFile(out) as z:
        members = {n: z.read(n) for n in z.namelist()}
    own = keys.own_public_key(demo.store)
    members[HEADER] = members[HEADER].replace(own.fingerprint.encode(), cli_key.fingerprint.encode())
    members[TAGMANIFEST] = render_manifest({n: members[n] for n in TAG_FILES})
    comment = members["signature/bundle.minisig"].decode().split("\n")[2][len("trusted comment: "):]
    (tmp_path / "tagmanifest-sha256.txt").write_bytes(members[TAGMANIFEST])
    run("minisign", "-S", "-s", "cli.key", "-m", "tagmanifest-sha256.txt", "-t", comment,
        "-x", "sig.minisig")
    members["signature/bundle.minisig"] = (tmp_path / "sig.minisig").read_bytes()
    trusted = SimpleNamespace(unit="2021:06862", public_key=cli_key)
    bundle = verify_bundle(zip_of(members), {cli_key.key_id: trusted}.get, today=TODAY)
    assert bundle.signer_fingerprint == cli_key.fingerprint
    assert bundle.digest == sha256_hex(members[TAGMANIFEST])
