"""Verify a bundle in memory, following docs/bundle-design.md §9.6 steps 1–10 and 12 in order, fail
closed. Step 11 (the ledger: duplicates, replays, supersession) belongs to the importer:
the verifier is a pure function of the bytes, the key registry and the date, so the same
bytes always give the same :class:`VerifiedBundle` and the same ``digest`` (bad input 38:
replay is decided by the ledger on that digest).

Each refusal is a :class:`BundleRejected` with a stable ``reason_code``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from qnapp import periods as periods_mod
from qnapp.bundles.layout import (
    ACTIVITIES,
    AGGREGATES,
    BAG_INFO,
    BAGIT,
    BAGIT_TEXT,
    CHILDREN_DIR,
    CREATED_AT_RE,
    DEFAULT_LIMITS,
    ELEMENT_RE,
    HEADER,
    HEX64_RE,
    MANIFEST,
    REPORT,
    REPORT_TYPES,
    REQUIRED_PAYLOAD,
    SCHEMA,
    SIGNATURE,
    TAG_FILES,
    TAGMANIFEST,
    TREE_RE,
    UNIT_CODE_RE,
    UUID4_RE,
    XLSX_MAGIC,
    JsonProblem,
    Limits,
    parse_manifest,
    parse_trusted_comment,
    payload_cap,
    render_bag_info,
    render_trusted_comment,
    sha256_hex,
    strict_loads,
)
from qnapp.bundles.custody import PARENT_KEYS, check_custody_header, verify_children
from qnapp.bundles.reasons import BundleRejected
from qnapp.bundles.zipscan import open_archive
from qnapp.catalog import Catalog, load_catalog
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.minisign import MinisignError, PublicKey, parse_signature, verify
from qnapp.periods import is_period_id, parse_period
from qnapp.units import LEVELS, get_unit, load_tree


class TrustedKeyLike(Protocol):
    """What a key registry returns: the key and the one unit ("tree:code") it signs for."""

    unit: str
    public_key: PublicKey


# Called with the signature's 8-byte minisign key id; returns the key registered under
# that id and valid on the verification day, or None. (The key id is only a lookup hint:
# the signature check against the returned key is what proves the signer.)
KeyLookup = Callable[[bytes], "TrustedKeyLike | None"]


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every verification step; what the import ledger consumes."""

    digest: str  # sha256(tagmanifest-sha256.txt), hex: the bundle's identity
    header: Mapping[str, Any]  # bundle.json, parsed
    signer_fingerprint: str
    signer_unit: str  # the unit the key is registered for (== the header's unit)
    aggregates: tuple[Mapping[str, Any], ...]
    activities: tuple[Mapping[str, Any], ...]
    raw: bytes = field(repr=False)  # the whole zip, byte for byte (kept for audit)
    # The attestation subset a parent embeds for its own parent (chain of custody):
    # tagmanifest, signature, bundle.json, manifest and aggregates, byte for byte.
    attestation: Mapping[str, bytes] = field(repr=False, default_factory=dict)
    # A parent's bundle: the children it consolidated, each re-verified with the key the
    # parent vouched for (``custody.VerifiedChild``); empty for a commune's bundle.
    children: tuple[Any, ...] = ()
    public_key: PublicKey | None = field(repr=False, default=None)  # the key that signed it
    # What the header says that this program's lists do not (unit name, catalog version):
    # Vietnamese notes for the clerk, never a refusal (the signed codes decide).
    warnings: tuple[str, ...] = ()

    @property
    def bundle_id(self) -> str:
        return self.header["bundle_id"]

    @property
    def unit(self) -> str:
        unit = self.header["unit"]
        return f"{unit['tree']}:{unit['code']}"

    @property
    def period(self) -> str:
        return self.header["period"]

    @property
    def report_type(self) -> str:
        return self.header["report_type"]

    @property
    def revision(self) -> int:
        return self.header["revision"]

    @property
    def supersedes(self) -> str | None:
        return self.header["supersedes"]

    @property
    def missing(self) -> tuple[str, ...]:
        """A parent's bundle: its children it had no report from (unit keys)."""
        return tuple(self.header.get("missing", ()))


def _reject(code: str, detail: str = "") -> BundleRejected:
    return BundleRejected(code, detail)


