"""Restoring from the desktop program: offer the good backups, close the database (the
store holds the one-writer lock), restore atomically, then reopen.

Restoring and reopening are the composition root's job (``ui/app.py``): the window
closes with ``restore_choice`` set, then the database is closed and restored, and a fresh
workspace and window are built on the restored file, so no page keeps old figures.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from qnapp import restore
from qnapp.errors import QnappError
from qnapp.i18n import _
from ui.dialog_service import DialogService
from ui.dialogs.restore_dialog import RestoreDialog

log = logging.getLogger(__name__)


def choose(parent: QWidget | None, db_path: Path, *, problem: str | None,
           dialogs: DialogService) -> restore.GoodBackup | None:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        choices = restore.good_backups(db_path)  # each one checked (quick_check)
    finally:
        QApplication.restoreOverrideCursor()
    dialog = RestoreDialog(parent, db_path, choices, problem=problem, dialogs=dialogs)
    try:
        return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def restore_closed(parent: QWidget | None, choice: restore.GoodBackup, db_path: Path,
                   dialogs: DialogService) -> bool:
    """Restore over the closed database ``db_path``; say what happened. True if restored."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        safety = restore.restore(choice, db_path)
    except QnappError as err:
        QApplication.restoreOverrideCursor()
        log.error("restore failed: %s", err)
        dialogs.error(parent, _("Không khôi phục được — qnapp"), str(err))
        return False
    QApplication.restoreOverrideCursor()
    log.info("restored from a backup")
    text = _("Đã khôi phục dữ liệu từ bản sao lưu {backup}.").format(backup=choice.label)
    if safety is not None:
        text += "\n" + _("Tệp dữ liệu trước khi khôi phục được giữ ở {path}.").format(path=safety)
    dialogs.inform(parent, _("Đã khôi phục — qnapp"), text + "\n\n" + _("qnapp mở lại dữ liệu đã khôi phục."))
    return True


def offer_in_window(window, *, problem: str | None = None) -> bool:
    """From the main window (a failed check, or «Tệp → Khôi phục từ bản sao lưu…»): on a
    choice the window closes as on «Thoát» (a typed figure is kept, an import stopped)
    with ``restore_choice`` set; ``ui/app.py`` then closes the database, restores and
    opens the window again. True if a backup was chosen."""
    choice = choose(window, window.workspace.store.path, problem=problem, dialogs=window.dialogs)
    if choice is None:
        return False
    window.restore_choice = choice
    window.close()
    return True


def offer_at_open(db_path: Path, problem: str, dialogs: DialogService | None = None) -> bool:
    """Opening failed on a damaged file: offer the backups before any window. True if
    restored (the caller opens again)."""
    dialogs = dialogs or DialogService()
    choice = choose(None, db_path, problem=problem, dialogs=dialogs)
    return choice is not None and restore_closed(None, choice, db_path, dialogs)
