"""Crash leftovers cleaned at start: a backup's ``.part`` file and a restore's
``<db>.restore-part`` (each as big as the database), and an atomic writer's
``<file>.qnapp-<pid>.tmp`` (an export killed midway).

Only files untouched for :data:`STALE_AFTER` go: another qnapp (this machine, or another
one sharing the folder) may be writing one right now, and a writer touches its file
until it renames it, which takes seconds.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

STALE_AFTER = 3600.0  # seconds
_LEFTOVER = re.compile(
    r"qnapp-(?:[a-z]+-)?\d{8}-\d{6}(?:-\d+)?\.sqlite\.part"  # qnapp.backup's temporary copy
    r"|.+\.qnapp-\d+\.tmp"  # qnapp.files.replacing
    r"|.+\.restore-part"  # qnapp.backup's restore killed before its rename
)


def is_leftover_name(name: str) -> bool:
    return _LEFTOVER.fullmatch(name) is not None


def clean(folders: Iterable[str | Path], *, now: float | None = None, extra: Iterable[Path] = ()) -> list[Path]:
    """Delete stale leftovers in ``folders`` (not below them), and the ``extra`` files
    (exact names of older versions' temporary files) when stale. Never raises."""
    now = time.time() if now is None else now
    candidates: list[Path] = list(extra)
    for folder in {Path(f) for f in folders}:
        try:
            candidates += [p for p in folder.iterdir() if is_leftover_name(p.name)]
        except OSError:  # missing, unplugged, unreadable: nothing to clean there
            continue
    removed = []
    for path in candidates:
        try:
            if path.is_file() and now - path.stat().st_mtime > STALE_AFTER:
                path.unlink()
                removed.append(path)
        except OSError:  # held open by its writer (Windows) or an antivirus scan
            continue
    if removed:
        log.info("removed %d stale temporary file(s)", len(removed))
    return removed
