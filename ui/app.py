"""The composition root: arguments, the QApplication, the workspace, the main window."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QThreadPool
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from qnapp import APP_NAME, __version__, logs
from qnapp.errors import DatabaseError, DatabaseLockedError, DiskFullError, NewerDatabaseError, QnappError
from qnapp.i18n import _, route_argparse, set_language
from qnapp.paths import default_db_path, demo_db_path
from qnapp.resources import resource_path
from qnapp.workspace import Workspace
from ui import crash, qt_translator, settings
from ui.dialog_service import DialogService
from ui.first_paint import after_first_paint, exit_after_first_paint
from ui.main_window import MainWindow
from ui.startup_checks import StartupChecks

log = logging.getLogger(__name__)

ICON_FILE = ("icons", "qnapp.png")
# Fonts with full Vietnamese coverage, best first (Windows, then Linux).
FONT_FAMILIES = ("Segoe UI", "Tahoma", "Arial", "Noto Sans", "DejaVu Sans")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    route_argparse()  # argparse's own words (usage:, error:…) in the interface language
    parser = argparse.ArgumentParser(
        prog="qnapp", description=_("Ghi số liệu, hoạt động của Kế hoạch 82/KH-UBND.")
    )
    parser.add_argument("--db", type=Path, default=None, metavar=_("TỆP"), help=_("tệp cơ sở dữ liệu"))
    parser.add_argument("--demo", action="store_true", help=_("dùng thử với dữ liệu mẫu (tệp riêng)"))
    parser.add_argument("--selftest", action="store_true",
                        help=_("tự kiểm tra bản cài đặt trên dữ liệu tạm rồi thoát (mã 0: đạt, 1: lỗi)"))
    parser.add_argument("--first-paint-exit", action="store_true", help=argparse.SUPPRESS)  # bench/
    parser.add_argument("--screenshot", type=Path, metavar="FILE", help=argparse.SUPPRESS)  # CI, docs/
    return parser.parse_args(argv)


def app_icon() -> QIcon:
    return QIcon(str(resource_path(*ICON_FILE)))


STYLE = "Fusion"


def configure_application(app: QApplication, *, style: bool = True) -> None:
    """``style=False`` when the application was made with ``-style Fusion`` already."""
    app.setApplicationName(APP_NAME)
    app.setWindowIcon(app_icon())
    app.setApplicationDisplayName("qnapp")
    app.setApplicationVersion(__version__)
    if style:
        app.setStyle(STYLE)
    qt_translator.install(app)  # Qt's own buttons, menus and file dialog in the interface language
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    families = set(QFontDatabase.families())
    family = next((f for f in FONT_FAMILIES if f in families), None)
    if family:
        font = QFont(family)
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)


def open_error_text(err: DatabaseError) -> str:
    if isinstance(err, DatabaseLockedError):
        lead = _("Cơ sở dữ liệu đang được mở ở một cửa sổ qnapp khác.")
    elif isinstance(err, NewerDatabaseError):
        lead = _("Cơ sở dữ liệu do một phiên bản qnapp mới hơn tạo ra; hãy cập nhật qnapp.")
    elif isinstance(err, DiskFullError):
        lead = _("Không mở được cơ sở dữ liệu vì ổ đĩa đã đầy.")
    else:
        lead = _("Không mở được cơ sở dữ liệu.")
    return "{}\n\n{}".format(lead, err)


def _show_error(parent: QWidget | None, text: str) -> None:
    QMessageBox.critical(parent, _("Lỗi — qnapp"), text)


def open_workspace(path: Path, *, demo: bool, offer_restore: bool = True) -> Workspace | None:
    """Open (and for the demo, fill) the workspace; show what went wrong and give None.
    Its page check and daily backup wait for the window's first paint (StartupChecks).
    A file that cannot be opened (damaged) gets the good backups offered first."""
    try:
        workspace = Workspace.open(path, deferred_checks=True)
    except DatabaseError as err:
        if (offer_restore and Path(path).is_file()
                and not isinstance(err, (DatabaseLockedError, NewerDatabaseError))):
            from ui.restore_flow import offer_at_open

            if offer_at_open(path, str(err)):
                return open_workspace(path, demo=demo, offer_restore=False)
        _show_error(None, open_error_text(err))
        return None
    if demo and not workspace.is_initialised:
        try:
            from qnapp.demo import fill_demo
        except ImportError:
            workspace.close(backup_on_close=False)
            _show_error(None, _("Bản cài đặt này chưa có dữ liệu mẫu."))
            return None
        try:
            fill_demo(workspace)
        except QnappError as err:
            workspace.close(backup_on_close=False)
            _show_error(None, _("Không tạo được dữ liệu mẫu: {error}").format(error=err))
            return None
    return workspace


def build_main_window(workspace: Workspace, *, demo: bool = False) -> MainWindow:
    return MainWindow(workspace, demo=demo)


def cli_subcommand(argv: list[str]) -> str | None:
    """The ``qnapp`` command-line subcommand ``argv`` asks for, or None for the window:
    the packaged program runs them too (``qnapp --db TỆP restore BẢN_SAO``)."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--db", "--screenshot"):  # options that take a value
            next(tokens, None)
        elif not token.startswith("-"):
            from qnapp.cli import main as cli

            return token if token in cli.commands else None
    return None


