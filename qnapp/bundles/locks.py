"""Exported bundles and period locks (tables ``bundle_exports`` and ``locked_periods`` of
migration ``m003_bundles``).

Exporting a period locks it: the bundle sent up must stay what the unit holds. While a
period P is locked, the figures of P and of every period inside P (which P's bundle
aggregates) are refused, and so are activities dated in P's window; figures of a coarser
period (the year around a sent half-year) stay editable, because a bundle of P carries
only elements of P's own period type or finer. ``reopen_period`` unlocks; the next export
is revision n+1, superseding revision n.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from qnapp.bundles.layout import REPORT_TYPE
from qnapp.errors import ValidationError
from qnapp.i18n import _
from qnapp.periods import Period, parse_period
from qnapp.store import Store
from qnapp.text import format_date, in_sentence as _in_sentence


class PeriodLockedError(ValidationError):
    """A change to figures or activities of a period whose report was already sent."""

    def __init__(self, message: str, period: str):
        super().__init__(message)
        self.period = period
        self.locked_period = period  # qnapp.cli names the reopen command from it


@dataclass(frozen=True)
class ExportRow:
    digest: str
    bundle_id: str
    unit: str
    period: str
    report_type: str
    revision: int
    supersedes: str | None
    reason: str | None
    created_at: str
    signer_fingerprint: str
    content: bytes


@dataclass(frozen=True)
class LockRow:
    unit: str
    period: str
    revision: int
    locked_at: str
    reopened_at: str | None
    reason: str


_EXPORT_SELECT = (
    "SELECT digest, bundle_id, unit, period, report_type, revision, supersedes, reason, "
    "created_at, signer_fingerprint, content FROM bundle_exports"
)


def _rows(store: Store, sql: str, params: Iterable[object] = ()) -> list[tuple]:
    with store._reading():
        return store.conn.execute(sql, list(params)).fetchall()


def latest_export(store: Store, unit: str, period: str, report_type: str = REPORT_TYPE) -> ExportRow | None:
    rows = _rows(
        store,
        _EXPORT_SELECT + " WHERE unit = ? AND period = ? AND report_type = ? "
        "ORDER BY revision DESC LIMIT 1",
        [unit, period, report_type],
    )
    return ExportRow(*rows[0]) if rows else None


def exports(store: Store, unit: str, period: str | None = None) -> list[ExportRow]:
    """Every bundle this database exported for ``unit`` (one period or all), oldest first."""
    sql = _EXPORT_SELECT + " WHERE unit = ?"
    params: list[object] = [unit]
    if period is not None:
        sql += " AND period = ?"
        params.append(period)
    return [ExportRow(*r) for r in _rows(store, sql + " ORDER BY period, revision", params)]


def export_sender(store: Store, unit: str, period: str, revision: int,
                  report_type: str = REPORT_TYPE) -> str:
    """Who exported one revision ("" when this database did not record it)."""
    rows = _rows(
        store,
        "SELECT created_by FROM bundle_exports WHERE unit = ? AND period = ? AND report_type = ? "
        "AND revision = ?",
        [unit, period, report_type, revision],
    )
    return rows[0][0] if rows else ""


def latest_lock(store: Store, unit: str, period: str) -> LockRow | None:
    rows = _rows(
        store,
        "SELECT unit, period, revision, locked_at, reopened_at, reason FROM locked_periods "
        "WHERE unit = ? AND period = ? ORDER BY revision DESC LIMIT 1",
        [unit, period],
    )
    return LockRow(*rows[0]) if rows else None


def active_locks(store: Store, unit: str) -> list[LockRow]:
    rows = _rows(
        store,
        "SELECT unit, period, revision, locked_at, reopened_at, reason FROM locked_periods "
        "WHERE unit = ? AND reopened_at IS NULL ORDER BY period",
        [unit],
    )
    return [LockRow(*r) for r in rows]


def is_locked(store: Store, unit: str, period: str) -> bool:
    lock = latest_lock(store, unit, period)
    return lock is not None and lock.reopened_at is None


def covering_lock(store: Store, unit: str, period: str) -> LockRow | None:
    """The active lock that makes the figures of ``period`` read-only: the period's own
    lock, else the lock of a sent period containing it (a quarter inside a sent half-year);
    None when its figures may be changed."""
    wanted = parse_period(period)
    covering = [lock for lock in active_locks(store, unit) if parse_period(lock.period).contains(wanted)]
    own = [lock for lock in covering if lock.period == wanted.id]
    return (own or covering or [None])[0]


def refuse_if_locked(
    store: Store, unit: str, *, periods: Iterable[str] = (), dates: Iterable[date] = ()
) -> None:
    """Raise :class:`PeriodLockedError` when a change to figures of ``periods`` or to
    activities dated ``dates`` would alter a bundle already sent (one query)."""
    periods = [parse_period(p) for p in periods]
    dates = list(dates)
    if not periods and not dates:
        return
    for lock in active_locks(store, unit):
        locked = parse_period(lock.period)
        for period in periods:
            if locked.contains(period):
                raise PeriodLockedError(_locked_message(locked, lock.revision, period), locked.id)
        for day in dates:
            if locked.contains_date(day):
                raise PeriodLockedError(
                    _(
                        "Ngày {date} thuộc kỳ {label} đã gửi báo cáo (lần {revision}) nên "
                        "hoạt động của kỳ này đang khóa, không thêm, sửa hay xóa được. Muốn "
                        "sửa, hãy mở lại kỳ (nút «Mở lại để sửa» trên bảng nhập số liệu hoặc ở "
                        "trang «Gửi báo cáo»), rồi gửi lại báo cáo."
                    ).format(date=format_date(day), label=_in_sentence(locked.label),
                             revision=lock.revision),
                    locked.id,
                )


def _locked_message(locked: Period, revision: int, period: Period) -> str:
    # No way to reopen is named here: the GUI shows its «Mở lại để sửa» button beside the
    # grid, the command line adds its own «qnapp reopen» hint (qnapp.cli).
    if locked.id == period.id:
        return _(
            "Kỳ {label} đã gửi báo cáo (lần {revision}) nên số liệu đang khóa. Muốn sửa, "
            "hãy mở lại kỳ để sửa (nêu lý do), rồi gửi lại báo cáo."
        ).format(label=_in_sentence(locked.label), revision=revision)
    return _(
        "{label} nằm trong kỳ {locked_label} đã gửi báo cáo (lần {revision}) nên số liệu "
        "đang khóa. Muốn sửa, hãy mở lại kỳ {locked_label} (nêu lý do), rồi gửi lại báo cáo."
    ).format(label=period.label, locked_label=_in_sentence(locked.label), revision=revision)
