"""The one SQLite file: schema migrations, WAL, one-writer lock, values, activities, audit.

Persistence only. Business rules (negative counts, subset > whole, …) live in
``qnapp.validation`` above this module; here only obviously malformed arguments are
refused with ``ValueError``. SQLite failures surface as :class:`DatabaseError` with a
Vietnamese message.

Safety decisions:
- One writer: an OS file lock on ``<db>.lock`` (released by the OS if qnapp crashes, so
  no stale lock). A second opener, even in the same process, gets DatabaseLockedError.
- Before any write, the file is inspected read-only: not SQLite, corrupt, foreign, or
  written by a newer qnapp → refused with the file untouched.
- WAL + ``synchronous=FULL``: a committed figure survives a power cut.
- Every write runs in one transaction; a failure mid-batch leaves nothing behind.
- An existing database is backed up before pending migrations are applied.
- Activity ids never get reused (AUTOINCREMENT) so the audit trail stays unambiguous;
  the audit table is append-only (triggers).
"""

from __future__ import annotations

import decimal
import json
import logging
import math
import numbers
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qnapp.disk import disk_full_message, is_disk_full
from qnapp.errors import (
    DatabaseDamagedError,
    DatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NewerDatabaseError,
    ValidationError,
)
from qnapp.file_lock import DatabaseLock, LockHeld
from qnapp.files import private_database, private_dir
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATION_SET = "qnapp"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations.migrations_table
# Tables that may exist in a database nobody has written qnapp data to yet.
_BOOKKEEPING_TABLES = {MIGRATIONS_TABLE, "sqlite_sequence", "sqlite_stat1"}

# --- schema ----------------------------------------------------------------------------

# The steps, in order. sqlite-utils (a heavy import) is loaded only when one is pending,
# so opening an up-to-date database at start-up never pays for it.


def m001_initial(db: Database) -> None:
    for sql in (
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL            -- JSON
        )""",
        """CREATE TABLE data_values (
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            element TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',
            value REAL NOT NULL,           -- NaN is stored as NULL, so it is refused too
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (unit, period, element, category)
        )""",
        # The primary key already indexes (unit, period); this one serves per-period
        # consolidation across units.
        "CREATE INDEX data_values_period_element ON data_values (period, element)",
        """CREATE TABLE activities (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit TEXT NOT NULL,
            date TEXT NOT NULL,            -- ISO YYYY-MM-DD
            type TEXT NOT NULL,
            title TEXT NOT NULL,
            place TEXT NOT NULL DEFAULT '',
            participants_male INTEGER,
            participants_female INTEGER,
            cost INTEGER,                  -- đồng
            fund_source TEXT NOT NULL DEFAULT '',
            objectives TEXT NOT NULL DEFAULT '[]',   -- JSON list of ints
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        )""",
        "CREATE INDEX activities_unit_date ON activities (unit, date)",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,          -- insert | update | delete
            entity TEXT NOT NULL,          -- setting | value | activity
            entity_key TEXT NOT NULL,
            old TEXT,                      -- JSON
            new TEXT                       -- JSON
        )""",
        "CREATE INDEX audit_entity ON audit (entity, entity_key)",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END""",
    ):
        db.execute(sql)


def m002_keys(db: Database) -> None:
    """Signing keys (``qnapp.keys``): the unit's own keys and a parent's trust registry."""
    for sql in (
        """CREATE TABLE own_keys (
            fingerprint TEXT PRIMARY KEY NOT NULL,   -- sha256(raw public key), hex
            key_id TEXT NOT NULL UNIQUE,             -- minisign key id, hex, file order
            public_key TEXT NOT NULL,                -- minisign base64 ("RW…")
            unit TEXT NOT NULL,                      -- unit key "tree:code"
            encrypted_private TEXT NOT NULL,         -- JSON: scrypt params, salt, nonce, ct
            created_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'retired'))
        )""",
        """CREATE TABLE trusted_keys (
            fingerprint TEXT PRIMARY KEY NOT NULL,
            key_id TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            unit TEXT NOT NULL,                      -- the one child unit it signs for
            holder TEXT NOT NULL DEFAULT '',
            trusted_at TEXT NOT NULL,
            trusted_by TEXT NOT NULL,
            valid_from TEXT NOT NULL,                -- ISO date
            revoked_from TEXT,                       -- ISO date; NULL = not revoked
            revoked_reason TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX trusted_keys_unit ON trusted_keys (unit)",
    ):
        db.execute(sql)


