"""The main window: a navigation list on the left, one page at a time on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qnapp.i18n import _
from qnapp.workspace import Workspace
from ui import ops
from ui.dialog_service import DialogService
from ui.pages.home import HomePage
from ui.widgets.period_picker import PeriodPicker


class MainWindow(QMainWindow):
    HOME, ENTRY, ACTIVITIES = range(3)

    def __init__(self, workspace: Workspace, *, demo: bool = False, dialogs: DialogService | None = None):
        super().__init__()
        self.workspace = workspace
        self.dialogs = dialogs or DialogService()
        unit = workspace.unit
        title = _("qnapp – {unit}").format(unit=unit.full_name)
        if demo:
            title = _("{title} (dữ liệu mẫu)").format(title=title)
        self.setWindowTitle(title)
        self.resize(1180, 760)

        self.period_picker = PeriodPicker(workspace)
        period_id = self.period_picker.period_id
        self.home_page = HomePage(workspace, period_id)
        # The other pages are built when first shown: the first paint waits for none of them.
        self._entry_page = None
        self._activities_page = None

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Chuyển trang"))
        self.nav.addItems([_("Trang chủ"), _("Nhập số liệu"), _("Hoạt động")])
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        for page in (self.home_page, QWidget(), QWidget()):
            self.stack.addWidget(page)

        right = QVBoxLayout()
        right.addWidget(self.period_picker)
        right.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel(
            _("Cán bộ: {officer} · Đơn vị: {unit}").format(officer=workspace.officer, unit=unit.full_name)
        )
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_menu()

        self.nav.currentRowChanged.connect(self.show_page)
        self.period_picker.periodChanged.connect(self._period_changed)
        self.nav.setCurrentRow(self.HOME)

    @property
    def entry_page(self):
        if self._entry_page is None:
            from ui.pages.entry import EntryPage

            self._entry_page = EntryPage(self.workspace, self.period_picker.period_id)
            self._entry_page.valuesChanged.connect(self.home_page.refresh)
            self._put_page(self.ENTRY, self._entry_page)
        return self._entry_page

    @property
    def activities_page(self):
        if self._activities_page is None:
            from ui.pages.activities import ActivitiesPage

            self._activities_page = ActivitiesPage(self.workspace, dialogs=self.dialogs)
            self._put_page(self.ACTIVITIES, self._activities_page)
        return self._activities_page

    def _put_page(self, index: int, page: QWidget) -> None:
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(_("&Tệp"))
        self.backup_action = QAction(_("&Sao lưu ngay"), self)
        self.backup_action.triggered.connect(self.backup_now)
        menu.addAction(self.backup_action)
        menu.addSeparator()
        quit_action = QAction(_("&Thoát"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        go = self.menuBar().addMenu(_("T&rang"))
        for row, (label, keys) in enumerate(
            ((_("Trang chủ"), "Ctrl+1"), (_("Nhập số liệu"), "Ctrl+2"), (_("Hoạt động"), "Ctrl+3"))
        ):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, r=row: self.nav.setCurrentRow(r))
            go.addAction(action)

    def show_page(self, index: int) -> None:
        if index == self.ENTRY:  # pages are built on their first visit
            self.entry_page
        elif index == self.ACTIVITIES:
            self.activities_page
        self.stack.setCurrentIndex(index)
        self.period_picker.setVisible(index != self.ACTIVITIES)  # activities filter by date
        if index == self.ENTRY:
            self.entry_page.table.setFocus()

    def _period_changed(self, period_id: str) -> None:
        self.home_page.set_period(period_id)
        if self._entry_page is not None:
            self._entry_page.set_period(period_id)

    def backup_now(self) -> None:
        self.backup_action.setEnabled(False)
        self.statusBar().showMessage(_("Đang sao lưu…"))
        ops.run_in_background(
            self, self.workspace.backup_now, self._backup_done, self._backup_failed
        )

    def _backup_done(self, path: Path) -> None:
        self.backup_action.setEnabled(True)
        self.statusBar().showMessage(_("Đã sao lưu vào {path}").format(path=path), 15000)

    def _backup_failed(self, err: BaseException) -> None:
        self.backup_action.setEnabled(True)
        self.statusBar().clearMessage()
        ops.show_error(self, err, self.dialogs)
