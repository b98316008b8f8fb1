"""The import ledger: what a parent unit received from its children, and what it did.

Every file handed to :func:`import_bundle` is first verified in full (``verifier``, with
the importer's trust registry as the key lookup: a key revoked on or before the import
date is refused). A bundle that passed every step, from a direct child of the importer in
the importer's own unit tree, then meets the ledger rules (docs/bundle-design.md §9.5). A *slot* is
(unit, period, report type); its *current* bundle is the accepted one.

1. The same digest again — even of a revision since superseded — is a no-op
   ``duplicate`` (a held one stays ``held``; one the clerk rejected stays ``rejected``).
2. The same bundle id with other content: ``rejected`` (``bundle_id_reused``).
3. A revision at or below the current one (a stale copy, or a fork of the same
   revision): ``rejected`` (``revision_stale``).
4. A revision more than one above the current one: ``held`` (``revision_jump``).
5. A correction that does not name the current digest (or one for a slot with nothing
   accepted yet): ``held`` (``correction_unlinked``).
6. Otherwise ``accepted``, in one transaction: the bundle becomes current, the one it
   replaces is marked ``superseded``, its figures (and, for a parent's bundle, each
   consolidated child's figures) are stored. Then held bundles of the slot are
   re-evaluated: one that now correctly follows the current bundle is accepted too
   (out-of-order e-mail).

A bundle from an untrusted or revoked key, or from a unit that is not a child of the
importer, is rejected, never held. A held bundle waits for the clerk: :func:`accept_held`
(re-verifies it today, refuses a rollback) or :func:`reject_held`.

A rejected file changes no figure and no ledger state: only the append-only
``import_rejections`` log (the reason and the SHA-256 of the file bytes, never its
figures) and the audit trail get a row. Every decision, duplicates included, is audited.
The importer's own figures (``data_values``) are never touched by an import.

Folders given to :func:`import_files` are scanned recursively for ``*.zip`` files
(case-insensitive), skipping hidden files and folders (names starting with ``.``, such as
the ``._x.zip`` files macOS leaves on USB sticks); files are imported in path order.

The received date of a bundle is the day it is imported here (``received_at``, Vietnam
time); the completeness board compares it with the period's due date.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from qnapp import keys
from qnapp.bundles.layout import DEFAULT_LIMITS
from qnapp.bundles.peek import Declared, declared_identity
from qnapp.bundles.reasons import BundleRejected, reason_message
from qnapp.bundles.verifier import VerifiedBundle, verify_bundle
from qnapp.errors import DatabaseError, QnappError, ValidationError
from qnapp.i18n import _
from qnapp.text import VN_TZ, clean_text, format_date, now_iso
from qnapp.units import get_unit

log = logging.getLogger(__name__)

__all__ = [
    "ImportOutcome",
    "HeldBundle",
    "import_bundle",
    "import_files",
    "held_bundles",
    "accept_held",
    "reject_held",
    "scan_paths",
]

ACCEPTED, DUPLICATE, HELD, REJECTED = "accepted", "duplicate", "held", "rejected"
AUDIT_ENTITY = "bundle_import"


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file."""

    file: str
    status: str  # "accepted" | "duplicate" | "held" | "rejected"
    reason_code: str  # stable snake_case ("ok" when accepted)
    message: str  # Vietnamese, one line
    digest: str | None = None
    unit: str | None = None  # "tree:code"
    period: str | None = None
    revision: int | None = None
    # A file refused before its signature was checked: what its header claims, if readable
    # (``peek``); shown to say which report it was, never stored as the sender.
    declared: Declared | None = None
    # A verified bundle whose header differs from this program's unit list or catalog
    # (``VerifiedBundle.warnings``): also appended to ``message``.
    warnings: tuple[str, ...] = ()

    @property
    def shown_unit(self) -> str | None:
        return self.unit or (self.declared.unit if self.declared else None)

    @property
    def shown_period(self) -> str | None:
        return self.period or (self.declared.period if self.declared else None)

    @property
    def shown_revision(self) -> int | None:
        return self.revision if self.unit else (self.declared.revision if self.declared else None)

    def as_json(self) -> dict[str, Any]:
        """The ``import --json`` line: ``{"file", "status", "reason_code", "message"}``, and
        ``unit``, ``period``, ``revision`` (null when unknown) with ``declared`` (true when
        they were read from a refused file's unverified header)."""
        return {"file": self.file, "status": self.status, "reason_code": self.reason_code,
                "message": self.message, "unit": self.shown_unit, "period": self.shown_period,
                "revision": self.shown_revision, "declared": self.unit is None and self.declared is not None,
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class HeldBundle:
    """A verified correction waiting for the clerk's decision."""

    digest: str
    file: str
    unit: str
    period: str
    revision: int
    supersedes: str | None
    reason_code: str
    message: str
    received_at: str


# --- helpers --------------------------------------------------------------------------------------


def _today() -> date:
    return datetime.now(VN_TZ).date()


def _received_at(today: date | None) -> str:
    """Import time; with an explicit ``today`` (tests, back-dating a batch) that day at
    the current clock time."""
    now = datetime.now(VN_TZ).replace(microsecond=0)
    if today is None or today == now.date():
        return now_iso()
    return datetime.combine(today, now.time(), VN_TZ).isoformat(timespec="seconds")


def key_lookup(store, today: date):
    """The verifier's key lookup for imports: the trust registry only (the importer's own
    keys sign nothing it imports); a key revoked on or before ``today`` → ``key_revoked``."""

    def lookup(key_id: bytes):
        trusted = keys.trusted_key_by_key_id(store, key_id)
        if trusted is not None and not trusted.valid_on(today):
            raise BundleRejected("key_revoked", trusted.public_key.fingerprint_groups)
        return trusted

    return lookup


def _unit_name(unit_key: str | None) -> str:
    if not unit_key:
        return ""
    try:
        return get_unit(unit_key).full_name
    except QnappError:
        return unit_key


def _is_my_child(own_key: str, unit_key: str) -> bool:
    """A direct child of the importer in the importer's own tree."""
    try:
        own, child = get_unit(own_key), get_unit(unit_key)
    except QnappError:
        return False
    return child.tree == own.tree and keys.is_child_unit(own_key, unit_key)


@dataclass(frozen=True)
class _Row:
    digest: str
    bundle_id: str
    unit: str
    period: str
    report_type: str
    revision: int
    supersedes: str | None
    status: str
    reason_code: str
    message: str
    received_at: str
    file_name: str
    content: bytes


_ROW_SELECT = (
    "SELECT digest, bundle_id, unit, period, report_type, revision, supersedes, status, "
    "reason_code, message, received_at, file_name, content FROM received_bundles"
)


def _row(conn, where: str, params: list[Any]) -> _Row | None:
    found = conn.execute(f"{_ROW_SELECT} WHERE {where}", params).fetchone()
    return _Row(*found) if found else None


def _current(conn, unit: str, period: str, report_type: str) -> _Row | None:
    return _row(conn, "unit = ? AND period = ? AND report_type = ? AND status = 'accepted'",
                [unit, period, report_type])


def _outcome(file: str, status: str, code: str, message: str, b: VerifiedBundle | _Row | None = None) -> ImportOutcome:
    if b is None:
        return ImportOutcome(file, status, code, message)
    return ImportOutcome(file, status, code, message, b.digest, b.unit, b.period, b.revision)


def _audit(workspace, key: str, action: str, outcome: ImportOutcome, **extra: Any) -> None:
    new = {"file": outcome.file, "status": outcome.status, "reason_code": outcome.reason_code,
           "unit": outcome.unit, "period": outcome.period, "revision": outcome.revision,
           "digest": outcome.digest, **extra}
    workspace.store._audit(now_iso(), workspace.officer, action, AUDIT_ENTITY, key, None, new)


def _refuse(workspace, file: str, code: str, message: str, *, data: bytes | None,
            received_at: str, bundle: VerifiedBundle | None = None,
            declared: Declared | None = None) -> ImportOutcome:
    """Log a refused file (append-only) and return its outcome; nothing else changes."""
    outcome = _outcome(file, REJECTED, code, message, bundle)
    if declared is not None:
        outcome = replace(outcome, declared=declared)
    sha = hashlib.sha256(data).hexdigest() if data is not None else None
    store = workspace.store
    with store.transaction():
        store.conn.execute(
            "INSERT INTO import_rejections (received_at, received_by, file_name, file_sha256, "
            "file_size, reason_code, message, digest, unit, period, revision) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [received_at, workspace.officer, file, sha, None if data is None else len(data), code,
             message, outcome.digest, outcome.unit, outcome.period, outcome.revision],
        )
        _audit(workspace, outcome.digest or f"sha256:{sha}", "reject", outcome, file_sha256=sha)
    return outcome


