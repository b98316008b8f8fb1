"""Signing keys: the unit's own Ed25519 key (encrypted at rest) and a parent's trust
registry of its children's public keys. Qt-free; the CLI and the GUI call it.

Own key
    Ed25519 (``cryptography``). The 32-byte private seed is stored in ``own_keys`` only
    encrypted: scrypt(passphrase) → 256-bit key → ChaCha20-Poly1305 with a random salt and
    nonce; the associated data binds the ciphertext to its unit and public key, so a row
    cannot be moved to another unit or paired with another public key. The scrypt
    parameters are stored with each ciphertext (``encrypted_private`` JSON), so they can
    be raised later without breaking old keys. Not PKCS#8 ``BestAvailableEncryption``
    (2,048 PBKDF2 rounds). A unit that has a key gets a new one only when asked
    explicitly (``replace=True``); the old ones are kept, status ``retired`` (since the
    next key's creation), so the unit's earlier bundles still verify; the newest key is
    ``active``.

    The passphrase is NFC-normalised before use (Unikey can type the same Vietnamese
    text precomposed or decomposed) and must have at least 8 characters. The command
    line reads it from ``QNAPP_PASSPHRASE``; the GUI passes it explicitly.

Trust registry
    A parent registers each child's public key after the clerk has read the fingerprint
    back over the phone. One key signs for exactly one unit: a fingerprint (or minisign
    key id) already registered for another unit is refused, so a trusted key of one
    commune cannot sign for its neighbour. Only direct children of the importer's own unit
    may be registered (a 2021 district: its communes; the province: the 2021 districts
    and the 2025 communes, i.e. the direct children of the province root in every tree).
    Revocation is dated: a key revoked from D is not valid on D or later, and a
    revocation can be moved earlier but never later.

Fingerprint = SHA-256 of the raw public key (``PublicKey.fingerprint``), shown as 16
groups of 4 upper-case hex digits (``PublicKey.fingerprint_groups``).

Errors are :class:`KeysError` (a ``QnappError``) with a stable ``reason_code`` and a
Vietnamese message; public-key parse errors are ``qnapp.minisign.MinisignError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace as evolve
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from qnapp import minisign
from qnapp.errors import NotInitialisedError, QnappError
from qnapp.i18n import _
from qnapp.minisign import PublicKey, format_fingerprint, normalise_fingerprint
from qnapp.store import Store
from qnapp.text import VN_TZ, format_date, nfc, now_iso
from qnapp.units import Unit, get_unit, load_tree

__all__ = [
    "DEFAULT_SCRYPT",
    "MIN_PASSPHRASE_CHARS",
    "PASSPHRASE_ENV",
    "KeysError",
    "OwnKey",
    "ScryptParams",
    "TrustedKey",
    "check_passphrase",
    "create_key",
    "export_public_key",
    "is_child_unit",
    "list_own_keys",
    "list_trusted",
    "load_signing_key",
    "own_public_key",
    "passphrase_from_env",
    "read_key_file_text",
    "read_public_key_file",
    "read_public_key_text",
    "refuse_replacing",
    "revoke_key",
    "trust_key",
    "trusted_key_by_key_id",
    "trusted_key_for",
]

PASSPHRASE_ENV = "QNAPP_PASSPHRASE"
MIN_PASSPHRASE_CHARS = 8
MAX_PASSPHRASE_BYTES = 1024
MAX_PUBLIC_KEY_FILE_BYTES = 4096

KEY_FORMAT = "qnapp-key/1"
CIPHER = "chacha20poly1305"
_AAD_PREFIX = b"qnapp own signing key v1\x00"


@dataclass(frozen=True)
class ScryptParams:
    n: int
    r: int
    p: int

    def check(self) -> None:
        """Bounds for parameters read back from the database (no 64 GiB surprises)."""
        if not (
            isinstance(self.n, int) and 2 <= self.n <= 2**22 and self.n & (self.n - 1) == 0
            and isinstance(self.r, int) and 1 <= self.r <= 32
            and isinstance(self.p, int) and 1 <= self.p <= 16
        ):
            raise ValueError(f"scrypt parameters out of range: {self}")


# Production cost: N=2^17, r=8 (128 MiB, OWASP's scrypt floor) and p=2, which doubles the
# work without more memory (4 GB commune PCs). Measured 0.57–0.60 s per derivation on the
# development machine (cryptography 48, 2 cores); about 0.3 s for p=1. Tests lower it
# by monkeypatching this name; stored keys keep the parameters they were made with.
DEFAULT_SCRYPT = ScryptParams(n=2**17, r=8, p=2)


class KeysError(QnappError):
    """A key operation refused; ``reason_code`` is stable snake_case."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