def verify_bundle(
    data: bytes,
    key_lookup: KeyLookup,
    *,
    today: date,
    limits: Limits = DEFAULT_LIMITS,
    catalog: Catalog | None = None,
) -> VerifiedBundle:
    """Verify the bytes of a bundle file; raise :class:`BundleRejected` at the first problem."""
    data = bytes(data)
    # Steps 1–2: the container and its central directory (no decompression yet).
    archive = open_archive(data, limits)
    names = archive.names

    # Step 3: the members everything hangs on.
    if SIGNATURE not in names:
        raise _reject("signature_missing")
    if TAGMANIFEST not in names:
        raise _reject("tagmanifest_missing")

    # Step 4: the signature, strictly; its key from the registry.
    sig_bytes = archive.read(SIGNATURE, limits.max_signature_bytes, too_large="signature_malformed")
    try:
        sig = parse_signature(sig_bytes)
    except MinisignError as err:
        if err.reason_code == "signature_legacy_algorithm":
            raise _reject("signature_legacy_algorithm") from None
        raise _reject("signature_malformed", err.reason_code) from None
    trusted = key_lookup(sig.key_id)
    if trusted is None:
        raise _reject("key_unknown", _("mã khóa minisign {key_id}").format(key_id=sig.key_id_hex))
    public_key = trusted.public_key

    # Step 5: the signature over the tag manifest, and the global one over the comment.
    tagmanifest = archive.read(TAGMANIFEST, limits.max_tagmanifest_bytes,
                               too_large="tagmanifest_malformed")
    try:
        verify(sig, public_key, tagmanifest)
    except MinisignError as err:
        code = {
            "signature_comment_invalid": "signature_comment_invalid",
            "signature_legacy_algorithm": "signature_legacy_algorithm",
            "signature_invalid": "signature_invalid",
            "signature_key_mismatch": "signature_invalid",
        }.get(err.reason_code, "signature_malformed")
        raise _reject(code, err.reason_code) from None
    comment = parse_trusted_comment(sig.trusted_comment)
    if comment is None:
        raise _reject("signature_malformed", "trusted comment is not a qnapp bundle comment")
    if trusted.unit != comment.unit:
        raise _reject("key_wrong_unit", f"key for {trusted.unit}, bundle for {comment.unit}")

    # Step 6: the tag manifest lists exactly the four tag files, and their hashes match.
    try:
        tag_digests = parse_manifest(tagmanifest)
    except ValueError as err:
        raise _reject("tagmanifest_malformed", str(err)) from None
    if set(tag_digests) != set(TAG_FILES):
        raise _reject("tagmanifest_wrong_set", ", ".join(sorted(tag_digests)))
    tags: dict[str, bytes] = {}
    for name in TAG_FILES:
        if name not in names:
            raise _reject("tag_file_missing", name)
        content = archive.read(
            name, limits.max_tag_file_bytes,
            too_large="header_invalid" if name == HEADER else "tag_file_too_large",
        )
        if sha256_hex(content) != tag_digests[name]:
            raise _reject("header_hash_mismatch" if name == HEADER else "tagmanifest_hash_mismatch",
                          name)
        tags[name] = content

    # Step 7: the payload manifest; the data/ members equal its list; every hash matches.
    try:
        payload_digests = parse_manifest(tags[MANIFEST])
    except ValueError as err:
        raise _reject("manifest_malformed", str(err)) from None
    if any(not n.startswith("data/") for n in payload_digests):
        raise _reject("manifest_malformed", "lists a file outside data/")
    for name in sorted(payload_digests):  # only the payload files the format defines
        if payload_cap(name, limits) is None:
            raise _reject("payload_not_allowed", name)
    data_members = {n for n in names if n.startswith("data/")}
    for name in sorted(set(payload_digests) - data_members):
        raise _reject("payload_missing", name)
    for name in REQUIRED_PAYLOAD:
        if name not in payload_digests:
            raise _reject("payload_missing", name)
    for name in sorted(data_members - set(payload_digests)):
        raise _reject("payload_unlisted", name)
    payload_sizes: dict[str, int] = {}
    kept: dict[str, bytes] = {}
    for name in sorted(payload_digests):
        content = archive.read(name, payload_cap(name, limits), too_large="payload_too_large")
        if sha256_hex(content) != payload_digests[name]:
            raise _reject("payload_hash_mismatch", name)
        if name == REPORT and not content.startswith(XLSX_MAGIC):
            raise _reject("payload_not_allowed", f"{name} is not an xlsx workbook")
        payload_sizes[name] = len(content)
        if name in REQUIRED_PAYLOAD or name.startswith(CHILDREN_DIR):
            kept[name] = content

    # Step 8: nothing else in the zip.
    expected = set(TAG_FILES) | {TAGMANIFEST, SIGNATURE} | set(payload_digests)
    for name in sorted(names - expected):
        raise _reject("tag_file_unlisted", name)

    # Step 9: the header, strictly; it agrees with the signed comment and bag-info.txt.
    try:
        header = strict_loads(
            tags[HEADER], max_bytes=limits.max_header_bytes, max_depth=4,
            max_string=limits.max_string_chars,
        )
        check_header(header)
    except JsonProblem as err:
        raise _reject("header_invalid", str(err)) from None
    if render_trusted_comment(header) != sig.trusted_comment:
        raise _reject("signature_header_mismatch")
    if tags[BAGIT] != BAGIT_TEXT:
        raise _reject("bagit_invalid")
    if tags[BAG_INFO] != render_bag_info(header, payload_sizes):
        raise _reject("baginfo_mismatch")
    if header["signer"]["fingerprint"] != public_key.fingerprint:
        raise _reject("signer_mismatch")

    # Step 10: authorisation that needs no ledger: a real unit at the claimed level, a
    # period already begun. (Key validity on ``today`` is the lookup's; "a child of the
    # importer" is the import ledger's, which knows the importer.)
    unit = header["unit"]
    try:
        known = get_unit(f"{unit['tree']}:{unit['code']}")
    except QnappError:
        raise _reject("unit_unknown", f"{unit['tree']}:{unit['code']}") from None
    parent = f"{known.tree}:{known.parent_code}" if known.parent_code else None
    if known.level != unit["level"] or parent != unit["parent"]:
        raise _reject("unit_unknown", "level or parent differs from the unit list")
    period = parse_period(header["period"])
    if period.start > today:
        raise _reject("period_in_future", period.id)
    # A unit with children in its tree sends the sum of its children's figures and says
    # whose (chain of custody); a commune's bundle has no such part.
    is_parent = bool(load_tree(known.tree).children(known.code))
    if is_parent != ("consolidates" in header):
        raise _reject("header_invalid", "consolidates/missing belong to a parent unit's bundle only")

    # Step 12: the payload JSON (the ledger's step 11 runs on the result).
    catalog = catalog or load_catalog()
    try:
        aggregates = parse_aggregates(kept[AGGREGATES], catalog, known.level, period, limits)
    except JsonProblem as err:
        raise _reject("aggregates_invalid", str(err)) from None
    try:
        activities = parse_activities(kept[ACTIVITIES], catalog, period, limits)
    except JsonProblem as err:
        raise _reject("activities_invalid", str(err)) from None

    # Step 11, the stateless part for a parent's bundle: every child signature with the
    # key the parent vouched for, every child hash, and every sum (``custody``).
    children: tuple[Any, ...] = ()
    if is_parent:
        children = verify_children(header, kept, aggregates, catalog, limits)
    elif any(n.startswith(CHILDREN_DIR) for n in payload_digests):
        raise _reject("child_attestation_invalid", "a commune's bundle carries no children")

    return VerifiedBundle(
        digest=sha256_hex(tagmanifest),
        header=header,
        signer_fingerprint=public_key.fingerprint,
        signer_unit=trusted.unit,
        aggregates=tuple(aggregates),
        activities=tuple(activities),
        raw=data,
        attestation={
            TAGMANIFEST: tagmanifest, SIGNATURE: sig_bytes, HEADER: tags[HEADER],
            MANIFEST: tags[MANIFEST], AGGREGATES: kept[AGGREGATES],
        },
        children=children,
        public_key=public_key,
        warnings=header_warnings(header, known.full_name, catalog.version),
    )


