"""Build zips byte by byte (struct), including the hostile ones a verifier must refuse,
and re-sign modified bundles so a test reaches the verification step it targets."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qnapp import minisign
from qnapp.bundles.layout import (
    BAG_INFO,
    BAGIT,
    HEADER,
    MANIFEST,
    SIGNATURE,
    TAGMANIFEST,
    render_manifest,
)
from qnapp.minisign import PublicKey

LOCAL = struct.Struct("<4s5H3L2H")
CENTRAL = struct.Struct("<4s6H3L5H2L")
EOCD = struct.Struct("<4s4H2LH")
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00


@dataclass
class M:
    """One zip member as it will be written, with every field overridable."""

    name: str | bytes
    data: bytes = b""
    method: int = 8
    flags: int = 0
    external_attr: int = 0o100644 << 16
    create_system: int = 3
    local_name: bytes | None = None  # a different name in the local header
    declared_size: int | None = None  # uncompressed size claimed (both headers)
    crc: int | None = None
    payload: bytes | None = None  # the compressed stream as written (default: from data)
    extra: bytes = b""
    gap: bytes = b""  # bytes hidden before the local header (offsets stay right)

    def raw_name(self) -> bytes:
        if isinstance(self.name, bytes):
            return self.name
        raw = self.name.encode("utf-8")
        if raw != self.name.encode("ascii", "ignore"):
            self.flags |= 0x800
        return raw

    def stream(self) -> bytes:
        if self.payload is not None:
            return self.payload
        if self.method == 8:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            return c.compress(self.data) + c.flush()
        return self.data


def local_header(m: M, name: bytes, stream: bytes) -> bytes:
    size = len(m.data) if m.declared_size is None else m.declared_size
    crc = zlib.crc32(m.data) if m.crc is None else m.crc
    return LOCAL.pack(b"PK\x03\x04", 20, m.flags, m.method, DOS_TIME, DOS_DATE, crc,
                      len(stream), size, len(name), len(m.extra)) + name + m.extra


def central_header(m: M, name: bytes, stream: bytes, offset: int) -> bytes:
    size = len(m.data) if m.declared_size is None else m.declared_size
    crc = zlib.crc32(m.data) if m.crc is None else m.crc
    return CENTRAL.pack(b"PK\x01\x02", (m.create_system << 8) | 20, 20, m.flags, m.method,
                        DOS_TIME, DOS_DATE, crc, len(stream), size, len(name), 0, 0, 0, 0,
                        m.external_attr, offset) + name


def eocd(count: int, cd_size: int, cd_offset: int, comment: bytes = b"") -> bytes:
    return EOCD.pack(b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset, len(comment)) + comment


def forge(members: list[M]) -> bytes:
    body = bytearray()
    central = bytearray()
    for m in members:
        name = m.raw_name()
        stream = m.stream()
        body += m.gap
        offset = len(body)
        body += local_header(m, m.local_name if m.local_name is not None else name, stream)
        body += stream
        central += central_header(m, name, stream, offset)
    return bytes(body) + bytes(central) + eocd(len(members), len(central), len(body))


def zip_of(members: dict[str, bytes], *extra: M) -> bytes:
    """The members (sorted, plain) plus hostile extras, forged."""
    return forge([M(n, d) for n, d in sorted(members.items())] + list(extra))


def deflate_zeros(n: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    out = []
    left = n
    while left:
        take = min(left, len(chunk))
        out.append(c.compress(chunk[:take]))
        left -= take
    out.append(c.flush())
    return b"".join(out)


def crc_zeros(n: int) -> int:
    crc = 0
    chunk = bytes(1 << 20)
    left = n
    while left:
        take = min(left, len(chunk))
        crc = zlib.crc32(chunk[:take], crc)
        left -= take
    return crc


# --- keys and signatures -----------------------------------------------------------------


@dataclass
class Signer:
    private_key: Ed25519PrivateKey
    public_key: PublicKey
    unit: str

    @classmethod
    def new(cls, unit: str) -> Signer:
        private = Ed25519PrivateKey.generate()
        return cls(private, PublicKey.from_private_key(private, minisign.generate_key_id()), unit)

    def trusted(self) -> SimpleNamespace:
        return SimpleNamespace(unit=self.unit, public_key=self.public_key)


def registry(*signers: Signer):
    """A key lookup by minisign key id over ``signers`` (a fake trust registry)."""
    by_id = {s.public_key.key_id: s.trusted() for s in signers}
    return by_id.get


def raw_signature(private: Ed25519PrivateKey, key_id: bytes, data: bytes, comment: str, *,
                  algorithm: bytes = b"ED", untrusted: str = "x") -> bytes:
    """A minisign signature file without any of minisign.sign's checks (hostile input)."""
    message = hashlib.blake2b(data, digest_size=64).digest() if algorithm == b"ED" else data
    sig = private.sign(message)
    comment_bytes = comment.encode("utf-8")
    global_sig = private.sign(sig + comment_bytes)
    lines = [
        "untrusted comment: " + untrusted,
        base64.b64encode(algorithm + key_id + sig).decode(),
        "trusted comment: " + comment,
        base64.b64encode(global_sig).decode(),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def trusted_comment_of(members: dict[str, bytes]) -> str:
    lines = members[SIGNATURE].decode().split("\n")
    return lines[2][len("trusted comment: "):]


def resign(members: dict[str, bytes], signer: Signer, *, manifest: bytes | None = None,
           tagmanifest: bytes | None = None, comment: str | None = None,
           remanifest: bool = True) -> dict[str, bytes]:
    """Recompute the manifests (unless given) and sign again, so the bundle is validly
    signed however its members were changed."""
    out = dict(members)
    if manifest is not None:
        out[MANIFEST] = manifest
    elif remanifest:
        out[MANIFEST] = render_manifest({n: d for n, d in out.items() if n.startswith("data/")})
    if tagmanifest is None:
        tagmanifest = render_manifest({n: out[n] for n in (BAG_INFO, BAGIT, HEADER, MANIFEST)})
    out[TAGMANIFEST] = tagmanifest
    comment = trusted_comment_of(members) if comment is None else comment
    out[SIGNATURE] = raw_signature(signer.private_key, signer.public_key.key_id, tagmanifest, comment)
    return out


@dataclass
class Case:
    id: str
    data: bytes
    code: str
    lookup: object = None
    notes: list[str] = field(default_factory=list)
