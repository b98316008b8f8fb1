"""The main window: a navigation list on the left, one page at a time on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from qnapp import backup, backup_health
from qnapp.i18n import _
from qnapp.resources import resource_path
from qnapp.workspace import Workspace
from ui import ops, settings
from ui.dialog_service import DialogService
from ui.pages.home import HomePage
from ui.widgets.page_stack import PageStack, scrolling
from ui.widgets.period_picker import PeriodPicker

NAV_ITEM_PADDING = (8, 6)  # vertical, horizontal: room around each page name


class NavList(QListWidget):
    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt's name
        """Typed letters never switch the page (a figure typed here would go astray)."""


class MainWindow(QMainWindow):
    HOME, ENTRY, ACTIVITIES, SEND, RECEIVE = range(5)

    def __init__(self, workspace: Workspace, *, demo: bool = False, dialogs: DialogService | None = None):
        super().__init__()
        self.workspace = workspace
        self.dialogs = dialogs or DialogService()
        unit = workspace.unit
        # Ends with the application's name, so Qt does not append it (setApplicationDisplayName) again.
        title = _("{unit} (dữ liệu mẫu) — qnapp") if demo else _("{unit} — qnapp")
        self.setWindowTitle(title.format(unit=unit.full_name))
        self.setWindowIcon(QIcon(str(resource_path("icons", "qnapp.png"))))
        self.maximise_on_show = False  # set by fit_to_screen when nothing remembered fits
        self.restore_choice = None  # a backup chosen to restore: ui/app.py restores after closing

        self.period_picker = PeriodPicker(workspace)
        period_id = self.period_picker.period_id
        self.home_page = HomePage(workspace, period_id)
        # The other pages are built when first shown: the first paint waits for none of them.
        self._entry_page = None
        self._activities_page = None
        self._send_page = None
        self._receive_page = None
        self._dashboard_page = None
        self.receives = workspace.has_children()
        self.page_titles = [_("Trang chủ"), _("Nhập số liệu"), _("Hoạt động"), _("Gửi báo cáo")]
        if self.receives:
            self.page_titles.append(_("Nhận và tổng hợp"))
        # «Tiến độ mục tiêu» comes last for every unit, so the other pages keep their Ctrl+n.
        self.DASHBOARD = len(self.page_titles)
        self.page_titles.append(_("Tiến độ mục tiêu"))

        self.nav = NavList()
        self.nav.setAccessibleName(_("Chuyển trang"))
        self.nav.addItems(self.page_titles)
        self.nav.setStyleSheet("QListWidget::item {{ padding: {}px {}px; }}".format(*NAV_ITEM_PADDING))
        self.nav.setFixedWidth(self._nav_width())
        self.stack = PageStack()
        self.stack.addWidget(self.home_page)
        for _index in self.page_titles[1:]:
            self.stack.addWidget(QWidget())

        right = QVBoxLayout()
        self.demo_banner = self._demo_banner() if demo else None
        if self.demo_banner is not None:
            right.addWidget(self.demo_banner)
        right.addWidget(self.period_picker)
        self.page_scroll = scrolling(self.stack)  # a page wider or taller than the screen scrolls
        right.addWidget(self.page_scroll, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel(
            _("Cán bộ: {officer} · Đơn vị: {unit}").format(officer=workspace.officer, unit=unit.full_name)
        )
        self.status_label.setContentsMargins(0, 0, 8, 0)  # not flush with a maximised window's edge
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_menu()

        self.nav.currentRowChanged.connect(self.show_page)
        self.home_page.stepChosen.connect(self.go_to_step)
        self.period_picker.periodChanged.connect(self._period_changed)
        self.period_picker.periodChosen.connect(self._period_chosen)
        self.period_picker.textTyped.connect(self._typed_in_picker)
        self.nav.setCurrentRow(self.HOME)
        self.fit_to_screen()

    def _nav_width(self) -> int:
        """As wide as the longest page name in the current language, from the font."""
        metrics = self.nav.fontMetrics()
        text = max(metrics.horizontalAdvance(title) for title in self.page_titles)
        items = max(text + 2 * NAV_ITEM_PADDING[1], self.nav.sizeHintForColumn(0))
        return items + 2 * self.nav.frameWidth() + metrics.averageCharWidth() * 2

    @staticmethod
    def _demo_banner() -> QLabel:
        """The demo's key passphrase is public (qnapp.demo): shown, so a demo export works."""
        from qnapp.demo import DEMO_PASSPHRASE

        banner = QLabel(_("Dữ liệu mẫu — mật khẩu khóa ký: {passphrase}").format(passphrase=DEMO_PASSPHRASE))
        banner.setObjectName("demoBanner")
        banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner.setStyleSheet("background: #fff8e1; color: #5d4037; padding: 4px 8px;")
        return banner

    def restore_geometry(self) -> bool:
        """The size and place the window had when last closed on this PC."""
        geometry = settings.app_settings().value(settings.GEOMETRY_KEY)
        return isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)

    def available_geometry(self) -> QRect:
        """The room the screen under the window leaves (taskbar excluded)."""
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        return (screen or QGuiApplication.primaryScreen()).availableGeometry()

    def fit_to_screen(self) -> None:
        """The remembered size and place when they fit this screen; else the whole
        available area, maximised (a window remembered from a bigger screen never wins)."""
        if self.restore_geometry() and self.available_geometry().contains(self.geometry()):
            return
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMaximized)
        self.setGeometry(self.available_geometry())
        self.maximise_on_show = True

    def show_on_screen(self) -> None:
        """``show()``, maximised when ``fit_to_screen`` said so."""
        if self.maximise_on_show:
            self.showMaximized()
            return
        self.show()
        QTimer.singleShot(0, self._keep_frame_inside)

    def _keep_frame_inside(self) -> None:
        """Qt shrinks a remembered geometry bigger than the screen, but its frame (title
        bar) may still stick out, known only once shown: then maximise."""
        if not self.isMaximized() and not self.available_geometry().contains(self.frameGeometry()):
            self.maximise_on_show = True
            self.showMaximized()

    def save_geometry(self) -> None:
        store = settings.app_settings()
        store.setValue(settings.GEOMETRY_KEY, self.saveGeometry())
        store.sync()

    @property
    def entry_page(self):
        if self._entry_page is None:
            from ui.pages.entry import EntryPage

            self._entry_page = EntryPage(self.workspace, self.period_picker.period_id, dialogs=self.dialogs)
            self._entry_page.valuesChanged.connect(self.home_page.refresh)
            self._entry_page.lockChanged.connect(self._lock_changed)
            self._put_page(self.ENTRY, self._entry_page)
        return self._entry_page

    @property
    def activities_page(self):
        if self._activities_page is None:
            from ui.pages.activities import ActivitiesPage

            self._activities_page = ActivitiesPage(self.workspace, dialogs=self.dialogs)
            self._put_page(self.ACTIVITIES, self._activities_page)
        return self._activities_page

    @property
    def send_page(self):
        if self._send_page is None:
            from ui.pages.send import SendPage

            self._send_page = SendPage(self.workspace, dialogs=self.dialogs, period_id=self.period_picker.period_id)
            self._send_page.lockChanged.connect(self._lock_changed)
            self._put_page(self.SEND, self._send_page)
        return self._send_page

    @property
    def receive_page(self):
        """«Nhận và tổng hợp», only for a unit with children (None otherwise)."""
        if self._receive_page is None and self.receives:
            from ui.pages.receive import ReceivePage

            self._receive_page = ReceivePage(
                self.workspace, dialogs=self.dialogs, period_id=self.period_picker.period_id
            )
            self._receive_page.ledgerChanged.connect(self.home_page.refresh)
            self._put_page(self.RECEIVE, self._receive_page)
        return self._receive_page

    @property
    def dashboard_page(self):
        """«Tiến độ mục tiêu»: the 24 indicators against their 2025 and 2030 targets."""
        if self._dashboard_page is None:
            from ui.pages.dashboard import DashboardPage

            self._dashboard_page = DashboardPage(self.workspace)
            self._put_page(self.DASHBOARD, self._dashboard_page)
        return self._dashboard_page

    def closeEvent(self, event) -> None:
        if self._entry_page is not None:
            self._entry_page.commit_pending()  # a figure typed but not yet committed is kept
        if self._receive_page is not None:
            self._receive_page.cancel_import()  # quitting never waits for a long USB import
        self.save_geometry()
        super().closeEvent(event)

    def _put_page(self, index: int, page: QWidget) -> None:
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(_("&Tệp"))
        self.backup_action = QAction(_("&Sao lưu ngay"), self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.backup_action.triggered.connect(self.backup_now)
        menu.addAction(self.backup_action)
        self.restore_action = QAction(_("&Khôi phục từ bản sao lưu…"), self)
        self.restore_action.triggered.connect(self.offer_restore)
        menu.addAction(self.restore_action)
        menu.addSeparator()
        quit_action = QAction(_("&Thoát"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        go = self.menuBar().addMenu(_("T&rang"))
        self.page_actions = []
        for row, label in enumerate(self.page_titles):
            action = QAction(label, self)
            action.setShortcut(QKeySequence("Ctrl+{n}".format(n=row + 1)))
            action.triggered.connect(lambda _checked=False, r=row: self.nav.setCurrentRow(r))
            go.addAction(action)
            self.page_actions.append(action)

        options = self.menuBar().addMenu(_("&Cài đặt"))
        languages = options.addMenu(_("&Ngôn ngữ / Language"))
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        current = settings.language()
        for code, name in settings.LANGUAGES:
            action = QAction(name, self, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _checked=False, c=code: self.choose_language(c))
            self.language_group.addAction(action)
            languages.addAction(action)
            self.language_actions[code] = action

        help_menu = self.menuBar().addMenu(_("Trợ &giúp"))
        self.about_action = QAction(_("&Giới thiệu"), self)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def choose_language(self, code: str) -> None:
        if code == settings.language():
            return
        settings.set_language(code)
        self.dialogs.inform(
            self,
            _("Ngôn ngữ / Language"),
            _("Ngôn ngữ mới được dùng từ lần mở qnapp sau.\nThe new language applies the next time qnapp starts."),
        )

    def show_about(self) -> None:
        from ui.dialogs.about_dialog import AboutDialog

        dialog = AboutDialog(self.workspace, self)
        self.about_dialog = dialog  # tests look at it
        dialog.open()

    def show_page(self, index: int) -> None:
        builders = {self.ENTRY: "entry_page", self.ACTIVITIES: "activities_page",
                    self.SEND: "send_page", self.DASHBOARD: "dashboard_page"}
        if self.receives:
            builders[self.RECEIVE] = "receive_page"
        if index == self.DASHBOARD and self._dashboard_page is not None:
            self._dashboard_page.refresh()  # figures may have been typed or imported since
        if index in builders:  # pages are built on their first visit
            getattr(self, builders[index])
        self.stack.setCurrentIndex(index)
        # Activities filter by date; the dashboard shows every period on record.
        self.period_picker.setVisible(index not in (self.ACTIVITIES, self.DASHBOARD))
        if index == self.ENTRY:
            self.entry_page.focus_grid()

    def go_to_step(self, page: str, period_id: str) -> None:
        """A step of the home page: its period in the picker, then the page that does it."""
        rows = {"entry": self.ENTRY, "activities": self.ACTIVITIES, "send": self.SEND}
        if self.receives:
            rows["receive"] = self.RECEIVE
        if page not in rows:
            return
        if period_id != self.period_picker.period_id:
            self.period_picker.set_period(period_id)
        self.nav.setCurrentRow(rows[page])

    def _period_changed(self, period_id: str) -> None:
        self.home_page.set_period(period_id)
        for page in (self._entry_page, self._send_page, self._receive_page):
            if page is not None and hasattr(page, "set_period"):
                page.set_period(period_id)

    def _period_chosen(self, _period_id: str) -> None:
        """A period picked from the list: the figures come next, so the keyboard goes to the grid."""
        if self.stack.currentIndex() == self.ENTRY:
            # After the drop-down list has closed, or Qt hands the focus back to the picker.
            QTimer.singleShot(0, self.entry_page.focus_grid)

    def _typed_in_picker(self, key: int, text: str) -> None:
        """Text typed while the picker had the focus: on the entry page it was a figure for
        the period on screen, so it goes to the grid's current cell."""
        if self.stack.currentIndex() == self.ENTRY:
            self.entry_page.type_into_grid(key, text)

    def _lock_changed(self, _period_id: str) -> None:
        """A report was sent or reopened: the entry and send pages show the new state."""
        if self._entry_page is not None:
            self._entry_page.refresh_lock()
        if self._send_page is not None:
            self._send_page.refresh()

    def offer_restore(self) -> None:
        from ui.restore_flow import offer_in_window  # rarely used: off the start-up path

        offer_in_window(self)

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
        if isinstance(err, backup.BackupFailed):  # the work is saved; say how old the last copy is
            self.statusBar().showMessage(_("Chưa sao lưu được · {last_good}").format(
                last_good=backup_health.last_good_text(err.last_good)))
        else:
            self.statusBar().clearMessage()
        ops.show_error(self, err, self.dialogs)
