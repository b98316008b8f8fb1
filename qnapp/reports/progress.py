"""Progress towards the 2025 and 2030 targets over the periods on record.

One table for everyone who shows it: the year-end report's «Phụ lục» (mid-term review
2025, final review 2030) and the GUI dashboard's charts. Periods are the plan's report
periods (KH 82 IV.19: 6-month and annual): ``YYYYS1`` and ``YYYY`` from 2021 on, each
that has a figure (the unit's own or, at a parent, its children's), oldest first, S1
before its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from datetime import datetime

from qnapp.catalog import Indicator, Target
from qnapp.periods import Period, make_period, parse_period, period_for
from qnapp.text import VN_TZ

__all__ = ["ProgressRow", "latest_period_with_data", "progress_periods", "progress_table"]


@dataclass(frozen=True)
class ProgressRow:
    indicator: Indicator
    period: Period
    value: float | None  # as the indicator is expressed (80.0 for 80 %), None: no figures
    target_2025: Target | None
    target_2030: Target | None
    met: bool | None  # against the milestone of the period (2025 up to 2025, then 2030)
    milestone: int


PLAN_START = 2021  # KH 82/KH-UBND, 08/4/2021

# The periods of each year a trend lists: (period type, index). None: the plan's report
# periods (S1 and year); "year" / "half": one period type (the GUI dashboard's trend axis).
_PER_YEAR = {
    None: (("half", 1), ("year", 1)),
    "year": (("year", 1),),
    "half": (("half", 1), ("half", 2)),
}


def _candidates(workspace, up_to: str | None, period_type: str | None = None) -> list[Period]:
    if period_type not in _PER_YEAR:
        raise ValueError(f"period_type must be None, 'year' or 'half', not {period_type!r}")
    unit_key = workspace.require_profile().unit_key
    own_years = {parse_period(p).year for p in workspace.store.periods_with_values(unit_key)}
    limit = parse_period(up_to) if up_to else None
    if limit is not None:
        last = limit.year
    else:
        last = max(own_years | {period_for(datetime.now(VN_TZ).date(), "year").year})
    found = []
    for year in range(min(own_years | {PLAN_START}), last + 1):
        for type_, index in _PER_YEAR[period_type]:
            period = make_period(type_, year, index)
            if limit is None or period.end <= limit.end:
                found.append(period)
    return found


def _results(workspace, up_to: str | None, period_type: str | None = None) -> dict[Period, list]:
    """Indicator results of every report period with at least one figure (own, or at a
    parent consolidated from its children), plus ``up_to`` itself."""
    out = {}
    for period in _candidates(workspace, up_to, period_type):
        results = workspace.indicator_results(period.id)
        if period.id == up_to or any(r.value is not None for r in results):
            out[period] = results
    return out


def progress_periods(workspace, up_to: str | None = None, period_type: str | None = None) -> list[Period]:
    """Report periods (S1 and year, KH 82 IV.19) with figures, oldest first, up to
    ``up_to`` (default: the current report year); ``period_type`` "year" or "half" lists
    the years or the half-years (S1, S2) with figures instead."""
    return list(_results(workspace, up_to, period_type))


def latest_period_with_data(workspace, period_type: str | None = None) -> Period | None:
    """The newest period of ``progress_periods`` (report periods, or years / half-years
    for ``period_type``) holding a figure; None when the unit has none yet. The dashboard
    opens on it."""
    periods = progress_periods(workspace, period_type=period_type)
    return periods[-1] if periods else None


def progress_table(workspace, *, up_to: str | None = None, period_type: str | None = None) -> list[ProgressRow]:
    """Rows (indicator, period, value, target 2025, target 2030, met) for every indicator
    assigned to the unit × every report period on record; indicator order as in the plan,
    then time. ``value`` is as the indicator is expressed (80.0 for 80 %). ``period_type``
    as for ``progress_periods``."""
    by_period = _results(workspace, up_to, period_type)
    results = {p: {r.indicator.code: r for r in rs} for p, rs in by_period.items()}
    rows = []
    for indicator in workspace.catalog.indicators_for(workspace.unit.level):
        for period in by_period:
            result = results[period][indicator.code]
            rows.append(ProgressRow(
                indicator=indicator,
                period=period,
                value=result.value,
                target_2025=indicator.target(2025),
                target_2030=indicator.target(2030),
                met=result.met,
                milestone=result.milestone,
            ))
    return rows
