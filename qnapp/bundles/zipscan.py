"""A strict, in-memory reader for bundle zips that never trusts ``zipfile``'s leniency.

CPython 3.11.7 (what we ship) has no overlap/zip-bomb protection (CVE-2024-0450), lists
traversal, duplicate and reserved names verbatim, finds an archive behind prepended
junk, and returns the *last* of two same-named members. So the central directory and
every local header are parsed here with :mod:`struct` and checked first (steps 1–2 of
docs/bundle-design.md §9.6); only then are members inflated, one at a time, with :mod:`zlib`
straight from the checked offsets (so no second parser can read the file differently),
never producing more than the declared size + 1 byte. Nothing is ever written to disk.

Every refusal is a :class:`~qnapp.bundles.reasons.BundleRejected` with its own code.
"""

from __future__ import annotations

import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from qnapp.bundles.layout import DEFAULT_LIMITS, Limits, is_member_name
from qnapp.bundles.reasons import BundleRejected

LOCAL_SIG = b"PK\x03\x04"
CENTRAL_SIG = b"PK\x01\x02"
EOCD_SIG = b"PK\x05\x06"
ZIP64_LOCATOR_SIG = b"PK\x06\x07"

EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes

FLAG_ENCRYPTED = 0x0001
FLAG_DATA_DESCRIPTOR = 0x0008
FLAG_STRONG_ENCRYPTION = 0x0040
FLAG_UTF8 = 0x0800
FLAG_MASKED_HEADERS = 0x2000
# Bits 1–2 are deflate level hints, bit 11 says UTF-8 names; any other bit is refused.
ALLOWED_FLAGS = 0x0006 | FLAG_UTF8

METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"com{i}" for i in "123456789¹²³"]
    + [f"lpt{i}" for i in "123456789¹²³"]
)


@dataclass(frozen=True)
class Entry:
    name: str
    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed_size: int
    file_size: int
    header_offset: int
    create_system: int
    external_attr: int
    end: int = 0  # offset just after the member's compressed data (set after the local check)


def _reject(code: str, detail: str = "") -> BundleRejected:
    return BundleRejected(code, detail)


def _decode_name(raw: bytes, flags: int) -> str:
    if flags & FLAG_UTF8:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _reject("zip_bad_name", repr(raw)[:80]) from None
    return raw.decode("cp437")  # what zipfile does; ASCII names decode the same


def _show(name: str) -> str:
    return ascii(name)[1:-1][:100]


class Archive:
    """A checked bundle zip held in memory; read members with :meth:`read`.

    Members are inflated straight from the offsets :func:`scan` checked (local header ==
    central entry, members tiling the file), so no second zip parser can disagree with
    the one that did the checks."""

    def __init__(self, data: bytes, entries: list[Entry]):
        self._data = data
        self.entries = entries
        self._by_name = {e.name: e for e in entries}

    @property
    def names(self) -> set[str]:
        return set(self._by_name)

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def size(self, name: str) -> int:
        return self._by_name[name].file_size

    def read(self, name: str, cap: int, *, too_large: str = "zip_member_too_large") -> bytes:
        """The member's bytes, decompressed with at most ``cap`` + 1 bytes ever produced
        (never more than the declared size + 1), then checked against the declared size
        and CRC-32."""
        entry = self._by_name[name]
        if entry.file_size > cap:
            raise _reject(too_large, f"{name}: {entry.file_size} > {cap}")
        raw = memoryview(self._data)[entry.end - entry.compressed_size : entry.end]
        if entry.method == zipfile.ZIP_STORED:
            content = bytes(raw)
        else:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                content = inflater.decompress(raw, entry.file_size + 1)
                if len(content) > entry.file_size or (
                        not inflater.eof and inflater.decompress(inflater.unconsumed_tail, 1)):
                    # The declared size (and so the CRC's coverage) is understated: bad
                    # input 25. Inflating stopped at the declared size + 1 byte.
                    raise _reject("zip_crc_mismatch", f"{name}: more bytes than declared")
            except zlib.error as err:
                raise _reject("zip_corrupt", f"{name}: {str(err)[:80]}") from None
            if not inflater.eof:  # fewer bytes than declared, as zipfile reported it
                raise _reject("zip_crc_mismatch", f"{name}: compressed data ends mid-stream")
            if inflater.unused_data:
                raise _reject("zip_corrupt", f"{name}: bytes after the compressed stream")
        if len(content) != entry.file_size or zlib.crc32(content) != entry.crc:
            raise _reject("zip_crc_mismatch", name)
        return content