def m003_bundles(db: Database) -> None:
    """Signed report bundles (``qnapp.bundles``): what this unit exported, and its locks."""
    for sql in (
        """CREATE TABLE bundle_exports (
            digest TEXT PRIMARY KEY NOT NULL,        -- sha256(tagmanifest bytes), hex
            bundle_id TEXT NOT NULL UNIQUE,          -- uuid4, one per revision
            unit TEXT NOT NULL,                      -- unit key "tree:code"
            period TEXT NOT NULL,
            report_type TEXT NOT NULL,
            revision INTEGER NOT NULL,
            supersedes TEXT,                         -- digest of revision - 1
            reason TEXT,                             -- why revision > 1 was sent
            created_at TEXT NOT NULL,
            signer_fingerprint TEXT NOT NULL,
            created_by TEXT NOT NULL,
            content BLOB NOT NULL,                   -- the zip, byte for byte
            UNIQUE (unit, period, report_type, revision)
        )""",
        """CREATE TABLE locked_periods (
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,               -- the export that locked it
            locked_at TEXT NOT NULL,
            reopened_at TEXT,                        -- NULL while locked
            reason TEXT NOT NULL DEFAULT '',         -- why it was reopened
            PRIMARY KEY (unit, period, revision)
        )""",
    ):
        db.execute(sql)


def m004_ledger(db: Database) -> None:
    """The import ledger (``qnapp.bundles.ledger``): bundles received from child units,
    their figures, the custody a parent's bundle declared, and refused files."""
    for sql in (
        # One row per verified bundle that reached the ledger rules: accepted (the slot's
        # current revision; at most one per slot), superseded, held for the clerk, or
        # rejected by the clerk. The zip is kept byte for byte for audit.
        """CREATE TABLE received_bundles (
            digest TEXT PRIMARY KEY NOT NULL,        -- sha256(tagmanifest bytes), hex
            bundle_id TEXT NOT NULL UNIQUE,
            unit TEXT NOT NULL,                      -- the sender, "tree:code"
            period TEXT NOT NULL,
            report_type TEXT NOT NULL,
            revision INTEGER NOT NULL,
            supersedes TEXT,                         -- digest named by the bundle
            reason TEXT,                             -- the sender's correction reason
            created_at TEXT NOT NULL,                -- as the sender's header says
            status TEXT NOT NULL
                CHECK (status IN ('accepted', 'superseded', 'held', 'rejected')),
            reason_code TEXT NOT NULL,               -- 'ok', a hold code, 'rejected_by_clerk', …
            message TEXT NOT NULL DEFAULT '',
            received_at TEXT NOT NULL,               -- import time, ISO +07:00
            received_by TEXT NOT NULL,
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            signer_fingerprint TEXT NOT NULL,
            signer_public_key TEXT NOT NULL,         -- minisign base64, as trusted on import
            decided_at TEXT,                         -- the clerk's decision on a hold
            decided_by TEXT,
            decision_note TEXT NOT NULL DEFAULT '',
            content BLOB NOT NULL                    -- the zip, byte for byte
        )""",
        """CREATE UNIQUE INDEX received_bundles_current
           ON received_bundles (unit, period, report_type) WHERE status = 'accepted'""",
        "CREATE INDEX received_bundles_slot ON received_bundles (unit, period, report_type, revision)",
        # Figures of accepted (and since superseded) bundles. ``unit`` is the sender, or,
        # for a parent's bundle, also each child it consolidated (drill-down).
        """CREATE TABLE received_values (
            digest TEXT NOT NULL,
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            element TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',
            value REAL NOT NULL,
            PRIMARY KEY (digest, unit, element, category)
        )""",
        "CREATE INDEX received_values_period ON received_values (period, unit)",
        # What a parent's bundle says it consolidated (child_digest set) or lacked (NULL).
        """CREATE TABLE received_custody (
            digest TEXT NOT NULL,                    -- the parent's bundle
            child_unit TEXT NOT NULL,
            child_bundle_id TEXT,
            child_revision INTEGER,
            child_digest TEXT,
            key_fingerprint TEXT,
            PRIMARY KEY (digest, child_unit)
        )""",
        # Files refused at import: the reason and the file's hash, never its figures.
        """CREATE TABLE import_rejections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            received_at TEXT NOT NULL,
            received_by TEXT NOT NULL,
            file_name TEXT NOT NULL,
            file_sha256 TEXT,                        -- NULL: the file could not be read
            file_size INTEGER,
            reason_code TEXT NOT NULL,
            message TEXT NOT NULL,
            digest TEXT,                             -- when the bundle verified
            unit TEXT,
            period TEXT,
            revision INTEGER
        )""",
        """CREATE TRIGGER import_rejections_no_update BEFORE UPDATE ON import_rejections
           BEGIN SELECT RAISE(ABORT, 'import_rejections is append-only'); END""",
        """CREATE TRIGGER import_rejections_no_delete BEFORE DELETE ON import_rejections
           BEGIN SELECT RAISE(ABORT, 'import_rejections is append-only'); END""",
    ):
        db.execute(sql)



