from datetime import date, timedelta

import pytest

from qnapp.errors import ValidationError
from qnapp.periods import (
    ACTION_MONTH_LABEL,
    DueRules,
    Period,
    action_month_window,
    current_period,
    days_left,
    due_date,
    in_action_month,
    is_overdue,
    is_period_id,
    make_period,
    parse_period,
    period_for,
    periods_in_year,
    recent_periods,
)

D = date


# --- ids and windows -----------------------------------------------------------------


@pytest.mark.parametrize(
    "pid, type_, year, index, start, end",
    [
        ("2025", "year", 2025, 1, D(2024, 12, 15), D(2025, 12, 14)),
        ("2025S1", "half", 2025, 1, D(2024, 12, 15), D(2025, 6, 14)),
        ("2025S2", "half", 2025, 2, D(2025, 6, 15), D(2025, 12, 14)),
        ("2025Q1", "quarter", 2025, 1, D(2024, 12, 15), D(2025, 3, 14)),
        ("2025Q2", "quarter", 2025, 2, D(2025, 3, 15), D(2025, 6, 14)),
        ("2025Q3", "quarter", 2025, 3, D(2025, 6, 15), D(2025, 9, 14)),
        ("2025Q4", "quarter", 2025, 4, D(2025, 9, 15), D(2025, 12, 14)),
        ("202501", "month", 2025, 1, D(2024, 12, 15), D(2025, 1, 14)),
        ("202502", "month", 2025, 2, D(2025, 1, 15), D(2025, 2, 14)),
        ("202503", "month", 2025, 3, D(2025, 2, 15), D(2025, 3, 14)),
        ("202412", "month", 2024, 12, D(2024, 11, 15), D(2024, 12, 14)),
    ],
)
def test_parse_and_windows(pid, type_, year, index, start, end):
    p = parse_period(pid)
    assert (p.id, p.type, p.year, p.index, p.start, p.end) == (pid, type_, year, index, start, end)
    assert make_period(type_, year, index) == p
    assert str(p) == pid


@pytest.mark.parametrize("year", [2023, 2024])  # leap year changes nothing: Feb ends 14/02
def test_february_window_ignores_leap_years(year):
    p = parse_period(f"{year}03")
    assert p.start == D(year, 2, 15) and p.end == D(year, 3, 14)
    assert period_for(D(year, 2, 28), "month").id == f"{year}03"
    if year == 2024:
        assert period_for(D(2024, 2, 29), "month").id == "202403"


def test_windows_tile_the_year_without_gaps():
    for type_ in ("half", "quarter", "month"):
        ps = periods_in_year(2025, type_)
        assert ps[0].start == D(2024, 12, 15) and ps[-1].end == D(2025, 12, 14)
        for a, b in zip(ps, ps[1:]):
            assert b.start == a.end + timedelta(days=1)
    assert parse_period("2025").start == parse_period("2024").end + timedelta(days=1)


@pytest.mark.parametrize(
    "bad",
    ["", "25", "20251", "2025S3", "2025S0", "2025Q0", "2025Q5", "202500", "202513",
     "2025s1", "2025q1", " 2025", "2025 ", "2025-01", "2025H1", "0000", "9999", "abc",
     None, 2025],
)
def test_parse_errors_are_vietnamese(bad):
    with pytest.raises(ValidationError) as err:
        parse_period(bad)
    assert "Kỳ báo cáo" in str(err.value) and "không hợp lệ" in str(err.value)
    assert not is_period_id(bad)


# --- period_for at every boundary -------------------------------------------------------


