"""Chain of custody: what a parent unit's bundle says about the children it consolidated.

A parent (a 2021 district; the province in either tree) sends the sum of its children's
latest accepted figures. Its header lists every child it consumed,
``consolidates: [{unit, bundle_id, revision, digest, key_fingerprint}]`` (sorted by unit),
and every child it had nothing from, ``missing: ["tree:code", …]``; together they are
exactly the sender's children in its tree. For each consumed child the payload carries
``data/children/<digest16>/`` with that child's signed tag files and aggregates byte for
byte, plus ``unit.pub``, the public key the parent trusted for it. By signing its bundle
the parent vouches for those keys, so its own parent needs only the parent's key.

:func:`verify_children` re-checks all of it without any registry: each child signature
with the vouched key, each child's hashes, that each child is a child of the sender for
the same period, and that the sender's figures for the child-level elements are exactly
:func:`combine` of the children's figures. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qnapp import periods as periods_mod
from qnapp.bundles.layout import (
    CHILD_AGGREGATES,
    CHILD_FILES,
    CHILD_HEADER,
    CHILD_KEY,
    CHILD_MANIFEST,
    CHILD_NAME_RE,
    CHILD_SIGNATURE,
    CHILD_SOURCES,
    CHILD_TAGMANIFEST,
    CHILDREN_DIR,
    MAX_CHILD_FILE_BYTES,
    MAX_KEY_FILE_BYTES,
    HEX64_RE,
    TAG_FILES,
    UUID4_RE,
    JsonProblem,
    Limits,
    child_dir,
    parse_manifest,
    parse_trusted_comment,
    render_trusted_comment,
    sha256_hex,
    strict_loads,
)
from qnapp.bundles.reasons import BundleRejected
from qnapp.catalog import Catalog, DataElement
from qnapp.minisign import MinisignError, PublicKey, parse_public_key, parse_signature, verify
from qnapp.units import Unit, get_unit, load_tree

CONSOLIDATES = "consolidates"
MISSING = "missing"
PARENT_KEYS = frozenset([CONSOLIDATES, MISSING])
ENTRY_KEYS = frozenset(["unit", "bundle_id", "revision", "digest", "key_fingerprint"])

Values = Mapping[tuple[str, str], float]


# --- who consolidates what ------------------------------------------------------------------


def children_in_tree(unit: Unit) -> tuple[Unit, ...]:
    """The unit's direct children in its own tree (a commune has none)."""
    return load_tree(unit.tree).children(unit.code)


def child_level(unit: Unit) -> str | None:
    """The level of the unit's children in its tree: "commune" for a 2021 district and
    the 2025 province, "district" for the 2021 province, None for a commune."""
    children = children_in_tree(unit)
    return children[0].level if children else None


def consolidated_elements(catalog: Catalog, unit: Unit) -> tuple[DataElement, ...]:
    """Elements a parent never types: recorded at its level and at its children's level
    (counts and numbers; a yes/no element cannot be summed), so its figure is the sum
    of its children's."""
    level = child_level(unit)
    if level is None:
        return ()
    return tuple(e for e in catalog.elements_for(unit.level)
                 if level in e.levels and e.value_type != "bool")


