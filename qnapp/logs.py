"""The log file: ``<data folder>/logs/qnapp.log``, rotated at 1 MB, three old files kept.

Technical events only (start, checks, errors with their traceback). GBV data is
sensitive: never log a person's name, an officer's name or a figure.

The data folder is the app's (``qnapp.paths.data_dir``: ``QNAPP_HOME``, the portable
``data`` folder beside the executable, or the platform folder), also when ``--db``
points elsewhere: one log per installation, always where the crash dialog and the
About box say it is, never scattered beside databases on USB sticks.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from qnapp.files import private_dir
from qnapp.paths import data_dir

LOG_FILENAME = "qnapp.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

_HANDLER_MARK = "_qnapp_handler"  # our handlers, so configuring again replaces them


class RotatingFileHandler(logging.FileHandler):
    """Rolls ``qnapp.log`` over to ``.1`` … ``.<backup_count>`` when it would pass
    ``max_bytes``, as ``logging.handlers.RotatingFileHandler`` does; that module imports
    socket, pickle and queue, about 5 ms of every start before the window can paint."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int):
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes, self.backup_count = max_bytes, backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() + len(self.format(record)) + 1 > self.max_bytes:
                self._roll_over()
        except Exception:  # noqa: BLE001 - e.g. another qnapp has the file open (Windows)
            if self.stream is None:
                self.stream = self._open()  # keep writing into the long file
        super().emit(record)

    def _roll_over(self) -> None:
        self.stream.close()
        self.stream = None
        for n in range(self.backup_count - 1, 0, -1):
            older = "{}.{}".format(self.baseFilename, n)
            if os.path.exists(older):
                os.replace(older, "{}.{}".format(self.baseFilename, n + 1))
        os.replace(self.baseFilename, self.baseFilename + ".1")
        self.stream = self._open()


def log_path() -> Path:
    return data_dir() / "logs" / LOG_FILENAME


def configure(path: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Send the root logger to the rotating log file (and to stderr, warnings and worse,
    when there is one: a windowed frozen build has none). Calling it again replaces the
    handlers it added. Returns the log file, or None when it cannot be written (then
    only stderr, if any, gets the messages; the program still runs)."""
    reset()
    root = logging.getLogger()
    formatter = logging.Formatter(FORMAT)
    path = Path(path) if path is not None else log_path()
    handlers: list[logging.Handler] = []
    try:
        private_dir(path.parent)  # 0700 on POSIX
        handlers.append(RotatingFileHandler(path, MAX_BYTES, BACKUP_COUNT))
    except OSError:
        path = None
    if sys.stderr is not None:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        handlers.append(console)
    for handler in handlers:
        handler.setFormatter(formatter)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    return path


def reset() -> None:
    """Remove the handlers :func:`configure` added (tests; the app keeps them to the end)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()


def configured_path() -> Path | None:
    """The file the log goes to now (None: not configured, or not writable)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _HANDLER_MARK, False) and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
