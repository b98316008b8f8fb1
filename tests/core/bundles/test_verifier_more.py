"""Reason codes beyond the 38 bad inputs, and the verifier with a real trust registry."""

from __future__ import annotations

import json
from datetime import date

import pytest

from qnapp import keys
from qnapp.bundles.layout import (
    BAG_INFO,
    BAGIT,
    HEADER,
    REPORT,
    Limits,
    TAGMANIFEST,
    JsonProblem,
    dumps,
    parse_manifest,
    render_bag_info,
    render_manifest,
    strict_loads,
)
from qnapp.bundles.reasons import BundleRejected
from qnapp.bundles.verifier import verify_bundle
from qnapp.bundles.writer import build_bundle, export_bundle
from qnapp.catalog import load_catalog
from qnapp.cli_bundles import key_lookup_for
from qnapp.demo import fill_demo
from qnapp.workspace import Workspace
from tests.core.bundles.conftest import ACTIVITIES, AGGREGATES, PASSPHRASE, TODAY, header_for
from tests.core.bundles.forge import M, resign, trusted_comment_of, zip_of


def _code(data, lookup, **kw) -> str:
    with pytest.raises(BundleRejected) as err:
        verify_bundle(data, lookup, today=kw.pop("today", TODAY), **kw)
    return err.value.reason_code


def _members(good):
    return dict(good.members)


def test_container_codes(good, lookup):
    members = _members(good)
    assert _code(good.data, lookup, limits=Limits(max_zip_bytes=1000)) == "zip_too_large"
    assert _code(good.data + b"junk", lookup) == "zip_trailing_data"
    with_comment = good.data[:-2] + b"\x03\x00abc"
    assert _code(with_comment, lookup) == "zip_trailing_data"
    assert _code(zip_of(members, M("data/x.json", b"[]\n", gap=b"hidden")), lookup) == "zip_gap"
    assert _code(zip_of(members, M("data/x.json", b"[]\n", flags=0x8)), lookup) == "zip_unsupported"
    assert _code(zip_of(members, M("data/", b"", method=0)), lookup) == "zip_directory_entry"
    assert _code(zip_of(members, M("data/sub/x.json", b"x")), lookup) == "zip_bad_name"
    assert _code(zip_of(members, M("data/X.json", b"x")), lookup) == "zip_bad_name"
    fifo = M("data/fifo.json", b"", external_attr=0o010644 << 16)
    assert _code(zip_of(members, fifo), lookup) == "zip_special_file"
    assert _code(zip_of(members, M("data/lie.json", b"x" * 10, method=0, declared_size=10**6,
                                   payload=b"x" * 10)), lookup) == "zip_header_mismatch"


def test_member_inflate_codes(good, lookup):
    """Members are inflated from the checked offsets: a deflate stream with bytes hidden
    after its end, or not deflate at all, is zip_corrupt; one cut short, or a size or
    CRC that does not match the inflated bytes, is zip_crc_mismatch (as bad input 25)."""
    import zlib

    from qnapp.bundles.layout import AGGREGATES as NAME

    members = _members(good)
    agg = members[NAME]
    rest = {n: d for n, d in members.items() if n != NAME}
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = deflater.compress(agg) + deflater.flush()
    assert _code(zip_of(rest, M(NAME, agg, payload=stream[:-4])), lookup) == "zip_crc_mismatch"
    assert _code(zip_of(rest, M(NAME, agg, payload=stream + b"hidden")), lookup) == "zip_corrupt"
    assert _code(zip_of(rest, M(NAME, agg, payload=b"\xff" * 40)), lookup) == "zip_corrupt"
    assert _code(zip_of(rest, M(NAME, agg, declared_size=len(agg) + 10)), lookup) == "zip_crc_mismatch"
    assert _code(zip_of(rest, M(NAME, agg, method=0, crc=0x12345678)), lookup) == "zip_crc_mismatch"
    assert verify_bundle(zip_of(rest, M(NAME, agg, method=0)), lookup, today=TODAY).digest == good.digest


