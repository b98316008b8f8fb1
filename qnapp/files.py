"""Writing a file the user will carry away: all of it, or nothing. And the files that stay
here (database, backups, logs): readable by this user only.

Privacy on POSIX: the database, its ``-wal``/``-shm`` and lock files and every backup are
created ``0600``, the folders qnapp creates for them (data folder, ``backups``, ``logs``)
``0700``; a database made by an older qnapp is tightened when opened. Exports (bundles,
reports, CSV) keep the user's usual mode: they are made to be carried to someone else.
On Windows the modes do nothing: privacy rests on the ACL of the per-user
``%LOCALAPPDATA%`` (only the user, administrators and SYSTEM can read it by default). A
portable ``data`` folder on a USB stick (FAT/exFAT: no permissions at all) or a backup
folder on a shared drive is as private as that medium.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qnapp import leftovers
from qnapp.disk import disk_full_message, is_disk_full
from qnapp.errors import QnappError
from qnapp.i18n import _


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; on success it is flushed to disk
    and replaces ``path``, on any failure it is removed — a failed export (full USB
    stick, pulled cable) never leaves half a file under the real name."""
    path = Path(path)
    # Named for qnapp.leftovers: a writer killed midway leaves a file cleaned later.
    tmp = path.with_name("{}.qnapp-{}.tmp".format(path.name, os.getpid()))
    try:
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
        leftovers.clean([path.parent])  # an earlier crash's temporary files in the same folder
    except OSError as err:
        full = is_disk_full(err)
        tmp.unlink(missing_ok=True)
        raise QnappError(
            _("Không ghi được tệp {path}: {error}").format(
                path=path, error=disk_full_message(path.parent) if full else err.strerror or err)
        ) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes) -> Path:
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def private_dir(path: str | Path) -> Path:
    """Create the folder ``path`` and its missing parents ``0700`` (as the XDG base
    directory spec asks). An existing folder is left as it is: it may be one the user
    chose (a USB stick, a shared backup folder)."""
    path = Path(path)
    if not path.is_dir():
        if path.parent != path and not path.parent.is_dir():
            private_dir(path.parent)
        try:
            path.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
    return path


def create_private_file(path: str | Path) -> Path:
    """Create ``path`` empty (or keep it) with ``0600`` from the start, so no other user
    can open it while it is written. SQLite then gives a database's ``-wal``, ``-shm``
    and journal the same mode."""
    path = Path(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    make_private(path)
    return path


def make_private(*paths: str | Path) -> None:
    """Take group and other permissions off existing ``paths`` (POSIX). Best effort: a
    file system without modes, or a file of another owner, keeps what it has."""
    if os.name != "posix":
        return
    for path in paths:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except OSError:
            pass


def private_database(path: str | Path) -> None:
    """Before SQLite opens ``path``: a new database is created ``0600`` (its ``-wal`` and
    ``-shm`` follow), an existing one and its leftovers are tightened."""
    path = Path(path)
    if path.exists():
        make_private(path, f"{path}-wal", f"{path}-shm", f"{path}-journal")
    else:
        try:
            create_private_file(path)
        except OSError:
            pass  # a read-only folder: SQLite says so in its own words