# --- messages --------------------------------------------------------------------------------------


def _about(b: VerifiedBundle, message: str) -> str:
    """``message`` led by the report it is about: unit, period, revision."""
    return _("Gói của {unit}, kỳ {period}, lần gửi {revision}: {message}").format(
        unit=_unit_name(b.unit), period=b.period, revision=b.revision, message=message)


def _unverified_message(file: str, reason: str, declared: Declared | None) -> str:
    """Why a file was refused before its signature could vouch for it, naming the file and
    the report its header claims to be (when readable)."""
    name = Path(file).name or file
    if declared is None:
        return _("Tệp {file}: không đọc được đơn vị và kỳ báo cáo trong tệp. Lý do không nhận: {reason}").format(
            file=name, reason=reason)
    what = _unit_name(declared.unit)
    if declared.period:
        what = _("{unit}, kỳ {period}").format(unit=what, period=declared.period)
    if declared.revision is not None:
        what = _("{what}, lần gửi {revision}").format(what=what, revision=declared.revision)
    return _("Tệp {file} ghi là báo cáo của {what} (chưa kiểm chứng được). Lý do không nhận: {reason}").format(
        file=name, what=what, reason=reason)


def _accepted_message(b: VerifiedBundle | _Row, replaced: _Row | None) -> str:
    text = _("Đã nhận báo cáo của {unit}, kỳ {period}, lần gửi {revision}.").format(
        unit=_unit_name(b.unit), period=b.period, revision=b.revision)
    if replaced is not None:
        text += " " + _("Thay thế lần gửi {old}.").format(old=replaced.revision)
    return text