MIGRATION_STEPS = (m001_initial, m002_keys, m003_bundles, m004_ledger)
MIGRATION_NAMES = tuple(step.__name__ for step in MIGRATION_STEPS)


@lru_cache(maxsize=None)
def _migrations() -> Migrations:
    from sqlite_utils.migrations import Migrations

    registry = Migrations(MIGRATION_SET)
    for step in MIGRATION_STEPS:
        registry(name=step.__name__)(step)
    return registry


def __getattr__(name: str):
    if name == "migrations":  # the sqlite-utils registry, built on first use
        return _migrations()
    raise AttributeError(name)

# --- helpers ---------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(value: object, name: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, got {type(value).__name__}")
    value = _nfc(value)
    if required and not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _who(who: object) -> str:
    return _text(who, "who", required=True).strip()


def _period_id(period: object) -> str:
    try:
        return parse_period(period).id  # type: ignore[arg-type]
    except ValidationError as err:
        raise ValueError(f"malformed period id {period!r}") from err


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise ValueError(f"value must be a number, got {type(value).__name__}")
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"value must be finite, got {value!r}")
    return f


def _opt_int(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int or None, got {type(value).__name__}")
    return value


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"not JSON-serialisable: {value!r}") from err


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def value_audit_key(unit: str, period: str, element: str, category: str) -> str:
    """``entity_key`` of a value's audit rows (a JSON list, so no separator can clash)."""
    return json.dumps([unit, period, element, category], ensure_ascii=False)


def file_uri(path: Path) -> str:
    """SQLite ``file:`` URI of ``path`` (percent-encoded, so Vietnamese names are safe)."""
    uri = Path(path).resolve().as_uri()
    if not uri.startswith("file:///"):
        # Windows UNC share (file://server/share/…): SQLite wants an empty authority.
        uri = "file:////" + uri[len("file://"):]
    return uri


def read_only_uri(path: Path) -> str:
    # Without a -wal file there is nothing to replay: immutable=1 reads without creating
    # -shm/-wal beside the file. With one (after a crash), mode=ro replays it read-only.
    wal = Path(str(path) + "-wal")
    flag = "mode=ro" if wal.exists() else "immutable=1"
    return f"{file_uri(path)}?{flag}"


# SQLite codes that say the file could not be read or written, not that it is damaged
# (a read-only folder, a pulled USB cable): never reported as corruption.
_ACCESS_CODES = ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_BUSY")


def _corrupt(path: Path, err: BaseException) -> DatabaseError:
    """What a failed read of ``path`` means: a full disk, an unreadable file, or (only for
    damaged pages, ``SQLITE_CORRUPT``/``SQLITE_NOTADB``) a damaged file."""
    if is_disk_full(err):
        return DiskFullError(disk_full_message(path.parent))
    if str(getattr(err, "sqlite_errorname", "") or "").startswith(_ACCESS_CODES):
        return DatabaseError(_("Không đọc được tệp {path}: {error}").format(path=path, error=err))
    return DatabaseDamagedError(
        _(
            "Tệp {path} bị hỏng ({error}). Tệp được giữ nguyên; hãy khôi phục "
            "từ một bản sao lưu."
        ).format(path=path, error=err)
    )


