"""«Tiến độ mục tiêu»: the dashboard draws the core's progress figures.

The demo commune (Thị trấn Tiên Yên) gives hand-computable points: indicator 3.2a (people
subjected to violence who got support) is 6/7 in 6T đầu 2024, 10/11 for 2024 (S1 1+5 of
1+6, S2 0+4 of 0+4) and 5/6 in 2025. A district (Huyện Tiên Yên, 11 communes) imports a
few communes' signed bundles, on time, late and corrected, for its received-reports chart.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from qnapp.bundles.ledger import import_bundle
from qnapp.demo import fill_demo
from qnapp.reports.builder import verdict
from qnapp.reports.progress import progress_table
from qnapp.workspace import Workspace
from tests.core.bundles.forge import Signer
from tests.core.bundles.parties import make_bundle, open_unit, trust_signer
from ui.main_window import MainWindow
from ui.models.progress_model import FIG_MET, FIG_PERIOD, FIG_VALUE, VALUE_ROLE
from ui.pages.dashboard import NOT_APPLICABLE, DashboardPage
from ui.pages.dashboard_tiles import VALUE_COLOUR
from ui.widgets.chart import Line

TIEN_YEN, HA_LAU, DAI_DUC = "2021:06862", "2021:06865", "2021:06868"
DISTRICT = "2021:199"  # Huyện Tiên Yên: 11 communes


@pytest.fixture
def demo(tmp_path):
    ws = Workspace.open(tmp_path / "demo.sqlite")
    fill_demo(ws, passphrase=None)  # no signing key: nothing here signs
    yield ws
    ws.close(backup_on_close=False)


def make_page(qtbot, ws) -> DashboardPage:
    page = DashboardPage(ws)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def points(series: Line) -> list[tuple[float, float]]:
    return [(x, round(y, 3)) for x, y in series.points]


def table(tile) -> list[tuple[str, str, str]]:
    model = tile.model
    return [tuple(model.index(r, c).data() for c in (FIG_PERIOD, FIG_VALUE, FIG_MET))
            for r in range(model.rowCount())]


def latest_verdict(ws: Workspace, code: str, period_type: str | None) -> str:
    """The core's verdict on the latest period with a value (what the badge must say)."""
    rows = [r for r in progress_table(ws, period_type=period_type)
            if r.indicator.code == code and r.value is not None]
    return verdict(rows[-1].met if rows else None)


def has_colour(image, colour: QColor, tolerance: int = 40) -> bool:
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
                    + abs(pixel.blue() - colour.blue())) < tolerance:
                return True
    return False


def test_all_24_targets_have_a_tile_and_other_levels_say_so(qtbot, demo):
    page = make_page(qtbot, demo)
    assert page.grab().width() > 0
    assert len(page.tiles) == 24
    assert list(page.tiles) == [i.code for i in demo.catalog.indicators]
    mine = {i.code for i in demo.catalog.indicators_for("commune")}
    assert len(mine) == 12
    for code, tile in page.tiles.items():
        if code in mine:
            assert tile.applies and tile.state != NOT_APPLICABLE
        else:
            assert tile.state == NOT_APPLICABLE and tile.chart is None and tile.model is None
            assert tile.badge.text() == "Không áp dụng ở cấp này"
    assert page.tiles["1.2"].targets_label.text() == "Mục tiêu 2025: ≥ 80% · Mục tiêu 2030: ≥ 90%"
    # It opens on the commune's own indicators, not on «Không áp dụng» tiles.
    assert page.level_only.isChecked()
    assert {t.indicator.code for t in page.visible_tiles()} == mine
    assert not page.objective_headers[2].isVisible()  # objective 2 is the province's only

    page.level_only.setChecked(False)
    assert len(page.visible_tiles()) == 24
    page.level_only.setChecked(True)
    assert {t.indicator.code for t in page.visible_tiles()} == mine


