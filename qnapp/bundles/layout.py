"""The bundle format ``qnapp-bundle/1``: member names, limits, deterministic writing and
strict reading of its text members. Pure functions, no I/O.

Layout (a BagIt-shaped zip, see ``docs/bundles.md``)::

    bag-info.txt  bagit.txt  bundle.json  manifest-sha256.txt  tagmanifest-sha256.txt
    data/activities.json  data/aggregates.json  data/report.xlsx
    signature/bundle.minisig   (minisign "ED" over the bytes of tagmanifest-sha256.txt)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCHEMA = "qnapp-bundle/1"
# The report a bundle carries: the figures and activities of Kế hoạch 82/KH-UBND for one
# period. The slot a bundle fills is (unit, period, report type).
REPORT_TYPE = "kh82"
REPORT_TYPES = (REPORT_TYPE,)
COMMENT_TAG = "qnapp1"  # first word of the minisign trusted comment

BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
HEADER = "bundle.json"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "signature/bundle.minisig"
AGGREGATES = "data/aggregates.json"
ACTIVITIES = "data/activities.json"
REPORT = "data/report.xlsx"

# Exactly what the tag manifest lists (RFC 8493: every payload manifest, no tag manifest).
TAG_FILES = (BAG_INFO, BAGIT, HEADER, MANIFEST)
REQUIRED_PAYLOAD = (ACTIVITIES, AGGREGATES)

BAGIT_TEXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

# Zip members are written with this fixed time (the earliest a zip can hold) and mode.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644  # regular file, rw-r--r--

# A parent's bundle (district, province) carries, for every child bundle it consolidated,
# that child's attestation subset under data/children/<first 16 hex of its digest>/: the
# signed tag files and aggregates byte for byte, and the public key the parent trusted for
# it (unit.pub). The province re-verifies every commune signature from these.
CHILDREN_DIR = "data/children/"
CHILD_TAGMANIFEST = "tagmanifest-sha256.txt"
CHILD_SIGNATURE = "bundle.minisig"
CHILD_HEADER = "bundle.json"
CHILD_MANIFEST = "manifest-sha256.txt"
CHILD_AGGREGATES = "aggregates.json"
CHILD_KEY = "unit.pub"
CHILD_FILES = (CHILD_AGGREGATES, CHILD_HEADER, CHILD_SIGNATURE, CHILD_MANIFEST,
               CHILD_TAGMANIFEST, CHILD_KEY)
# The attestation member of a child bundle each child file is copied from.
CHILD_SOURCES = {CHILD_TAGMANIFEST: "tagmanifest-sha256.txt", CHILD_SIGNATURE: "signature/bundle.minisig",
                 CHILD_HEADER: "bundle.json", CHILD_MANIFEST: "manifest-sha256.txt",
                 CHILD_AGGREGATES: "data/aggregates.json"}

# Allowed member names: lower-case ASCII, at most one directory level (data/), plus the
# one signature path and the children's attestation files. Everything else is refused
# before any byte is read.
NAME_RE = re.compile(r"(?:data/)?[a-z0-9][a-z0-9._-]{0,63}")
CHILD_NAME_RE = re.compile(
    r"data/children/(?P<dir>[0-9a-f]{16})/(?P<file>"
    + "|".join(re.escape(n) for n in CHILD_FILES) + ")"
)
HEX64_RE = re.compile(r"[0-9a-f]{64}")
UUID4_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
CREATED_AT_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00")
ELEMENT_RE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
UNIT_CODE_RE = re.compile(r"[0-9]{2,8}")
TREE_RE = re.compile(r"[0-9]{4}")


# Per payload file: the largest size the format allows (a child's attestation files are
# small text; its key a few lines).
MAX_CHILD_FILE_BYTES = 1024 * 1024
MAX_KEY_FILE_BYTES = 4096
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is itself a zip


def is_member_name(name: str) -> bool:
    return (name == SIGNATURE or NAME_RE.fullmatch(name) is not None
            or CHILD_NAME_RE.fullmatch(name) is not None)


def child_dir(digest: str) -> str:
    """``data/children/<digest16>/`` of a consolidated child bundle."""
    return f"{CHILDREN_DIR}{digest[:16]}/"


@dataclass(frozen=True)
class Limits:
    """Hard caps of the verifier (docs/bundle-design.md §6, §9.6). Tests may pass smaller ones."""

    max_zip_bytes: int = 64 * 1024 * 1024
    # 8 own members + 6 per consolidated child: Hạ Long had 33 communes (2021), the
    # province has 54 (2025).
    max_members: int = 1024
    max_member_bytes: int = 32 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    max_signature_bytes: int = 16 * 1024
    max_tagmanifest_bytes: int = 64 * 1024
    max_tag_file_bytes: int = 1024 * 1024
    max_header_bytes: int = 64 * 1024
    max_json_payload_bytes: int = 16 * 1024 * 1024
    max_report_bytes: int = 16 * 1024 * 1024  # data/report.xlsx
    max_json_items: int = 100_000
    max_string_chars: int = 2000


DEFAULT_LIMITS = Limits()


def payload_cap(name: str, limits: Limits = DEFAULT_LIMITS) -> int | None:
    """The largest size the format allows for the payload file ``name``, or None when the
    format defines no such payload file (a trusted signer cannot smuggle in, say, a
    ``data/inner.zip``: it would be stored with the bundle)."""
    if name in (AGGREGATES, ACTIVITIES):
        return limits.max_json_payload_bytes
    if name == REPORT:
        return limits.max_report_bytes
    child = CHILD_NAME_RE.fullmatch(name)
    if child is not None:
        return MAX_KEY_FILE_BYTES if child["file"] == CHILD_KEY else MAX_CHILD_FILE_BYTES
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- deterministic JSON ---------------------------------------------------------------


def nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list | tuple):
        return [nfc_deep(v) for v in value]
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> bytes:
    """The one JSON form of the bundle: sorted keys, no spaces, UTF-8, NFC, LF at the end."""
    return _canonical(nfc_deep(value))


def _canonical(value: Any) -> bytes:
    """:func:`dumps` of a value whose strings are all NFC already."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