def _check_pages(conn: sqlite3.Connection, pragma: str = "quick_check") -> None:
    result = [row[0] for row in conn.execute(f"PRAGMA {pragma}").fetchall()]
    if result != ["ok"]:
        raise sqlite3.DatabaseError("; ".join(map(str, result[:5])))


def inspect_file(
    path: str | Path, *, full_check: bool = False, check: bool = True
) -> tuple[str, ...]:
    """Read-only look at a database file; returns the qnapp migrations applied to it.

    ``()`` means an empty file or one with no tables (a new database). Raises
    :class:`DatabaseError` for a missing, non-SQLite, corrupt or foreign file and
    :class:`NewerDatabaseError` for a file written by a newer qnapp. Never writes.
    ``check=False`` skips the page check (``quick_check``), for a caller that runs
    :meth:`Store.quick_check` later (the GUI, after its first paint).
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        raise DatabaseError(
            _("Không tìm thấy tệp cơ sở dữ liệu {path}.").format(path=path)
        ) from None
    except OSError as err:
        raise DatabaseError(
            _("Không đọc được tệp {path}: {error}").format(path=path, error=err)
        ) from err
    if not head:
        return ()
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            _(
                "Tệp {path} không phải là cơ sở dữ liệu SQLite của qnapp. "
                "Tệp được giữ nguyên; hãy chọn đúng tệp dữ liệu."
            ).format(path=path)
        )
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as err:
        raise DatabaseError(
            _("Không mở được tệp {path}: {error}").format(path=path, error=err)
        ) from err
    try:
        if full_check or check:
            _check_pages(conn, "integrity_check" if full_check else "quick_check")
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        names: list[str] = []
        if MIGRATIONS_TABLE in tables:
            names = [
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ? "
                    "ORDER BY rowid",
                    [MIGRATION_SET],
                )
            ]
    except sqlite3.Error as err:
        raise _corrupt(path, err) from err
    finally:
        conn.close()
    if not names:
        if tables <= _BOOKKEEPING_TABLES:
            return ()
        raise DatabaseError(
            _(
                "Tệp {path} là cơ sở dữ liệu SQLite nhưng không phải của qnapp. "
                "Tệp được giữ nguyên; hãy chọn đúng tệp dữ liệu."
            ).format(path=path)
        )
    unknown = [n for n in names if n not in MIGRATION_NAMES]
    if unknown:
        raise NewerDatabaseError(
            _(
                "Tệp {path} được tạo bởi một phiên bản qnapp mới hơn phiên bản đang chạy. "
                "Hãy cập nhật qnapp rồi mở lại; tệp được giữ nguyên."
            ).format(path=path)
        )
    return tuple(names)


def _locked(path: Path) -> DatabaseLockedError:
    return DatabaseLockedError(
        _(
            "Cơ sở dữ liệu {path} đang được một phiên qnapp khác sử dụng "
            "(trên máy này hoặc máy khác dùng chung thư mục). Hãy đóng phiên đó "
            "rồi thử lại."
        ).format(path=path)
    )


def lock_database(path: str | Path) -> DatabaseLock:
    """Take the one-writer lock of ``path`` or raise DatabaseLockedError. Keyed on the
    file, not the name: a symlink or a hard link to an open database is refused too."""
    path = Path(path)
    lock = DatabaseLock(path)  # any thread may release it (the GUI closes late)
    try:
        lock.acquire()
    except LockHeld:
        raise _locked(path) from None
    except OSError as err:
        raise DatabaseError(
            _("Không tạo được tệp khóa cho {path}: {error}").format(path=path, error=err)
        ) from err
    return lock


# --- activities --------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One activity (II.2 of the plan). ``id`` is None until stored."""

    id: int | None
    unit: str
    date: date
    type: str
    title: str
    place: str = ""
    participants_male: int | None = None  # None = not recorded
    participants_female: int | None = None
    cost: int | None = None  # đồng
    fund_source: str = ""
    objectives: tuple[int, ...] = ()
    note: str = ""


