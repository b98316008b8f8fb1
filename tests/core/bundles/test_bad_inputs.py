"""The 38 bad inputs of docs/bundle-design.md §10, one test (case id) each, with the
reason code each must get. Sub-variants of one case share its id prefix and its code."""

from __future__ import annotations

import base64
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pytest

from qnapp.bundles.layout import (
    AGGREGATES,
    BAG_INFO,
    HEADER,
    MANIFEST,
    REPORT,
    SIGNATURE,
    TAGMANIFEST,
    render_manifest,
)
from qnapp.bundles.reasons import REASONS, BundleRejected
from qnapp.bundles.verifier import verify_bundle
from tests.core.bundles.conftest import TODAY, header_for
from tests.core.bundles.forge import (
    LOCAL,
    M,
    Signer,
    central_header,
    crc_zeros,
    deflate_zeros,
    eocd,
    local_header,
    raw_signature,
    resign,
    trusted_comment_of,
    zip_of,
)


@dataclass
class Ctx:
    members: dict[str, bytes]
    data: bytes
    signer: Signer
    neighbour: Signer


def _flip_last(b: bytes) -> bytes:
    return b[:-1] + bytes([b[-1] ^ 0x01])


def _without(members, *names):
    return {n: d for n, d in members.items() if n not in names}


def _with(members, **changes):
    out = dict(members)
    for key, value in changes.items():
        out[key] = value
    return out


def _header_text(c: Ctx) -> str:
    return c.members[HEADER].decode("utf-8")


def _resigned_header(c: Ctx, text: str | bytes) -> bytes:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return zip_of(resign(_with(c.members, **{"bundle.json": raw}), c.signer))


# --- one builder per case -------------------------------------------------------------------


def case_01(c):  # payload byte flipped
    return zip_of(_with(c.members, **{"data/report.xlsx": _flip_last(c.members[REPORT])}))


def case_02(c):  # payload member removed
    return zip_of(_without(c.members, REPORT))


def case_03(c):  # extra, unlisted payload member
    return zip_of(c.members, M("data/extra.json", b"[]\n"))


def case_04(c):  # extra, unlisted tag file in the root
    return zip_of(c.members, M("notes.txt", b"hello\n"))


def case_05(c):  # manifest edited to match a tampered payload; tagmanifest not
    tampered = c.members[AGGREGATES].replace(b'"value":5', b'"value":6')
    assert tampered != c.members[AGGREGATES]
    members = _with(c.members, **{"data/aggregates.json": tampered})
    members[MANIFEST] = render_manifest({n: d for n, d in members.items() if n.startswith("data/")})
    return zip_of(members)


def case_06(c):  # bundle.json edited (revision bump), nothing re-signed
    return zip_of(_with(c.members, **{"bundle.json": c.members[HEADER].replace(b'"revision":1', b'"revision":2')}))


def case_07(c):  # signature file missing
    return zip_of(_without(c.members, SIGNATURE))


def case_08(c):  # signed by an unknown key
    return zip_of(resign(c.members, Signer.new(c.signer.unit)))


def case_09(c):  # valid signature by a key registered to another unit
    return zip_of(resign(c.members, c.neighbour))


def case_10(c):  # trusted comment edited: the global signature fails
    sig = c.members[SIGNATURE].replace(b" rev:1\n", b" rev:2\n")
    assert sig != c.members[SIGNATURE]
    return zip_of(_with(c.members, **{"signature/bundle.minisig": sig}))


def case_11(c):  # legacy "Ed" (not prehashed) signature
    sig = raw_signature(c.signer.private_key, c.signer.public_key.key_id, c.members[TAGMANIFEST],
                        trusted_comment_of(c.members), algorithm=b"Ed")
    return zip_of(_with(c.members, **{"signature/bundle.minisig": sig}))


def case_12(c):  # duplicate member name (a second manifest)
    return zip_of(c.members, M(MANIFEST, b"0" * 64 + b"  data/evil.json\n"))


def case_13(c):  # case-variant duplicate
    return zip_of(c.members, M("data/Aggregates.json", c.members[AGGREGATES]))


def case_14(c):  # path traversal
    return zip_of(c.members, M("../evil.txt", b"x"))


def case_15(c):  # absolute path
    return zip_of(c.members, M("/etc/evil", b"x"))


def case_16(c):  # backslash path
    return zip_of(c.members, M("data\\..\\evil", b"x"))


def case_17(c):  # Windows reserved name
    return zip_of(c.members, M("data/con.json", b"[]\n"))


def case_18(c):  # symlink member
    return zip_of(c.members, M("data/link.json", b"/etc/passwd", external_attr=0o120777 << 16))


@lru_cache(maxsize=None)
def _zeros(n: int) -> tuple[bytes, int]:
    return deflate_zeros(n), crc_zeros(n)