def combine(elements: Iterable[DataElement], per_child: Iterable[Values]) -> dict[tuple[str, str], float]:
    """The sum of the children's values per element and category.

    ``nam`` and ``nu`` add up. A disaggregated element gets a ``""`` total only when some
    child stored one (people whose sex is not known), and then it is the sum of every
    child's effective total, so ``validation.effective_total`` stays right at the parent.
    Elements absent from every child stay absent (not 0).

    One pass over ``per_child`` (it may be a generator): memory does not grow with the
    number of children."""
    by_code = {e.code: e for e in elements}
    out: dict[tuple[str, str], float] = {}
    with_total: set[str] = set()
    effective: dict[str, float] = {}  # code → Σ over the children so far of effective_total or 0
    for values in per_child:
        parts: dict[str, list] = {}  # this child's [total, nam, nu] per disaggregated code
        for (code, category), value in values.items():
            element = by_code.get(code)
            if element is None:
                continue
            if element.disaggregated:
                if category in _PARTS:
                    parts.setdefault(code, [None, None, None])[_PARTS[category]] = value
                if category == "":
                    with_total.add(code)
                    continue
            out[(code, category)] = out.get((code, category), 0) + value
        for code, (total, male, female) in parts.items():
            # validation.effective_total, inlined; a child without the element adds 0.
            if total is None:
                if male is None and female is None:
                    continue
                total = (male or 0.0) + (female or 0.0)
            effective[code] = effective.get(code, 0) + (total or 0)
    for code in with_total:
        out[(code, "")] = effective.get(code, 0)
    return out


_PARTS = {"": 0, "nam": 1, "nu": 2}


def rows_to_values(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], float]:
    return {(r["element"], r["category"]): r["value"] for r in rows}


# --- the header part --------------------------------------------------------------------------


def check_custody_header(h: Mapping[str, Any]) -> None:
    """Raise :class:`JsonProblem` unless ``consolidates`` and ``missing`` are well formed."""
    entries, missing = h[CONSOLIDATES], h[MISSING]
    if not isinstance(entries, list):
        raise JsonProblem("consolidates is not a list")
    if not isinstance(missing, list):
        raise JsonProblem("missing is not a list")
    units = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
            raise JsonProblem(f"consolidates entries have exactly {sorted(ENTRY_KEYS)}")
        if not _is_unit_key(entry["unit"]):
            raise JsonProblem("consolidates: unit")
        if not (isinstance(entry["bundle_id"], str) and UUID4_RE.fullmatch(entry["bundle_id"])):
            raise JsonProblem("consolidates: bundle_id")
        revision = entry["revision"]
        if not (isinstance(revision, int) and not isinstance(revision, bool) and 1 <= revision <= 1_000_000):
            raise JsonProblem("consolidates: revision")
        for key in ("digest", "key_fingerprint"):
            if not (isinstance(entry[key], str) and HEX64_RE.fullmatch(entry[key])):
                raise JsonProblem(f"consolidates: {key}")
        units.append(entry["unit"])
    if units != sorted(set(units)):
        raise JsonProblem("consolidates not sorted by unit, or a unit twice")
    if not all(_is_unit_key(u) for u in missing) or missing != sorted(set(missing)):
        raise JsonProblem("missing is not a sorted list of distinct unit keys")
    if set(units) & set(missing):
        raise JsonProblem("a unit both consolidated and missing")
    dirs = [e["digest"][:16] for e in entries]
    if len(set(dirs)) != len(dirs):
        raise JsonProblem("two consolidated bundles share a digest prefix")


def _is_unit_key(value: Any) -> bool:
    if not isinstance(value, str) or value.count(":") != 1:
        return False
    tree, code = value.split(":")
    return len(tree) == 4 and tree.isdigit() and 2 <= len(code) <= 8 and code.isdigit() and code.isascii()


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedChild:
    """One consolidated child bundle, re-verified from its attestation subset."""

    unit: str  # "tree:code"
    bundle_id: str
    revision: int
    digest: str
    key_fingerprint: str
    header: Mapping[str, Any]
    aggregates: tuple[Mapping[str, Any], ...]
    files: Mapping[str, bytes] = field(repr=False, default_factory=dict)  # CHILD_FILES -> bytes


def _reject(code: str, detail: str = "") -> BundleRejected:
    return BundleRejected(code, detail)


