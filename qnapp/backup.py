"""Rotating backups through the SQLite backup API, and a checked restore.

File names: ``qnapp-YYYYMMDD-HHMMSS[-n].sqlite`` (rotating) and
``qnapp-<kind>-YYYYMMDD-HHMMSS[-n].sqlite`` for safety copies taken before a restore
(``prerestore``) or a schema upgrade (``premigrate``); those are never rotated away.
Times in names are Vietnam time. Order comes from the names, not from mtimes, because
copying a data folder rewrites mtimes.

A backup is written to ``<name>.part``, checked, flushed to disk, then renamed, so a
crash never leaves a half-written file under a backup's name. Backups are single
self-contained files (rollback journal, not WAL).

(Over 400 lines: backup and restore share the naming, fsync and checked-write helpers.)

A failed backup never stops work (the folder may be on a USB stick left at home): callers
catch :class:`BackupFailed` and warn with ``backup_health.warning_text``, which gives the
age of the last good backup (``last_good``, also kept beside the database so it is known
while the backup folder cannot be reached).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from qnapp import backup_health
from qnapp.disk import disk_full_message, is_disk_full
from qnapp.errors import DatabaseError
from qnapp.files import create_private_file, private_dir
from qnapp.i18n import _
from qnapp.paths import backup_dir_for
from qnapp.text import VN_TZ
from qnapp.store import (
    SQLITE_MAGIC,
    Store,
    file_uri,
    inspect_file,
    lock_database,
    read_only_uri,
)

_NAME_RE = re.compile(
    r"qnapp-(?:(?P<kind>[a-z]+)-)?(?P<stamp>\d{8}-\d{6})(?:-(?P<seq>\d+))?\.sqlite"
)
PRERESTORE = "prerestore"
PREMIGRATE = "premigrate"


BACKUP_FOLDER_KEY = "backup.folder"  # setting: the officer's backup folder (absolute path)
# One backup at a time in this process: the GUI's start-up backup and «Sao lưu ngay» may
# run on two workers at once, and both would pick the same free name.
_WRITING = threading.RLock()


class BackupFailed(DatabaseError):
    """A backup could not be made. ``folder``: where it was tried; ``last_good``: when the
    newest good rotating backup was made (None: none is known)."""

    def __init__(self, message: str, *, folder: Path, last_good: datetime | None):
        super().__init__(message)
        self.folder = folder
        self.last_good = last_good


def backup_folder(store: Store) -> Path:
    """Where rotating backups of ``store`` go: the folder chosen at set-up (setting
    ``backup.folder``), else ``backups`` beside the database."""
    chosen = store.get_setting(BACKUP_FOLDER_KEY)
    return Path(chosen) if chosen else backup_dir_for(store.path)


def set_backup_folder(store: Store, folder: str | Path | None, *, who: str) -> Path:
    """Remember ``folder`` (None: back to the default) and return the folder now used."""
    store.set_setting(BACKUP_FOLDER_KEY, str(Path(folder).absolute()) if folder else None, who)
    return backup_folder(store)


def _vn(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(VN_TZ)
    if now.tzinfo is None:  # a naive time is taken as Vietnam time
        return now.replace(tzinfo=VN_TZ)
    return now.astimezone(VN_TZ)


def _parse_name(path: Path) -> tuple[str, datetime, int] | None:
    m = _NAME_RE.fullmatch(path.name)
    if not m:
        return None
    try:
        when = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None
    return m["kind"] or "", when, int(m["seq"] or 1)


def backup_time(path: str | Path) -> datetime | None:
    """When the backup was made (from its name), or None if it is not a qnapp backup name."""
    parsed = _parse_name(Path(path))
    return None if parsed is None else parsed[1]


def backup_kind(path: str | Path) -> str | None:
    """``""`` for a rotating backup, ``"prerestore"``/``"premigrate"`` for safety copies."""
    parsed = _parse_name(Path(path))
    return None if parsed is None else parsed[0]


def list_backups(directory: str | Path) -> list[Path]:
    """Backup files in ``directory`` (all kinds), newest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for p in directory.iterdir():
        parsed = _parse_name(p)
        if parsed is not None and p.is_file():
            found.append((parsed[1], parsed[2], p))
    found.sort(key=lambda t: (t[0], t[1], t[2].name), reverse=True)
    return [p for _when, _seq, p in found]


