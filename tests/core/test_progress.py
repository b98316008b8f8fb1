"""The latest period with data: where the dashboard opens (``qnapp.reports.progress``)."""

from __future__ import annotations

from qnapp.reports.progress import latest_period_with_data


def test_no_figures_no_period(workspace):
    assert latest_period_with_data(workspace) is None
    assert latest_period_with_data(workspace, "half") is None


def test_the_newest_report_period_holding_a_figure(workspace):
    births = {("2023S1", "LIVE_BIRTHS", "nam"): 21.0, ("2023S1", "LIVE_BIRTHS", "nu"): 19.0}
    workspace.apply_values(births)  # indicator 4.1, the sex ratio at birth
    # 2023S1 counts in the 2023 year too, which comes after it among the report periods.
    assert latest_period_with_data(workspace).id == "2023"
    assert latest_period_with_data(workspace, "half").id == "2023S1"

    workspace.apply_values({("2024S1", element, sex): value for (_p, element, sex), value in births.items()})
    assert latest_period_with_data(workspace).id == "2024"
    assert latest_period_with_data(workspace, "year").id == "2024"
    assert latest_period_with_data(workspace, "half").id == "2024S1"