def verify_children(
    header: Mapping[str, Any],
    payload: Mapping[str, bytes],
    aggregates: Sequence[Mapping[str, Any]],
    catalog: Catalog,
    limits: Limits,
) -> tuple[VerifiedChild, ...]:
    """Check a parent bundle's custody (docs/bundle-design.md §9.6 step 11 for office bundles).

    ``payload`` holds the bundle's ``data/children/…`` members (already hash-checked
    against the parent's signed manifest). Raises :class:`BundleRejected`."""
    from qnapp.bundles.verifier import check_header, parse_aggregates  # no import cycle

    sender = get_unit(f"{header['unit']['tree']}:{header['unit']['code']}")
    own_children = {u.key: u for u in children_in_tree(sender)}
    entries = header[CONSOLIDATES]
    period = periods_mod.parse_period(header["period"])

    # The children/ directory holds exactly the consolidated children's files.
    expected = {child_dir(e["digest"]) + name for e in entries for name in CHILD_FILES}
    present = {n for n in payload if n.startswith(CHILDREN_DIR)}
    for name in sorted(present - expected):
        raise _reject("child_attestation_invalid", f"{name} belongs to no consolidated child")
    for name in sorted(expected - present):
        raise _reject("child_attestation_invalid", f"{name} missing")
    for name in present:
        if CHILD_NAME_RE.fullmatch(name) is None:  # pragma: no cover - the zip scan refuses it
            raise _reject("child_attestation_invalid", name)

    children = []
    for entry in entries:
        unit_key = entry["unit"]
        base = child_dir(entry["digest"])
        files = {name: payload[base + name] for name in CHILD_FILES}
        for name, content in files.items():
            cap = MAX_KEY_FILE_BYTES if name == CHILD_KEY else MAX_CHILD_FILE_BYTES
            if len(content) > cap:
                raise _reject("child_attestation_invalid", f"{base}{name} too large")
        tagmanifest = files[CHILD_TAGMANIFEST]
        if sha256_hex(tagmanifest) != entry["digest"]:
            raise _reject("child_attestation_invalid", f"{unit_key}: digest differs from the header")

        # The key the sender vouches for, and the child's signature with it.
        try:
            key_text = files[CHILD_KEY].decode("utf-8")
            public_key: PublicKey = parse_public_key(key_text)
        except (UnicodeDecodeError, MinisignError):
            raise _reject("child_attestation_invalid", f"{unit_key}: unit.pub") from None
        if public_key.fingerprint != entry["key_fingerprint"]:
            raise _reject("child_key_mismatch", unit_key)
        try:
            sig = parse_signature(files[CHILD_SIGNATURE])
        except MinisignError as err:
            raise _reject("child_attestation_invalid", f"{unit_key}: signature {err.reason_code}") from None
        if sig.key_id != public_key.key_id:
            raise _reject("child_key_mismatch", f"{unit_key}: signed by another key")
        try:
            verify(sig, public_key, tagmanifest)
        except MinisignError as err:
            raise _reject("child_signature_invalid", f"{unit_key}: {err.reason_code}") from None
        comment = parse_trusted_comment(sig.trusted_comment)
        if comment is None or comment.unit != unit_key:
            raise _reject("child_attestation_invalid", f"{unit_key}: trusted comment")

        # The signed tag manifest covers bundle.json and the payload manifest, which
        # covers the aggregates.
        try:
            tag_digests = parse_manifest(tagmanifest)
        except ValueError as err:
            raise _reject("child_attestation_invalid", f"{unit_key}: tagmanifest {err}") from None
        if set(tag_digests) != set(TAG_FILES):
            raise _reject("child_attestation_invalid", f"{unit_key}: tagmanifest lists other files")
        for name in (CHILD_HEADER, CHILD_MANIFEST):
            if sha256_hex(files[name]) != tag_digests[CHILD_SOURCES[name]]:
                raise _reject("child_hash_mismatch", f"{unit_key}: {name}")
        try:
            payload_digests = parse_manifest(files[CHILD_MANIFEST])
        except ValueError as err:
            raise _reject("child_attestation_invalid", f"{unit_key}: manifest {err}") from None
        wanted = payload_digests.get(CHILD_SOURCES[CHILD_AGGREGATES])
        if wanted is None or sha256_hex(files[CHILD_AGGREGATES]) != wanted:
            raise _reject("child_hash_mismatch", f"{unit_key}: aggregates")

        try:
            child_header = strict_loads(files[CHILD_HEADER], max_bytes=limits.max_header_bytes,
                                        max_depth=4, max_string=limits.max_string_chars)
            check_header(child_header)
        except JsonProblem as err:
            raise _reject("child_attestation_invalid", f"{unit_key}: bundle.json {err}") from None
        if render_trusted_comment(child_header) != sig.trusted_comment:
            raise _reject("child_attestation_invalid", f"{unit_key}: comment differs from bundle.json")
        child_unit = child_header["unit"]
        if (f"{child_unit['tree']}:{child_unit['code']}" != unit_key
                or child_header["bundle_id"] != entry["bundle_id"]
                or child_header["revision"] != entry["revision"]
                or child_header["signer"]["fingerprint"] != public_key.fingerprint):
            raise _reject("child_attestation_invalid", f"{unit_key}: bundle.json differs from the header entry")

        # Whose child, which report.
        if unit_key not in own_children:
            raise _reject("child_not_of_sender", unit_key)
        known = own_children[unit_key]
        if child_unit["level"] != known.level or child_unit["parent"] != sender.key:
            raise _reject("child_not_of_sender", f"{unit_key}: level or parent")
        if child_header["period"] != header["period"] or child_header["report_type"] != header["report_type"]:
            raise _reject("child_period_mismatch",
                          f"{unit_key}: {child_header['period']}/{child_header['report_type']}")
        try:
            child_rows = parse_aggregates(files[CHILD_AGGREGATES], catalog, known.level, period, limits)
        except JsonProblem as err:
            raise _reject("child_attestation_invalid", f"{unit_key}: aggregates {err}") from None
        children.append(VerifiedChild(
            unit=unit_key, bundle_id=entry["bundle_id"], revision=entry["revision"],
            digest=entry["digest"], key_fingerprint=public_key.fingerprint, header=child_header,
            aggregates=tuple(child_rows), files=files,
        ))

    # Every child of the sender is either consolidated or declared missing.
    missing = header[MISSING]
    for key in missing:
        if key not in own_children:
            raise _reject("child_not_of_sender", f"{key} (missing)")
    if {e["unit"] for e in entries} | set(missing) != set(own_children):
        raise _reject("child_set_mismatch",
                      ", ".join(sorted(set(own_children) - {e["unit"] for e in entries} - set(missing)))[:200])

    # The sender's child-level figures are exactly the sum of its children's.
    elements = [e for e in consolidated_elements(catalog, sender)
                if periods_mod.finer_or_same(e.period_type, period.type)]
    codes = {e.code for e in elements}
    sent = {k: v for k, v in rows_to_values(aggregates).items() if k[0] in codes}
    summed = combine(elements, [rows_to_values(c.aggregates) for c in children])
    if set(sent) != set(summed) or any(not _same(sent[k], summed[k]) for k in sent):
        wrong = sorted(k for k in set(sent) | set(summed) if k not in sent or k not in summed
                       or not _same(sent[k], summed[k]))
        code, category = wrong[0]
        raise _reject("child_sum_mismatch", "{code}{cat}: {got} ≠ {want}".format(
            code=code, cat=f".{category}" if category else "", got=sent.get(wrong[0]),
            want=summed.get(wrong[0])))
    return tuple(children)


def _same(a: float, b: float) -> bool:
    return round(float(a), 9) == round(float(b), 9)


def attestation_files(attestation: Mapping[str, bytes], public_key: PublicKey, unit_key: str) -> dict[str, bytes]:
    """A child's ``data/children/<digest16>/`` files (names relative to that folder) from
    its verified attestation subset and the key this unit trusted for it."""
    files = {name: attestation[source] for name, source in CHILD_SOURCES.items()}
    files[CHILD_KEY] = public_key.to_file_text(
        f"qnapp unit {unit_key} fpr {public_key.fingerprint}").encode("ascii")
    return files
