"""minisign format: interoperability with the reference CLI, and strict parsing."""

import base64
import hashlib
import os
import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qnapp import minisign as ms
from qnapp.errors import QnappError
from qnapp.minisign import MinisignError, PublicKey, Signature

MINISIGN = shutil.which("minisign")
# .ci/run installs Debian's minisign; on CI a missing binary is a failure, not a skip.
requires_cli = pytest.mark.skipif(
    MINISIGN is None and not os.environ.get("CI"), reason="minisign CLI not installed"
)

DATA = "Báo cáo 2025S1\nGBV_VICTIMS,nu,5\n".encode()
TRUSTED = "vnrb1 bundle:0b6c unit:2021:06862 period:2025S1 type:half rev:1"


@pytest.fixture
def keypair():
    private_key = Ed25519PrivateKey.generate()
    key_id = ms.generate_key_id()
    return private_key, PublicKey.from_private_key(private_key, key_id)


def cli(*args, cwd):
    return subprocess.run([MINISIGN, *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def cli_keypair(tmp_path):
    result = cli("-G", "-W", "-p", "cli.pub", "-s", "cli.sec", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "cli.pub", tmp_path / "cli.sec"


def reason(excinfo) -> str:
    return excinfo.value.reason_code


# --- interoperability with the reference CLI ---------------------------------------------


@requires_cli
def test_qnapp_signature_verifies_with_the_cli(tmp_path, keypair):
    private_key, public_key = keypair
    (tmp_path / "f.txt").write_bytes(DATA)
    (tmp_path / "f.txt.minisig").write_bytes(ms.sign(private_key, public_key.key_id, DATA, TRUSTED))
    # A UTF-8 untrusted comment in the .pub file (unit name with diacritics) is accepted.
    (tmp_path / "key.pub").write_text(
        public_key.to_file_text("qnapp unit 2021:06862 Thị trấn Tiên Yên"), encoding="utf-8")
    result = cli("-H", "-Vm", "f.txt", "-x", "f.txt.minisig", "-p", "key.pub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Trusted comment: " + TRUSTED in result.stdout


@requires_cli
def test_cli_refuses_qnapp_signature_after_tampering(tmp_path, keypair):
    private_key, public_key = keypair
    (tmp_path / "key.pub").write_text(public_key.to_file_text("k"), encoding="utf-8")
    sig = ms.sign(private_key, public_key.key_id, DATA, TRUSTED)
    (tmp_path / "f.txt").write_bytes(DATA + b"1")
    (tmp_path / "f.txt.minisig").write_bytes(sig)
    assert cli("-H", "-Vm", "f.txt", "-p", "key.pub", cwd=tmp_path).returncode != 0
    (tmp_path / "f.txt").write_bytes(DATA)
    (tmp_path / "f.txt.minisig").write_bytes(sig.replace(b"rev:1", b"rev:2"))
    assert cli("-H", "-Vm", "f.txt", "-p", "key.pub", cwd=tmp_path).returncode != 0


@requires_cli
def test_cli_signature_verifies_with_qnapp(tmp_path):
    pub_path, _sec = cli_keypair(tmp_path)
    (tmp_path / "f.txt").write_bytes(DATA)
    result = cli("-S", "-H", "-m", "f.txt", "-s", "cli.sec", "-t", "trusted", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    public_key = ms.parse_public_key(pub_path.read_text())
    sig = ms.parse_signature((tmp_path / "f.txt.minisig").read_bytes())
    assert sig.algorithm == b"ED" and sig.trusted_comment == "trusted"
    ms.verify(sig, public_key, DATA)
    # Key ids are shown as minisign shows them (its .pub comment names the id).
    shown = re.search(r"minisign public key ([0-9A-F]{1,16})\n", pub_path.read_text())
    assert shown and public_key.key_id_hex == shown.group(1)
    assert sig.key_id_hex == public_key.key_id_hex


@requires_cli
def test_key_id_is_shown_as_the_cli_shows_it(tmp_path):
    # A key id whose top byte is zero: minisign 0.11 prints it without leading zeros.
    private_key = Ed25519PrivateKey.generate()
    public_key = PublicKey.from_private_key(private_key, bytes.fromhex("0123456789abcd00"))
    assert public_key.key_id_hex == "CDAB8967452301"
    (tmp_path / "key.pub").write_text(public_key.to_file_text("k"), encoding="utf-8")
    (tmp_path / "f.txt").write_bytes(DATA)
    other = PublicKey.from_private_key(private_key, bytes.fromhex("ffffffffffffff00"))
    (tmp_path / "f.txt.minisig").write_bytes(ms.sign(private_key, other.key_id, DATA, "t"))
    result = cli("-H", "-Vm", "f.txt", "-p", "key.pub", cwd=tmp_path)
    assert result.returncode != 0
    assert public_key.key_id_hex in result.stderr + result.stdout, result.stderr


@requires_cli
def test_cli_legacy_signature_is_refused(tmp_path):
    pub_path, _sec = cli_keypair(tmp_path)
    (tmp_path / "f.txt").write_bytes(DATA)
    result = cli("-S", "-l", "-m", "f.txt", "-s", "cli.sec", "-t", "trusted", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    blob = (tmp_path / "f.txt.minisig").read_bytes()
    assert base64.b64decode(blob.split(b"\n")[1])[:2] == b"Ed"  # the CLI still makes them
    with pytest.raises(MinisignError) as err:
        ms.parse_signature(blob)
    assert reason(err) == "signature_legacy_algorithm"


@requires_cli
def test_cli_signature_tampering_and_wrong_key_are_refused(tmp_path, keypair):
    pub_path, _sec = cli_keypair(tmp_path)
    (tmp_path / "f.txt").write_bytes(DATA)
    cli("-S", "-H", "-m", "f.txt", "-s", "cli.sec", "-t", "trusted", cwd=tmp_path)
    blob = (tmp_path / "f.txt.minisig").read_bytes()
    public_key = ms.parse_public_key(pub_path.read_text())
    sig = ms.parse_signature(blob)

    with pytest.raises(MinisignError) as err:
        ms.verify(sig, public_key, DATA + b" ")
    assert reason(err) == "signature_invalid"

    edited = ms.parse_signature(blob.replace(b"trusted comment: trusted", b"trusted comment: trustee"))
    with pytest.raises(MinisignError) as err:
        ms.verify(edited, public_key, DATA)
    assert reason(err) == "signature_comment_invalid"

    _private, other = keypair
    with pytest.raises(MinisignError) as err:
        ms.verify(sig, other, DATA)
    assert reason(err) == "signature_key_mismatch"


@requires_cli
def test_comment_limits_are_the_cli_limits(tmp_path, keypair):
    private_key, public_key = keypair
    (tmp_path / "key.pub").write_text(public_key.to_file_text("k"), encoding="utf-8")
    (tmp_path / "f.txt").write_bytes(DATA)
    longest = ms.sign(private_key, public_key.key_id, DATA, "t" * ms.MAX_TRUSTED_COMMENT_BYTES,
                      untrusted_comment="u" * ms.MAX_UNTRUSTED_COMMENT_BYTES)
    (tmp_path / "f.txt.minisig").write_bytes(longest)
    assert cli("-H", "-Vm", "f.txt", "-p", "key.pub", "-q", cwd=tmp_path).returncode == 0
    assert ms.parse_signature(longest).trusted_comment == "t" * ms.MAX_TRUSTED_COMMENT_BYTES
    with pytest.raises(MinisignError) as err:
        ms.sign(private_key, public_key.key_id, DATA, "t" * (ms.MAX_TRUSTED_COMMENT_BYTES + 1))
    assert reason(err) == "signature_trusted_comment_invalid"
    with pytest.raises(MinisignError) as err:
        ms.sign(private_key, public_key.key_id, DATA, "t",
                untrusted_comment="u" * (ms.MAX_UNTRUSTED_COMMENT_BYTES + 1))
    assert reason(err) == "signature_untrusted_comment_invalid"


# --- our own round trip ----------------------------------------------------------------------


def test_sign_writes_four_lf_lines_and_round_trips(keypair):
    private_key, public_key = keypair
    blob = ms.sign(private_key, public_key.key_id, DATA, TRUSTED)
    assert blob.endswith(b"\n") and blob.count(b"\n") == 4 and b"\r" not in blob
    lines = blob.decode().split("\n")
    assert lines[0] == "untrusted comment: signature from qnapp"
    assert lines[2] == "trusted comment: " + TRUSTED
    sig = ms.parse_signature(blob)
    assert sig.algorithm == b"ED" and sig.key_id == public_key.key_id
    assert sig.untrusted_comment == "signature from qnapp"
    ms.verify(sig, public_key, DATA)
    assert ms.parse_signature(blob[:-1]) == sig  # the final newline is optional


def test_verify_checks_each_part(keypair):
    private_key, public_key = keypair
    sig = ms.parse_signature(ms.sign(private_key, public_key.key_id, DATA, TRUSTED))

    with pytest.raises(MinisignError) as err:
        ms.verify(sig, public_key, DATA[:-1])
    assert reason(err) == "signature_invalid"

    forged = Signature(**{**sig.__dict__, "trusted_comment": TRUSTED.replace("rev:1", "rev:9")})
    with pytest.raises(MinisignError) as err:
        ms.verify(forged, public_key, DATA)
    assert reason(err) == "signature_comment_invalid"

    # Another key that claims the same key id: the signature itself fails.
    impostor = PublicKey.from_private_key(Ed25519PrivateKey.generate(), public_key.key_id)
    with pytest.raises(MinisignError) as err:
        ms.verify(sig, impostor, DATA)
    assert reason(err) == "signature_invalid"

    legacy = Signature(**{**sig.__dict__, "algorithm": b"Ed"})
    with pytest.raises(MinisignError) as err:
        ms.verify(legacy, public_key, DATA)
    assert reason(err) == "signature_legacy_algorithm"


def test_a_legacy_signature_made_by_hand_is_refused(keypair):
    private_key, public_key = keypair
    raw_sig = private_key.sign(DATA)  # "Ed": over the data itself
    global_sig = private_key.sign(raw_sig + b"t")
    blob = (
        "untrusted comment: x\n"
        + base64.b64encode(b"Ed" + public_key.key_id + raw_sig).decode() + "\n"
        + "trusted comment: t\n" + base64.b64encode(global_sig).decode() + "\n"
    ).encode()
    with pytest.raises(MinisignError) as err:
        ms.parse_signature(blob)
    assert reason(err) == "signature_legacy_algorithm"
    assert isinstance(err.value, QnappError) and "dạng cũ" in str(err.value)


def _good(keypair) -> bytes:
    private_key, public_key = keypair
    return ms.sign(private_key, public_key.key_id, DATA, TRUSTED)


@pytest.mark.parametrize("mutate, code", [
    (lambda b: b.replace(b"\n", b"\r\n"), "signature_malformed"),
    (lambda b: b + b"extra line\n", "signature_malformed"),
    (lambda b: b + b"\n", "signature_malformed"),  # a blank fifth line
    (lambda b: b"\n".join(b.split(b"\n")[:3]) + b"\n", "signature_malformed"),
    (lambda b: b.replace(b"untrusted comment: ", b"Untrusted comment: "), "signature_malformed"),
    (lambda b: b.replace(b"trusted comment: vnrb1", b"trusted-comment: vnrb1"), "signature_malformed"),
    (lambda b: b.replace(b"trusted comment: vnrb1", "trusted comment: Báo cáo".encode()),
     "signature_trusted_comment_invalid"),
    (lambda b: b.replace(b"trusted comment: vnrb1", b"trusted comment: \x1b[31m"),
     "signature_trusted_comment_invalid"),
    (lambda b: b.replace(b"trusted comment: vnrb1", b"trusted comment: \tvnrb1"),
     "signature_trusted_comment_invalid"),
    (lambda b: b.replace(b"signature from qnapp", b"sig\x07"), "signature_untrusted_comment_invalid"),
    (lambda b: b.replace(b"signature from qnapp", b"\xff\xfe"), "signature_malformed"),
    (lambda b: b.replace(b"\x00", b"") + b"\x00", "signature_malformed"),
    (lambda b: b"x" * (ms.MAX_SIGNATURE_BYTES + 1), "signature_too_large"),
])
def test_parse_refuses_malformed_files(keypair, mutate, code):
    with pytest.raises(MinisignError) as err:
        ms.parse_signature(mutate(_good(keypair)))
    assert reason(err) == code


def _replace_line(blob: bytes, index: int, new: bytes) -> bytes:
    lines = blob.split(b"\n")
    lines[index] = new
    return b"\n".join(lines)


@pytest.mark.parametrize("index", [1, 3])
def test_parse_accepts_only_canonical_base64(keypair, index):
    blob = _good(keypair)
    line = blob.split(b"\n")[index]
    raw = base64.b64decode(line)
    for bad in (
        line + b"\n",                         # not a line of its own any more
        b" " + line,                          # whitespace
        line.rstrip(b"="),                    # missing padding
        line[:-3] + b"-_=",                   # urlsafe alphabet
        base64.b64encode(raw[:-1]),           # one byte short
        base64.b64encode(raw + b"\x00"),      # one byte long
    ):
        with pytest.raises(MinisignError) as err:
            ms.parse_signature(_replace_line(blob, index, bad))
        assert reason(err) in {"signature_base64_invalid", "signature_malformed"}
    # Non-canonical: the same bytes with non-zero padding bits decode but do not round-trip.
    assert line.endswith(b"=")  # 74 and 64 bytes: both lines carry padding bits
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stem = line.rstrip(b"=")
    last = alphabet.index(stem[-1:])
    sloppy = stem[:-1] + alphabet[last ^ 1 : (last ^ 1) + 1] + line[len(stem):]
    assert sloppy != line and base64.b64decode(sloppy) == raw
    with pytest.raises(MinisignError) as err:
        ms.parse_signature(_replace_line(blob, index, sloppy))
    assert reason(err) == "signature_base64_invalid"


def test_unknown_algorithm_is_refused(keypair):
    blob = _good(keypair)
    raw = base64.b64decode(blob.split(b"\n")[1])
    with pytest.raises(MinisignError) as err:
        ms.parse_signature(_replace_line(blob, 1, base64.b64encode(b"EE" + raw[2:])))
    assert reason(err) == "signature_unknown_algorithm"


def test_sign_refuses_bad_comments(keypair):
    private_key, public_key = keypair
    for comment in ("Tiên Yên", "a\nb", "a\rb", "a\tb"):
        with pytest.raises(MinisignError) as err:
            ms.sign(private_key, public_key.key_id, DATA, comment)
        assert reason(err) == "signature_trusted_comment_invalid"
    with pytest.raises(MinisignError) as err:
        ms.sign(private_key, public_key.key_id, DATA, "ok", untrusted_comment="a\nb")
    assert reason(err) == "signature_untrusted_comment_invalid"
    with pytest.raises(ValueError):
        ms.sign(private_key, b"short", DATA, "ok")


# --- public keys ------------------------------------------------------------------------------


def test_public_key_text_round_trip_and_identity(keypair):
    _private, public_key = keypair
    text = public_key.to_file_text("qnapp unit 2021:06862")
    assert text.startswith("untrusted comment: qnapp unit 2021:06862\nRW") and text.endswith("\n")
    assert ms.parse_public_key(text) == public_key
    assert ms.parse_public_key(public_key.to_base64()) == public_key  # the bare key line
    assert ms.parse_public_key(text.replace("\n", "\r\n")) == public_key  # CRLF from e-mail
    assert public_key.fingerprint == hashlib.sha256(public_key.raw).hexdigest()
    groups = public_key.fingerprint_groups.split(" ")
    assert len(groups) == 16 and all(re.fullmatch(r"[0-9A-F]{4}", g) for g in groups)
    assert "".join(groups).lower() == public_key.fingerprint
    assert public_key.key_id_hex == (public_key.key_id[::-1].hex().upper().lstrip("0") or "0")
    # As the CLI prints it (%PRIX64): no leading zeros.
    assert ms.key_id_hex(bytes.fromhex("e78a92f3b75f8f00")) == "8F5FB7F3928AE7"
    assert ms.key_id_hex(bytes(8)) == "0"
    assert ms.normalise_fingerprint(public_key.fingerprint_groups.lower()) == public_key.fingerprint
    assert ms.normalise_fingerprint(public_key.fingerprint[:-1]) is None
    assert ms.normalise_fingerprint("g" * 64) is None


@pytest.mark.parametrize("text", [
    "",
    "untrusted comment: x\n",
    "comment: x\nRWQzp75S9dT2OWjTFVM5QBgIgdp9Vj+7kH1+/aT9prtIyZ5MQlVb5B63\n",
    "untrusted comment: x\nRWQzp75S9dT2OWjTFVM5QBgIgdp9Vj+7kH1+/aT9prtIyZ5MQlVb5B63\nmore\n",
    "RWQzp75S9dT2OWjTFVM5QBgIgdp9Vj+7kH1+/aT9prtIyZ5MQlVb5B6",   # truncated
    "RWQzp75S9dT2OWjTFVM5QBgIgdp9Vj+7kH1+/aT9prtIyZ5MQlVb5B63AA==",  # too long
    "RWQzp75S9dT2OWjTFVM5QBgIgdp9Vj+7kH1+/aT9prtIyZ5MQlVb5B6!",
])
def test_parse_public_key_is_strict(text):
    with pytest.raises(MinisignError) as err:
        ms.parse_public_key(text)
    assert reason(err) == "public_key_malformed"


def test_public_key_with_another_algorithm_is_refused(keypair):
    _private, public_key = keypair
    other = base64.b64encode(b"XX" + public_key.key_id + public_key.raw).decode()
    with pytest.raises(MinisignError) as err:
        ms.parse_public_key(other)
    assert reason(err) == "public_key_unsupported_algorithm"