@pytest.mark.parametrize(
    "d, type_, expected",
    [
        (D(2024, 12, 14), "year", "2024"),
        (D(2024, 12, 15), "year", "2025"),
        (D(2024, 12, 20), "year", "2025"),
        (D(2024, 12, 20), "half", "2025S1"),
        (D(2024, 12, 31), "quarter", "2025Q1"),
        (D(2024, 12, 31), "month", "202501"),
        (D(2025, 1, 1), "year", "2025"),
        (D(2025, 6, 14), "half", "2025S1"),
        (D(2025, 6, 15), "half", "2025S2"),
        (D(2025, 12, 14), "year", "2025"),
        (D(2025, 12, 14), "half", "2025S2"),
        (D(2025, 12, 15), "year", "2026"),
        (D(2025, 12, 15), "half", "2026S1"),
        (D(2025, 3, 14), "quarter", "2025Q1"),
        (D(2025, 3, 15), "quarter", "2025Q2"),
        (D(2025, 9, 14), "quarter", "2025Q3"),
        (D(2025, 9, 15), "quarter", "2025Q4"),
        (D(2025, 12, 14), "quarter", "2025Q4"),
        (D(2025, 12, 15), "quarter", "2026Q1"),
        (D(2025, 1, 14), "month", "202501"),
        (D(2025, 1, 15), "month", "202502"),
        (D(2025, 2, 14), "month", "202502"),
        (D(2025, 2, 15), "month", "202503"),
        (D(2025, 11, 15), "month", "202512"),
        (D(2025, 12, 14), "month", "202512"),
        (D(2025, 12, 15), "month", "202601"),
    ],
)
def test_period_for_boundaries(d, type_, expected):
    p = period_for(d, type_)
    assert p.id == expected
    assert p.contains_date(d)
    assert current_period(d, type_) == p


def test_period_for_rejects_unknown_type():
    with pytest.raises(ValueError):
        period_for(D(2025, 1, 1), "week")


def test_every_day_falls_in_exactly_one_period_per_type():
    year = parse_period("2025")
    d = year.start
    while d <= year.end:
        for t in ("half", "quarter", "month"):
            hits = [p for p in periods_in_year(2025, t) if p.contains_date(d)]
            assert len(hits) == 1 and hits[0] == period_for(d, t)
        d += timedelta(days=1)


# --- relations -----------------------------------------------------------------------------


def test_contains():
    y, s1, s2 = parse_period("2025"), parse_period("2025S1"), parse_period("2025S2")
    assert y.contains(s1) and y.contains(s2) and y.contains(y)
    assert not s1.contains(y)
    assert s1.contains(parse_period("2025Q2")) and not s1.contains(parse_period("2025Q3"))
    assert s2.contains(parse_period("202507")) and not s2.contains(parse_period("202506"))
    assert not y.contains(parse_period("2026Q1"))
    assert y.contains_date(D(2024, 12, 15)) and not y.contains_date(D(2024, 12, 14))
    assert y.contains_date(D(2025, 12, 14)) and not y.contains_date(D(2025, 12, 15))


def ids(ps):
    return [p.id for p in ps]


def test_sub_periods():
    y = parse_period("2025")
    assert ids(y.sub_periods("half")) == ["2025S1", "2025S2"]
    assert ids(y.sub_periods("quarter")) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert ids(y.sub_periods("month")) == [f"2025{m:02d}" for m in range(1, 13)]
    assert ids(parse_period("2025S2").sub_periods("quarter")) == ["2025Q3", "2025Q4"]
    assert ids(parse_period("2025S2").sub_periods("month")) == [
        "202507", "202508", "202509", "202510", "202511", "202512"]
    assert ids(parse_period("2025Q1").sub_periods("month")) == ["202501", "202502", "202503"]
    assert ids(parse_period("2025Q1").sub_periods("quarter")) == ["2025Q1"]
    with pytest.raises(ValueError):
        parse_period("2025Q1").sub_periods("year")


def test_enclosing():
    assert parse_period("202506").enclosing("quarter").id == "2025Q2"
    assert parse_period("202506").enclosing("half").id == "2025S1"
    assert parse_period("202507").enclosing("half").id == "2025S2"
    assert parse_period("202512").enclosing("year").id == "2025"
    assert parse_period("2025Q3").enclosing("half").id == "2025S2"
    assert parse_period("2025S1").enclosing("half").id == "2025S1"
    with pytest.raises(ValueError):
        parse_period("2025").enclosing("month")


def test_previous_next_wrap_years():
    assert parse_period("202501").previous().id == "202412"
    assert parse_period("202412").next().id == "202501"
    assert parse_period("2025Q1").previous().id == "2024Q4"
    assert parse_period("2025Q4").next().id == "2026Q1"
    assert parse_period("2025S1").previous().id == "2024S2"
    assert parse_period("2025S2").next().id == "2026S1"
    assert parse_period("2025").previous().id == "2024"
    assert parse_period("2025").next().id == "2026"