def test_member_level_codes(good, signer, lookup):
    members = _members(good)
    assert _code(zip_of({n: d for n, d in members.items() if n != TAGMANIFEST}), lookup) == "tagmanifest_missing"
    crlf = members[TAGMANIFEST].replace(b"\n", b"\r\n")
    assert _code(zip_of(resign(members, signer, tagmanifest=crlf)), lookup) == "tagmanifest_malformed"
    assert _code(zip_of({n: d for n, d in members.items() if n != BAGIT}), lookup) == "tag_file_missing"
    other_comment = trusted_comment_of(members).replace("rev:1", "rev:2")
    assert _code(zip_of(resign(members, signer, comment=other_comment)), lookup) == "signature_header_mismatch"
    bad_bagit = dict(members, **{BAGIT: b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"})
    assert _code(zip_of(resign(bad_bagit, signer)), lookup) == "bagit_invalid"
    header = json.loads(members[HEADER])
    header["signer"]["fingerprint"] = "0" * 64
    assert _code(zip_of(resign(dict(members, **{HEADER: dumps(header)}), signer)), lookup) == "signer_mismatch"
    header = json.loads(members[HEADER])
    header["unit"]["level"] = "district"
    assert _code(zip_of(resign(dict(members, **{HEADER: dumps(header)}), signer)), lookup) == "unit_unknown"
    assert _code(good.data, lookup, today=date(2024, 12, 1)) == "period_in_future"


def test_payload_codes(signer, lookup):
    catalog = load_catalog()
    header = header_for(signer)

    def built(aggregates=AGGREGATES, activities=ACTIVITIES):
        return build_bundle(header, aggregates, activities, signer.private_key, signer.public_key,
                            catalog).data

    bad_aggregates = [
        [{"element": "GBV_VICTIMS", "category": "nam", "value": 1.5}],
        [{"element": "NO_SUCH_ELEMENT", "category": "", "value": 1}],
        [{"element": "POP_6PLUS", "category": "nam", "value": 1}],  # a year stock in a half-year
        [{"element": "GBV_VICTIMS", "category": "x", "value": 1}],
        [{"element": "MATERNAL_DEATHS", "category": "", "value": -1}],
        [{"element": "COMMUNES", "category": "", "value": 1}],  # not a commune element
        AGGREGATES[::-1],
    ]
    for rows in bad_aggregates:
        assert _code(built(aggregates=rows), lookup) == "aggregates_invalid", rows
    late = dict(ACTIVITIES[0], date="2025-06-15")
    odd = dict(ACTIVITIES[0], type="party")
    flag = dict(ACTIVITIES[0], action_month=True)
    extra = dict(ACTIVITIES[0], place="Nhà ông A")
    for rows in ([late], [odd], [flag], [extra]):
        assert _code(built(activities=rows), lookup) == "activities_invalid", rows


def test_bundle_with_an_extra_payload_file_is_refused(good, signer, lookup):
    """Validly signed by a trusted key, listed in the manifest, and still refused: the
    format defines the payload files (names, type, size), so nothing else is stored."""
    import io
    import zipfile

    def signed_with(name: str, data: bytes) -> bytes:  # bag-info's Payload-Oxum follows
        members = dict(good.members, **{name: data})
        sizes = {n: len(d) for n, d in members.items() if n.startswith("data/")}
        members[BAG_INFO] = render_bag_info(json.loads(members[HEADER]), sizes)
        return zip_of(resign(members, signer))

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("x.exe", b"MZ" + bytes(100))
    assert _code(signed_with("data/inner.zip", inner.getvalue()), lookup) == "payload_not_allowed"
    assert _code(signed_with("data/notes.json", b"[]\n"), lookup) == "payload_not_allowed"
    # The one non-JSON payload must be a workbook, and no larger than its limit.
    assert _code(signed_with(REPORT, b"#!/bin/sh\necho hi\n"), lookup) == "payload_not_allowed"
    assert _code(good.data, lookup, limits=Limits(max_report_bytes=100)) == "payload_too_large"
    assert verify_bundle(good.data, lookup, today=TODAY).digest == good.digest


def test_strict_json():
    kw = {"max_bytes": 1000, "max_depth": 3, "max_string": 20}
    assert strict_loads(b'{"a":[1,2]}\n', **kw) == {"a": [1, 2]}
    for bad in (b'{"a":1,"a":2}\n', b'{"a":NaN}\n', b'{"a":1.0}\n', b'{"a": 1}\n', b'{"a":1}',
                b'\xef\xbb\xbf{"a":1}\n', b'{"a":"' + b"x" * 30 + b'"}\n', b'[[[[1]]]]\n',
                '{"a":"Nguye\u0302\u0303n"}\n'.encode(), b'{"b":1,"a":2}\n', b'{"a":"\\u0000"}\n',
                b'{"a":' + b"9" * 30 + b"}\n", b"\xff\n"):
        with pytest.raises(JsonProblem):
            strict_loads(bad, **kw)
    assert strict_loads(b'{"a":1.5}\n', allow_float=True, **kw) == {"a": 1.5}


def test_manifest_grammar():
    good = render_manifest({"data/a.json": b"1", "data/b.json": b"2"})
    assert set(parse_manifest(good)) == {"data/a.json", "data/b.json"}
    lines = good.splitlines(keepends=True)
    for bad in (b"", lines[1] + lines[0], good.rstrip(b"\n"), good + b"\n",
                good.replace(b"data/a.json", b"data/../a.json")):
        with pytest.raises(ValueError):
            parse_manifest(bad)


def test_real_registry_of_a_parent(tmp_path, fast_kdf):
    """A district trusts its commune's key: ok; registered for the neighbour: wrong unit;
    revoked: key_revoked; the commune itself verifies its own bundle with its own key."""
    commune = Workspace.open(tmp_path / "commune.sqlite")
    fill_demo(commune, passphrase=PASSPHRASE)
    out = tmp_path / "b.zip"
    export_bundle(commune, "2025S1", PASSPHRASE, out)
    pub_text = keys.export_public_key(commune.store)
    fingerprint = keys.own_public_key(commune.store).fingerprint
    today = date(2025, 7, 1)
    assert verify_bundle(out.read_bytes(), key_lookup_for(commune.store, today), today=today)
    commune.close(backup_on_close=False)
    data = out.read_bytes()

    district = Workspace.open(tmp_path / "district.sqlite")
    district.initialise("2021", "199", "Trần Văn Bình")
    assert _code(data, key_lookup_for(district.store, today), today=today) == "key_unknown"
    keys.trust_key(district.store, pub_text, fingerprint=fingerprint, who="Trần Văn Bình", today=today)
    assert verify_bundle(data, key_lookup_for(district.store, today), today=today).unit == "2021:06862"
    keys.revoke_key(district.store, fingerprint, date(2025, 6, 30), "mất máy", who="Trần Văn Bình")
    assert _code(data, key_lookup_for(district.store, today), today=today) == "key_revoked"
    district.close(backup_on_close=False)

    other = Workspace.open(tmp_path / "other.sqlite")
    other.initialise("2021", "199", "Trần Văn Bình")
    keys.trust_key(other.store, pub_text, fingerprint=fingerprint, unit_key="2021:06865",  # Hà Lâu
                   who="Trần Văn Bình", today=today)
    assert _code(data, key_lookup_for(other.store, today), today=today) == "key_wrong_unit"
    other.close(backup_on_close=False)