# --- helpers -------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _today() -> date:
    return datetime.now(VN_TZ).date()


def _check_who(who: object) -> str:
    if not isinstance(who, str) or not nfc(who).strip():
        raise ValueError("who must be a non-empty str")
    return nfc(who).strip()


def _check_date(d: object, name: str) -> date:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise ValueError(f"{name} must be a datetime.date")
    return d


# Persistence helpers: this module owns the own_keys / trusted_keys tables (migration
# m002_keys in qnapp.store) and writes audit rows through the store's own mechanism.
def _rows(store: Store, sql: str, params: list[Any] | tuple = ()) -> list[tuple]:
    with store._reading():
        return store.conn.execute(sql, list(params)).fetchall()


def _audit(store: Store, who: str, action: str, entity: str, key: str, old: Any, new: Any) -> None:
    store._audit(now_iso(), who, action, entity, key, old, new)


def passphrase_from_env() -> str | None:
    """``QNAPP_PASSPHRASE`` or None when unset or empty (the command line's source)."""
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def _passphrase_bytes(passphrase: object, *, creating: bool) -> bytes:
    if not isinstance(passphrase, str):
        raise KeysError("passphrase_missing", _("Chưa nhập mật khẩu khóa."))
    text = unicodedata.normalize("NFC", passphrase)
    if creating and len(text) < MIN_PASSPHRASE_CHARS:
        raise KeysError(
            "passphrase_too_short",
            _("Mật khẩu khóa phải có ít nhất {n} ký tự.").format(n=MIN_PASSPHRASE_CHARS),
        )
    if not text:
        raise KeysError("passphrase_missing", _("Chưa nhập mật khẩu khóa."))
    data = text.encode("utf-8")
    if len(data) > MAX_PASSPHRASE_BYTES:
        raise KeysError(
            "passphrase_too_long",
            _("Mật khẩu khóa quá dài (tối đa {n} byte).").format(n=MAX_PASSPHRASE_BYTES),
        )
    return data


def check_passphrase(passphrase: object) -> None:
    """Raise :class:`KeysError` unless ``passphrase`` may protect a new key (≥ 8
    characters after NFC); lets callers refuse before changing anything."""
    _passphrase_bytes(passphrase, creating=True)


def _aad(unit_key: str, public_key: PublicKey) -> bytes:
    return _AAD_PREFIX + unit_key.encode("utf-8") + b"\x00" + public_key.key_id + public_key.raw


def _derive(passphrase: bytes, salt: bytes, params: ScryptParams) -> bytes:
    params.check()
    return Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(passphrase)


def _encrypt(seed: bytes, passphrase: bytes, unit_key: str, public_key: PublicKey,
             params: ScryptParams) -> dict[str, Any]:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    key = _derive(passphrase, salt, params)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, seed, _aad(unit_key, public_key))
    return {
        "format": KEY_FORMAT,
        "kdf": {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p,
                "salt": _b64(salt)},
        "cipher": CIPHER,
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }


def _unit_key(unit: Unit | str) -> str:
    if isinstance(unit, Unit):
        return unit.key
    try:
        return get_unit(unit).key
    except QnappError as err:
        raise KeysError("unit_unknown", str(err)) from None


def _own_unit_key(store: Store) -> str:
    from qnapp.workspace import PROFILE_KEY  # lazy: the workspace may come to use keys

    raw = store.get_setting(PROFILE_KEY)
    if not raw:
        raise NotInitialisedError(
            _("Chưa thiết lập đơn vị và cán bộ. Hãy chạy «qnapp init» hoặc mở chương trình để thiết lập.")
        )
    return f"{raw['tree']}:{raw['unit_code']}"


