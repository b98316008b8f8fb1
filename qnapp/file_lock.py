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