def _clean_activity(a: Activity) -> Activity:
    if not isinstance(a, Activity):
        raise ValueError("expected an Activity")
    if isinstance(a.date, datetime) or not isinstance(a.date, date):
        raise ValueError("Activity.date must be a datetime.date")
    objectives = []
    for o in a.objectives:
        if isinstance(o, bool) or not isinstance(o, int):
            raise ValueError(f"objective must be an int, got {o!r}")
        objectives.append(o)
    return replace(
        a,
        unit=_text(a.unit, "unit", required=True),
        type=_text(a.type, "type"),
        title=_text(a.title, "title"),
        place=_text(a.place, "place"),
        participants_male=_opt_int(a.participants_male, "participants_male"),
        participants_female=_opt_int(a.participants_female, "participants_female"),
        cost=_opt_int(a.cost, "cost"),
        fund_source=_text(a.fund_source, "fund_source"),
        objectives=tuple(sorted(set(objectives))),  # a set of objective numbers
        note=_text(a.note, "note"),
    )


_ACTIVITY_COLUMNS = (
    "unit", "date", "type", "title", "place", "participants_male", "participants_female",
    "cost", "fund_source", "objectives", "note",
)


def _activity_row(a: Activity) -> dict[str, Any]:
    row = asdict(a)
    row.pop("id")
    row["date"] = a.date.isoformat()
    row["objectives"] = _dumps(list(a.objectives))
    return row


def _activity_json(a: Activity) -> dict[str, Any]:
    """The audit form: plain JSON types."""
    row = asdict(a)
    row["date"] = a.date.isoformat()
    row["objectives"] = list(a.objectives)
    return row


def _activity_from_row(row: sqlite3.Row | tuple) -> Activity:
    (id_, unit, d, type_, title, place, male, female, cost, fund, objectives, note) = row
    return Activity(
        id=id_, unit=unit, date=date.fromisoformat(d), type=type_, title=title,
        place=place, participants_male=male, participants_female=female, cost=cost,
        fund_source=fund, objectives=tuple(json.loads(objectives)), note=note,
    )


_ACTIVITY_SELECT = "SELECT id, " + ", ".join(_ACTIVITY_COLUMNS) + " FROM activities"


# --- the store ---------------------------------------------------------------------------


