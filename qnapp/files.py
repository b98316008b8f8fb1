"""Writing a file the user will carry away: all of it, or nothing."""

from __future__ import annotations

import os
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
