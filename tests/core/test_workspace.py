"""The service behind the grid and the register: rules a commune officer would notice."""

from datetime import date

import pytest

from qnapp.demo import fill_demo
from qnapp.errors import NotInitialisedError, QnappError, ValidationError
from qnapp.periods import parse_period
from qnapp.workspace import ActivityDraft, ActivityFilter, Workspace


def test_profile_is_kept_and_unit_is_tree_qualified(workspace, db_path):
    assert workspace.unit.full_name == "Thị trấn Tiên Yên"
    assert workspace.require_profile().unit_key == "2021:06862"
    workspace.close(backup_on_close=False)
    again = Workspace.open(db_path)
    try:
        assert again.officer == "Nguyễn Thị Lan"
    finally:
        again.close(backup_on_close=False)


def test_uninitialised_database_says_what_to_do(db_path):
    ws = Workspace.open(db_path)
    try:
        with pytest.raises(NotInitialisedError, match="qnapp init"):
            ws.grid("2025S1")
        with pytest.raises(QnappError):
            ws.initialise("2021", "99999", "A")
        with pytest.raises(ValidationError, match="họ tên"):
            ws.initialise("2021", "06862", "   ")
        assert not ws.is_initialised
    finally:
        ws.close(backup_on_close=False)


def test_vietnamese_number_is_parsed_and_stored(workspace):
    assert workspace.set_cell("2025", "POP_6PLUS", "nam", "5.120") == 5120
    assert workspace.stored_values("2025")[("POP_6PLUS", "nam")] == 5120


@pytest.mark.parametrize(
    "text, message",
    [("-3", "âm"), ("abc", "không phải là số"), ("2,5", "số nguyên"), ("1.23.4", "viết chưa đúng")],
)
def test_bad_value_is_refused_and_nothing_stored(workspace, text, message):
    with pytest.raises(ValidationError, match=message):
        workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", text)
    assert workspace.stored_values("2025S1") == {}


def test_parts_larger_than_total_are_refused(workspace):
    workspace.set_cell("2025S1", "LIVE_BIRTHS", "", "100")
    workspace.set_cell("2025S1", "LIVE_BIRTHS", "nam", "60")
    with pytest.raises(ValidationError, match="lớn hơn tổng số"):
        workspace.set_cell("2025S1", "LIVE_BIRTHS", "nu", "41")
    assert ("LIVE_BIRTHS", "nu") not in workspace.stored_values("2025S1")
    # A total above nam + nữ is fine: some births may have no recorded sex.
    workspace.set_cell("2025S1", "LIVE_BIRTHS", "nu", "39")


def test_numerator_larger_than_denominator_is_refused(workspace):
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "5")
    with pytest.raises(ValidationError, match="lớn hơn"):
        workspace.set_cell("2025S1", "GBV_VICTIMS_SUPPORTED", "nu", "6")
    # Lowering the whole below an existing part is refused too.
    workspace.set_cell("2025S1", "GBV_VICTIMS_SUPPORTED", "nu", "4")
    with pytest.raises(ValidationError):
        workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "3")
    assert workspace.stored_values("2025S1")[("GBV_VICTIMS", "nu")] == 5


def test_category_and_period_type_are_checked(workspace):
    with pytest.raises(ValidationError, match="không tách theo giới tính"):
        workspace.set_cell("2025S1", "MATERNAL_DEATHS", "nu", "1")
    with pytest.raises(ValidationError, match="6 tháng"):
        workspace.set_cell("2025", "GBV_VICTIMS", "nu", "1")


def test_clearing_a_cell_removes_the_value_and_is_audited(workspace):
    workspace.set_cell("2025S1", "MATERNAL_DEATHS", "", "1")
    workspace.set_cell("2025S1", "MATERNAL_DEATHS", "", "")
    assert workspace.stored_values("2025S1") == {}
    changes = [r for r in workspace.store.audit_log("value")]
    assert [(r["old"], r["new"]) for r in changes][:2] == [(1.0, None), (None, 1.0)]
    assert changes[0]["who"] == "Nguyễn Thị Lan"


