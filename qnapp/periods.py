"""Reporting periods: DHIS2-style ids, Nghị định 09/2019 cut-off windows, due dates.

Windows follow NĐ 09/2019/NĐ-CP Điều 12, not calendar months: month m runs from the 15th
of the previous month to the 14th of m, and every coarser period is a union of those
month windows (year Y = 15/12/(Y-1) → 14/12/Y). So a date on 20/12/2024 belongs to
report year 2025. All dates are inclusive.

Ids: ``2025``, ``2025S1``, ``2025S2``, ``2025Q1``…``2025Q4``, ``202501``…``202512``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from qnapp.errors import ValidationError
from qnapp.i18n import N_, _

YEAR = "year"
HALF = "half"
QUARTER = "quarter"
MONTH = "month"
PERIOD_TYPES: tuple[str, ...] = (YEAR, HALF, QUARTER, MONTH)  # coarse → fine

# Months (of the shifted report year) in one period of each type.
_SPAN = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}
_COUNT = {YEAR: 1, HALF: 2, QUARTER: 4, MONTH: 12}
_RANK = {t: i for i, t in enumerate(PERIOD_TYPES)}
FINE_TO_COARSE: tuple[str, ...] = PERIOD_TYPES[::-1]


def finer(period_type: str, than: str) -> bool:
    """``month`` is finer than ``quarter``; a type is not finer than itself."""
    return _RANK[period_type] > _RANK[than]


def finer_or_same(period_type: str, than: str) -> bool:
    return _RANK[period_type] >= _RANK[than]

# Years whose windows and neighbours stay inside datetime.date's range.
MIN_YEAR = 1901
MAX_YEAR = 9998

CUTOFF_DAY = 14  # a month window ends on the 14th and the next starts on the 15th

ACTION_MONTH_LABEL = N_(
    "Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới"
)

_ID_PATTERNS = (
    (re.compile(r"(\d{4})"), YEAR),
    (re.compile(r"(\d{4})S([12])"), HALF),
    (re.compile(r"(\d{4})Q([1-4])"), QUARTER),
    (re.compile(r"(\d{4})(0[1-9]|1[0-2])"), MONTH),
)

_ROMAN = ("I", "II", "III", "IV")


def _check_type(type_: str) -> str:
    if type_ not in _SPAN:
        raise ValueError(f"unknown period type {type_!r}; expected one of {PERIOD_TYPES}")
    return type_


def _month_window(year: int, month: int) -> tuple[date, date]:
    """Window of report month ``month`` of ``year`` (15th of previous month → 14th)."""
    start = date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)
    return start, date(year, month, CUTOFF_DAY)


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@dataclass(frozen=True)
class Period:
    """One reporting period. Build with :func:`parse_period` or :func:`make_period`."""

    id: str
    type: str
    year: int
    index: int  # 1 for a year; 1–2 halves; 1–4 quarters; 1–12 months
    start: date
    end: date  # inclusive

    # --- position -----------------------------------------------------------------
    @property
    def first_month(self) -> int:
        """First report month (1–12) of the report year covered by this period."""
        return (self.index - 1) * _SPAN[self.type] + 1

    @property
    def last_month(self) -> int:
        return self.index * _SPAN[self.type]

    @property
    def sort_key(self) -> tuple[date, date, int]:
        """Chronological; at equal start the shorter (finer) period first."""
        return (self.start, self.end, -_RANK[self.type])

    # --- relations ------------------------------------------------------------------
    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains_date(self, d: date) -> bool:
        return self.start <= d <= self.end

    def sub_periods(self, type_: str) -> tuple[Period, ...]:
        """The periods of ``type_`` inside this one; the same type gives ``(self,)``."""
        _check_type(type_)
        if _RANK[type_] < _RANK[self.type]:
            raise ValueError(f"{type_} is coarser than {self.type}")
        span = _SPAN[type_]
        first = (self.first_month - 1) // span + 1
        last = self.last_month // span
        return tuple(make_period(type_, self.year, i) for i in range(first, last + 1))

    def enclosing(self, type_: str) -> Period:
        """The period of ``type_`` (same or coarser) that contains this one."""
        _check_type(type_)
        if _RANK[type_] > _RANK[self.type]:
            raise ValueError(f"{type_} is finer than {self.type}")
        return make_period(type_, self.year, (self.first_month - 1) // _SPAN[type_] + 1)

    def previous(self) -> Period:
        if self.index > 1:
            return make_period(self.type, self.year, self.index - 1)
        return make_period(self.type, self.year - 1, _COUNT[self.type])

    def next(self) -> Period:
        if self.index < _COUNT[self.type]:
            return make_period(self.type, self.year, self.index + 1)
        return make_period(self.type, self.year + 1, 1)

    # --- text -------------------------------------------------------------------------
    @property
    def label(self) -> str:
        if self.type == YEAR:
            return _("Năm {year}").format(year=self.year)
        if self.type == HALF:
            if self.index == 1:
                return _("6 tháng đầu năm {year}").format(year=self.year)
            return _("6 tháng cuối năm {year}").format(year=self.year)
        if self.type == QUARTER:
            return _("Quý {roman} năm {year}").format(
                roman=_ROMAN[self.index - 1], year=self.year
            )
        return _("Tháng {month} năm {year}").format(month=self.index, year=self.year)

    @property
    def range_label(self) -> str:
        """The cut-off window, e.g. "từ 15/12/2024 đến 14/06/2025"."""
        return _("từ {start} đến {end}").format(start=_fmt(self.start), end=_fmt(self.end))

    def __str__(self) -> str:
        return self.id


def make_period(type_: str, year: int, index: int = 1) -> Period:
    _check_type(type_)
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValueError(f"year {year} out of range")
    if not (1 <= index <= _COUNT[type_]):
        raise ValueError(f"index {index} out of range for {type_}")
    span = _SPAN[type_]
    first = (index - 1) * span + 1
    last = index * span
    start = _month_window(year, first)[0]
    end = _month_window(year, last)[1]
    if type_ == YEAR:
        pid = f"{year}"
    elif type_ == HALF:
        pid = f"{year}S{index}"
    elif type_ == QUARTER:
        pid = f"{year}Q{index}"
    else:
        pid = f"{year}{index:02d}"
    return Period(pid, type_, year, index, start, end)


def parse_period(period_id: str) -> Period:
    """Period from its id; anything else raises :class:`ValidationError` (Vietnamese)."""
    if isinstance(period_id, str):
        for pattern, type_ in _ID_PATTERNS:
            m = pattern.fullmatch(period_id)
            if m:
                year = int(m.group(1))
                index = int(m.group(2)) if m.lastindex and m.lastindex > 1 else 1
                if MIN_YEAR <= year <= MAX_YEAR:
                    return make_period(type_, year, index)
                break
    raise ValidationError(
        _(
            "Kỳ báo cáo “{value}” không hợp lệ. Hãy dùng dạng 2025 (năm), 2025S1 hoặc "
            "2025S2 (6 tháng), 2025Q1…2025Q4 (quý), 202501…202512 (tháng)."
        ).format(value=period_id)
    )


def is_period_id(value: object) -> bool:
    try:
        parse_period(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def _report_month(d: date) -> tuple[int, int]:
    """(report year, report month) whose window holds ``d``."""
    if d.day <= CUTOFF_DAY:
        return d.year, d.month
    if d.month == 12:
        return d.year + 1, 1
    return d.year, d.month + 1


def period_for(d: date, type_: str) -> Period:
    """The period of ``type_`` whose window contains the date ``d``."""
    _check_type(type_)
    year, month = _report_month(d)
    return make_period(type_, year, (month - 1) // _SPAN[type_] + 1)


def current_period(today: date, type_: str) -> Period:
    return period_for(today, type_)


def recent_periods(today: date, type_: str, n: int) -> list[Period]:
    """The current period and the ``n - 1`` before it, newest first."""
    if n < 0:
        raise ValueError("n must be >= 0")
    out: list[Period] = []
    p = period_for(today, type_)
    for _i in range(n):
        out.append(p)
        p = p.previous()
    return out


def periods_in_year(year: int, type_: str | None = None) -> list[Period]:
    """Periods of report year ``year``: one type, or all (year, halves, quarters, months)."""
    types = PERIOD_TYPES if type_ is None else (_check_type(type_),)
    return [make_period(t, year, i) for t in types for i in range(1, _COUNT[t] + 1)]


# --- due dates ---------------------------------------------------------------------


@dataclass(frozen=True)
class DueRules:
    """When each report must be sent: the date is "phải gửi trước ngày …" (exclusive).

    Defaults: KH 82/KH-UBND IV.19 — 6-month report before 10/6, annual before 10/12.
    The plan has no separate second-half report: S2 figures go into the annual report, so
    S2 shares the annual date. Quarter and month reports are not in the plan; the default
    (before the 20th of the period's last month, i.e. 6 days after the cut-off on the 14th)
    follows the usual pairing in NĐ 09-era instruments (e.g. TT 06/2022/TT-UBDT: cut-off
    14/6, send before 20/6). ``*_offset_months`` moves the date into later months.
    """

    half1_due_month: int = 6
    half1_due_day: int = 10
    year_due_month: int = 12
    year_due_day: int = 10
    quarter_due_day: int = 20
    quarter_due_offset_months: int = 0
    month_due_day: int = 20
    month_due_offset_months: int = 0


def _day_in_month(year: int, month: int, day: int) -> date:
    """``day`` clamped to the month's length (31 in February → 28/29)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, offset: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + offset
    return total // 12, total % 12 + 1


def due_date(period: Period, rules: DueRules = DueRules()) -> date:
    """The "gửi trước ngày" date of ``period``'s report (the last day to send is the day before)."""
    y = period.year
    if period.type == YEAR or (period.type == HALF and period.index == 2):
        return _day_in_month(y, rules.year_due_month, rules.year_due_day)
    if period.type == HALF:
        return _day_in_month(y, rules.half1_due_month, rules.half1_due_day)
    if period.type == QUARTER:
        yy, mm = _add_months(y, period.last_month, rules.quarter_due_offset_months)
        return _day_in_month(yy, mm, rules.quarter_due_day)
    yy, mm = _add_months(y, period.last_month, rules.month_due_offset_months)
    return _day_in_month(yy, mm, rules.month_due_day)


def days_left(period: Period, today: date, rules: DueRules = DueRules()) -> int:
    """Days until the "trước ngày" date: 1 = today is the last day; 0 or less = late."""
    return (due_date(period, rules) - today).days


def is_overdue(period: Period, today: date, rules: DueRules = DueRules()) -> bool:
    return today >= due_date(period, rules)


# --- action month --------------------------------------------------------------------


def action_month_window(year: int) -> tuple[date, date]:
    """15/11 → 15/12 of ``year`` (KH 82 II.1.4), inclusive."""
    return date(year, 11, 15), date(year, 12, 15)


def in_action_month(d: date) -> bool:
    start, end = action_month_window(d.year)
    return start <= d <= end