def header_warnings(header: Mapping[str, Any], unit_name: str, catalog_version: str) -> tuple[str, ...]:
    """The signed ``unit.name`` and ``catalog_version`` checked against this program's unit
    list and catalog. A difference is worth a look (a renamed unit, a sender on another
    version of the plan's catalog) but changes nothing: figures are read by code."""
    notes = []
    if header["unit"]["name"] != unit_name:
        notes.append(_("Lưu ý: tên đơn vị ghi trong gói («{declared}») khác tên trong danh mục đơn vị của "
                       "chương trình này («{known}»); gói vẫn được xét theo mã đơn vị.").format(
            declared=header["unit"]["name"], known=unit_name))
    if header["catalog_version"] != catalog_version:
        notes.append(_("Lưu ý: gói được lập theo danh mục chỉ tiêu phiên bản «{theirs}», khác phiên bản "
                       "«{ours}» của chương trình này; hãy kiểm tra lại số liệu (có thể một bên chưa cập "
                       "nhật chương trình).").format(theirs=header["catalog_version"], ours=catalog_version))
    return tuple(notes)


# --- header ------------------------------------------------------------------------------------

HEADER_KEYS = {
    "schema", "bundle_id", "unit", "period", "report_type", "revision", "supersedes", "reason",
    "created_at", "app_version", "catalog_version", "signer",
}
UNIT_KEYS = {"tree", "code", "level", "name", "parent"}
SIGNER_KEYS = {"fingerprint", "name"}
MAX_REVISION = 1_000_000
_APP_VERSION_RE = re.compile(r"[0-9A-Za-z.+_-]{1,32}")
_PARENT_RE = re.compile(r"[0-9]{4}:[0-9]{2,8}")


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise JsonProblem(what)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _keys(obj: Any, keys: set[str], what: str) -> None:
    if type(obj) is dict and obj.keys() == keys:  # the usual case, without the messages
        return
    _need(isinstance(obj, dict), f"{what} is not an object")
    missing, unknown = keys - set(obj), set(obj) - keys
    _need(not missing, f"{what}: missing {sorted(missing)}")
    _need(not unknown, f"{what}: unknown {sorted(unknown)}")