def test_demo_commune_charts_hold_the_figures_and_targets(qtbot, demo):
    page = make_page(qtbot, demo)
    tile = page.tiles["3.2a"]
    assert [s.name for s in tile.chart.lines] == ["Giá trị", "Mục tiêu 2025", "Mục tiêu 2030"]

    # Default axis: the report periods, as the year-end report's «Phụ lục II».
    assert points(tile.series("Giá trị")) == [(0, 85.714), (1, 90.909), (2, 83.333), (3, 83.333)]
    assert table(tile) == [("6T đầu 2024", "85,7%", "Đạt"), ("2024", "90,9%", "Đạt"),
                           ("6T đầu 2025", "83,3%", "Đạt"), ("2025", "83,3%", "Đạt")]
    assert {y for _x, y in points(tile.series("Mục tiêu 2025"))} == {80}
    assert {y for _x, y in points(tile.series("Mục tiêu 2030"))} == {90}
    # The target lines span every period.
    assert [x for x, _y in points(tile.series("Mục tiêu 2025"))] == [-0.5, 3.5]
    assert [label for label, _start, _end in tile.chart.x_labels] == ["2024", "2025"]
    # The value axis speaks Vietnamese: 113,7 … 108,0 around the ceilings 111 and 109.
    assert page.tiles["4.1"].chart.y_labels() == ["105,0", "107,5", "110,0", "112,5", "115,0"]

    page.set_period_type("year")
    assert points(tile.series("Giá trị")) == [(0, 90.909), (1, 83.333)]  # 10/11, 5/6
    assert table(tile) == [("2024", "90,9%", "Đạt"), ("2025", "83,3%", "Đạt")]
    assert tile.model.index(0, FIG_VALUE).data(VALUE_ROLE) == pytest.approx(1000 / 11)
    assert [x for x, _y in points(tile.series("Mục tiêu 2030"))] == [-0.5, 1.5]
    assert tile.badge.text() == "Đạt"
    assert tile.latest_label.text() == "Mới nhất: <b>83,3%</b> (Năm 2025)"

    page.set_period_type("half")  # S2 2024: 4 of 4; S2 2025 holds other figures, not these
    assert points(tile.series("Giá trị")) == [(0, 85.714), (1, 100.0), (2, 83.333)]
    assert table(tile) == [("6T đầu 2024", "85,7%", "Đạt"), ("6T cuối 2024", "100,0%", "Đạt"),
                           ("6T đầu 2025", "83,3%", "Đạt"), ("6T cuối 2025", "", "Chưa có số liệu")]

    # A sex ratio at birth judged against a ceiling: 2024 is 113/… above 111.
    page.set_period_type("year")
    sex_ratio = page.tiles["4.1"]
    assert table(sex_ratio) == [("2024", "112,3", "Chưa đạt"), ("2025", "108,0", "Đạt")]
    assert {y for _x, y in points(sex_ratio.series("Mục tiêu 2025"))} == {111}
    assert {y for _x, y in points(sex_ratio.series("Mục tiêu 2030"))} == {109}

    # The chart is really drawn: the value line's colour is on the grabbed tile.
    assert has_colour(tile.chart.grab().toImage(), VALUE_COLOUR)


def test_badges_follow_the_core_and_refresh(qtbot, demo):
    page = make_page(qtbot, demo)
    for period_type in (None, "year", "half"):
        page.set_period_type(period_type)
        for code, tile in page.tiles.items():
            if tile.applies:
                assert tile.badge.text() == latest_verdict(demo, code, period_type), (code, period_type)
    page.set_period_type("year")
    assert page.tiles["3.2a"].state == "met"
    # 6.3 (≥ 4 news items every quarter) has 2025 figures for two quarters only.
    assert table(page.tiles["6.3"])[-1] == ("2025", "", "Chưa có số liệu")

    # The second half of 2025: 4 more people subjected to violence, only 1 supported:
    # 2025 is then 6 of 10 = 60 % < 80 %.
    demo.apply_values({("2025S2", "GBV_VICTIMS", "nam"): 0.0, ("2025S2", "GBV_VICTIMS", "nu"): 4.0,
                       ("2025S2", "GBV_VICTIMS_SUPPORTED", "nam"): 0.0,
                       ("2025S2", "GBV_VICTIMS_SUPPORTED", "nu"): 1.0})
    page.refresh()
    tile = page.tiles["3.2a"]
    assert tile.badge.text() == "Chưa đạt" and tile.state == "not_met"
    assert tile.latest_label.text() == "Mới nhất: <b>60,0%</b> (Năm 2025)"
    assert points(tile.series("Giá trị"))[-1] == (1, 60.0)
    off_track = sum(latest_verdict(demo, t.indicator.code, "year") == "Chưa đạt"
                    for t in page.tiles.values() if t.applies)
    assert off_track == 2  # 3.2a now, and 6.3 (2024: a quarter with 3 items)
    assert "<b>2</b> chưa đạt" in page.summary_label.text()


def test_figures_model_passes_the_model_tester(qtbot, qtmodeltester, demo):
    page = make_page(qtbot, demo)
    qtmodeltester.check(page.tiles["3.2a"].model)
    qtmodeltester.check(page.tiles["5.2a"].model)


def test_a_unit_without_figures_shows_no_data_not_an_error(qtbot, workspace):
    page = make_page(qtbot, workspace)  # the conftest commune: nothing entered
    applicable = [t for t in page.tiles.values() if t.applies]
    assert len(applicable) == 12
    for tile in applicable:
        assert (tile.state, tile.badge.text()) == ("no_data", "Chưa có số liệu")
        assert tile.model.rowCount() == 0 and len(tile.series("Giá trị").points) == 0
        assert len(tile.series("Mục tiêu 2025").points) == 2  # the targets are still drawn
    assert page.receipts_chart is None  # a commune receives nothing


