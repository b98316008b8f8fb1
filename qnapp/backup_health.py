"""How old the last good backup is, for the warning shown when a backup fails.

The time is kept in ``<db>.lastbackup`` beside the database: a backup folder on a USB
stick left at home cannot be listed, yet the officer must learn how old the last good
copy is.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from qnapp.files import create_private_file
from qnapp.i18n import _
from qnapp.text import VN_TZ, format_timestamp

log = logging.getLogger(__name__)

SUFFIX = ".lastbackup"  # {"at": ISO time of the last good rotating backup}


def _file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SUFFIX)


def remember_good(db_path: Path, when: datetime) -> None:
    try:
        path = create_private_file(_file(db_path))  # beside the database: as private as it
        path.write_text(json.dumps({"at": when.isoformat()}), encoding="utf-8")
    except OSError as err:  # only the age shown in a later warning depends on it
        log.info("could not record the last good backup: %s", err)


def recorded_good(db_path: Path) -> datetime | None:
    try:
        at = json.loads(_file(db_path).read_text(encoding="utf-8"))["at"]
        return datetime.fromisoformat(at).astimezone(VN_TZ)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _age(when: datetime, now: datetime) -> str:
    days = (now.date() - when.date()).days
    if days <= 0:
        return _("hôm nay")
    if days == 1:
        return _("hôm qua")
    return _("{days} ngày trước").format(days=days)


def last_good_text(last_good: datetime | None, now: datetime | None = None) -> str:
    """«Bản sao lưu tốt gần nhất: 09:30 ngày 12/06/2025 (3 ngày trước)»."""
    if last_good is None:
        return _("Chưa có bản sao lưu nào")
    now = datetime.now(VN_TZ) if now is None else now.astimezone(VN_TZ)
    return _("Bản sao lưu tốt gần nhất: {moment} ({age})").format(
        moment=format_timestamp(last_good.isoformat()), age=_age(last_good.astimezone(VN_TZ), now))


def warning_text(err: Exception, now: datetime | None = None) -> str:
    """The command line's warning for a backup that failed while the work went on."""
    return _("Cảnh báo: {error} {last_good}. qnapp sẽ thử sao lưu lại lần sau.").format(
        error=str(err).rstrip(".") + ".", last_good=last_good_text(getattr(err, "last_good", None), now))