def test_year_derives_half_year_counts_never_typed_twice(workspace):
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "4")
    workspace.set_cell("2025S2", "GBV_VICTIMS", "nu", "3")
    workspace.set_cell("2025S1", "GBV_VICTIMS_SUPPORTED", "nu", "4")
    workspace.set_cell("2025S2", "GBV_VICTIMS_SUPPORTED", "nu", "2")
    year = workspace.grid("2025")
    row = next(r for r in year.rows() if r.element.code == "GBV_VICTIMS")
    assert row.values["nu"] == 7 and not row.editable
    result = next(b.result for o in year.objectives for b in o.indicators if b.indicator.code == "3.2a")
    assert result.value == pytest.approx(600 / 7)
    assert result.met_2025 is True and result.met_2030 is False


def test_half_year_carries_the_year_stock_for_indicators(workspace):
    workspace.set_cell("2025", "WOMEN_15_19", "", "400")
    workspace.set_cell("2025S1", "BIRTHS_MOTHERS_15_19", "", "4")
    results = {r.indicator.code: r for r in workspace.indicator_results("2025S1")}
    assert results["4.3"].value == pytest.approx(10.0)
    assert results["4.3"].met_2025 is True


def test_grid_groups_rows_under_objectives_and_reports_completeness(workspace):
    grid = workspace.grid("2025S1")
    assert [o.number for o in grid.objectives] == sorted(o.number for o in grid.objectives)
    codes = [r.element.code for r in grid.rows()]
    assert len(codes) == len(set(codes)), "an element is entered in one place only"
    filled, expected = grid.completeness()
    assert filled == 0 and expected > 0
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nam", "1")
    assert workspace.grid("2025S1").completeness() == (1, expected)


def test_activity_validation_and_action_month(workspace):
    with pytest.raises(ValidationError) as err:
        workspace.add_activity(ActivityDraft(date=date(2025, 11, 20), type="tap_huan", title=" "))
    assert "tên hoạt động" in str(err.value) and "mục tiêu" in str(err.value)
    assert workspace.activities() == []
    added = workspace.add_activity(
        ActivityDraft(date=date(2025, 11, 20), type="tap_huan", title="Tập huấn  Luật Bình đẳng giới",
                      participants_male=3, participants_female=7, objectives=(6, 3))
    )
    assert added.title == "Tập huấn Luật Bình đẳng giới" and added.objectives == (3, 6)
    from qnapp.workspace import in_action_month

    assert in_action_month(added)
    assert workspace.activities(ActivityFilter(text="tap huan binh dang")) == [added]
    assert workspace.activities(ActivityFilter(objective=1)) == []
    workspace.delete_activity(added.id)
    assert workspace.activities() == []
    assert workspace.store.audit_log("activity")[0]["action"] == "delete"


def test_demo_fills_a_living_commune(db_path):
    ws = Workspace.open(db_path)
    try:
        summary = fill_demo(ws)
        assert {"2024S1", "2024S2", "2025S1"} <= set(summary.periods)
        assert summary.activities >= 10
        results = {r.indicator.code: r.value for r in ws.indicator_results("2024")}
        assert results["3.2a"] == pytest.approx(100 * 10 / 11)  # 2024: (6 + 4) of (7 + 4) victims
        assert any(a.date.month in (11, 12) for a in ws.activities())
        with pytest.raises(QnappError):
            fill_demo(ws)
    finally:
        ws.close(backup_on_close=False)


def test_periods_outside_the_units_tree_are_refused(workspace):
    # The 2021 tree ended on 30/6/2025: a 2021 commune cannot report for 2026.
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        workspace.set_cell("2026S1", "GBV_VICTIMS", "nu", "1")
    # Its last report was 2025S1 (due 10/6/2025); S2 fell due after the tree ended.
    assert workspace.current_period(date(2026, 11, 30)).id == "2025S1"
    assert workspace.current_period(date(2026, 11, 30), "year").id == "2024"