def open_archive(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Steps 1–2 of docs/bundle-design.md §9.6 on the bytes of a file, then a reader for its members."""
    entries = scan(data, limits)
    return Archive(data, entries)


def scan(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Entry]:
    """Check the container and its central directory; no decompression. Returns the
    entries in central-directory order."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    data = bytes(data)
    # -- step 1: container ------------------------------------------------------------------
    if len(data) > limits.max_zip_bytes:
        raise _reject("zip_too_large", f"{len(data)} > {limits.max_zip_bytes} bytes")
    if not data.startswith(LOCAL_SIG):
        if data.find(LOCAL_SIG) > 0 or data.rfind(EOCD_SIG) > 0:
            raise _reject("zip_junk_prefix")
        raise _reject("not_a_zip")
    eocd_at = len(data) - EOCD.size
    if eocd_at < 0 or data[eocd_at : eocd_at + 4] != EOCD_SIG:
        # A comment or junk after the directory, or a file cut short.
        tail = data[-(EOCD.size + 65535) :]
        found = tail.rfind(EOCD_SIG)
        if found >= 0:
            start = len(data) - len(tail) + found
            if start + EOCD.size <= len(data):
                (_sig, _d, _cd, _ne, _nt, _size, _off, comment_len) = EOCD.unpack_from(data, start)
                if start + EOCD.size + comment_len >= len(data):
                    # Only a comment after the record: not our writer's; refuse it too.
                    raise _reject("zip_trailing_data", "archive comment")
                raise _reject("zip_trailing_data")
        raise _reject("zip_truncated")
    (_sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len) = EOCD.unpack_from(
        data, eocd_at
    )
    if comment_len:
        raise _reject("zip_truncated", "archive comment cut short")
    if eocd_at >= 20 and data[eocd_at - 20 : eocd_at - 16] == ZIP64_LOCATOR_SIG:
        raise _reject("zip_unsupported", "zip64")
    if 0xFFFF in (n_disk, n_total) or 0xFFFFFFFF in (cd_size, cd_offset):
        raise _reject("zip_unsupported", "zip64")
    if disk or cd_disk or n_disk != n_total:
        raise _reject("zip_unsupported", "multi-disk archive")
    # -- step 2: central directory ---------------------------------------------------------
    if n_total > limits.max_members:
        raise _reject("zip_too_many_members", f"{n_total} > {limits.max_members}")
    if cd_offset + cd_size != eocd_at:
        if cd_offset + cd_size > eocd_at:
            raise _reject("zip_corrupt", "central directory runs past its end record")
        raise _reject("zip_gap", "bytes between the central directory and its end record")
    entries = list(_central_entries(data, cd_offset, cd_size, n_total))
    _check_names(entries)
    for entry in entries:
        _check_entry(entry)
    _check_sizes(entries, limits)
    entries = [_check_local(data, e) for e in entries]
    _check_tiling(entries, cd_offset)
    return entries


def _central_entries(data: bytes, offset: int, size: int, count: int) -> Iterator[Entry]:
    pos, end = offset, offset + size
    for _i in range(count):
        if pos + CENTRAL.size > end:
            raise _reject("zip_corrupt", "central directory too short")
        (sig, made_by, _needed, flags, method, _time, _date, crc, csize, usize,
         name_len, extra_len, comment_len, disk_start, _iattr, eattr, local_offset) = (
            CENTRAL.unpack_from(data, pos))
        if sig != CENTRAL_SIG:
            raise _reject("zip_corrupt", "bad central directory entry")
        if disk_start:
            raise _reject("zip_unsupported", "multi-disk archive")
        if 0xFFFFFFFF in (csize, usize, local_offset):
            raise _reject("zip_unsupported", "zip64")
        name_at = pos + CENTRAL.size
        pos = name_at + name_len + extra_len + comment_len
        if pos > end:
            raise _reject("zip_corrupt", "central directory entry runs past its end")
        raw = data[name_at : name_at + name_len]
        yield Entry(
            name=_decode_name(raw, flags), raw_name=raw, flags=flags, method=method, crc=crc,
            compressed_size=csize, file_size=usize, header_offset=local_offset,
            create_system=made_by >> 8, external_attr=eattr,
        )
    if pos != end:
        raise _reject("zip_corrupt", "central directory size disagrees with its entries")


def _check_names(entries: list[Entry]) -> None:
    """Collisions first (so a twin is named as such), then each name on its own."""
    exact: set[str] = set()
    nfc: dict[str, str] = {}
    folded: dict[str, str] = {}
    for e in entries:
        if e.name in exact:
            raise _reject("zip_duplicate_name", _show(e.name))
        exact.add(e.name)
    for e in entries:
        key = unicodedata.normalize("NFC", e.name)
        if key in nfc:
            raise _reject("zip_nfc_twin", f"{_show(nfc[key])} / {_show(e.name)}")
        nfc[key] = e.name
    for e in entries:
        key = unicodedata.normalize("NFC", e.name).casefold()
        if key in folded:
            raise _reject("zip_case_duplicate", f"{_show(folded[key])} / {_show(e.name)}")
        folded[key] = e.name
    as_dirs = {k.rstrip("/") for k in folded if k.endswith("/")}
    for key, name in folded.items():
        if not key.endswith("/") and key in as_dirs:
            raise _reject("zip_dir_file_clash", _show(name))
    for e in entries:
        _check_name(e.name)


def _check_name(name: str) -> None:
    if not name:
        raise _reject("zip_bad_name", "empty name")
    if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":" and name[0].isalpha()):
        raise _reject("zip_absolute_path", _show(name))
    if "\\" in name:
        raise _reject("zip_backslash_path", _show(name))
    parts = name.split("/")
    if name.endswith("/"):
        parts = parts[:-1]
    if any(p in (".", "..") for p in parts):
        raise _reject("zip_path_traversal", _show(name))
    if ":" in name or any(p.endswith((".", " ")) for p in parts if p):
        raise _reject("zip_ads_name", _show(name))
    for part in parts:
        stem = part.split(".", 1)[0].rstrip(" ").casefold()
        if stem in WINDOWS_RESERVED:
            raise _reject("zip_reserved_name", _show(name))