class JsonProblem(Exception):
    """Why a JSON member is refused (an English technical note; the caller picks the code)."""


def strict_loads(
    data: bytes,
    *,
    max_bytes: int,
    max_depth: int,
    max_string: int,
    max_items: int = 100_000,
    allow_float: bool = False,
) -> Any:
    """Parse a JSON member written by :func:`dumps`, refusing anything else.

    Refused: more than ``max_bytes``, a BOM, invalid UTF-8, duplicate keys, NaN/Infinity,
    floats (unless ``allow_float``), integers beyond 2**53, strings longer than
    ``max_string`` or not NFC or holding control characters, nesting deeper than
    ``max_depth``, more than ``max_items`` values, and any byte sequence that is not the
    canonical form :func:`dumps` writes (so one meaning has exactly one encoding).
    """
    if len(data) > max_bytes:
        raise JsonProblem(f"larger than {max_bytes} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        raise JsonProblem("starts with a BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise JsonProblem(f"not UTF-8: {err.reason}") from None

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise JsonProblem(f"duplicate key {key!r}")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise JsonProblem(f"{name} is not allowed")

    def parse_float(token: str) -> float:
        if not allow_float:
            raise JsonProblem(f"float {token[:20]} where an integer is required")
        value = float(token)
        if not math.isfinite(value):
            raise JsonProblem("non-finite number")
        return value

    def parse_int(token: str) -> int:
        if len(token) > 17:
            raise JsonProblem("integer too large")
        return int(token)

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant,
            parse_float=parse_float, parse_int=parse_int,
        )
    except JsonProblem:
        raise
    except RecursionError:
        raise JsonProblem("nesting too deep") from None
    except ValueError as err:  # JSONDecodeError
        raise JsonProblem(f"not JSON: {err}") from None
    # Each distinct string (keys repeat in every row) is checked once; the checks run in
    # the order, and raise the problems, of a plain depth-first walk (scalars inline).
    checked: set[str] = set()
    count = 0

    def walk(node: Any, depth: int) -> None:
        nonlocal count
        count += 1
        if count > max_items:
            raise JsonProblem(f"more than {max_items} values")
        if depth > max_depth:
            raise JsonProblem("nesting too deep")
        kind = type(node)  # json.loads yields exactly these types
        if kind is list:
            children = ((None, item) for item in node)
        elif kind is dict:
            children = node.items()
        else:
            scalar(node, kind)
            return
        depth += 1
        for key, item in children:
            if key is not None and key not in checked:
                _check_string(key, max_string)
                checked.add(key)
            kind = type(item)
            if kind is list or kind is dict:
                walk(item, depth)
                continue
            count += 1
            if count > max_items:
                raise JsonProblem(f"more than {max_items} values")
            if depth > max_depth:
                raise JsonProblem("nesting too deep")
            scalar(item, kind)

    def scalar(node: Any, kind: type) -> None:
        if kind is str:
            if node not in checked:
                _check_string(node, max_string)
                checked.add(node)
        elif kind is int:
            if abs(node) > 2**53:
                raise JsonProblem("integer too large")
        elif not (kind is bool or kind is float or node is None):  # pragma: no cover
            raise JsonProblem(f"unexpected type {kind.__name__}")

    walk(value, 1)
    # Every string is NFC (checked above), so the canonical form is json.dumps of the
    # value as parsed: dumps() without its NFC pass.
    if _canonical(value) != data:
        raise JsonProblem("not in the canonical form (sorted keys, no spaces, NFC, one final LF)")
    return value


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _check_string(text: str, max_string: int) -> None:
    if len(text) > max_string:
        raise JsonProblem(f"string longer than {max_string} characters")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        raise JsonProblem("string not in Unicode NFC")
    if _CONTROL_RE.search(text) is not None:  # C0, DEL and C1
        raise JsonProblem("control character in a string")