def test_new_tree_units_start_on_1_july_2025(db_path):
    ws = Workspace.open(db_path)
    try:
        ws.initialise("2025", "06652", "Lê Văn An")
        with pytest.raises(ValidationError, match="chưa có hiệu lực"):
            ws.set_cell("2025S1", "GBV_VICTIMS", "nu", "1")
        ws.set_cell("2025S2", "GBV_VICTIMS", "nu", "1")
    finally:
        ws.close(backup_on_close=False)


def test_results_are_judged_against_the_milestone_of_their_period(workspace):
    workspace.set_cell("2025S1", "GBV_VICTIMS", "nu", "10")
    workspace.set_cell("2025S1", "GBV_VICTIMS_SUPPORTED", "nu", "8")
    result = {r.indicator.code: r for r in workspace.indicator_results("2025S1")}["3.2a"]
    assert result.milestone == 2025 and result.met is True and result.met_2030 is False


def test_a_commune_sees_its_own_share_for_the_quarterly_news_target(workspace):
    for quarter, count in (("2025Q1", "4"), ("2025Q2", "5")):
        workspace.set_cell(quarter, "GE_NEWS_ITEMS", "", count)
    assert {r.indicator.code: r.value for r in workspace.indicator_results("2025S1")}["6.3"] == 100.0
    workspace.set_cell("2025Q2", "GE_NEWS_ITEMS", "", "3")  # below the plan's 04 a quarter
    result = {r.indicator.code: r for r in workspace.indicator_results("2025S1")}["6.3"]
    assert result.value == 0.0 and result.met is False
    # A quarter not yet recorded leaves the half-year undecided.
    assert {r.indicator.code: r.value for r in workspace.indicator_results("2025")}["6.3"] is None


def test_recent_periods_stay_inside_the_units_tree(workspace, db_path):
    # A 2021 commune can still pick year 2025 (for the stocks its S1 report uses) but not 2026.
    years = [p.id for p in workspace.recent_periods("year", 3, today=date(2026, 11, 30))]
    assert years == ["2025", "2024", "2023"]
    halves = [p.id for p in workspace.recent_periods("half", 2, today=date(2024, 8, 1))]
    assert halves == ["2024S2", "2024S1"]


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2025, 7, 1), date(2025, 6, 20)])
def test_periods_after_the_units_tree_ended_are_not_offered(workspace, today):
    # The 2021 tree ended on 30/06/2025; its last month window closed on 14/06/2025, so a
    # 2021 commune is never offered 2025S2, 2025Q3 or 202507 (they start on 15/06/2025).
    def offered(period_type):
        return [p.id for p in workspace.recent_periods(period_type, 3, today=today)]

    assert offered("half") == ["2025S1", "2024S2", "2024S1"]
    assert offered("quarter") == ["2025Q2", "2025Q1", "2024Q4"]
    assert offered("month") == ["202506", "202505", "202504"]
    assert offered("year") == ["2025", "2024", "2023"]
    for period_type in ("half", "quarter", "month"):
        assert workspace.current_period(today, period_type).id in offered(period_type)
    assert not workspace.offers_period(parse_period("2025S2"))
    assert workspace.offers_period(parse_period("2025")) and workspace.offers_period(parse_period("2025S1"))


def test_a_unit_of_the_current_tree_is_offered_the_period_under_way(db_path):
    ws = Workspace.open(db_path)
    try:
        ws.initialise("2025", "06652", "Lê Văn An")
        today = date(2026, 11, 30)
        assert [p.id for p in ws.recent_periods("half", 3, today=today)] == ["2026S2", "2026S1", "2025S2"]
        assert ws.current_period(today).id == "2026S2"
    finally:
        ws.close(backup_on_close=False)
