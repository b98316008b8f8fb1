"""minisign public keys and signatures (prehashed "ED" form only), on ``cryptography``.

Format (minisign 0.11, https://jedisct1.github.io/minisign/):

- public key: base64(``b"Ed"`` || key_id(8) || Ed25519 public key(32)), in a ``.pub`` file
  after an ``untrusted comment: …`` line;
- signature file, four lines::

      untrusted comment: <not authenticated>
      base64(b"ED" || key_id(8) || Ed25519(BLAKE2b-512(data)))
      trusted comment: <authenticated, printable ASCII>
      base64(Ed25519(signature(64) || trusted comment bytes))

We write and accept only the prehashed ``ED`` algorithm (``minisign -H`` semantics); the
legacy ``Ed`` form (signature over the raw data) is refused with its own reason code.

Parsing is strict and fails closed: size cap, LF line ends, exactly four lines (one final
newline tolerated), canonical base64 only, printable-ASCII trusted comment. Every failure
is a :class:`MinisignError` whose ``reason_code`` is a stable snake_case string and whose
``str()`` is a Vietnamese message.

Key ids are random lookup hints, not identities: :attr:`PublicKey.fingerprint` (SHA-256 of
the raw 32-byte key) is the identity the trust registry uses. ``fingerprint_groups`` is the
same 64 hex digits, upper case, in 16 groups of 4 separated by spaces, for reading back
over the phone ("3F2A 9C01 …").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qnapp.errors import QnappError
from qnapp.i18n import _

__all__ = [
    "ALG_HASHED",
    "ALG_LEGACY",
    "MAX_SIGNATURE_BYTES",
    "MAX_TRUSTED_COMMENT_BYTES",
    "MAX_UNTRUSTED_COMMENT_BYTES",
    "MinisignError",
    "PublicKey",
    "Signature",
    "generate_key_id",
    "key_id_hex",
    "parse_public_key",
    "parse_signature",
    "sign",
    "verify",
]

ALG_LEGACY = b"Ed"  # signature over the raw data; also the public-key algorithm tag
ALG_HASHED = b"ED"  # signature over BLAKE2b-512(data)
KEY_ID_BYTES = 8
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64

UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "

MAX_SIGNATURE_BYTES = 16 * 1024
# The reference CLI reads the comment lines with fgets() into 1024- and 8192-byte
# buffers (COMMENTMAXBYTES, TRUSTEDCOMMENTMAXBYTES); a longer line would be split and the
# file misread. These caps keep every file we write readable by the CLI, and we refuse
# anything longer on input.
MAX_UNTRUSTED_COMMENT_BYTES = 1024 - 1 - len(UNTRUSTED_PREFIX) - 1  # 1003
MAX_TRUSTED_COMMENT_BYTES = 8192 - 1 - len(TRUSTED_PREFIX) - 1  # 8173 (< 8 KiB)


class MinisignError(QnappError):
    """A key or signature that must not be used; ``reason_code`` is stable snake_case."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


# --- public keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes, in file order (little-endian, as minisign stores it)
    raw: bytes  # 32-byte Ed25519 public key

    def __post_init__(self) -> None:
        if not isinstance(self.key_id, bytes) or len(self.key_id) != KEY_ID_BYTES:
            raise ValueError("key_id must be 8 bytes")
        if not isinstance(self.raw, bytes) or len(self.raw) != PUBLIC_KEY_BYTES:
            raise ValueError("raw must be 32 bytes")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw key, lowercase hex (64 characters)."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def fingerprint_groups(self) -> str:
        """The full fingerprint, upper case, in 16 groups of 4: ``"3F2A 9C01 …"``."""
        return format_fingerprint(self.fingerprint)

    @property
    def key_id_hex(self) -> str:
        """The key id as ``minisign`` prints it: upper-case hex of the little-endian u64,
        without leading zeros (the CLI formats it with ``%PRIX64``)."""
        return key_id_hex(self.key_id)

    def to_base64(self) -> str:
        return base64.b64encode(ALG_LEGACY + self.key_id + self.raw).decode("ascii")

    def to_file_text(self, untrusted_comment: str) -> str:
        """A minisign ``.pub`` file: ``untrusted comment: …\\n<base64>\\n``."""
        _check_untrusted_comment(untrusted_comment)
        return f"{UNTRUSTED_PREFIX}{untrusted_comment}\n{self.to_base64()}\n"

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey, key_id: bytes) -> PublicKey:
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(key_id=bytes(key_id), raw=raw)


def key_id_hex(key_id: bytes) -> str:
    """``minisign``'s display of a key id: ``%PRIX64`` of the little-endian integer."""
    return f"{int.from_bytes(key_id, 'little'):X}"


def format_fingerprint(fingerprint: str) -> str:
    """``"3f2a9c01…"`` → ``"3F2A 9C01 …"`` (groups of 4, upper case)."""
    fpr = fingerprint.upper()
    return " ".join(fpr[i : i + 4] for i in range(0, len(fpr), 4))