def _hold_message(code: str, b: VerifiedBundle, current: _Row | None) -> str:
    unit = _unit_name(b.unit)
    if code == "revision_jump":
        return _(
            "Gói của {unit} kỳ {period} là lần gửi {revision}, nhưng bản đang dùng là lần "
            "{current}: thiếu lần gửi ở giữa. Gói được giữ lại chờ cán bộ xem xét."
        ).format(unit=unit, period=b.period, revision=b.revision, current=current.revision if current else 0)
    if current is None:
        return _(
            "Gói của {unit} kỳ {period} là bản sửa (lần gửi {revision}) của một gói chưa nhận "
            "được. Gói được giữ lại chờ cán bộ xem xét (hoặc chờ nhận gói trước đó)."
        ).format(unit=unit, period=b.period, revision=b.revision)
    return _(
        "Gói của {unit} kỳ {period} (lần gửi {revision}) không ghi là thay thế bản đang dùng "
        "(lần gửi {current}). Gói được giữ lại chờ cán bộ xem xét."
    ).format(unit=unit, period=b.period, revision=b.revision, current=current.revision)


def _stale_message(b: VerifiedBundle, current: _Row) -> str:
    unit = _unit_name(b.unit)
    if b.revision == current.revision:
        return _(
            "Đã nhận một gói khác cũng là lần gửi {revision} của {unit} kỳ {period}; hai bản "
            "khác nhau cùng một lần gửi, nên không nhận gói này."
        ).format(unit=unit, period=b.period, revision=b.revision)
    return _(
        "Gói là lần gửi {revision} của {unit} kỳ {period}, cũ hơn bản đang dùng (lần gửi "
        "{current}); không nhận bản cũ."
    ).format(unit=unit, period=b.period, revision=b.revision, current=current.revision)