def _text(value: Any, what: str, *, limit: int = 200) -> None:
    _need(isinstance(value, str) and value.strip() != "" and len(value) <= limit,
          f"{what} must be non-empty text of at most {limit} characters")


def check_header(h: Any) -> None:
    """Raise :class:`JsonProblem` unless ``h`` is a ``qnapp-bundle/1`` header."""
    _need(isinstance(h, dict), "not an object")
    _need(h.get("schema") == SCHEMA, f"unknown schema {str(h.get('schema'))[:40]!r}")
    custody = PARENT_KEYS & set(h)
    _need(custody in (set(), set(PARENT_KEYS)), "consolidates and missing go together")
    _keys(h, HEADER_KEYS | custody, "header")
    if custody:
        check_custody_header(h)
    _need(isinstance(h["bundle_id"], str) and UUID4_RE.fullmatch(h["bundle_id"]) is not None,
          "bundle_id is not a lower-case UUID4")
    unit = h["unit"]
    _keys(unit, UNIT_KEYS, "unit")
    _need(isinstance(unit["tree"], str) and TREE_RE.fullmatch(unit["tree"]) is not None, "unit.tree")
    _need(isinstance(unit["code"], str) and UNIT_CODE_RE.fullmatch(unit["code"]) is not None,
          "unit.code")
    _need(unit["level"] in LEVELS, "unit.level")
    _text(unit["name"], "unit.name")
    _need(unit["parent"] is None or (isinstance(unit["parent"], str)
                                      and _PARENT_RE.fullmatch(unit["parent"]) is not None),
          "unit.parent")
    _need(isinstance(h["period"], str) and is_period_id(h["period"])
          and parse_period(h["period"]).id == h["period"], "period")
    _need(h["report_type"] in REPORT_TYPES, "report_type")
    revision = h["revision"]
    _need(_is_int(revision) and 1 <= revision <= MAX_REVISION, "revision")
    if revision == 1:
        _need(h["supersedes"] is None, "revision 1 supersedes nothing")
        _need(h["reason"] is None, "revision 1 has no correction reason")
    else:
        _need(isinstance(h["supersedes"], str) and HEX64_RE.fullmatch(h["supersedes"]) is not None,
              "supersedes must be the digest of the previous revision")
        _text(h["reason"], "reason", limit=500)
    created = h["created_at"]
    _need(isinstance(created, str) and CREATED_AT_RE.fullmatch(created) is not None, "created_at")
    try:
        datetime.fromisoformat(created)
    except ValueError:
        raise JsonProblem("created_at") from None
    _need(isinstance(h["app_version"], str) and _APP_VERSION_RE.fullmatch(h["app_version"]) is not None,
          "app_version")
    _need(isinstance(h["catalog_version"], str) and len(h["catalog_version"]) <= 64,
          "catalog_version")
    signer = h["signer"]
    _keys(signer, SIGNER_KEYS, "signer")
    _need(isinstance(signer["fingerprint"], str) and HEX64_RE.fullmatch(signer["fingerprint"]) is not None,
          "signer.fingerprint")
    _text(signer["name"], "signer.name")