def _own_officer(store: Store) -> str:
    from qnapp.workspace import PROFILE_KEY

    raw = store.get_setting(PROFILE_KEY) or {}
    return str(raw.get("officer", ""))


# --- own key -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnKey:
    public_key: PublicKey
    unit: str
    created_at: str
    status: str  # active | retired
    kdf: ScryptParams
    retired_at: str | None = None  # ISO timestamp: when the next key replaced it

    @property
    def fingerprint(self) -> str:
        return self.public_key.fingerprint


_OWN_SELECT = (
    "SELECT fingerprint, key_id, public_key, unit, encrypted_private, created_at, status "
    "FROM own_keys"
)


def _own_from_row(row: tuple) -> tuple[OwnKey, dict[str, Any]]:
    _fpr, _kid, public_b64, unit, enc_text, created_at, status = row
    enc = json.loads(enc_text)
    kdf = enc["kdf"]
    own = OwnKey(
        public_key=minisign.parse_public_key(public_b64),
        unit=unit,
        created_at=created_at,
        status=status,
        kdf=ScryptParams(n=kdf["n"], r=kdf["r"], p=kdf["p"]),
    )
    return own, enc


def refuse_replacing(store: Store) -> None:
    """Raise ``own_key_exists`` when the unit has an active key: replacing it must be asked
    for (its parent then has to register the new key before the next report)."""
    current = own_public_key(store)
    if current is not None:
        raise KeysError(
            "own_key_exists",
            _(
                "Đơn vị đã có khóa ký (dấu vân tay {fpr}); chưa tạo khóa mới. Chỉ thay khóa "
                "khi chuyển máy hoặc lộ mật khẩu, rồi gửi khóa công khai mới cho đơn vị cấp trên."
            ).format(fpr=current.fingerprint_groups),
        )


def create_key(store: Store, unit_key: str, passphrase: str, *, who: str,
               replace: bool = False) -> PublicKey:
    """A new Ed25519 key for ``unit_key``, stored encrypted. When the unit already has
    one, only with ``replace=True`` (else ``own_key_exists``); the old key is retired and
    kept, so bundles it signed still verify."""
    unit_key = _unit_key(unit_key)
    who = _check_who(who)
    secret = _passphrase_bytes(passphrase, creating=True)
    if not replace:
        refuse_replacing(store)
    params = DEFAULT_SCRYPT
    private_key = Ed25519PrivateKey.generate()
    key_id = minisign.generate_key_id()
    public_key = PublicKey.from_private_key(private_key, key_id)
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    encrypted = _encrypt(seed, secret, unit_key, public_key, params)
    del seed
    now = now_iso()
    with store.transaction():
        for (fpr,) in store.conn.execute(
            "SELECT fingerprint FROM own_keys WHERE status = 'active'"
        ).fetchall():
            store.conn.execute(
                "UPDATE own_keys SET status = 'retired' WHERE fingerprint = ?", [fpr]
            )
            _audit(store, who, "update", "own_key", fpr,
                   {"status": "active"}, {"status": "retired"})
        store.conn.execute(
            "INSERT INTO own_keys (fingerprint, key_id, public_key, unit, encrypted_private, "
            "created_at, status) VALUES (?, ?, ?, ?, ?, ?, 'active')",
            [public_key.fingerprint, key_id.hex(), public_key.to_base64(), unit_key,
             json.dumps(encrypted, sort_keys=True), now],
        )
        _audit(store, who, "insert", "own_key", public_key.fingerprint, None, {
            "unit": unit_key, "public_key": public_key.to_base64(),
            "key_id": public_key.key_id_hex, "status": "active",
            "kdf": {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p},
        })
    return public_key


def list_own_keys(store: Store) -> list[OwnKey]:
    """Own keys, newest first (the active one first); a retired key carries ``retired_at``,
    the creation time of the key made after it."""
    rows = _rows(store, _OWN_SELECT + " ORDER BY rowid")
    found = [_own_from_row(r)[0] for r in rows]
    found = [
        evolve(k, retired_at=found[i + 1].created_at)
        if k.status == "retired" and i + 1 < len(found) else k
        for i, k in enumerate(found)
    ]
    return sorted(reversed(found), key=lambda k: k.status != "active")