# --- import ------------------------------------------------------------------------------------


def import_bundle(workspace, data: bytes, *, file_name: str, today: date | None = None) -> ImportOutcome:
    """Verify one bundle and apply the ledger rules. Never raises for a bad bundle: the
    outcome says why. A rejected file changes nothing but the append-only rejection log
    and the audit trail."""
    workspace.require_profile()
    day = today or _today()
    received_at = _received_at(today)
    data = bytes(data)
    file_name = str(file_name)
    try:
        bundle = verify_bundle(data, key_lookup(workspace.store, day), today=day,
                               catalog=workspace.catalog)
    except BundleRejected as err:
        declared = declared_identity(data)
        return _refuse(workspace, file_name, err.reason_code, _unverified_message(file_name, str(err), declared),
                       data=data, received_at=received_at, declared=declared)
    except DatabaseError:
        raise
    except Exception as err:  # a verifier bug must not abort a batch of files
        log.exception("unexpected error verifying %s", file_name)
        reason = f"{reason_message('file_unreadable')} ({type(err).__name__})"
        return _refuse(workspace, file_name, "file_unreadable", _unverified_message(file_name, reason, None),
                       data=data, received_at=received_at)
    own = workspace.require_profile().unit_key
    if not _is_my_child(own, bundle.unit):
        message = _("{unit} ({key}), kỳ {period}: không phải đơn vị trực thuộc {own}; không nhận.").format(
            unit=_unit_name(bundle.unit), key=bundle.unit, period=bundle.period, own=_unit_name(own))
        return _refuse(workspace, file_name, "not_a_child", message, data=data,
                       received_at=received_at, bundle=bundle)
    with workspace.store.transaction():
        outcome = _apply_rules(workspace, bundle, file_name, received_at, day)
    if bundle.warnings:
        outcome = replace(outcome, warnings=bundle.warnings,
                          message=" ".join((outcome.message, *bundle.warnings)))
    return outcome


def _apply_rules(workspace, bundle: VerifiedBundle, file: str, received_at: str, day: date) -> ImportOutcome:
    conn = workspace.store.conn
    seen = _row(conn, "digest = ?", [bundle.digest])
    if seen is not None:
        if seen.status in (ACCEPTED, "superseded"):
            message = _(
                "Gói này đã được nhận ngày {date} (lần gửi {revision} của {unit}, kỳ {period}); "
                "không thay đổi gì."
            ).format(date=format_date(date.fromisoformat(seen.received_at[:10])), revision=seen.revision,
                     unit=_unit_name(seen.unit),
                     period=seen.period)
            outcome = _outcome(file, DUPLICATE, "duplicate", message, bundle)
            _audit(workspace, bundle.digest, "duplicate", outcome)
            return outcome
        if seen.status == HELD:
            outcome = _outcome(file, HELD, seen.reason_code,
                               _("Gói này đã nhận và đang chờ cán bộ xem xét: ") + seen.message, bundle)
            _audit(workspace, bundle.digest, "duplicate", outcome)
            return outcome
        return _refuse(workspace, file, "rejected_by_clerk", _about(bundle, reason_message("rejected_by_clerk")),
                       data=bundle.raw, received_at=received_at, bundle=bundle)
    if _row(conn, "bundle_id = ?", [bundle.bundle_id]) is not None:
        message = _about(bundle, _("Mã gói {id} đã được dùng cho một gói khác có nội dung khác; không nhận.").format(
            id=bundle.bundle_id))
        return _refuse(workspace, file, "bundle_id_reused", message, data=bundle.raw,
                       received_at=received_at, bundle=bundle)
    current = _current(conn, bundle.unit, bundle.period, bundle.report_type)
    if current is None:
        if bundle.revision == 1:
            return _accept(workspace, bundle, file, received_at, day, None)
        return _hold(workspace, bundle, file, received_at, "correction_unlinked", None)
    if bundle.revision <= current.revision:
        return _refuse(workspace, file, "revision_stale", _stale_message(bundle, current),
                       data=bundle.raw, received_at=received_at, bundle=bundle)
    if bundle.revision > current.revision + 1:
        return _hold(workspace, bundle, file, received_at, "revision_jump", current)
    if bundle.supersedes != current.digest:
        return _hold(workspace, bundle, file, received_at, "correction_unlinked", current)
    rollback = _child_rollback(conn, bundle, current)
    if rollback:
        return _refuse(workspace, file, "child_rollback", _about(bundle, rollback), data=bundle.raw,
                       received_at=received_at, bundle=bundle)
    return _accept(workspace, bundle, file, received_at, day, current)