# --- payload ---------------------------------------------------------------------------------------

AGGREGATE_KEYS = {"element", "category", "value"}
ACTIVITY_KEYS = {"date", "type", "title", "objectives", "participants", "cost", "fund_source",
                 "action_month"}
PARTICIPANT_KEYS = {"nam", "nu"}
MAX_COUNT = 10**12  # no count or amount (đồng) is anywhere near this
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_aggregates(data: bytes, catalog: Catalog, level: str, period, limits: Limits) -> list[dict]:
    rows = strict_loads(data, max_bytes=limits.max_json_payload_bytes, max_depth=3,
                        max_string=200, max_items=limits.max_json_items, allow_float=True)
    _need(isinstance(rows, list), "not a list")
    allowed = {e.code: e for e in catalog.elements_for(level)}
    rules: dict[str, tuple[tuple[str, ...], str]] = {}  # element code → its checks, once
    previous = None
    for row in rows:
        _keys(row, AGGREGATE_KEYS, "value")
        code, category, value = row["element"], row["category"], row["value"]
        rule = rules.get(code) if type(code) is str else None
        if rule is None:
            _need(isinstance(code, str) and ELEMENT_RE.fullmatch(code) is not None, "element code")
            element = allowed.get(code)
            _need(element is not None, f"element {code} is not recorded at level {level}")
            _need(periods_mod.finer_or_same(element.period_type, period.type), f"element {code} is coarser than the period")
            rule = rules[code] = (("nam", "nu", "") if element.disaggregated else ("",),
                                  element.value_type)
        categories, value_type = rule
        if category not in categories:
            raise JsonProblem(f"category {str(category)[:10]!r} of {code}")
        if value_type in ("count", "bool"):
            if not _is_int(value):
                raise JsonProblem(f"{code}: counts are integers")
        elif not (_is_int(value) or isinstance(value, float)):
            raise JsonProblem(f"{code}: not a number")
        if not 0 <= value <= MAX_COUNT:
            raise JsonProblem(f"{code}: out of range")
        if value_type == "bool" and value not in (0, 1):
            raise JsonProblem(f"{code}: yes/no is 0 or 1")
        key = (code, category)
        if previous is not None and key <= previous:
            raise JsonProblem("values not sorted or duplicated")
        previous = key
    return rows


def parse_activities(data: bytes, catalog: Catalog, period, limits: Limits) -> list[dict]:
    rows = strict_loads(data, max_bytes=limits.max_json_payload_bytes, max_depth=4,
                        max_string=limits.max_string_chars, max_items=limits.max_json_items)
    _need(isinstance(rows, list), "not a list")
    types = {t.code for t in catalog.activity_types}
    funds = {f.code for f in catalog.fund_sources} | {""}
    objectives = {o.number for o in catalog.objectives}
    for row in rows:
        _keys(row, ACTIVITY_KEYS, "activity")
        _need(isinstance(row["date"], str) and _DATE_RE.fullmatch(row["date"]) is not None, "date")
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise JsonProblem("date") from None
        _need(period.contains_date(day), f"date {row['date']} outside the period")
        _need(row["type"] in types, "activity type")
        _text(row["title"], "title", limit=500)
        obj = row["objectives"]
        _need(isinstance(obj, list) and obj and all(_is_int(o) and o in objectives for o in obj)
              and obj == sorted(set(obj)), "objectives")
        _keys(row["participants"], PARTICIPANT_KEYS, "participants")
        for value in (*row["participants"].values(), row["cost"]):
            _need(value is None or (_is_int(value) and 0 <= value <= MAX_COUNT), "count or cost")
        _need(row["fund_source"] in funds, "fund source")
        _need(row["action_month"] is periods_mod.in_action_month(day), "action_month")
    return rows