def test_yes_no_targets_show_a_status_not_a_line(qtbot, tmp_path):
    province = Workspace.open(tmp_path / "tinh.sqlite")
    try:
        province.initialise("2025", "22", "Trần Thị Tỉnh")  # the 2025 province
        province.apply_values({("2025", "LGBT_HEALTH_FACILITIES", ""): 1.0,
                               ("2025", "GE_CURRICULUM_TEACHER_TRAINING", ""): 0.0})
        page = make_page(qtbot, province)
        assert all(t.applies for t in page.tiles.values())  # the province follows all 24
        yes, no = page.tiles["4.4"], page.tiles["5.1"]
        for tile in (yes, no):
            assert tile.chart is None and tile.status_label is not None
        assert "Có" in yes.status_label.text() and yes.badge.text() == "Đạt"
        assert "Không" in no.status_label.text() and no.badge.text() == "Chưa đạt"
        # Year figures, a stock seen from the half-year too.
        assert table(yes) == [("6T đầu 2025", "Có", "Đạt"), ("2025", "Có", "Đạt")]
        assert table(no) == [("6T đầu 2025", "Không", "Chưa đạt"), ("2025", "Không", "Chưa đạt")]
    finally:
        province.close(backup_on_close=False)


# --- a parent --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signers() -> dict[str, Signer]:
    return {key: Signer.new(key) for key in (TIEN_YEN, HA_LAU, DAI_DUC)}


def take(ws, signer, values, *, day, **kw):
    built = make_bundle(signer, values, **kw)
    outcome = import_bundle(ws, built.data, file_name=f"{signer.unit}.zip", today=day)
    assert outcome.status == "accepted", outcome
    return built


def victims(total: int, supported: int) -> dict:
    return {("GBV_VICTIMS", "nu"): total, ("GBV_VICTIMS_SUPPORTED", "nu"): supported}


@pytest.fixture
def district(tmp_path, signers):
    """Huyện Tiên Yên with three communes' reports: for 2025S1 (due before 10/6/2025) Tiên
    Yên on time, Hà Lâu late, Đại Dực on time then corrected; for 2025 Tiên Yên only."""
    ws = open_unit(tmp_path, DISTRICT, "Lê Văn Huyện", with_key=False)
    for signer in signers.values():
        trust_signer(ws, signer)
    take(ws, signers[TIEN_YEN], victims(5, 4), day=date(2025, 6, 5))
    take(ws, signers[HA_LAU], victims(2, 2), day=date(2025, 6, 20))
    first = take(ws, signers[DAI_DUC], victims(3, 1), day=date(2025, 6, 1))
    take(ws, signers[DAI_DUC], victims(3, 3), revision=2, supersedes=first.digest, day=date(2025, 6, 25))
    take(ws, signers[TIEN_YEN], victims(10, 8), period="2025", day=date(2025, 12, 5))
    yield ws
    ws.close(backup_on_close=False)


def test_a_parent_charts_consolidated_values_and_reports_received(qtbot, qtmodeltester, district):
    page = make_page(qtbot, district)
    assert page.is_parent and len(page.children) == 11
    assert page.grab().width() > 0

    # Consolidated: 2025S1 (4 + 2 + 3) / (5 + 2 + 3) = 90 %; 2025: Tiên Yên's 8/10.
    tile = page.tiles["3.2a"]
    assert points(tile.series("Giá trị")) == [(0, 90.0), (1, 80.0)]
    assert table(tile) == [("6T đầu 2025", "90,0%", "Đạt"), ("2025", "80,0%", "Đạt")]

    bars = page.receipts_series()
    assert {s.label: s.values for s in bars} == {
        "Đúng hạn": [1, 1], "Muộn": [1, 0], "Đã sửa": [1, 0], "Chưa gửi": [8, 10]}
    model = page.receipts_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["6 tháng đầu năm 2025", "Năm 2025"]
    assert [[model.index(r, c).data() for c in range(1, 5)] for r in range(2)] == [
        ["1", "1", "1", "8"], ["1", "0", "0", "10"]]
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Chưa gửi"
    qtmodeltester.check(model)
    qtmodeltester.check(tile.model)
    assert has_colour(page.receipts_chart.grab().toImage(), QColor("#e57373"))


def test_the_main_window_builds_the_page_on_first_visit(qtbot, demo):
    window = MainWindow(demo)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.page_titles[window.DASHBOARD] == "Tiến độ mục tiêu"
    assert window.page_actions[window.DASHBOARD].shortcut().toString() == "Ctrl+5"
    assert window._dashboard_page is None
    window.page_actions[window.DASHBOARD].trigger()
    page = window.dashboard_page
    assert window.stack.currentWidget() is page
    assert not window.period_picker.isVisible()
    window.nav.setCurrentRow(window.ENTRY)
    assert window.period_picker.isVisible()
    window.nav.setCurrentRow(window.DASHBOARD)
    assert window.dashboard_page is page  # built once
    window.close()
