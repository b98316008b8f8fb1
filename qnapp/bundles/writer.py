"""Export: one period of this unit as a signed, deterministic bundle zip.

``export_bundle`` locks the period. While it stays locked, exporting again writes the
very bytes stored at the first export (the signed artefact, byte for byte). After
``reopen_period``, the next export is revision n+1 whose header names the digest of
revision n in ``supersedes`` and the reopening reason in ``reason``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qnapp import __version__, minisign, periods
from qnapp.bundles.free_text import reason_to_reword, refuse_personal_data, reopen_reason_problem
from qnapp.files import replacing, write_atomic
from qnapp.bundles import locks
from qnapp.bundles.layout import (
    ACTIVITIES,
    AGGREGATES,
    BAG_INFO,
    BAGIT,
    BAGIT_TEXT,
    HEADER,
    MANIFEST,
    REPORT,
    REPORT_TYPE,
    SCHEMA,
    SIGNATURE,
    TAGMANIFEST,
    ZIP_DATE_TIME,
    ZIP_FILE_MODE,
    dumps,
    render_bag_info,
    render_manifest,
    render_trusted_comment,
    sha256_hex,
)
from qnapp.bundles.report import build_report_xlsx
from qnapp.catalog import Catalog, DataElement
from qnapp.errors import QnappError, ValidationError
from qnapp.i18n import _, official_vietnamese
from qnapp.minisign import PublicKey
from qnapp.periods import Period, finer_or_same, parse_period
from qnapp.store import Activity
from qnapp.text import VN_TZ, clean_text, now_iso
from qnapp.units import Unit

if TYPE_CHECKING:  # the workspace imports qnapp.bundles.locks; no import cycle at run time
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from qnapp.workspace import Workspace



@dataclass(frozen=True)
class ExportResult:
    path: Path
    digest: str  # sha256 of tagmanifest-sha256.txt, hex: the bundle's identity
    bundle_id: str
    revision: int
    reused: bool = False  # True: the period was locked and the stored bundle was rewritten


@dataclass(frozen=True)
class BuiltBundle:
    data: bytes
    digest: str
    members: Mapping[str, bytes]


# --- content ----------------------------------------------------------------------------------


def exported_elements(catalog: Catalog, unit: Unit, period: Period) -> list[DataElement]:
    """Elements a bundle of ``period`` carries: those of the unit's level recorded for the
    period's own type or a finer one (aggregated up). Coarser stocks carried down (the
    year's population in a half-year) belong to the coarser period's own report."""
    return [e for e in catalog.elements_for(unit.level) if finer_or_same(e.period_type, period.type)]


def _json_number(element: DataElement, value: float) -> int | float:
    if element.value_type in ("count", "bool"):
        if value != int(value):
            raise QnappError(
                _("Số liệu «{name}» phải là số nguyên, đang là {value}.").format(
                    name=element.name, value=value)
            )
        return int(value)
    return int(value) if float(value).is_integer() else float(value)


def collect_aggregates(workspace: Workspace, period: Period) -> list[dict[str, Any]]:
    """``[{"element", "category", "value"}]`` sorted, as ``Workspace.period_values`` gives
    them (finer periods aggregated) for :func:`exported_elements`. A disaggregated element
    has ``nam``/``nu`` and a ``""`` total only when one was entered (people whose sex is
    not known); consumers use ``validation.effective_total``."""
    values = workspace.period_values(period.id)
    elements = {e.code: e for e in exported_elements(workspace.catalog, workspace.unit, period)}
    rows = []
    for (code, category), value in values.items():
        element = elements.get(code)
        if element is None:
            continue
        rows.append({"element": code, "category": category, "value": _json_number(element, value)})
    return sorted(rows, key=lambda r: (r["element"], r["category"]))


def activity_summary(activity: Activity) -> dict[str, Any]:
    """What of an activity leaves the unit: counts, money, codes, and the title. Never the
    place or the note (free text that may name people: a victim's house, a village head);
    the title is kept because the plan reports activities by name, and the entry form
    warns not to put a person's name in it."""
    return {
        "date": activity.date.isoformat(),
        "type": activity.type,
        "title": clean_text(activity.title),
        "objectives": sorted(set(activity.objectives)),
        "participants": {"nam": activity.participants_male, "nu": activity.participants_female},
        "cost": activity.cost,
        "fund_source": activity.fund_source,
        "action_month": periods.in_action_month(activity.date),
    }


ACTIVITY_FIELDS = frozenset(
    ["date", "type", "title", "objectives", "participants", "cost", "fund_source", "action_month"]
)


def _activity_sort_key(a: Mapping[str, Any]) -> tuple:
    return (a["date"], a["type"], a["title"], a["objectives"], a["participants"]["nam"] or 0,
            a["participants"]["nu"] or 0, a["cost"] or 0, a["fund_source"])


def collect_activities(workspace: Workspace, period: Period) -> list[dict[str, Any]]:
    store = workspace.store
    found = store.list_activities(
        workspace.require_profile().unit_key, date_from=period.start, date_to=period.end
    )
    return sorted((activity_summary(a) for a in found), key=_activity_sort_key)


def make_header(
    *,
    unit: Unit,
    period: Period,
    bundle_id: str,
    revision: int,
    supersedes: str | None,
    reason: str | None,
    created_at: str,
    signer_fingerprint: str,
    signer_name: str,
    catalog_version: str,
    report_type: str = REPORT_TYPE,
    app_version: str = __version__,
    consolidates: Sequence[Mapping[str, Any]] | None = None,
    missing: Sequence[str] | None = None,
) -> dict[str, Any]:
    """``consolidates`` / ``missing``: a parent unit's chain of custody (``custody``);
    both or neither (a commune's header has neither)."""
    parent = f"{unit.tree}:{unit.parent_code}" if unit.parent_code else None
    if (consolidates is None) != (missing is None):
        raise ValueError("consolidates and missing go together")
    custody = {} if consolidates is None else {
        "consolidates": sorted((dict(e) for e in consolidates), key=lambda e: e["unit"]),
        "missing": sorted(missing),
    }
    return {
        **custody,
        "schema": SCHEMA,
        "bundle_id": bundle_id,
        "unit": {"tree": unit.tree, "code": unit.code, "level": unit.level,
                 "name": unit.full_name, "parent": parent},
        "period": period.id,
        "report_type": report_type,
        "revision": revision,
        "supersedes": supersedes,
        "reason": reason,
        "created_at": created_at,
        "app_version": app_version,
        "catalog_version": catalog_version,
        "signer": {"fingerprint": signer_fingerprint, "name": clean_text(signer_name)},
    }


# --- the zip ---------------------------------------------------------------------------------------


def zip_members(members: Mapping[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, fixed time and mode, DEFLATE, no extra fields.

    Byte-identical output also needs the same zlib; a re-export of a locked period
    therefore rewrites the stored bytes instead of compressing again."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_FILE_MODE << 16
            archive.writestr(info, members[name], compresslevel=9)
    return out.getvalue()


@official_vietnamese()
def build_bundle(
    header: Mapping[str, Any],
    aggregates: Sequence[Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]],
    private_key: Ed25519PrivateKey,
    public_key: PublicKey,
    catalog: Catalog,
    *,
    report_xlsx: bytes | None = None,
    children: Mapping[str, bytes] | None = None,
) -> BuiltBundle:
    """Pure: the same arguments always give the same bytes (Ed25519 is deterministic).
    ``children``: a parent's ``data/children/…`` files (``consolidation.export_custody``)."""
    if header["signer"]["fingerprint"] != public_key.fingerprint:
        raise ValueError("header signer fingerprint is not the signing key's")
    payload = {
        AGGREGATES: dumps(list(aggregates)),
        ACTIVITIES: dumps(list(activities)),
        REPORT: report_xlsx if report_xlsx is not None else build_report_xlsx(
            header, aggregates, activities, catalog),
        **(children or {}),
    }
    header_bytes = dumps(dict(header))
    manifest = render_manifest(payload)
    tags = {
        BAG_INFO: render_bag_info(header, {n: len(b) for n, b in payload.items()}),
        BAGIT: BAGIT_TEXT,
        HEADER: header_bytes,
        MANIFEST: manifest,
    }
    tagmanifest = render_manifest(tags)
    signature = minisign.sign(
        private_key, public_key.key_id, tagmanifest, render_trusted_comment(header),
        untrusted_comment="qnapp bundle signature; verify with minisign -H -Vm tagmanifest-sha256.txt",
    )
    members = {**payload, **tags, TAGMANIFEST: tagmanifest, SIGNATURE: signature}
    return BuiltBundle(zip_members(members), sha256_hex(tagmanifest), members)


# --- export / reopen -----------------------------------------------------------------------------


def _has_children(unit: Unit) -> bool:
    from qnapp.bundles.custody import children_in_tree

    return bool(children_in_tree(unit))


@official_vietnamese()
def export_bundle(
    workspace: Workspace,
    period_id: str,
    passphrase: str | None,
    out_path: str | Path,
    *,
    signing_key: tuple[Ed25519PrivateKey, PublicKey] | None = None,
    created_at: str | None = None,
) -> ExportResult:
    """Write this unit's bundle for ``period_id`` to ``out_path`` and lock the period.

    A locked period rewrites its stored bundle (no passphrase needed). Otherwise the own
    signing key is decrypted with ``passphrase`` (``signing_key`` bypasses that, for
    tests and for a GUI that holds the key already)."""
    from qnapp import keys  # lazy: key handling pulls in the KDF

    profile = workspace.require_profile()
    unit_key = profile.unit_key
    period = parse_period(period_id)
    store = workspace.store
    out_path = Path(out_path)
    last = locks.latest_export(store, unit_key, period.id)
    if last is not None and locks.is_locked(store, unit_key, period.id):
        write_atomic(out_path, last.content)
        return ExportResult(out_path, last.digest, last.bundle_id, last.revision, reused=True)
    problem = workspace._outside_unit_life(period.id)
    if problem:
        raise ValidationError(problem)
    if period.start > datetime.now(VN_TZ).date():
        raise ValidationError(_("Kỳ {period} chưa bắt đầu; chưa thể gửi báo cáo.").format(period=period.id))
    aggregates = collect_aggregates(workspace, period)
    activities = collect_activities(workspace, period)
    consolidates = missing = children = None
    if _has_children(workspace.unit):
        # A parent: the sums come from its children's current bundles; say whose, and
        # carry each one's signed attestation and the key trusted for it.
        from qnapp.consolidation import export_custody

        consolidates, missing, children = export_custody(workspace, period.id)
    if not aggregates and not activities:
        raise ValidationError(
            _("Kỳ {period} chưa có số liệu hay hoạt động nào để gửi.").format(period=period.id)
        )
    lock = locks.latest_lock(store, unit_key, period.id) if last is not None else None
    reason = lock.reason if lock is not None and lock.reason else None
    refuse_personal_data(workspace, period, reason, activities)  # data older than the check
    if signing_key is None:
        private_key, public_key = keys.load_signing_key(store, passphrase)
    else:
        private_key, public_key = signing_key
    revision, supersedes = 1, None
    if last is not None:
        revision = last.revision + 1
        supersedes = last.digest
    header = make_header(
        unit=workspace.unit, period=period, bundle_id=str(uuid.uuid4()), revision=revision,
        supersedes=supersedes, reason=reason, created_at=created_at or now_iso(),
        signer_fingerprint=public_key.fingerprint, signer_name=profile.officer,
        catalog_version=workspace.catalog.version, consolidates=consolidates, missing=missing,
    )
    built = build_bundle(header, aggregates, activities, private_key, public_key, workspace.catalog,
                         children=children)
    with replacing(out_path) as tmp:
        tmp.write_bytes(built.data)
        _record_export(workspace, header, built, public_key)
    return ExportResult(out_path, built.digest, header["bundle_id"], revision)


def _record_export(workspace: Workspace, header: Mapping[str, Any], built: BuiltBundle,
                   public_key: PublicKey) -> None:
    store = workspace.store
    who = workspace.officer
    unit_key = f"{header['unit']['tree']}:{header['unit']['code']}"
    now = now_iso()
    with store.transaction():
        store.conn.execute(
            "INSERT INTO bundle_exports (digest, bundle_id, unit, period, report_type, revision, "
            "supersedes, reason, created_at, signer_fingerprint, created_by, content) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [built.digest, header["bundle_id"], unit_key, header["period"], header["report_type"],
             header["revision"], header["supersedes"], header["reason"], header["created_at"],
             public_key.fingerprint, who, built.data],
        )
        store.conn.execute(
            "INSERT INTO locked_periods (unit, period, revision, locked_at, reopened_at, reason) "
            "VALUES (?, ?, ?, ?, NULL, '')",
            [unit_key, header["period"], header["revision"], now],
        )
        store._audit(now, who, "insert", "bundle_export", built.digest, None, {
            "bundle_id": header["bundle_id"], "unit": unit_key, "period": header["period"],
            "report_type": header["report_type"], "revision": header["revision"],
            "supersedes": header["supersedes"], "signer": public_key.fingerprint,
        })


def reopen_period(workspace: Workspace, period_id: str, reason: str) -> int:
    """Unlock a sent period for correction; returns the revision the next export gets.

    A period already reopened with a reason that names a person (typed before the
    check existed) takes a new reason: the export refuses the old one."""
    unit_key = workspace.require_profile().unit_key
    period = parse_period(period_id)
    reason = clean_text(reason)
    problem = reopen_reason_problem(reason)
    if problem:
        raise ValidationError(problem)
    store = workspace.store
    who = workspace.officer
    now = now_iso()
    with store.transaction():
        lock = locks.latest_lock(store, unit_key, period.id)
        if lock is not None and lock.reopened_at is not None and reason_to_reword(lock.reason):
            store.conn.execute(
                "UPDATE locked_periods SET reason = ? WHERE unit = ? AND period = ? AND revision = ?",
                [reason, unit_key, period.id, lock.revision])
            store._audit(now, who, "update", "period_lock", f"{unit_key}/{period.id}",
                         {"revision": lock.revision, "locked": False},
                         {"revision": lock.revision, "locked": False, "reason": reason})
            return lock.revision + 1
        if lock is None or lock.reopened_at is not None:
            raise QnappError(
                _("Kỳ {period} chưa gửi báo cáo hoặc đã được mở lại; không cần mở lại.").format(
                    period=period.id)
            )
        store.conn.execute(
            "UPDATE locked_periods SET reopened_at = ?, reason = ? "
            "WHERE unit = ? AND period = ? AND revision = ?",
            [now, reason, unit_key, period.id, lock.revision],
        )
        store._audit(now, who, "update", "period_lock", f"{unit_key}/{period.id}",
                     {"revision": lock.revision, "locked": True},
                     {"revision": lock.revision, "locked": False, "reason": reason})
    return lock.revision + 1

