"""The database checks of start-up, after the window's first paint: ``quick_check`` and
the daily backup (``qnapp.backup.startup_checks``) on a worker thread, the result in the
main window's status bar, a damaged database in an error dialog.

``Workspace.open(…, deferred_checks=True)`` leaves them to this module, so the officer
sees the window at once; the command line keeps making them before it does anything.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMainWindow

from qnapp import backup, backup_health
from qnapp.errors import DatabaseDamagedError, DiskFullError
from qnapp.i18n import _
from qnapp.text import format_timestamp
from qnapp.workspace import Workspace
from ui import ops
from ui.dialog_service import DialogService
from ui.first_paint import after_first_paint

log = logging.getLogger(__name__)

SHOWN_MS = 60_000  # long enough to be read; a later message (a backup) replaces it


class StartupChecks:
    """Runs once, after ``window`` first paints. ``done`` is True once a result is in;
    ``damaged`` is True when the check found a damaged page (no backup is made then,
    so good backups are not rotated away by a copy of a broken file)."""

    def __init__(self, workspace: Workspace, window: QMainWindow, dialogs: DialogService | None = None):
        self.workspace = workspace
        self.window = window
        self.dialogs = dialogs or DialogService()
        self.done = False
        self.damaged = False
        self.report: backup.StartupReport | None = None
        after_first_paint(window, lambda _painted: self.start())

    def start(self) -> None:
        if self.workspace.store.closed:  # the window outlived its workspace (quitting)
            return
        store, due = self.workspace.store, self.workspace.is_initialised  # read on the GUI thread
        self.window.statusBar().showMessage(_("Đang kiểm tra cơ sở dữ liệu…"))
        log.info("start-up checks: running")
        workspace = self.workspace

        def checks() -> backup.StartupReport:
            workspace.clean_leftovers()  # files only: the check still comes first for the database
            return backup.startup_checks(store, backup_due=due)

        ops.run_in_background(self.window, checks, self._passed, self._failed)

    def _passed(self, report: backup.StartupReport) -> None:
        self.done, self.report = True, report
        log.info("start-up checks: database ok, backup made: %s", report.made)
        # A failed backup stays said until something replaces it.
        self.window.statusBar().showMessage(status_text(report), 0 if report.backup_error else SHOWN_MS)
        if report.backup_error is not None:
            log.warning("start-up backup failed: %s", report.backup_error)

    def _failed(self, err: BaseException) -> None:
        self.done = True
        # Only damaged pages are «bị hỏng»: a full disk or an unreadable file is not.
        self.damaged = isinstance(err, DatabaseDamagedError)
        log.error("start-up checks failed: %s", err)
        if self.damaged:
            self.window.statusBar().showMessage(_("Cơ sở dữ liệu bị hỏng: hãy khôi phục từ một bản sao lưu."))
            self.offer_restore(str(err))
        elif isinstance(err, DiskFullError):
            self.window.statusBar().showMessage(_("Ổ đĩa đã đầy: hãy giải phóng chỗ trống."))
            self.dialogs.error(self.window, _("Ổ đĩa đã đầy — qnapp"), str(err))
        else:
            self.window.statusBar().clearMessage()
            ops.show_error(self.window, err, self.dialogs)


    def offer_restore(self, problem: str) -> None:
        """The newest good backups, «Khôi phục» (``ui/restore_flow.py``)."""
        from ui.restore_flow import offer_in_window  # only after a failed check

        offer_in_window(self.window, problem=problem)


def status_text(report: backup.StartupReport) -> str:
    checked = _("Đã kiểm tra cơ sở dữ liệu: tốt")
    when = backup.backup_time(report.latest) if report.latest is not None else None
    if report.backup_error is not None:  # the age first: a long reason is cut off at the right
        saved = _("Chưa sao lưu được · {last_good}").format(last_good=backup_health.last_good_text(report.last_good))
        return "{} · {} · {}".format(saved, checked, report.backup_error)
    if when is None:
        return checked
    if report.made:
        saved = _("Đã sao lưu lúc {moment}").format(moment=format_timestamp(when.isoformat()))
    else:
        saved = _("Bản sao lưu gần nhất: {moment}").format(moment=format_timestamp(when.isoformat()))
    return "{} · {}".format(checked, saved)