def own_public_key(store: Store) -> PublicKey | None:
    """The active own public key, or None before one is created."""
    rows = _rows(store, _OWN_SELECT + " WHERE status = 'active' ORDER BY rowid DESC LIMIT 1")
    return _own_from_row(rows[0])[0].public_key if rows else None


def load_signing_key(store: Store, passphrase: str) -> tuple[Ed25519PrivateKey, PublicKey]:
    """Decrypt the active own key. A wrong passphrase raises ``passphrase_wrong``."""
    rows = _rows(store, _OWN_SELECT + " WHERE status = 'active' ORDER BY rowid DESC LIMIT 1")
    if not rows:
        raise KeysError(
            "no_own_key",
            _("Đơn vị chưa có khóa ký. Hãy tạo khóa ký trước khi gửi báo cáo."),
        )
    own, enc = _own_from_row(rows[0])
    secret = _passphrase_bytes(passphrase, creating=False)
    try:
        if enc.get("format") != KEY_FORMAT or enc.get("cipher") != CIPHER:
            raise ValueError("unknown key format")
        if enc["kdf"].get("name") != "scrypt":
            raise ValueError("unknown kdf")
        salt = _unb64(enc["kdf"]["salt"])
        nonce = _unb64(enc["nonce"])
        ciphertext = _unb64(enc["ciphertext"])
        key = _derive(secret, salt, own.kdf)
    except (KeyError, TypeError, ValueError, binascii.Error) as err:
        raise KeysError(
            "own_key_damaged",
            _("Khóa ký lưu trong cơ sở dữ liệu bị hỏng ({error}).").format(error=err),
        ) from None
    try:
        seed = ChaCha20Poly1305(key).decrypt(nonce, ciphertext, _aad(own.unit, own.public_key))
    except InvalidTag:
        raise KeysError("passphrase_wrong", _("Mật khẩu khóa không đúng.")) from None
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    if PublicKey.from_private_key(private_key, own.public_key.key_id) != own.public_key:
        raise KeysError(
            "own_key_damaged",
            _("Khóa ký lưu trong cơ sở dữ liệu bị hỏng (khóa bí mật không khớp khóa công khai)."),
        )
    return private_key, own.public_key


# --- public key files ------------------------------------------------------------------------

# untrusted comment: qnapp unit 2021:06862 fpr <64 hex> | Thị trấn Tiên Yên | Hoàng Thị Mai
_COMMENT = re.compile(
    r"qnapp unit (?P<unit>[0-9A-Za-z]+:[0-9]+) fpr (?P<fpr>[0-9a-f]{64})(?: \| (?P<rest>.*))?"
)


@dataclass(frozen=True)
class KeyFileInfo:
    public_key: PublicKey
    unit: str | None  # unit key named by the (unauthenticated) comment
    unit_name: str
    holder: str


def _comment_field(text: str, limit: int = 200) -> str:
    text = " ".join(nfc(text).replace("|", "/").split())
    return text[:limit]


def export_public_key(store: Store, unit: Unit | str | None = None, *, holder: str | None = None) -> str:
    """The active own key as a minisign ``.pub`` text naming its unit (and holder).

    The comment is UTF-8 (the minisign CLI accepts it) and unauthenticated: the parent
    authenticates the key by the fingerprint read back over the phone."""
    unit_key = _unit_key(unit) if unit is not None else _own_unit_key(store)
    rows = _rows(store, _OWN_SELECT + " WHERE status = 'active' AND unit = ? "
                 "ORDER BY rowid DESC LIMIT 1", [unit_key])
    if not rows:
        raise KeysError(
            "no_own_key",
            _("Đơn vị chưa có khóa ký. Hãy tạo khóa ký trước khi gửi báo cáo."),
        )
    public_key = _own_from_row(rows[0])[0].public_key
    unit_obj = get_unit(unit_key)
    holder = _own_officer(store) if holder is None else holder
    comment = "qnapp unit {key} fpr {fpr} | {name} | {holder}".format(
        key=unit_key, fpr=public_key.fingerprint,
        name=_comment_field(unit_obj.full_name), holder=_comment_field(holder),
    )
    return public_key.to_file_text(comment)


