"""Restoring from a backup, as the desktop program offers it (Qt-free): which backups are
good, newest first, and the restore itself (:func:`qnapp.backup.restore_backup`, atomic,
the current file kept aside as ``qnapp-prerestore-….sqlite``).

The backups are looked for where this database's backups go: the folder chosen at set-up
(setting ``backup.folder``, read straight from the file, which may be damaged) and
``backups`` beside the database.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qnapp import backup
from qnapp.errors import DatabaseError
from qnapp.i18n import _
from qnapp.paths import backup_dir_for
from qnapp.store import inspect_file, read_only_uri


@dataclass(frozen=True)
class GoodBackup:
    path: Path
    when: datetime | None  # from its name; None for a file chosen by hand with another name

    @property
    def label(self) -> str:
        """«09/06/2025 08:30 — qnapp-20250609-083000.sqlite»."""
        if self.when is None:
            return self.path.name
        return "{} — {}".format(self.when.strftime("%d/%m/%Y %H:%M"), self.path.name)


def saved_backup_folder(db_path: str | Path) -> Path | None:
    """The backup folder chosen at set-up, read from the file without opening it as a
    Store (it may be damaged or locked); None when it cannot be read."""
    try:
        conn = sqlite3.connect(read_only_uri(Path(db_path)), uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(
            "SELECT value FROM settings WHERE key = ?", [backup.BACKUP_FOLDER_KEY]
        ).fetchone()
        chosen = json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()
    return Path(chosen) if isinstance(chosen, str) and chosen else None


def backup_folders(db_path: str | Path) -> list[Path]:
    folders = [backup_dir_for(Path(db_path))]
    chosen = saved_backup_folder(db_path)
    if chosen is not None and chosen not in folders:
        folders.insert(0, chosen)
    return folders


def check_backup(path: str | Path) -> None:
    """Raise :class:`DatabaseError` (Vietnamese reason) unless ``path`` is a sound qnapp
    database this version can open (``integrity_check``)."""
    if not inspect_file(path, full_check=True):
        raise DatabaseError(
            _("Tệp {path} không phải là bản sao lưu của qnapp (không có dữ liệu qnapp).")
            .format(path=path)
        )


def _good(path: Path) -> bool:
    try:
        return bool(inspect_file(path))  # quick_check: the restore runs the full check
    except (DatabaseError, OSError):
        return False


def good_backups(db_path: str | Path, *, limit: int = 5) -> list[GoodBackup]:
    """The newest ``limit`` backups of ``db_path`` that open as sound qnapp databases,
    newest first (a damaged or foreign file in the folder is passed over)."""
    db_path = Path(db_path)
    found: list[Path] = []
    for folder in backup_folders(db_path):
        found += backup.list_backups(folder)
    found.sort(key=lambda p: (backup.backup_time(p), p.name), reverse=True)
    good: list[GoodBackup] = []
    for path in found:
        if len(good) == limit:
            break
        if path.resolve() != db_path.resolve() and _good(path):
            good.append(GoodBackup(path, backup.backup_time(path)))
    return good


def chosen_backup(path: str | Path) -> GoodBackup:
    """A file picked by hand (a USB stick): checked, with its date if its name has one."""
    path = Path(path)
    check_backup(path)
    return GoodBackup(path, backup.backup_time(path))


def restore(choice: GoodBackup, db_path: str | Path) -> Path | None:
    """Restore ``choice`` over ``db_path`` (closed); returns where the previous file, damaged
    or not, is kept (None: there was none)."""
    return backup.restore_backup(choice.path, db_path)