def normalise_fingerprint(text: str) -> str | None:
    """A fingerprint as typed (any case, spaces, ``:`` or ``-`` between groups) → lowercase
    hex, or None when it is not 64 hex digits."""
    if not isinstance(text, str):
        return None
    cleaned = "".join(ch for ch in text if ch not in " \t:-").lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        return None
    return cleaned


def _strict_b64decode(text: str, expected_len: int, reason: str, message: str) -> bytes:
    """Canonical base64 only: right alphabet, padding, no whitespace, round-trips."""
    try:
        raw_text = text.encode("ascii")
        data = base64.b64decode(raw_text, validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise MinisignError(reason, message) from None
    if base64.b64encode(data) != raw_text or len(data) != expected_len:
        raise MinisignError(reason, message)
    return data


def parse_public_key(text: str) -> PublicKey:
    """A ``.pub`` file's text (comment line + key line) or the bare base64 key line.

    Strict: the key line must be canonical base64 of exactly 42 bytes starting ``Ed``.
    CRLF line ends and one final newline are tolerated (public keys travel by chat apps
    and e-mail; the fingerprint check at trust time is what authenticates them).
    """
    bad = _("Tệp khóa công khai không đúng định dạng minisign.")
    if not isinstance(text, str):
        raise MinisignError("public_key_malformed", bad)
    if len(text) > 4096:
        raise MinisignError("public_key_malformed", bad)
    body = text.replace("\r\n", "\n")
    if body.endswith("\n"):
        body = body[:-1]
    lines = body.split("\n")
    if len(lines) == 1:
        key_line = lines[0].strip()
    elif len(lines) == 2:
        if not lines[0].startswith(UNTRUSTED_PREFIX):
            raise MinisignError("public_key_malformed", bad)
        key_line = lines[1]
    else:
        raise MinisignError("public_key_malformed", bad)
    data = _strict_b64decode(key_line, 2 + KEY_ID_BYTES + PUBLIC_KEY_BYTES,
                             "public_key_malformed", bad)
    if data[:2] != ALG_LEGACY:
        raise MinisignError(
            "public_key_unsupported_algorithm",
            _("Khóa công khai dùng thuật toán không được hỗ trợ."),
        )
    return PublicKey(key_id=data[2:10], raw=data[10:])


def public_key_comment(text: str) -> str | None:
    """The untrusted comment of a ``.pub`` file's text (None for a bare key line)."""
    body = text.replace("\r\n", "\n")
    first = body.split("\n", 1)[0]
    if first.startswith(UNTRUSTED_PREFIX):
        return first[len(UNTRUSTED_PREFIX) :]
    return None


def generate_key_id() -> bytes:
    return os.urandom(KEY_ID_BYTES)


# --- signatures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    algorithm: bytes  # b"ED"
    key_id: bytes  # 8 bytes
    signature: bytes  # 64 bytes, Ed25519 over BLAKE2b-512(data)
    trusted_comment: str
    global_signature: bytes  # 64 bytes, Ed25519 over signature || trusted comment
    untrusted_comment: str

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)


def _prehash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=64).digest()


_UNTRUSTED_BAD_RE = re.compile(r"[\x00-\x1f\x7f]")  # C0 controls and DEL
_TRUSTED_OK_RE = re.compile(r"[\x20-\x7e]*")  # printable ASCII only


def _check_untrusted_comment(comment: str) -> None:
    if (not isinstance(comment, str) or _UNTRUSTED_BAD_RE.search(comment) is not None
            or len(comment.encode("utf-8")) > MAX_UNTRUSTED_COMMENT_BYTES):
        raise MinisignError("signature_untrusted_comment_invalid",
                            _("Chú thích không xác thực của chữ ký không hợp lệ."))


def _check_trusted_comment(comment: str) -> bytes:
    if (not isinstance(comment, str) or _TRUSTED_OK_RE.fullmatch(comment) is None
            or len(comment) > MAX_TRUSTED_COMMENT_BYTES):  # ASCII: one byte a character
        raise MinisignError(
            "signature_trusted_comment_invalid",
            _(
                "Chú thích được xác thực của chữ ký không hợp lệ (chỉ chữ ASCII in được, "
                "tối đa {limit} byte)."
            ).format(limit=MAX_TRUSTED_COMMENT_BYTES),
        )
    return comment.encode("ascii")


