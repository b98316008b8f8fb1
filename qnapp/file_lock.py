"""The one-writer lock file ``<db>.lock``: an OS lock (``flock``; ``msvcrt.locking`` on
Windows), so the OS releases it when qnapp dies and no stale lock is left behind.

It does what ``filelock.FileLock(path, timeout=0, thread_local=False)`` did for the
store, without its import (about 20 ms of every start, before the window could paint).
Two locks on one path conflict even inside one process: each has its own descriptor.
"""

from __future__ import annotations

import errno
import os
import sys

_HELD = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK}

if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte; the position stays at 0

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockHeld(Exception):
    """Someone else (another process, or another lock in this one) holds it."""


class FileLock:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = os.fspath(path)
        self._fd: int | None = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`LockHeld`; other failures are ``OSError``."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # private, as the database
        try:
            _lock(fd)
        except OSError as err:
            os.close(fd)
            if err.errno in _HELD:
                raise LockHeld(self.path) from None
            raise
        self._fd = fd

    def release(self) -> None:
        """Idempotent."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def inode_lock_path(path: str | os.PathLike[str]) -> str | None:
    """A lock file named after the file's identity (device, inode), for the names that
    ``<db>.lock`` cannot see: hard links share the inode, not the path. It lives in a
    private folder of this user's temporary folder; None when the file does not exist or
    that folder cannot be used (the path lock still holds)."""
    import tempfile

    try:
        st = os.stat(path)
        if sys.platform == "win32":  # %TEMP% is per user already
            folder = os.path.join(tempfile.gettempdir(), "qnapp-locks")
            os.makedirs(folder, exist_ok=True)
        else:
            folder = os.path.join(tempfile.gettempdir(), f"qnapp-locks-{os.getuid()}")
            os.makedirs(folder, mode=0o700, exist_ok=True)
            own = os.lstat(folder)
            # Another user could make that name first in a shared /tmp: not ours, not used.
            if not os.path.isdir(folder) or os.path.islink(folder) or own.st_uid != os.getuid():
                return None
    except OSError:
        return None
    return os.path.join(folder, f"{st.st_dev:x}-{st.st_ino:x}.lock")


class DatabaseLock:
    """The one-writer lock of a database: ``<resolved db>.lock`` (symlinks, and other
    machines sharing the folder, meet there) plus :func:`inode_lock_path` (hard links)."""

    def __init__(self, db_path: str | os.PathLike[str]):
        self.db_path = os.path.realpath(db_path)
        self._locks: list[FileLock] = []

    @property
    def is_locked(self) -> bool:
        return bool(self._locks)

    def acquire(self) -> None:
        """All or nothing: :class:`LockHeld` or ``OSError`` leaves nothing held."""
        if self._locks:
            return
        first = FileLock(self.db_path + ".lock")
        first.acquire()
        self._locks.append(first)
        try:
            self.cover_file()
        except BaseException:
            self.release()
            raise

    def cover_file(self) -> None:
        """Take the inode lock too, once the database file exists (Store.open creates it
        after taking the path lock)."""
        if len(self._locks) != 1:
            return
        name = inode_lock_path(self.db_path)
        if name is None:
            return
        lock = FileLock(name)
        try:
            lock.acquire()  # LockHeld goes up: another name of this file is open
        except OSError:
            return  # e.g. a full temporary folder: the path lock still holds
        self._locks.append(lock)

    def release(self) -> None:
        """Idempotent."""
        locks, self._locks = self._locks, []
        for lock in reversed(locks):
            lock.release()