def read_public_key_text(text: str) -> KeyFileInfo:
    """Parse a ``.pub`` text; the unit (and holder) come from a qnapp comment if any.

    A qnapp comment whose fingerprint disagrees with the key is refused (the file was
    edited)."""
    public_key = minisign.parse_public_key(text)
    comment = minisign.public_key_comment(text)
    unit = None
    unit_name = holder = ""
    if comment is not None and comment.startswith("qnapp unit "):
        m = _COMMENT.fullmatch(comment.rstrip())
        if m is None or m["fpr"] != public_key.fingerprint:
            raise KeysError(
                "key_file_inconsistent",
                _("Tệp khóa công khai đã bị sửa: chú thích không khớp với khóa."),
            )
        unit = m["unit"]
        parts = (m["rest"] or "").split(" | ")
        unit_name = nfc(parts[0]).strip() if parts else ""
        holder = nfc(parts[1]).strip() if len(parts) > 1 else ""
    return KeyFileInfo(public_key=public_key, unit=unit, unit_name=unit_name, holder=holder)


def read_key_file_text(path: str | Path) -> str:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PUBLIC_KEY_FILE_BYTES + 1)
    except OSError as err:
        raise KeysError(
            "key_file_unreadable",
            _("Không đọc được tệp {path}: {error}").format(path=path, error=err),
        ) from err
    if len(data) > MAX_PUBLIC_KEY_FILE_BYTES:
        raise minisign.MinisignError(
            "public_key_malformed", _("Tệp khóa công khai không đúng định dạng minisign.")
        )
    if data.startswith(b"\xef\xbb\xbf"):  # Notepad's BOM
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise minisign.MinisignError(
            "public_key_malformed", _("Tệp khóa công khai không đúng định dạng minisign.")
        ) from None


def read_public_key_file(path: str | Path) -> tuple[PublicKey, str | None]:
    """A ``.pub`` file → (public key, unit key named in its comment or None)."""
    info = read_public_key_text(read_key_file_text(path))
    return info.public_key, info.unit


# --- trust registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    public_key: PublicKey
    unit: str  # unit key "tree:code"
    holder: str
    trusted_at: str  # ISO timestamp
    trusted_by: str
    valid_from: date
    revoked_from: date | None
    revoked_reason: str

    @property
    def key_id(self) -> bytes:
        return self.public_key.key_id

    def valid_on(self, d: date) -> bool:
        """Not revoked on ``d`` (``valid_from`` records when it was registered; a bundle
        signed before that day is normal, so it is not a lower bound)."""
        return self.revoked_from is None or d < self.revoked_from

    def as_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "key_id": self.public_key.key_id_hex,
            "public_key": self.public_key.to_base64(),
            "unit": self.unit,
            "holder": self.holder,
            "trusted_at": self.trusted_at,
            "trusted_by": self.trusted_by,
            "valid_from": self.valid_from.isoformat(),
            "revoked_from": None if self.revoked_from is None else self.revoked_from.isoformat(),
            "revoked_reason": self.revoked_reason,
        }


_TRUSTED_SELECT = (
    "SELECT fingerprint, public_key, unit, holder, trusted_at, trusted_by, valid_from, "
    "revoked_from, revoked_reason FROM trusted_keys"
)


def _trusted_from_row(row: tuple) -> TrustedKey:
    fpr, public_b64, unit, holder, trusted_at, trusted_by, valid_from, revoked_from, reason = row
    return TrustedKey(
        fingerprint=fpr,
        public_key=minisign.parse_public_key(public_b64),
        unit=unit,
        holder=holder,
        trusted_at=trusted_at,
        trusted_by=trusted_by,
        valid_from=date.fromisoformat(valid_from),
        revoked_from=None if revoked_from is None else date.fromisoformat(revoked_from),
        revoked_reason=reason,
    )


def _get_trusted(store: Store, fingerprint: str) -> TrustedKey | None:
    rows = _rows(store, _TRUSTED_SELECT + " WHERE fingerprint = ?", [fingerprint])
    return _trusted_from_row(rows[0]) if rows else None


def is_child_unit(parent_key: str, child_key: str) -> bool:
    """``child_key`` is a direct child of ``parent_key``. The province root's children
    are those of the province root in every tree (2021 districts, 2025 communes)."""
    try:
        parent = get_unit(parent_key)
        child = get_unit(child_key)
    except QnappError:
        return False
    if parent.parent_code is None:  # the province
        tree = load_tree(child.tree)
        return tree.root.code == parent.code and child.parent_code == parent.code
    return child.tree == parent.tree and child.parent_code == parent.code