class Store:
    """An open qnapp database. Build with :meth:`Store.open`; use as a context manager.

    Calls are serialised by an internal re-entrant lock, so the GUI may use the store from
    a worker thread (one at a time); ``transaction()`` holds it for the whole block.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: DatabaseLock):
        self._path = path
        self._conn = conn
        self._db: Database | None = None
        self._file_lock: DatabaseLock | None = lock
        self._mutex = threading.RLock()

    # --- open / close -------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, check: bool = True) -> Store:
        """``check=False`` leaves ``quick_check`` to a later :meth:`quick_check` call
        (the other checks of :func:`inspect_file` still run)."""
        path = Path(path)
        if path.is_dir():
            raise DatabaseError(_("{path} là một thư mục, không phải tệp dữ liệu.").format(path=path))
        if not path.exists():
            if not create:
                raise DatabaseError(
                    _("Không tìm thấy tệp cơ sở dữ liệu {path}.").format(path=path)
                )
            try:
                private_dir(path.parent)
            except OSError as err:
                raise DatabaseError(
                    _("Không tạo được thư mục {folder}: {error}").format(
                        folder=path.parent, error=err
                    )
                ) from err
        lock = lock_database(path)
        conn: sqlite3.Connection | None = None
        try:
            applied = inspect_file(path, check=check) if path.exists() else ()
            private_database(path)  # 0600 on POSIX, -wal and -shm too
            conn = sqlite3.connect(str(path), timeout=5, check_same_thread=False)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                # e.g. a file system without shared memory; FULL sync keeps it safe.
                log.warning("journal_mode is %s, not WAL, for %s", mode, path)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            try:
                lock.cover_file()  # a new file exists only now
            except LockHeld:
                raise _locked(path) from None
            store = cls(path, conn, lock)
        except BaseException as err:
            if conn is not None:
                conn.close()
            lock.release()
            if isinstance(err, sqlite3.Error) and is_disk_full(err):
                raise DiskFullError(disk_full_message(path.parent)) from err
            if isinstance(err, sqlite3.Error):
                raise DatabaseError(
                    _("Không mở được cơ sở dữ liệu {path}: {error}").format(path=path, error=err)
                ) from err
            raise
        try:
            store._migrate(applied)
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self, applied: tuple[str, ...]) -> None:
        if set(MIGRATION_NAMES) <= set(applied):
            return
        backup_path = None
        if applied:
            from qnapp import backup  # lazy: backup imports this module

            backup_path = backup.make_backup(self, kind=backup.PREMIGRATE)
        try:
            _migrations().apply(self.db)
        except Exception as err:
            raise DatabaseError(
                _(
                    "Không nâng cấp được cơ sở dữ liệu {path}: {error}. Dữ liệu cũ vẫn "
                    "nguyên vẹn (bản sao lưu: {backup})."
                ).format(path=self._path, error=err, backup=backup_path or "-")
            ) from err

    def close(self) -> None:
        """Idempotent. Rolls back an unfinished transaction, then releases the lock."""
        with self._mutex:
            if self._file_lock is None:
                return
            try:
                if self._conn.in_transaction:
                    self._conn.rollback()
                self._conn.close()  # last connection: checkpoints and removes the WAL
            finally:
                self._file_lock.release()
                self._file_lock = None

    @property
    def closed(self) -> bool:
        return self._file_lock is None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self._path}{' closed' if self.closed else ''}>"

    # --- plumbing ------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self._path

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @property
    def db(self) -> Database:
        """sqlite-utils over the same connection (migrations, savepoints), made on first use."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self._conn, execute_plugins=False)
        return self._db

    def _check_open(self) -> None:
        if self._file_lock is None:
            raise DatabaseError(_("Cơ sở dữ liệu đã đóng."))

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._mutex:
            self._check_open()
            try:
                yield
            except sqlite3.Error as err:
                full = is_disk_full(err)  # reading grows the -shm index
                raise (DiskFullError if full else DatabaseError)(
                    _("Không đọc được cơ sở dữ liệu: {error}").format(
                        error=disk_full_message(self._path.parent) if full else err)
                ) from err

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside commit together or not at all (nested: savepoints)."""
        with self._mutex:
            self._check_open()
            try:
                with self.db.atomic():
                    yield self
            except sqlite3.Error as err:
                full = is_disk_full(err)
                raise (DiskFullError if full else DatabaseError)(
                    _(
                        "Không ghi được vào cơ sở dữ liệu, chưa có thay đổi nào được lưu: "
                        "{error}"
                    ).format(error=disk_full_message(self._path.parent) if full else err)
                ) from err

    def backup_into(self, target: sqlite3.Connection) -> None:
        """Copy the committed database into ``target`` with the SQLite backup API."""
        with self._reading():
            if self.conn.in_transaction:
                raise RuntimeError("cannot back up inside a transaction")
            self.conn.backup(target)

    def _audit(
        self, at: str, who: str, action: str, entity: str, key: str, old: Any, new: Any
    ) -> None:
        self._conn.execute(
            "INSERT INTO audit (at, who, action, entity, entity_key, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [at, who, action, entity, key,
             None if old is None else _dumps(old), None if new is None else _dumps(new)],
        )

    # --- metadata -----------------------------------------------------------------------
    @property
    def schema_version(self) -> tuple[str, ...]:
        with self._reading():
            tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if MIGRATIONS_TABLE not in tables:
                return ()
            return tuple(
                r[0]
                for r in self._conn.execute(
                    f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ? ORDER BY rowid",
                    [MIGRATION_SET],
                )
            )

    def quick_check(self) -> None:
        """``PRAGMA quick_check`` on the open database (from any thread: the connection
        is serialised); raises :class:`DatabaseError` when a page is damaged."""
        with self._mutex:
            self._check_open()
            try:
                _check_pages(self._conn)
            except sqlite3.Error as err:
                raise _corrupt(self._path, err) from err

    def integrity_ok(self) -> bool:
        with self._reading():
            rows = self.conn.execute("PRAGMA integrity_check").fetchall()
            return [r[0] for r in rows] == ["ok"]

    # --- settings -------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        key = _text(key, "key", required=True)
        with self._reading():
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any, who: str) -> bool:
        """Store a JSON-able value; returns False (and writes nothing) if unchanged."""
        key = _text(key, "key", required=True)
        who = _who(who)
        text = _dumps(value)
        with self.transaction():
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
            if row is not None and row[0] == text:
                return False
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, text],
            )
            old = None if row is None else json.loads(row[0])
            action = "insert" if row is None else "update"
            self._audit(now_iso(), who, action, "setting", key, old, json.loads(text))
        return True

    # --- values ---------------------------------------------------------------------------
    @staticmethod
    def _cell(key: object) -> tuple[str, str]:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"cell key must be (element, category), got {key!r}")
        return _text(key[0], "element", required=True), _text(key[1], "category")

    def _values(self, unit: str, period: str) -> dict[tuple[str, str], float]:
        rows = self.conn.execute(
            "SELECT element, category, value FROM data_values WHERE unit = ? AND period = ?",
            [unit, period],
        )
        return {(e, c): v for e, c, v in rows}

    def get_values(self, unit: str, period: str) -> dict[tuple[str, str], float]:
        unit = _text(unit, "unit", required=True)
        period = _period_id(period)
        with self._reading():
            return self._values(unit, period)

    def get_values_many(
        self, unit: str, periods: Iterable[str]
    ) -> dict[str, dict[tuple[str, str], float]]:
        """Every requested period is a key, with ``{}`` when it holds nothing."""
        unit = _text(unit, "unit", required=True)
        ids = list(dict.fromkeys(_period_id(p) for p in periods))
        out: dict[str, dict[tuple[str, str], float]] = {p: {} for p in ids}
        with self._reading():
            for i in range(0, len(ids), 500):  # stay under SQLite's variable limit
                chunk = ids[i : i + 500]
                rows = self.conn.execute(
                    "SELECT period, element, category, value FROM data_values "
                    f"WHERE unit = ? AND period IN ({', '.join('?' * len(chunk))})",
                    [unit, *chunk],
                )
                for p, e, c, v in rows:
                    out[p][(e, c)] = v
        return out

    def set_values(
        self,
        unit: str,
        period: str,
        changes: Mapping[tuple[str, str], float | None],
        who: str,
    ) -> int:
        """Write cells in one transaction; ``None`` deletes. Returns cells changed.

        Unchanged cells write nothing (no audit row); each changed cell gets one audit
        row with its old and new value.
        """
        unit = _text(unit, "unit", required=True)
        period = _period_id(period)
        who = _who(who)
        clean: dict[tuple[str, str], float | None] = {}
        for key, value in changes.items():
            clean[self._cell(key)] = None if value is None else _number(value)
        if not clean:
            return 0
        now = now_iso()
        changed = 0
        with self.transaction():
            current = self._values(unit, period)
            for (element, category), new in clean.items():
                old = current.get((element, category))
                if new == old:  # also None == None: clearing an empty cell
                    continue
                if new is None:
                    self._conn.execute(
                        "DELETE FROM data_values WHERE unit = ? AND period = ? "
                        "AND element = ? AND category = ?",
                        [unit, period, element, category],
                    )
                    action = "delete"
                else:
                    self._conn.execute(
                        "INSERT INTO data_values "
                        "(unit, period, element, category, value, updated_at, updated_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (unit, period, element, category) DO UPDATE SET "
                        "value = excluded.value, updated_at = excluded.updated_at, "
                        "updated_by = excluded.updated_by",
                        [unit, period, element, category, new, now, who],
                    )
                    action = "insert" if old is None else "update"
                key = value_audit_key(unit, period, element, category)
                self._audit(now, who, action, "value", key, old, new)
                changed += 1
        return changed

    def set_value(
        self, unit: str, period: str, element: str, category: str,
        value: float | None, who: str,
    ) -> bool:
        return self.set_values(unit, period, {(element, category): value}, who) == 1

    def periods_with_values(self, unit: str) -> list[str]:
        """Period ids holding at least one value for ``unit``, chronological."""
        unit = _text(unit, "unit", required=True)
        with self._reading():
            ids = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT period FROM data_values WHERE unit = ?", [unit])]
        return sorted(ids, key=lambda p: parse_period(p).sort_key)

    # --- activities ------------------------------------------------------------------------
    def get_activity(self, activity_id: int) -> Activity | None:
        activity_id = _opt_int(activity_id, "id")  # type: ignore[assignment]
        with self._reading():
            row = self.conn.execute(_ACTIVITY_SELECT + " WHERE id = ?", [activity_id]).fetchone()
        return None if row is None else _activity_from_row(row)

    def add_activity(self, activity: Activity, who: str) -> Activity:
        """Insert; returns the stored (normalised) activity with its new id."""
        if activity.id is not None:
            raise ValueError("a new activity must have id=None")
        a = _clean_activity(activity)
        who = _who(who)
        now = now_iso()
        row = _activity_row(a)
        row.update(created_at=now, created_by=who, updated_at=now, updated_by=who)
        with self.transaction():
            cur = self._conn.execute(
                f"INSERT INTO activities ({', '.join(row)}) "
                f"VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            a = replace(a, id=cur.lastrowid)
            self._audit(now, who, "insert", "activity", str(a.id), None, _activity_json(a))
        return a

    def update_activity(self, activity: Activity, who: str) -> Activity:
        """Replace the stored activity ``activity.id``; KeyError if there is none.

        Nothing is written when nothing changed."""
        if activity.id is None:
            raise ValueError("update_activity needs an activity with an id")
        a = _clean_activity(activity)
        who = _who(who)
        now = now_iso()
        with self.transaction():
            row = self.conn.execute(_ACTIVITY_SELECT + " WHERE id = ?", [a.id]).fetchone()
            if row is None:
                raise KeyError(a.id)
            old = _activity_from_row(row)
            if old == a:
                return a
            values = _activity_row(a)
            values.update(updated_at=now, updated_by=who)
            self._conn.execute(
                f"UPDATE activities SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                [*values.values(), a.id],
            )
            self._audit(
                now, who, "update", "activity", str(a.id), _activity_json(old), _activity_json(a)
            )
        return a

    def delete_activity(self, activity_id: int, who: str) -> None:
        """Delete; the audit row keeps the whole old activity. KeyError if absent."""
        activity_id = _opt_int(activity_id, "id")  # type: ignore[assignment]
        who = _who(who)
        with self.transaction():
            row = self.conn.execute(
                _ACTIVITY_SELECT + " WHERE id = ?", [activity_id]).fetchone()
            if row is None:
                raise KeyError(activity_id)
            old = _activity_from_row(row)
            self._conn.execute("DELETE FROM activities WHERE id = ?", [activity_id])
            self._audit(
                now_iso(), who, "delete", "activity", str(activity_id), _activity_json(old), None
            )

    def list_activities(
        self,
        unit: str | None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        objective: int | None = None,
        type: str | None = None,  # noqa: A002 - the column's name
        match: Callable[[Activity], bool] | None = None,
    ) -> list[Activity]:
        """Activities of ``unit`` (None: all units), newest date first, then newest id.

        Dates are inclusive. ``match`` is a predicate applied in Python: Vietnamese-aware
        text search (tone-mark placement, case, diacritics-free typing) belongs to
        ``qnapp.text``, which SQLite's LIKE cannot do, so the caller passes e.g.
        ``lambda a: key in search_key(a.title + " " + a.place)``.
        """
        where, params = [], []
        if unit is not None:
            where.append("unit = ?")
            params.append(_text(unit, "unit", required=True))
        for bound, op in ((date_from, ">="), (date_to, "<=")):
            if bound is not None:
                if isinstance(bound, datetime) or not isinstance(bound, date):
                    raise ValueError("date_from/date_to must be datetime.date")
                where.append(f"date {op} ?")
                params.append(bound.isoformat())
        if type is not None:
            where.append("type = ?")
            params.append(_text(type, "type"))
        sql = _ACTIVITY_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY date DESC, id DESC"
        with self._reading():
            rows = self.conn.execute(sql, params).fetchall()
        out = [_activity_from_row(r) for r in rows]
        if objective is not None:
            out = [a for a in out if objective in a.objectives]
        if match is not None:
            out = [a for a in out if match(a)]
        return out

    # --- audit --------------------------------------------------------------------------------
    def audit_log(
        self, entity: str | None = None, limit: int | None = None, *,
        entity_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first; ``old``/``new`` decoded from JSON."""
        where, params = [], []
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
        if entity_key is not None:
            where.append("entity_key = ?")
            params.append(entity_key)
        sql = "SELECT id, at, who, action, entity, entity_key, old, new FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ValueError("limit must be a non-negative int")
            sql += f" LIMIT {limit}"
        with self._reading():
            rows = self.conn.execute(sql, params).fetchall()
        keys = ("id", "at", "who", "action", "entity", "entity_key", "old", "new")
        out = []
        for r in rows:
            d = dict(zip(keys, r))
            d["old"], d["new"] = _loads(d["old"]), _loads(d["new"])
            out.append(d)
        return out