def test_labels():
    assert parse_period("2025").label == "Năm 2025"
    assert parse_period("2025S1").label == "6 tháng đầu năm 2025"
    assert parse_period("2025S2").label == "6 tháng cuối năm 2025"
    assert parse_period("2025Q1").label == "Quý I năm 2025"
    assert parse_period("2025Q4").label == "Quý IV năm 2025"
    assert parse_period("202501").label == "Tháng 1 năm 2025"
    assert parse_period("202501").range_label == "từ 15/12/2024 đến 14/01/2025"


def test_periods_in_year_and_recent():
    assert len(periods_in_year(2025)) == 1 + 2 + 4 + 12
    assert ids(periods_in_year(2025, "half")) == ["2025S1", "2025S2"]
    assert ids(recent_periods(D(2025, 1, 20), "month", 3)) == ["202502", "202501", "202412"]
    assert ids(recent_periods(D(2025, 12, 15), "year", 2)) == ["2026", "2025"]
    assert recent_periods(D(2025, 1, 1), "year", 0) == []


def test_sort_key_chronological():
    ps = [parse_period(x) for x in ["2025", "2025S2", "202501", "2025Q1", "2024", "2025S1"]]
    assert ids(sorted(ps, key=lambda p: p.sort_key)) == [
        "2024", "202501", "2025Q1", "2025S1", "2025", "2025S2"]


# --- due dates --------------------------------------------------------------------------------


def test_due_dates_defaults_from_plan():
    assert due_date(parse_period("2025S1")) == D(2025, 6, 10)
    assert due_date(parse_period("2025")) == D(2025, 12, 10)
    assert due_date(parse_period("2025S2")) == D(2025, 12, 10)  # part of the annual report
    assert due_date(parse_period("2025Q1")) == D(2025, 3, 20)
    assert due_date(parse_period("2025Q4")) == D(2025, 12, 20)
    assert due_date(parse_period("202502")) == D(2025, 2, 20)


def test_due_dates_configurable():
    rules = DueRules(quarter_due_day=5, quarter_due_offset_months=1,
                     month_due_day=31, month_due_offset_months=1)
    assert due_date(parse_period("2025Q4"), rules) == D(2026, 1, 5)
    assert due_date(parse_period("202501"), rules) == D(2025, 2, 28)  # clamped
    assert due_date(parse_period("202401"), rules) == D(2024, 2, 29)
    rules = DueRules(half1_due_month=6, half1_due_day=20, year_due_day=20)
    assert due_date(parse_period("2025S1"), rules) == D(2025, 6, 20)
    assert due_date(parse_period("2025S2"), rules) == D(2025, 12, 20)


def test_days_left_and_overdue():
    s1 = parse_period("2025S1")
    assert days_left(s1, D(2025, 6, 9)) == 1  # last day to send "trước ngày 10/6"
    assert not is_overdue(s1, D(2025, 6, 9))
    assert days_left(s1, D(2025, 6, 10)) == 0
    assert is_overdue(s1, D(2025, 6, 10))
    assert days_left(s1, D(2025, 5, 31)) == 10
    assert days_left(s1, D(2025, 6, 15)) == -5


# --- action month -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, inside",
    [
        (D(2025, 11, 14), False),
        (D(2025, 11, 15), True),
        (D(2025, 12, 1), True),
        (D(2025, 12, 15), True),
        (D(2025, 12, 16), False),
        (D(2024, 11, 15), True),
        (D(2026, 1, 1), False),
    ],
)
def test_action_month(d, inside):
    assert in_action_month(d) is inside


def test_action_month_window_and_label():
    assert action_month_window(2025) == (D(2025, 11, 15), D(2025, 12, 15))
    assert ACTION_MONTH_LABEL.startswith("Tháng hành động vì bình đẳng giới")
    # 15/12 is in the action month but already belongs to the next report year.
    assert period_for(D(2025, 12, 15), "year").id == "2026"


def test_period_is_frozen():
    p = parse_period("2025")
    with pytest.raises(Exception):
        p.year = 2026  # type: ignore[misc]
    assert isinstance(p, Period)