def _parse_fingerprint(text: object) -> str:
    fpr = normalise_fingerprint(text) if isinstance(text, str) else None
    if fpr is None:
        raise KeysError(
            "fingerprint_malformed",
            _("Dấu vân tay khóa không hợp lệ: cần đủ 64 chữ số hệ 16 (0–9, A–F)."),
        )
    return fpr


def trust_key(
    store: Store,
    pub_text: str,
    *,
    fingerprint: str,
    unit_key: str | None = None,
    who: str,
    today: date | None = None,
    holder: str | None = None,
) -> TrustedKey:
    """Register a child's public key after the clerk confirmed ``fingerprint``.

    The unit is the one named in the key file, or ``unit_key`` when given. Returns the
    registered key (the existing entry, unchanged, if it is already registered for that
    unit)."""
    who = _check_who(who)
    today = _check_date(today if today is not None else _today(), "today")
    info = read_public_key_text(pub_text)
    public_key = info.public_key
    confirmed = _parse_fingerprint(fingerprint)
    if confirmed != public_key.fingerprint:
        # Never echo the file's fingerprint: it could be copied back instead of read aloud.
        group = next(g for g in range(0, 64, 4) if confirmed[g:g + 4] != public_key.fingerprint[g:g + 4])
        raise KeysError(
            "fingerprint_mismatch",
            _(
                "Dấu vân tay vừa nhập KHÔNG khớp với khóa trong tệp (sai từ nhóm thứ {n}). "
                "Chưa tin cậy khóa này. Hãy đọc lại từng nhóm với cán bộ của đơn vị; nếu vẫn "
                "không khớp, đừng tin cậy tệp này: nó có thể đã bị đánh tráo."
            ).format(n=group // 4 + 1),
        )
    child = unit_key if unit_key is not None else info.unit
    if child is None:
        raise KeysError(
            "key_unit_missing",
            _("Tệp khóa không ghi khóa thuộc đơn vị nào; hãy chỉ rõ đơn vị (--unit 2021:06862)."),
        )
    try:
        child_unit = get_unit(child)
    except QnappError as err:
        raise KeysError("key_unit_unknown", str(err)) from None
    own_key = _own_unit_key(store)
    own_unit = get_unit(own_key)
    if not is_child_unit(own_key, child_unit.key):
        raise KeysError(
            "key_unit_not_child",
            _("{child} ({child_key}) không phải đơn vị trực thuộc {own}; không đăng ký khóa.").format(
                child=child_unit.full_name, child_key=child_unit.key, own=own_unit.full_name
            ),
        )
    holder = _comment_field(holder if holder is not None else info.holder)
    fpr = public_key.fingerprint
    with store.transaction():
        if store.conn.execute(
            "SELECT 1 FROM own_keys WHERE fingerprint = ?", [fpr]
        ).fetchone():
            raise KeysError(
                "key_is_own",
                _("Đây là khóa của chính đơn vị này, không đăng ký cho đơn vị khác."),
            )
        existing = store.conn.execute(
            _TRUSTED_SELECT + " WHERE fingerprint = ?", [fpr]
        ).fetchone()
        if existing is not None:
            current = _trusted_from_row(existing)
            if current.unit != child_unit.key:
                raise KeysError(
                    "key_trusted_for_other_unit",
                    _(
                        "Khóa này đã được đăng ký cho {unit} ({key}); một khóa chỉ ký cho "
                        "đúng một đơn vị."
                    ).format(unit=get_unit(current.unit).full_name, key=current.unit),
                )
            if current.revoked_from is not None:
                raise KeysError(
                    "key_revoked",
                    _("Khóa này đã bị thu hồi từ ngày {date}; hãy yêu cầu đơn vị tạo khóa mới.").format(
                        date=format_date(current.revoked_from)
                    ),
                )
            return current
        clash = store.conn.execute(
            "SELECT unit FROM trusted_keys WHERE key_id = ?", [public_key.key_id.hex()]
        ).fetchone()
        if clash is not None:
            raise KeysError(
                "key_id_collision",
                _(
                    "Mã khóa {key_id} trùng với một khóa khác đã đăng ký ({unit}); không đăng "
                    "ký khóa này. Hãy yêu cầu đơn vị tạo khóa mới."
                ).format(key_id=public_key.key_id_hex, unit=clash[0]),
            )
        trusted = TrustedKey(
            fingerprint=fpr, public_key=public_key, unit=child_unit.key, holder=holder,
            trusted_at=now_iso(), trusted_by=who, valid_from=today, revoked_from=None,
            revoked_reason="",
        )
        try:
            store.conn.execute(
                "INSERT INTO trusted_keys (fingerprint, key_id, public_key, unit, holder, "
                "trusted_at, trusted_by, valid_from, revoked_from, revoked_reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '')",
                [fpr, public_key.key_id.hex(), public_key.to_base64(), trusted.unit, holder,
                 trusted.trusted_at, who, today.isoformat()],
            )
        except sqlite3.IntegrityError as err:  # raced by another writer: refuse, not crash
            raise KeysError("key_trusted_for_other_unit", str(err)) from None
        new = trusted.as_json()
        if info.unit is not None and info.unit != trusted.unit:
            new["file_unit"] = info.unit
        _audit(store, who, "insert", "trusted_key", fpr, None, new)
    return trusted


def revoke_key(store: Store, fingerprint: str, from_date: date, reason: str = "", *,
               who: str) -> TrustedKey:
    """Revoke a trusted key from ``from_date`` (inclusive). Moving an existing revocation
    earlier is allowed; later is refused."""
    who = _check_who(who)
    from_date = _check_date(from_date, "from_date")
    fpr = _parse_fingerprint(fingerprint)
    reason = " ".join(nfc(reason or "").split())
    with store.transaction():
        row = store.conn.execute(_TRUSTED_SELECT + " WHERE fingerprint = ?", [fpr]).fetchone()
        if row is None:
            raise KeysError(
                "key_unknown",
                _("Không có khóa nào với dấu vân tay {fpr} trong danh sách tin cậy.").format(
                    fpr=format_fingerprint(fpr)
                ),
            )
        current = _trusted_from_row(row)
        if current.revoked_from is not None and current.revoked_from <= from_date:
            raise KeysError(
                "key_already_revoked",
                _("Khóa này đã bị thu hồi từ ngày {date}.").format(
                    date=format_date(current.revoked_from)
                ),
            )
        store.conn.execute(
            "UPDATE trusted_keys SET revoked_from = ?, revoked_reason = ? WHERE fingerprint = ?",
            [from_date.isoformat(), reason, fpr],
        )
        _audit(
            store, who, "update", "trusted_key", fpr,
            {"revoked_from": None if current.revoked_from is None
             else current.revoked_from.isoformat(), "revoked_reason": current.revoked_reason},
            {"revoked_from": from_date.isoformat(), "revoked_reason": reason},
        )
    result = _get_trusted(store, fpr)
    assert result is not None
    return result


def trusted_key_for(store: Store, fingerprint: str, on_date: date) -> TrustedKey | None:
    """The registered key with that fingerprint, valid on ``on_date``; None when unknown
    or revoked on or before ``on_date``."""
    on_date = _check_date(on_date, "on_date")
    fpr = normalise_fingerprint(fingerprint) if isinstance(fingerprint, str) else None
    if fpr is None:
        return None
    key = _get_trusted(store, fpr)
    return key if key is not None and key.valid_on(on_date) else None


def trusted_key_by_key_id(store: Store, key_id: bytes) -> TrustedKey | None:
    """The registered key with that minisign key id (file order bytes), revoked or not."""
    if not isinstance(key_id, bytes) or len(key_id) != 8:
        return None
    rows = _rows(store, _TRUSTED_SELECT + " WHERE key_id = ?", [key_id.hex()])
    return _trusted_from_row(rows[0]) if rows else None


def list_trusted(store: Store) -> list[TrustedKey]:
    """Every registered key (revoked ones too), by unit then registration time."""
    rows = _rows(store, _TRUSTED_SELECT + " ORDER BY unit, trusted_at, fingerprint")
    return [_trusted_from_row(r) for r in rows]