def _child_rollback(conn, bundle: VerifiedBundle, current: _Row | None) -> str | None:
    """A parent's new revision must not consolidate an older revision of a child than
    the revision it replaces did, nor drop a child it had (docs/bundle-design.md §9.5 rule 9: the
    province cannot see the district's ledger, only this monotony)."""
    if current is None or not (bundle.children or bundle.missing):
        return None
    before = conn.execute(
        "SELECT child_unit, child_revision FROM received_custody WHERE digest = ? "
        "AND child_digest IS NOT NULL", [current.digest]).fetchall()
    now = {c.unit: c.revision for c in bundle.children}
    for unit, revision in sorted(before):
        if unit not in now:
            return _(
                "Gói tổng hợp lần gửi {new} bỏ mất báo cáo của {child} mà lần gửi {old} đã dùng; "
                "không nhận."
            ).format(new=bundle.revision, child=_unit_name(unit), old=current.revision)
        if now[unit] < revision:
            return _(
                "Gói tổng hợp lần gửi {new} dùng báo cáo lần {got} của {child}, cũ hơn lần {had} "
                "mà lần gửi {old} đã dùng; không nhận."
            ).format(new=bundle.revision, got=now[unit], child=_unit_name(unit), had=revision,
                     old=current.revision)
    return None


def _insert_row(workspace, bundle: VerifiedBundle, file: str, received_at: str, status: str,
                code: str, message: str, public_key_b64: str) -> None:
    h = bundle.header
    workspace.store.conn.execute(
        "INSERT INTO received_bundles (digest, bundle_id, unit, period, report_type, revision, "
        "supersedes, reason, created_at, status, reason_code, message, received_at, received_by, "
        "file_name, file_sha256, signer_fingerprint, signer_public_key, content) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [bundle.digest, bundle.bundle_id, bundle.unit, bundle.period, bundle.report_type,
         bundle.revision, bundle.supersedes, h["reason"], h["created_at"], status, code, message,
         received_at, workspace.officer, file, hashlib.sha256(bundle.raw).hexdigest(),
         bundle.signer_fingerprint, public_key_b64, bundle.raw],
    )


def _hold(workspace, bundle: VerifiedBundle, file: str, received_at: str, code: str,
          current: _Row | None) -> ImportOutcome:
    message = _hold_message(code, bundle, current)
    _insert_row(workspace, bundle, file, received_at, HELD, code, message, bundle.public_key.to_base64())
    outcome = _outcome(file, HELD, code, message, bundle)
    _audit(workspace, bundle.digest, "hold", outcome, supersedes=bundle.supersedes)
    return outcome


def _store_values(workspace, bundle: VerifiedBundle) -> None:
    conn = workspace.store.conn
    rows = [(bundle.digest, bundle.unit, bundle.period, r["element"], r["category"], float(r["value"]))
            for r in bundle.aggregates]
    for child in bundle.children:
        rows += [(bundle.digest, child.unit, bundle.period, r["element"], r["category"], float(r["value"]))
                 for r in child.aggregates]
    conn.executemany(
        "INSERT INTO received_values (digest, unit, period, element, category, value) "
        "VALUES (?, ?, ?, ?, ?, ?)", rows)
    custody = [(bundle.digest, c.unit, c.bundle_id, c.revision, c.digest, c.key_fingerprint)
               for c in bundle.children]
    custody += [(bundle.digest, unit, None, None, None, None) for unit in bundle.missing]
    conn.executemany(
        "INSERT INTO received_custody (digest, child_unit, child_bundle_id, child_revision, "
        "child_digest, key_fingerprint) VALUES (?, ?, ?, ?, ?, ?)", custody)