def _new_name(directory: Path, kind: str, now: datetime) -> Path:
    base = "qnapp-" + (f"{kind}-" if kind else "") + now.strftime("%Y%m%d-%H%M%S")
    path, n = directory / f"{base}.sqlite", 2
    while path.exists() or Path(str(path) + ".part").exists():
        path, n = directory / f"{base}-{n}.sqlite", n + 1
    return path


def _fsync_file(path: Path) -> None:
    with open(path, "r+b") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable on POSIX; Windows cannot open a directory, and NTFS
    # journals the rename itself.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_file(copy_into, dest: Path) -> None:
    """``copy_into(conn)`` fills a fresh SQLite file; it lands at ``dest`` only if sound."""
    part = Path(str(dest) + ".part")
    part.unlink(missing_ok=True)
    try:
        create_private_file(part)  # 0600 before a byte is written
        dst = sqlite3.connect(str(part))
        try:
            copy_into(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            result = dst.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(result)
        finally:
            dst.close()
        _fsync_file(part)
        os.replace(part, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _backup_error(err: BaseException, store: Store, directory: Path) -> BackupFailed:
    if is_disk_full(err):
        try:  # the copy is about as big as the database
            needed = store.path.stat().st_size
        except OSError:
            needed = 0
        shown: object = disk_full_message(directory, max(needed, 1024 * 1024))
    elif isinstance(err, OSError):
        shown = _("không ghi được vào thư mục {folder} ({error}); nếu thư mục nằm trên ổ USB "
                  "hoặc ổ mạng, hãy cắm ổ hoặc nối mạng").format(folder=directory, error=err.strerror or err)
    else:
        shown = err
    return BackupFailed(
        _("Không tạo được bản sao lưu: {error}").format(error=shown),
        folder=directory,
        last_good=last_good_backup(store),
    )


def last_good_backup(store: Store) -> datetime | None:
    """When the newest good rotating backup was made: from the backup folder when it can
    be read, else from the time kept beside the database."""
    found = [t for t in [backup_health.recorded_good(store.path)] if t is not None]
    try:
        rotating = [p for p in list_backups(backup_folder(store)) if backup_kind(p) == ""]
        found += [t for t in [backup_time(rotating[0])] if t is not None] if rotating else []
    except (OSError, DatabaseError):
        pass
    return max(found, default=None)


def prune_backups(directory: str | Path, keep: int, *, protect: Path | None = None) -> list[Path]:
    """Delete rotating backups beyond the newest ``keep``; safety copies are kept.

    ``protect`` (the backup just made) is never deleted: if the clock was set back, its
    name sorts as old although it holds the newest data.
    """
    if keep < 1:
        raise ValueError("keep must be >= 1")
    rotating = [p for p in list_backups(directory) if backup_kind(p) == ""]
    others = [p for p in rotating if p != protect]
    room = keep - (len(others) < len(rotating))  # the protected one takes a place
    removed = []
    for p in others[room:]:
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass  # e.g. opened by an antivirus scan; try again next time
    return removed


def make_backup(
    store: Store,
    dest_dir: str | Path | None = None,
    keep: int = 10,
    *,
    now: datetime | None = None,
    kind: str = "",
) -> Path:
    """Back the live database up to ``dest_dir`` (default: :func:`backup_folder`) and rotate.

    ``kind=""`` makes a rotating backup (keep the newest ``keep``); another kind makes a
    safety copy that rotation leaves alone.
    """
    if keep < 1:
        raise ValueError("keep must be >= 1")
    if kind and not re.fullmatch(r"[a-z]+", kind):
        raise ValueError("kind must be lowercase ASCII letters")
    directory = Path(dest_dir) if dest_dir is not None else backup_folder(store)
    now = _vn(now)
    with _WRITING:
        try:
            dest = _write_backup(store, directory, kind, now)
        except (OSError, sqlite3.Error, DatabaseError) as err:  # DatabaseError: the copy's write, through the store
            default = backup_dir_for(store.path)
            if not (kind and dest_dir is None and directory != default):
                raise _backup_error(err, store, directory) from err
            # A safety copy (before an upgrade) must not wait for a USB stick: beside the database.
            try:
                dest = _write_backup(store, default, kind, now)
            except (OSError, sqlite3.Error, DatabaseError) as again:
                raise _backup_error(again, store, default) from again
        if not kind:
            prune_backups(directory, keep, protect=dest)
            backup_health.remember_good(store.path, now)
    return dest


def _write_backup(store: Store, directory: Path, kind: str, now: datetime) -> Path:
    private_dir(directory)
    dest = _new_name(directory, kind, now)
    _write_file(store.backup_into, dest)
    return dest


def backup_if_due(
    store: Store,
    now: datetime | None = None,
    max_age: timedelta = timedelta(days=1),
    *,
    dest_dir: str | Path | None = None,
    keep: int = 10,
) -> Path | None:
    """Make a rotating backup if the newest one is ``max_age`` old or more.

    A newest backup dated in the future (the PC's clock was reset) counts as due.
    """
    now = _vn(now)
    directory = Path(dest_dir) if dest_dir is not None else backup_folder(store)
    with _WRITING:  # a backup made meanwhile on another thread counts
        try:
            rotating = [p for p in list_backups(directory) if backup_kind(p) == ""]
        except OSError:  # unreadable: make_backup says why
            rotating = []
        if rotating:
            latest = backup_time(rotating[0])
            assert latest is not None
            if latest <= now and now - latest < max_age:
                return None
        return make_backup(store, directory, keep, now=now)


@dataclass(frozen=True)
class StartupReport:
    """What :func:`startup_checks` found: the newest rotating backup (None: there is
    none), whether it was made just now, and why a due backup failed (None: it did not)
    with when the last good one was made (``last_good``)."""

    latest: Path | None
    made: bool = False
    backup_error: DatabaseError | None = None
    last_good: datetime | None = None


def startup_checks(store: Store, *, backup_due: bool = True, now: datetime | None = None) -> StartupReport:
    """The checks ``Workspace.open`` makes unless told to defer them: ``quick_check``
    (raises :class:`DatabaseError` on a damaged page, and then no backup is made), then
    the daily backup when ``backup_due``. Safe on a worker thread: the store serialises
    its connection."""
    store.quick_check()
    made: Path | None = None
    error: DatabaseError | None = None
    if backup_due:
        try:
            made = backup_if_due(store, now)
        except DatabaseError as err:  # the check passed; a full disk must not hide that
            error = err
    if made is not None:
        return StartupReport(made, made=True)
    try:
        rotating = [p for p in list_backups(backup_folder(store)) if backup_kind(p) == ""]
    except OSError:
        rotating = []
    return StartupReport(rotating[0] if rotating else None, backup_error=error,
                         last_good=getattr(error, "last_good", None))


# --- restore -----------------------------------------------------------------------------


def _healthy_sqlite(path: Path) -> bool:
    """True if ``path`` opens as SQLite and passes quick_check (read-only look)."""
    try:
        with open(path, "rb") as fh:
            if not fh.read(16) == SQLITE_MAGIC:
                return False
        conn = sqlite3.connect(f"{file_uri(path)}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False


def _db_files(db_path: Path) -> list[Path]:
    return [db_path] + _side_files(db_path)


def _side_files(db_path: Path) -> list[Path]:
    # -journal too: a hot rollback journal beside the restored file would be "rolled back"
    # into it, as a stale -wal would be replayed into it.
    return [Path(str(db_path) + s) for s in ("-wal", "-shm", "-journal")]


def restore_part(db_path: Path) -> Path:
    """Where the restored database is built before it replaces ``db_path``: the same
    folder, so the final rename stays on one file system (atomic)."""
    return Path(str(db_path) + ".restore-part")


def _safety_copy(db_path: Path, directory: Path, now: datetime, healthy: bool) -> Path:
    private_dir(directory)
    dest = _new_name(directory, PRERESTORE, now)
    if healthy:
        # Through SQLite, so committed data still in the -wal file is included.
        src = sqlite3.connect(f"{file_uri(db_path)}?mode=ro", uri=True)
        try:
            _write_file(src.backup, dest)
        finally:
            src.close()
    else:
        # Unreadable as SQLite: keep its raw bytes (and its side files) for a specialist.
        shutil.copyfile(db_path, create_private_file(dest))  # copyfile keeps the mode
        for side in _side_files(db_path)[::2]:  # -wal, -journal (-shm is rebuilt from them)
            if side.exists():
                shutil.copyfile(side, create_private_file(Path(str(dest) + side.name[len(db_path.name):])))
        _fsync_file(dest)
    return dest


def _checkpoint(db_path: Path) -> None:
    """Fold a sound database's -wal into its main file (and let SQLite delete the -wal), so
    removing side files before the swap loses nothing even if we die right there."""
    try:
        conn = sqlite3.connect(str(db_path))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # the safety copy holds the -wal's content anyway


def restore_backup(
    backup_file: str | Path, db_path: str | Path, *, now: datetime | None = None
) -> Path | None:
    """Replace the database at ``db_path`` with ``backup_file``; returns the safety copy.

    Refused, with the current database untouched, unless the backup is a sound SQLite
    file (``integrity_check`` ok) holding a qnapp database not newer than this code, and
    no qnapp instance holds ``db_path`` (close the Store first). The current database is
    first copied to ``qnapp-prerestore-….sqlite`` in its backup folder (a damaged one
    byte for byte; None is returned when there was no current database).

    Atomic: the restored file is built and checked beside the target
    (:func:`restore_part`), flushed, then renamed over it; a crash at any point leaves
    either the old file (damaged or not) or the restored one, never an empty database.
    """
    backup_file = Path(backup_file)
    db_path = Path(db_path)
    if backup_file.exists() and db_path.exists() and backup_file.resolve() == db_path.resolve():
        raise ValueError("the backup file is the database itself")
    # Raises DatabaseError / NewerDatabaseError with the reason; nothing is touched yet.
    if not inspect_file(backup_file, full_check=True):
        raise DatabaseError(
            _("Tệp {path} không phải là bản sao lưu của qnapp (không có dữ liệu qnapp).")
            .format(path=backup_file)
        )
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatabaseError(
            _("Không tạo được thư mục {folder}: {error}").format(folder=db_path.parent, error=err)
        ) from err
    lock = lock_database(db_path)
    part = restore_part(db_path)
    try:
        safety = None
        try:
            part.unlink(missing_ok=True)  # left by a restore that died
            exists = db_path.exists() and db_path.stat().st_size > 0
            if exists:
                healthy = _healthy_sqlite(db_path)
                safety = _safety_copy(db_path, backup_dir_for(db_path), _vn(now), healthy)
                if healthy:
                    _checkpoint(db_path)
            _build_restored(backup_file, part, like=db_path if exists else None)
            _swap_in(part, db_path)
        except (OSError, sqlite3.Error) as err:
            part.unlink(missing_ok=True)
            raise DatabaseError(
                _("Không khôi phục được dữ liệu: {error}. Bản sao an toàn: {safety}").format(
                    error=err, safety=safety or "-"
                )
            ) from err
        return safety
    finally:
        lock.release()


def _build_restored(backup_file: Path, part: Path, *, like: Path | None) -> None:
    """Copy ``backup_file`` into the fresh file ``part``, check it, flush it to disk."""
    src = sqlite3.connect(read_only_uri(backup_file), uri=True)
    try:
        dst = sqlite3.connect(str(part))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file until opened
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(result)
        finally:
            dst.close()
    finally:
        src.close()
    if like is not None and os.name == "posix":
        os.chmod(part, like.stat().st_mode & 0o777)  # keep the target's permissions
    _fsync_file(part)


def _swap_in(part: Path, db_path: Path) -> None:
    """Rename ``part`` over ``db_path``. The target's side files go first: a -wal left
    beside the new file would be replayed into it. Until the rename the old main file
    stays in place (its -wal, if any, is in the safety copy or checkpointed)."""
    for side in _side_files(db_path):
        side.unlink(missing_ok=True)
    os.replace(part, db_path)
    _fsync_dir(db_path.parent)