def run_cli(argv: list[str]) -> int:
    """``qnapp.cli`` with ``argv``; its exit code. A windowed Windows build has no
    stdout: it writes to the console it was started from (``qnapp-cli.exe``, beside it,
    is the console program for scripts)."""
    from qnapp import selftest
    from qnapp.cli import main as cli

    if sys.stdout is None or sys.stderr is None:
        sys.stdout = sys.stderr = selftest.console("qnapp-cli.txt")
    try:
        cli.main(args=argv, prog_name="qnapp")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if cli_subcommand(args):
        return run_cli(args)
    try:
        return _main(argv)
    finally:
        gc.enable()  # main.py turns the cycle collector off for the start-up


def _main(argv: list[str] | None) -> int:
    logs.configure()  # first, so everything after it can be read in the log file
    crash.install()  # logged from here on; before the QApplication, which reports a missing plugin
    set_language(settings.language())  # before any text is made (the choice applies on start)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.selftest and not QApplication.instance():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # draws without a display
    app = QApplication.instance()
    styled = app is None  # a new one gets its style as an argument: setStyle() later makes
    if styled:            # Python wrap a QStyle, ~4 ms before the first paint
        app = QApplication(sys.argv[:1] + ["-style", STYLE])
    crash.install()  # now also shown: uncaught exceptions get a dialog, in the windowed build too
    log.info("qnapp %s starting", __version__)
    configure_application(app, style=not styled)
    if args.selftest:
        from ui.selftest import run  # keep it off the normal start-up

        return run()

    demo = args.demo
    path = demo_db_path() if demo else (args.db or default_db_path())
    workspace = open_workspace(path, demo=demo)
    if workspace is None:
        return 1
    if not workspace.is_initialised:
        from ui.dialogs.welcome_wizard import WelcomeWizard  # first run only: keep it off start-up

        gc.enable()  # the officer may spend minutes in the wizard
        result = WelcomeWizard(workspace).exec()
        if result == WelcomeWizard.DEMO:
            workspace.close(backup_on_close=False)
            demo, path = True, demo_db_path()
            workspace = open_workspace(path, demo=True)
            if workspace is None:
                return 1
        elif result != QDialog.DialogCode.Accepted:
            workspace.close(backup_on_close=False)
            return 0

    while True:
        code, choice = run_window(app, args, workspace, demo)
        if choice is None:
            return code
        # «Khôi phục» was chosen: the window and the database are closed now.
        from ui.restore_flow import restore_closed

        restore_closed(None, choice, path, DialogService())
        workspace = open_workspace(path, demo=demo)
        if workspace is None:
            return 1


def run_window(app: QApplication, args: argparse.Namespace, workspace: Workspace, demo: bool):
    """Show the main window until it closes, then close the workspace. Returns the exit
    code and the backup chosen to restore (None: the officer quit)."""
    window = build_main_window(workspace, demo=demo)
    checks = StartupChecks(workspace, window, window.dialogs)  # runs after the first paint
    after_first_paint(window, lambda _painted: gc.enable())
    if args.first_paint_exit:  # bench/: time start-up to the first paint
        watcher = exit_after_first_paint(app, window)  # noqa: F841 - kept alive until exec ends
    elif args.screenshot:  # CI: the window, under a real X server, fits the screen
        from ui.screenshot import exit_after_screenshot

        watcher = exit_after_screenshot(app, window, args.screenshot)  # noqa: F841
    window.show_on_screen()
    try:
        code = app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()  # a backup may still be running
        try:
            # The rotating backup, unless the check found damaged pages (a broken copy must
            # not rotate a good backup away) or a restore follows (it keeps the file aside).
            workspace.close(backup_on_close=not checks.damaged and window.restore_choice is None)
        except QnappError as err:
            log.error("closing the workspace failed: %s", err)
            _show_error(None, _("Đóng cơ sở dữ liệu chưa trọn vẹn: {error}").format(error=err))
    return code, window.restore_choice