def _accept(workspace, bundle: VerifiedBundle, file: str, received_at: str, day: date,
            current: _Row | None, *, existing: bool = False, note: str = "") -> ImportOutcome:
    """Make ``bundle`` the slot's current bundle (inside the caller's transaction).
    ``existing``: a held row (its ``reason_code`` keeps why it was held)."""
    conn = workspace.store.conn
    if current is not None:
        conn.execute("UPDATE received_bundles SET status = 'superseded' WHERE digest = ?",
                     [current.digest])
    message = _accepted_message(bundle, current)
    if existing:
        conn.execute(
            "UPDATE received_bundles SET status = 'accepted', message = ?, decided_at = ?, "
            "decided_by = ?, decision_note = ? WHERE digest = ?",
            [message, now_iso(), workspace.officer, note, bundle.digest])
    else:
        _insert_row(workspace, bundle, file, received_at, ACCEPTED, "ok", message,
                    bundle.public_key.to_base64())
    _store_values(workspace, bundle)
    outcome = _outcome(file, ACCEPTED, "ok", message, bundle)
    _audit(workspace, bundle.digest, "accept", outcome,
           superseded=None if current is None else current.digest)
    _release_holds(workspace, bundle, day)
    return outcome


def _release_holds(workspace, current: VerifiedBundle, day: date) -> None:
    """A held bundle that now follows the current one exactly (next revision, naming its
    digest) is accepted, after verifying it again today; and so on down the chain."""
    conn = workspace.store.conn
    found = conn.execute(
        "SELECT digest FROM received_bundles WHERE status = 'held' AND unit = ? AND period = ? "
        "AND report_type = ? AND revision = ? AND supersedes = ?",
        [current.unit, current.period, current.report_type, current.revision + 1, current.digest],
    ).fetchall()
    if len(found) != 1:  # none, or a fork the clerk must settle
        return
    held = _row(conn, "digest = ?", [found[0][0]])
    try:
        bundle = verify_bundle(held.content, key_lookup(workspace.store, day), today=day,
                               catalog=workspace.catalog)
    except BundleRejected:
        return  # stays held; the clerk sees why when accepting it
    replaced = _row(conn, "digest = ?", [current.digest])
    if _child_rollback(conn, bundle, replaced):
        return
    _accept(workspace, bundle, held.file_name, held.received_at, day, replaced, existing=True,
            note="tự động: gói trước đó đã đến")


# --- files and folders ------------------------------------------------------------------------------