# --- manifests --------------------------------------------------------------------------


def render_manifest(files: Mapping[str, bytes]) -> bytes:
    """``<sha256>  <name>\\n`` per file, sorted by name (``sha256sum -c`` reads it)."""
    return "".join(f"{sha256_hex(files[name])}  {name}\n" for name in sorted(files)).encode("ascii")


_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")


def parse_manifest(data: bytes) -> dict[str, str]:
    """Strict: ASCII, LF line ends, ``<64 lower-case hex><two spaces><name>`` per line,
    names in the member grammar, sorted, no duplicate, no blank line, one final LF.
    Returns name -> hex digest; raises :class:`ValueError` with a technical note."""
    if not data:
        raise ValueError("empty")
    if data.startswith(b"\xef\xbb\xbf"):
        raise ValueError("starts with a BOM")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("not ASCII") from None
    if "\r" in text:
        raise ValueError("CR line end")
    if not text.endswith("\n"):
        raise ValueError("no final LF")
    out: dict[str, str] = {}
    names: list[str] = []
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        m = _MANIFEST_LINE.fullmatch(line)
        if m is None:
            raise ValueError(f"line {number} is not '<sha256>  <name>'")
        digest, name = m.groups()
        if not is_member_name(name):
            raise ValueError(f"line {number}: bad name {name!r}")
        if name in out:
            raise ValueError(f"line {number}: duplicate {name!r}")
        out[name] = digest
        names.append(name)
    if names != sorted(names):
        raise ValueError("lines not sorted by name")
    return out


# --- bag-info and the trusted comment -------------------------------------------------------


def slot_identifier(header: Mapping[str, Any]) -> str:
    unit = header["unit"]
    return f"{unit['tree']}:{unit['code']}/{header['period']}/{header['report_type']}"


def render_bag_info(header: Mapping[str, Any], payload_sizes: Mapping[str, int]) -> bytes:
    """bag-info.txt, derived from bundle.json and the payload sizes (Payload-Oxum)."""
    octets = sum(payload_sizes.values())
    lines = [
        f"External-Identifier: {header['bundle_id']}",
        f"Bag-Group-Identifier: {slot_identifier(header)}",
        f"Bagging-Date: {header['created_at'][:10]}",
        f"Payload-Oxum: {octets}.{len(payload_sizes)}",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def render_trusted_comment(header: Mapping[str, Any]) -> str:
    unit = header["unit"]
    return (
        f"{COMMENT_TAG} bundle:{header['bundle_id']} unit:{unit['tree']}:{unit['code']} "
        f"period:{header['period']} type:{header['report_type']} rev:{header['revision']}"
    )


_COMMENT_RE = re.compile(
    COMMENT_TAG + r" bundle:(?P<bundle>[0-9a-f-]{36}) unit:(?P<unit>[0-9]{4}:[0-9]{2,8}) "
    r"period:(?P<period>[0-9]{4}(?:S[12]|Q[1-4]|[0-9]{2})?) type:(?P<type>[a-z0-9_]{1,32}) "
    r"rev:(?P<rev>[1-9][0-9]{0,8})"
)


@dataclass(frozen=True)
class TrustedComment:
    bundle_id: str
    unit: str  # "tree:code"
    period: str
    report_type: str
    revision: int


def parse_trusted_comment(text: str) -> TrustedComment | None:
    m = _COMMENT_RE.fullmatch(text)
    if m is None:
        return None
    return TrustedComment(m["bundle"], m["unit"], m["period"], m["type"], int(m["rev"]))