def sign(
    private_key: Ed25519PrivateKey,
    key_id: bytes,
    data: bytes,
    trusted_comment: str,
    untrusted_comment: str = "signature from qnapp",
) -> bytes:
    """A prehashed (``ED``) minisign signature file for ``data``: four LF lines, final LF."""
    if not isinstance(key_id, bytes) or len(key_id) != KEY_ID_BYTES:
        raise ValueError("key_id must be 8 bytes")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    _check_untrusted_comment(untrusted_comment)
    comment_bytes = _check_trusted_comment(trusted_comment)
    signature = private_key.sign(_prehash(bytes(data)))
    global_signature = private_key.sign(signature + comment_bytes)
    lines = [
        UNTRUSTED_PREFIX + untrusted_comment,
        base64.b64encode(ALG_HASHED + key_id + signature).decode("ascii"),
        TRUSTED_PREFIX + trusted_comment,
        base64.b64encode(global_signature).decode("ascii"),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_signature(blob: bytes) -> Signature:
    """A ``.minisig`` file's bytes → :class:`Signature`; strict, fails closed.

    Reason codes: ``signature_too_large``, ``signature_malformed`` (encoding, line
    structure, CR, prefixes), ``signature_untrusted_comment_invalid``,
    ``signature_trusted_comment_invalid``, ``signature_base64_invalid`` (line 2 or 4 not
    canonical base64 of the right length), ``signature_legacy_algorithm`` (``Ed``),
    ``signature_unknown_algorithm``.
    """
    malformed = _("Tệp chữ ký không đúng định dạng minisign.")
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise MinisignError("signature_malformed", malformed)
    blob = bytes(blob)
    if len(blob) > MAX_SIGNATURE_BYTES:
        raise MinisignError(
            "signature_too_large",
            _("Tệp chữ ký quá lớn (tối đa {limit} byte).").format(limit=MAX_SIGNATURE_BYTES),
        )
    try:
        text = blob.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise MinisignError("signature_malformed", malformed) from None
    if "\r" in text or "\x00" in text:
        raise MinisignError("signature_malformed", malformed)
    if text.endswith("\n"):
        text = text[:-1]
    lines = text.split("\n")
    if len(lines) != 4:
        raise MinisignError("signature_malformed", malformed)
    line1, line2, line3, line4 = lines
    if not line1.startswith(UNTRUSTED_PREFIX) or not line3.startswith(TRUSTED_PREFIX):
        raise MinisignError("signature_malformed", malformed)
    untrusted_comment = line1[len(UNTRUSTED_PREFIX) :]
    _check_untrusted_comment(untrusted_comment)
    trusted_comment = line3[len(TRUSTED_PREFIX) :]
    _check_trusted_comment(trusted_comment)
    bad_b64 = _("Chữ ký không đúng định dạng (base64 không hợp lệ).")
    sig_blob = _strict_b64decode(line2, 2 + KEY_ID_BYTES + SIGNATURE_BYTES,
                                 "signature_base64_invalid", bad_b64)
    global_signature = _strict_b64decode(line4, SIGNATURE_BYTES,
                                         "signature_base64_invalid", bad_b64)
    algorithm = sig_blob[:2]
    _check_algorithm(algorithm)
    return Signature(
        algorithm=algorithm,
        key_id=sig_blob[2:10],
        signature=sig_blob[10:],
        trusted_comment=trusted_comment,
        global_signature=global_signature,
        untrusted_comment=untrusted_comment,
    )


def _check_algorithm(algorithm: bytes) -> None:
    if algorithm == ALG_LEGACY:
        raise MinisignError(
            "signature_legacy_algorithm",
            _("Chữ ký dạng cũ (không băm trước) không được chấp nhận; "
              "hãy ký lại bằng minisign bản mới."),
        )
    if algorithm != ALG_HASHED:
        raise MinisignError(
            "signature_unknown_algorithm",
            _("Chữ ký dùng thuật toán không được hỗ trợ."),
        )


def verify(sig: Signature, public_key: PublicKey, data: bytes) -> None:
    """Raise :class:`MinisignError` unless ``sig`` by ``public_key`` covers ``data`` and its
    trusted comment. Reason codes, in the order checked: ``signature_legacy_algorithm`` /
    ``signature_unknown_algorithm``, ``signature_key_mismatch``, ``signature_invalid``,
    ``signature_comment_invalid``."""
    _check_algorithm(sig.algorithm)
    if sig.key_id != public_key.key_id:
        raise MinisignError(
            "signature_key_mismatch",
            _("Chữ ký được tạo bằng khóa khác (mã khóa {got}, cần {want}).").format(
                got=sig.key_id_hex, want=public_key.key_id_hex
            ),
        )
    comment_bytes = _check_trusted_comment(sig.trusted_comment)
    try:
        key = public_key.ed25519()
    except ValueError:
        raise MinisignError(
            "public_key_malformed", _("Tệp khóa công khai không đúng định dạng minisign.")
        ) from None
    try:
        key.verify(sig.signature, _prehash(bytes(data)))
    except InvalidSignature:
        raise MinisignError(
            "signature_invalid",
            _("Chữ ký không khớp với nội dung: tệp đã bị thay đổi hoặc không do khóa này ký."),
        ) from None
    try:
        key.verify(sig.global_signature, sig.signature + comment_bytes)
    except InvalidSignature:
        raise MinisignError(
            "signature_comment_invalid",
            _("Chú thích được xác thực của chữ ký đã bị thay đổi."),
        ) from None