def case_19(c):  # zip bomb: 200 MiB of zeros
    n = 200 * 1024 * 1024
    stream, crc = _zeros(n)
    return zip_of(c.members, M("data/bomb.bin", b"", payload=stream, declared_size=n, crc=crc))


def case_20(c):  # truncated archive
    return c.data[: len(c.data) // 2]


def case_21(c):  # junk prepended (MZ polyglot)
    return b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode.\r\n" + c.data


def case_22(c):  # not a zip / empty file (two variants, one code)
    return [b"", b"Bao cao 6 thang dau nam 2025\n", b"\x00" * 100]


def case_23(c):  # member with the encrypted flag
    return zip_of(_without(c.members, REPORT), M(REPORT, c.members[REPORT], flags=0x1))


def case_24(c):  # compression method 9 (deflate64) or 14 (LZMA)
    return [zip_of(_without(c.members, REPORT), M(REPORT, c.members[REPORT], method=m,
                                                   payload=c.members[REPORT])) for m in (9, 14)]


def case_25(c):  # central directory size understated → CRC failure; also a wrong CRC
    agg = c.members[AGGREGATES]
    return [
        zip_of(_without(c.members, AGGREGATES), M(AGGREGATES, agg, declared_size=len(agg) - 10)),
        zip_of(_without(c.members, AGGREGATES), M(AGGREGATES, agg, crc=0x12345678)),
    ]


def case_26(c):  # local and central header names differ
    return zip_of(_without(c.members, AGGREGATES),
                  M(AGGREGATES, c.members[AGGREGATES], local_name=b"data/aggregatez.json"))


def case_27(c):  # overlapping entries: a member's local header inside another's data
    inner = M("data/inner.json", b"[]\n", method=0)
    inner_bytes = local_header(inner, b"data/inner.json", b"[]\n") + b"[]\n"
    outer = M("data/outer.bin", inner_bytes, method=0)
    members = [M(n, d) for n, d in sorted(c.members.items())] + [outer]
    body = bytearray()
    central = bytearray()
    for m in members:
        name, stream = m.raw_name(), m.stream()
        offset = len(body)
        body += local_header(m, name, stream) + stream
        central += central_header(m, name, stream, offset)
        if m is outer:  # quoted overlap: the inner entry points into outer's data
            inner_at = offset + LOCAL.size + len(name)
            central += central_header(inner, b"data/inner.json", b"[]\n", inner_at)
    return bytes(body) + bytes(central) + eocd(len(members) + 1, len(central), len(body))


def case_28(c):  # NFC / NFD twin names
    nfc = unicodedata.normalize("NFC", "data/biểu.json")
    nfd = unicodedata.normalize("NFD", "data/biểu.json")
    assert nfc != nfd
    return zip_of(c.members, M(nfc, b"[]\n"), M(nfd, b"[]\n"))


def case_29(c):  # alternate data stream and trailing-dot names
    return [zip_of(c.members, M("data/x.json:stream", b"x")),
            zip_of(c.members, M("data/x.json.", b"x")),
            zip_of(c.members, M("data/x.json ", b"x"))]


def case_30(c):  # a directory entry and a file with the same name
    return zip_of(c.members, M("data/aggregates.json/", b"", method=0,
                               external_attr=(0o040755 << 16) | 0x10))


def case_31(c):  # one member more than the limit
    from qnapp.bundles.layout import DEFAULT_LIMITS

    n = DEFAULT_LIMITS.max_members + 1
    extra = [M(f"data/f{i:04d}.txt", b"x", method=0) for i in range(n - len(c.members))]
    return zip_of(c.members, *extra)


def case_32(c):  # a 33 MiB member
    n = 33 * 1024 * 1024
    stream, crc = _zeros(n)
    return zip_of(c.members, M("data/big.bin", b"", payload=stream, declared_size=n, crc=crc))


def case_33(c):  # manifest lines malformed (each variant validly signed)
    good = c.members[MANIFEST]
    lines = good.decode().splitlines(keepends=True)
    first_hash, first_name = lines[0].rstrip("\n").split("  ")
    variants = {
        "crlf": good.replace(b"\n", b"\r\n"),
        "bom": b"\xef\xbb\xbf" + good,
        "uppercase_hex": (first_hash.upper() + "  " + first_name + "\n" + "".join(lines[1:])).encode(),
        "single_space": (first_hash + " " + first_name + "\n" + "".join(lines[1:])).encode(),
        "tab": (first_hash + "\t" + first_name + "\n" + "".join(lines[1:])).encode(),
        "trailing_blank_line": good + b"\n",
        "star_prefix": (first_hash + " *" + first_name + "\n" + "".join(lines[1:])).encode(),
        "duplicate_path": good + lines[0].encode(),
    }
    return [zip_of(resign(c.members, c.signer, manifest=v)) for v in variants.values()]


def case_34(c):  # tagmanifest listing data/ files, listing itself, or omitting bundle.json
    tags = {n: c.members[n] for n in ("bag-info.txt", "bagit.txt", HEADER, MANIFEST)}
    with_data = render_manifest({**tags, AGGREGATES: c.members[AGGREGATES]})
    with_self = render_manifest({**tags, TAGMANIFEST: c.members[TAGMANIFEST]})
    without_header = render_manifest({n: d for n, d in tags.items() if n != HEADER})
    return [zip_of(resign(c.members, c.signer, tagmanifest=t))
            for t in (with_data, with_self, without_header)]


def case_35(c):  # bundle.json: duplicate keys, NaN, float count, non-NFC, unknown schema,
    # a 10 MB string, deep nesting (each validly signed)
    text = _header_text(c)
    name = json.loads(text)["unit"]["name"]
    variants = [
        text.replace('{"app_version"', '{"app_version":"0.0.1","app_version"', 1),
        text.replace('"revision":1', '"revision":NaN'),
        text.replace('"revision":1', '"revision":1.0'),
        text.replace(name, unicodedata.normalize("NFD", name)),
        text.replace('"schema":"qnapp-bundle/1"', '"schema":"qnapp-bundle/2"'),
        text.replace('"reason":null', '"reason":"' + "x" * (10 * 1024 * 1024) + '"'),
        text.replace('"reason":null', '"reason":' + "[" * 5000 + "]" * 5000),
        text.replace('"reason":null', '"reason":' + "[" * 8 + "]" * 8),
    ]
    assert all(v != text for v in variants)
    return [_resigned_header(c, v) for v in variants]


def case_36(c):  # bag-info.txt disagreeing with bundle.json (validly signed)
    info = c.members[BAG_INFO]
    variants = [
        info.replace(b"Bagging-Date: 2025-06-05", b"Bagging-Date: 2025-06-06"),
        info.replace(b"/2025S1/", b"/2025S2/"),
        info.replace(b"Payload-Oxum: ", b"Payload-Oxum: 1"),
    ]
    assert all(v != info for v in variants)
    return [zip_of(resign(_with(c.members, **{"bag-info.txt": v}), c.signer)) for v in variants]


def case_37(c):  # signature file: 3 or 5 lines, non-canonical base64, > 8 KiB or
    # non-ASCII trusted comment
    sig = c.members[SIGNATURE].decode()
    lines = sig.rstrip("\n").split("\n")
    b64 = lines[1].rstrip("=")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    sloppy = b64[:-1] + alphabet[alphabet.index(b64[-1]) ^ 1] + lines[1][len(b64):]
    assert base64.b64decode(sloppy) == base64.b64decode(lines[1]) and sloppy != lines[1]
    comment = trusted_comment_of(c.members)
    key = c.signer.private_key
    kid = c.signer.public_key.key_id
    tm = c.members[TAGMANIFEST]
    variants = [
        "\n".join(lines[:3]) + "\n",
        "\n".join(lines + ["extra"]) + "\n",
        "\n".join([lines[0], sloppy, lines[2], lines[3]]) + "\n",
        raw_signature(key, kid, tm, comment + " " + "x" * 9000).decode(),
        raw_signature(key, kid, tm, comment + " đơn vị").decode(),
    ]
    return [zip_of(_with(c.members, **{"signature/bundle.minisig": v.encode()})) for v in variants]


def case_37_key_id_of_other_entry(c):  # signed by key B, carrying registered key A's id
    intruder = Signer.new(c.signer.unit)
    sig = raw_signature(intruder.private_key, c.signer.public_key.key_id, c.members[TAGMANIFEST],
                        trusted_comment_of(c.members))
    return zip_of(_with(c.members, **{"signature/bundle.minisig": sig}))


CASES = {
    "01_payload_byte_flipped": (case_01, "payload_hash_mismatch"),
    "02_payload_removed": (case_02, "payload_missing"),
    "03_payload_unlisted": (case_03, "payload_unlisted"),
    "04_tag_file_unlisted": (case_04, "tag_file_unlisted"),
    "05_manifest_edited": (case_05, "tagmanifest_hash_mismatch"),
    "06_header_edited": (case_06, "header_hash_mismatch"),
    "07_signature_missing": (case_07, "signature_missing"),
    "08_unknown_key": (case_08, "key_unknown"),
    "09_key_of_other_unit": (case_09, "key_wrong_unit"),
    "10_trusted_comment_edited": (case_10, "signature_comment_invalid"),
    "11_legacy_signature": (case_11, "signature_legacy_algorithm"),
    "12_duplicate_name": (case_12, "zip_duplicate_name"),
    "13_case_duplicate": (case_13, "zip_case_duplicate"),
    "14_path_traversal": (case_14, "zip_path_traversal"),
    "15_absolute_path": (case_15, "zip_absolute_path"),
    "16_backslash_path": (case_16, "zip_backslash_path"),
    "17_reserved_name": (case_17, "zip_reserved_name"),
    "18_symlink": (case_18, "zip_symlink"),
    "19_zip_bomb": (case_19, "zip_bomb"),
    "20_truncated": (case_20, "zip_truncated"),
    "21_junk_prefix": (case_21, "zip_junk_prefix"),
    "22_not_a_zip": (case_22, "not_a_zip"),
    "23_encrypted": (case_23, "zip_encrypted"),
    "24_bad_method": (case_24, "zip_bad_method"),
    "25_size_understated": (case_25, "zip_crc_mismatch"),
    "26_header_names_differ": (case_26, "zip_header_mismatch"),
    "27_overlap": (case_27, "zip_overlap"),
    "28_nfc_twin": (case_28, "zip_nfc_twin"),
    "29_ads_trailing_dot": (case_29, "zip_ads_name"),
    "30_dir_file_clash": (case_30, "zip_dir_file_clash"),
    "31_too_many_members": (case_31, "zip_too_many_members"),
    "32_member_too_large": (case_32, "zip_member_too_large"),
    "33_manifest_malformed": (case_33, "manifest_malformed"),
    "34_tagmanifest_wrong_set": (case_34, "tagmanifest_wrong_set"),
    "35_header_invalid": (case_35, "header_invalid"),
    "36_baginfo_mismatch": (case_36, "baginfo_mismatch"),
    "37_signature_malformed": (case_37, "signature_malformed"),
    "37b_key_id_of_other_entry": (case_37_key_id_of_other_entry, "signature_invalid"),
}


@pytest.fixture
def ctx(good, signer, neighbour):
    return Ctx(dict(good.members), good.data, signer, neighbour)


def test_good_bundle_and_its_forged_copy_verify(ctx, lookup):
    assert verify_bundle(ctx.data, lookup, today=TODAY).digest == verify_bundle(
        zip_of(ctx.members), lookup, today=TODAY).digest


def test_every_case_has_its_own_code():
    codes = [code for _builder, code in CASES.values()]
    assert len(codes) == len(set(codes))
    assert all(code in REASONS for code in codes)
    assert {key[:2] for key in CASES} == {f"{i:02d}" for i in range(1, 38)}  # 38: below


@pytest.mark.parametrize("case_id", list(CASES))
def test_bad_input_is_rejected_with_its_code(case_id, ctx, lookup):
    builder, code = CASES[case_id]
    variants = builder(ctx)
    if not isinstance(variants, list):
        variants = [variants]
    for number, data in enumerate(variants):
        with pytest.raises(BundleRejected) as err:
            verify_bundle(data, lookup, today=TODAY)
        assert err.value.reason_code == code, (case_id, number, err.value.reason_code, err.value.detail)
        assert str(err.value)  # a Vietnamese message


def test_38_replay_gives_the_same_digest_and_never_rolls_back(ctx, signer, lookup):
    """The verifier is stateless: the same bytes give the same digest and result, before
    and after a newer revision exists. Duplicate / rollback decisions are the import
    ledger's, keyed on that digest (docs/bundle-design.md §9.5)."""
    from qnapp.bundles.writer import build_bundle
    from qnapp.catalog import load_catalog
    from tests.core.bundles.conftest import ACTIVITIES as SAMPLE_ACTIVITIES, AGGREGATES as SAMPLE_AGGREGATES

    first = verify_bundle(ctx.data, lookup, today=TODAY)
    again = verify_bundle(bytes(ctx.data), lookup, today=TODAY)
    assert again.digest == first.digest and again.header == first.header
    newer = build_bundle(
        header_for(signer, revision=2, supersedes=first.digest, reason="Sửa số liệu",
                   bundle_id="6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4"),
        SAMPLE_AGGREGATES, SAMPLE_ACTIVITIES, signer.private_key, signer.public_key, load_catalog())
    second = verify_bundle(newer.data, lookup, today=TODAY)
    assert second.revision == 2 and second.supersedes == first.digest
    replayed = verify_bundle(ctx.data, lookup, today=TODAY)
    assert replayed.digest == first.digest and replayed.revision == 1


def test_35_each_header_variant_fails_for_its_own_reason(ctx, lookup):
    expected = ["duplicate key", "NaN", "float", "NFC", "unknown schema", "bundle.json",
                "nesting too deep", "nesting too deep"]
    for data, detail in zip(case_35(ctx), expected, strict=True):
        with pytest.raises(BundleRejected) as err:
            verify_bundle(data, lookup, today=TODAY)
        assert err.value.reason_code == "header_invalid"
        assert detail in err.value.detail, (detail, err.value.detail)