def _check_entry(e: Entry) -> None:
    file_type = stat.S_IFMT(e.external_attr >> 16)
    if file_type == stat.S_IFLNK:
        raise _reject("zip_symlink", _show(e.name))
    if e.name.endswith("/") or file_type == stat.S_IFDIR or e.external_attr & 0x10:
        raise _reject("zip_directory_entry", _show(e.name))
    if file_type not in (0, stat.S_IFREG):
        raise _reject("zip_special_file", _show(e.name))
    if e.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS):
        raise _reject("zip_encrypted", _show(e.name))
    if e.method not in METHODS:
        raise _reject("zip_bad_method", f"{_show(e.name)}: method {e.method}")
    if e.flags & FLAG_DATA_DESCRIPTOR:
        raise _reject("zip_unsupported", f"{_show(e.name)}: data descriptor")
    if e.flags & ~ALLOWED_FLAGS:
        raise _reject("zip_unsupported", f"{_show(e.name)}: flags {e.flags:#06x}")
    if not is_member_name(e.name):
        raise _reject("zip_bad_name", _show(e.name))
    if e.method == zipfile.ZIP_STORED and e.compressed_size != e.file_size:
        raise _reject("zip_header_mismatch", f"{_show(e.name)}: stored sizes differ")


def _check_sizes(entries: list[Entry], limits: Limits) -> None:
    total = sum(e.file_size for e in entries)
    if total > limits.max_total_bytes:
        raise _reject("zip_bomb", f"{total} bytes uncompressed > {limits.max_total_bytes}")
    for e in entries:
        if e.file_size > limits.max_member_bytes:
            raise _reject("zip_member_too_large", f"{_show(e.name)}: {e.file_size} bytes")
        # Deflate cannot expand data beyond ~1032:1; a larger claimed ratio is a lie.
        if e.method == zipfile.ZIP_DEFLATED and e.file_size > 1032 * e.compressed_size + 1024:
            raise _reject("zip_bomb", f"{_show(e.name)}: ratio")


def _check_local(data: bytes, e: Entry) -> Entry:
    at = e.header_offset
    if at + LOCAL.size > len(data):
        raise _reject("zip_corrupt", f"{_show(e.name)}: local header beyond the file")
    (sig, _needed, flags, method, _time, _date, crc, csize, usize, name_len, extra_len) = (
        LOCAL.unpack_from(data, at))
    if sig != LOCAL_SIG:
        raise _reject("zip_header_mismatch", f"{_show(e.name)}: no local header at its offset")
    raw = data[at + LOCAL.size : at + LOCAL.size + name_len]
    if raw != e.raw_name:
        raise _reject("zip_header_mismatch",
                      f"{_show(e.name)}: local name {_show(raw.decode('cp437'))}")
    if (flags, method, crc, csize, usize) != (e.flags, e.method, e.crc, e.compressed_size, e.file_size):
        raise _reject("zip_header_mismatch", f"{_show(e.name)}: local header fields differ")
    end = at + LOCAL.size + name_len + extra_len + csize
    if end > len(data):
        raise _reject("zip_corrupt", f"{_show(e.name)}: data beyond the file")
    return Entry(e.name, e.raw_name, e.flags, e.method, e.crc, e.compressed_size, e.file_size,
                 e.header_offset, e.create_system, e.external_attr, end)  # replace() is slow


def _check_tiling(entries: list[Entry], cd_offset: int) -> None:
    """Members must tile the file exactly: [0, cd_offset) with no overlap and no gap."""
    pos = 0
    for e in sorted(entries, key=lambda x: (x.header_offset, x.end)):
        if e.header_offset < pos:
            raise _reject("zip_overlap", _show(e.name))
        if e.header_offset > pos:
            raise _reject("zip_gap", f"before {_show(e.name)}")
        pos = e.end
    if pos > cd_offset:
        raise _reject("zip_overlap", "member data runs into the central directory")
    if pos < cd_offset:
        raise _reject("zip_gap", "before the central directory")
