"""The main window fits every office screen (issue 9, item 2): a 1024×768 screen, a
1366×768 laptop less its taskbar, and that laptop at 125 % scaling — about 1093×582
logical pixels. No page may force the window bigger: pages scroll instead.

Offscreen (800×800 screen) these tests check sizes; ``docs/screenshots/fit_screens.py``
and ``.ci/run`` check the real thing under Xvfb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

from qnapp import i18n
from qnapp.demo import fill_demo
from qnapp.workspace import Workspace
from tests.core.bundles.parties import open_unit
from ui import settings
from ui.dialog_service import RecordingDialogService
from ui.main_window import NAV_ITEM_PADDING, MainWindow
from ui.pages.dashboard import DashboardPage

ROOT = Path(__file__).resolve().parents[2]
AT_125 = (1093, 582)  # 1366×(768 − 40) / 1.25: the smallest available area of the three
SMALL = (790, 540)  # smaller still: what every page must put up with by scrolling


@pytest.fixture
def district(tmp_path):
    ws = open_unit(tmp_path, "2021:199", "Lê Văn Huyện", with_key=False)  # Huyện Tiên Yên
    yield ws
    ws.close(backup_on_close=False)


@pytest.fixture
def demo(tmp_path):
    ws = Workspace.open(tmp_path / "demo.sqlite")
    fill_demo(ws, passphrase=None)
    yield ws
    ws.close(backup_on_close=False)


def open_window(qtbot, workspace) -> MainWindow:
    window = MainWindow(workspace, dialogs=RecordingDialogService())
    qtbot.addWidget(window)
    window.show_on_screen()
    qtbot.waitExposed(window)
    return window


def click_page(qtbot, window: MainWindow, row: int) -> None:
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.nav.currentRow() == row


@pytest.mark.parametrize("unit", ["district", "demo"])
def test_no_page_makes_the_window_bigger_than_a_125_percent_laptop(qtbot, request, unit):
    window = open_window(qtbot, request.getfixturevalue(unit))
    window.showNormal()
    window.resize(*SMALL)
    for row, title in enumerate(window.page_titles):
        click_page(qtbot, window, row)
        qtbot.wait(20)
        hint, minimum = window.minimumSizeHint(), window.minimumSize()
        assert hint.width() <= min(AT_125[0], 1000) and hint.height() <= AT_125[1], title
        assert minimum.width() <= min(AT_125[0], 1000) and minimum.height() <= AT_125[1], title
        assert window.size().toTuple() == SMALL, title  # the page scrolls, the window stays
        page = window.stack.currentWidget()
        if page.minimumSizeHint().width() > window.page_scroll.viewport().width():
            assert window.page_scroll.horizontalScrollBar().isVisible(), title
    assert window.statusBar().isVisible()


def test_navigation_shows_every_page_name_whole_in_both_languages(qtbot, district):
    settings.set_language("en")
    try:
        for language in ("vi", "en"):
            i18n.set_language(language)
            window = open_window(qtbot, district)
            metrics = window.nav.fontMetrics()
            for row, title in enumerate(window.page_titles):
                room = window.nav.visualItemRect(window.nav.item(row)).width()
                assert room >= metrics.horizontalAdvance(title) + 2 * NAV_ITEM_PADDING[1], (language, title)
            window.close()
    finally:
        i18n.set_language("vi")
    assert window.page_titles[-2:] == ["Receive and consolidate", "Progress on targets"]


def test_a_remembered_geometry_bigger_than_the_screen_does_not_win(qtbot, workspace):
    first = open_window(qtbot, workspace)
    available = first.available_geometry()
    assert first.maximise_on_show and first.isMaximized()  # nothing remembered yet
    qtbot.waitUntil(lambda: available.contains(first.frameGeometry()))
    first.showNormal()
    first.setGeometry(QRect(0, 0, available.width() + 600, available.height() + 400))
    first.close()  # remembered as it was, larger than this screen

    second = open_window(qtbot, workspace)
    qtbot.waitUntil(second.isMaximized)
    qtbot.waitUntil(lambda: available.contains(second.frameGeometry()))


def test_a_remembered_geometry_that_fits_is_kept(qtbot, workspace):
    first = open_window(qtbot, workspace)
    first.showNormal()
    first.setGeometry(QRect(20, 30, 780, 560))
    first.close()

    second = open_window(qtbot, workspace)
    assert second.geometry() == QRect(20, 30, 780, 560) and not second.maximise_on_show


def test_the_period_picker_wraps_its_dates_rather_than_widen_the_window(qtbot, workspace):
    window = open_window(qtbot, workspace)
    picker = window.period_picker
    assert picker.minimumSizeHint().width() < 600
    window.showNormal()
    window.resize(*SMALL)
    qtbot.wait(20)
    assert window.size().toTuple() == SMALL
    assert picker.due_label.text() == "Hạn gửi: trước 10/06/2025"  # whole, on more lines if need be
    assert picker.due_label.geometry().right() <= picker.width()


def test_dashboard_tiles_are_never_cut_at_the_right(qtbot, demo):
    page = DashboardPage(demo)
    qtbot.addWidget(page)
    page.resize(820, 700)  # what a 1024-pixel screen leaves beside the navigation
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(20)
    assert page.fitting_columns() == 1
    assert not page.scroll.horizontalScrollBar().isVisible()
    room = page.scroll.viewport().width()
    for tile in page.visible_tiles():
        assert tile.geometry().right() < room, tile.indicator.code
    page.resize(1400, 700)
    qtbot.wait(20)
    assert page.fitting_columns() == 2
    assert "Kỳ gần nhất có số liệu: <b>Năm 2025</b>." in page.summary_label.text()


def test_completeness_board_shows_unit_names_whole(qtbot, district):
    window = open_window(qtbot, district)
    window.showNormal()
    window.resize(*SMALL)
    click_page(qtbot, window, window.RECEIVE)
    page = window.receive_page
    page.tabs.setCurrentIndex(1)
    qtbot.wait(20)
    table, model = page.board_table, page.board_model
    names = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert "Thị trấn Tiên Yên" in names
    longest = max(table.fontMetrics().horizontalAdvance(name) for name in names)
    assert table.columnWidth(0) >= longest + 6


def test_screenshot_flag_reports_the_window_inside_the_screen(tmp_path):
    db_path = tmp_path / "qnapp.sqlite"
    ws = Workspace.open(db_path)
    ws.initialise("2025", "06862", "Nguyễn Thị Lan")
    ws.close(backup_on_close=False)
    png = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QNAPP_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "main.py", "--db", str(db_path), "--screenshot", str(png)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    assert report["fits"] is True and report["available"] == [0, 0, 800, 800]
    assert QRect(*report["available"]).contains(QRect(*report["frame"]))
    assert QImage(str(png)).size().toTuple() == (800, 800)