def scan_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to import: each file as given, and every ``*.zip`` under each folder
    (recursively, hidden entries skipped), in path order, each once."""
    out: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            out.append(path)

    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            add(path)
            continue
        found = []
        for folder, dirs, files in os.walk(path, onerror=lambda err: None):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [Path(folder) / f for f in files
                      if f.lower().endswith(".zip") and not f.startswith(".")]
        for file in sorted(found, key=lambda p: [part.casefold() for part in p.parts]):
            add(file)
    return out


def _read_file(path: Path) -> bytes:
    cap = DEFAULT_LIMITS.max_zip_bytes
    try:
        with open(path, "rb") as fh:
            # Ask for the file's size (+ 1: a file that grew still shows it), never for
            # the cap: read(cap + 1) maps and unmaps a 64 MiB buffer for every file.
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(size, cap) + 1)
    except OSError as err:
        raise BundleRejected("file_unreadable", err.strerror or str(err)) from None
    if len(data) > cap:
        raise BundleRejected("zip_too_large")
    return data


def import_files(
    workspace,
    paths: Iterable[str | Path],
    *,
    today: date | None = None,
    progress: Callable[[int, int, ImportOutcome], bool] | None = None,
) -> list[ImportOutcome]:
    """Import files and folders (:func:`scan_paths`). ``progress`` is called after each
    file with (done, total, outcome); returning ``False`` (not merely a falsy value)
    cancels the rest. Returns one outcome per file handled, in order."""
    files = scan_paths(paths)
    outcomes: list[ImportOutcome] = []
    for number, path in enumerate(files, start=1):
        try:
            data = _read_file(path)
        except BundleRejected as err:
            outcome = _refuse(workspace, str(path), err.reason_code,
                              _unverified_message(str(path), str(err), None), data=None,
                              received_at=_received_at(today))
        else:
            outcome = import_bundle(workspace, data, file_name=str(path), today=today)
        outcomes.append(outcome)
        if progress is not None and progress(number, len(files), outcome) is False:
            break
    return outcomes


# --- held bundles: the clerk decides ---------------------------------------------------------------


def held_bundles(workspace) -> list[HeldBundle]:
    """Held corrections, oldest first."""
    with workspace.store._reading():
        rows = workspace.store.conn.execute(
            "SELECT digest, file_name, unit, period, revision, supersedes, reason_code, message, "
            "received_at FROM received_bundles WHERE status = 'held' ORDER BY received_at, rowid"
        ).fetchall()
    return [HeldBundle(*r) for r in rows]


def _held(workspace, digest: str) -> _Row:
    with workspace.store._reading():
        row = _row(workspace.store.conn, "digest = ?", [str(digest)])
    if row is None or row.status != HELD:
        raise QnappError(_("Không có gói nào đang chờ xem xét với mã băm này."))
    return row


def _mark_rejected(workspace, row: _Row, code: str, message: str, note: str = "") -> ImportOutcome:
    workspace.store.conn.execute(
        "UPDATE received_bundles SET status = 'rejected', reason_code = ?, message = ?, "
        "decided_at = ?, decided_by = ?, decision_note = ? WHERE digest = ?",
        [code, message, now_iso(), workspace.officer, note, row.digest])
    outcome = _outcome(row.file_name, REJECTED, code, message, row)
    _audit(workspace, row.digest, "reject", outcome, held_for=row.reason_code, note=note)
    return outcome


def accept_held(workspace, digest: str, *, today: date | None = None) -> ImportOutcome:
    """The clerk accepts a held correction: verified again today, it becomes the current
    revision (the one it replaces is superseded). Refused — and marked rejected — when it
    no longer verifies (e.g. its key was revoked) or a revision at or above it is current
    (no rollback). Raises :class:`QnappError` when ``digest`` is not held."""
    row = _held(workspace, digest)
    day = today or _today()
    store = workspace.store
    try:
        bundle = verify_bundle(row.content, key_lookup(store, day), today=day, catalog=workspace.catalog)
    except BundleRejected as err:
        with store.transaction():
            return _mark_rejected(workspace, row, err.reason_code, str(err))
    with store.transaction():
        current = _current(store.conn, row.unit, row.period, row.report_type)
        if current is not None and bundle.revision <= current.revision:
            return _mark_rejected(workspace, row, "revision_stale", _stale_message(bundle, current))
        rollback = _child_rollback(store.conn, bundle, current)
        if rollback:
            return _mark_rejected(workspace, row, "child_rollback", rollback)
        return _accept(workspace, bundle, row.file_name, row.received_at, day, current, existing=True,
                       note="cán bộ chấp nhận")


def reject_held(workspace, digest: str, reason: str) -> ImportOutcome:
    """The clerk rejects a held correction; ``reason`` (required) is kept in the ledger."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Hãy nêu lý do không nhận gói này."))
    row = _held(workspace, digest)
    message = _("Cán bộ không nhận gói này: {reason}").format(reason=reason)
    with workspace.store.transaction():
        return _mark_rejected(workspace, row, "rejected_by_clerk", message, reason)
