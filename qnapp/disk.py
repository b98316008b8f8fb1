"""A full disk told apart from a damaged file.

SQLite says "database or disk is full" (``SQLITE_FULL``) only for ``ENOSPC``; any other
failed write (a quota, a file-size limit, the ``-shm`` index that cannot grow) comes back
as "disk I/O error" with an extended code naming the write. Neither means the file is
damaged, and the officer is told where room is needed and how much.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from qnapp.i18n import _
from qnapp.text import format_number

# Room the database needs to keep working: its WAL grows to about 4 MB (1,000 pages)
# before a checkpoint, plus the -shm index.
ROOM_TO_WORK = 8 * 1024 * 1024

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FULL_SQLITE = {
    "SQLITE_FULL",
    "SQLITE_IOERR_WRITE",
    "SQLITE_IOERR_SHMSIZE",
    "SQLITE_IOERR_TRUNCATE",
    "SQLITE_IOERR_FSYNC",  # delayed allocation reports ENOSPC at fsync
}


def _chain(err: BaseException | None):
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__


def is_disk_full(err: BaseException) -> bool:
    """True when ``err`` (or what caused it) is a write that found no room."""
    for e in _chain(err):
        if isinstance(e, OSError) and e.errno in _FULL_ERRNOS:
            return True
        if isinstance(e, sqlite3.Error):
            name = getattr(e, "sqlite_errorname", None)  # Python >= 3.11
            if name in _FULL_SQLITE or "database or disk is full" in str(e):
                return True
    return False


def free_space(folder: str | Path) -> int | None:
    """Free bytes on the disk holding ``folder`` (its nearest existing parent), or None."""
    path = Path(folder).absolute()
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return shutil.disk_usage(candidate).free
        except OSError:
            return None
    return None


def format_size(size: int) -> str:
    """Bytes as an officer reads them: "850 KB", "12,5 MB", "3,2 GB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2)):
        if size >= scale:
            return "{} {}".format(format_number(round(size / scale, 1)), unit)
    return "{} KB".format(format_number(max(1, round(size / 1024))))


def disk_full_message(folder: str | Path, needed: int = ROOM_TO_WORK) -> str:
    """Where room is missing and how much to free; says the data is intact."""
    free = free_space(folder)
    if free is None or free >= needed:  # a quota or a file-size limit: free space says nothing
        return _(
            "Ổ đĩa chứa thư mục {folder} đã đầy, không ghi thêm được. Dữ liệu vẫn nguyên vẹn: "
            "hãy giải phóng ít nhất {needed} trên ổ đĩa đó rồi thử lại."
        ).format(folder=folder, needed=format_size(needed))
    return _(
        "Ổ đĩa chứa thư mục {folder} đã đầy, không ghi thêm được (còn trống {free}). Dữ liệu "
        "vẫn nguyên vẹn: hãy giải phóng ít nhất {needed} trên ổ đĩa đó rồi thử lại."
    ).format(folder=folder, free=format_size(free), needed=format_size(needed))
