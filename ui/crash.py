"""The safety net: an exception nobody caught (in a slot, on a worker thread) goes to the
log file with its traceback and to a Vietnamese dialog that says what failed, where the
log is, and copies the details («Sao chép chi tiết») for whoever helps the officer.

``install()`` sets ``sys.excepthook`` and ``threading.excepthook`` and sends Qt's own
messages to the same log; called before the QApplication (a missing platform plugin is
reported while it is made) it logs only, called again after it the dialog shows too. Nothing here writes to stdout or stderr:
a windowed frozen build has neither (``sys.stderr`` is None).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, Slot, qInstallMessageHandler
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qnapp import __version__, logs
from qnapp.i18n import _

log = logging.getLogger("qnapp.crash")
qt_log = logging.getLogger("qt")

SUMMARY_CHARS = 200
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def summary(exc_type: type[BaseException], exc: BaseException, tb) -> str:
    """One short line: the error and the line of code it came from."""
    text = traceback.format_exception_only(exc_type, exc)[-1].strip()
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1] + "…"
    frames = traceback.extract_tb(tb)
    if not frames:
        return text
    last = frames[-1]
    return _("{error} (tệp {file}, dòng {line})").format(error=text, file=Path(last.filename).name, line=last.lineno)


def details(exc_type: type[BaseException], exc: BaseException, tb, thread: threading.Thread | None = None) -> str:
    """What «Sao chép chi tiết» copies: versions, the thread, the traceback (no data)."""
    import platform  # only when something failed: off the start-up path
    head = "qnapp {} · Python {} · PySide6 {} · {}".format(
        __version__, platform.python_version(), pyside_version, platform.platform())
    where = "thread: {}".format(thread.name if thread is not None else threading.current_thread().name)
    return "{}\n{}\n\n{}".format(head, where, "".join(traceback.format_exception(exc_type, exc, tb)))


class CrashDialog(QDialog):
    """Non-blocking (``open()``), so a second error while it shows is only counted."""

    def __init__(self, what: str, text: str, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Lỗi — qnapp"))
        self.details = text
        self.more = 0
        from PySide6.QtWidgets import QStyle  # its type costs 4 ms: only when something failed

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.message_label = QLabel(_("Đã xảy ra lỗi không mong muốn: {what}").format(what=what))
        if log_file is not None:
            where = _("Chi tiết đã được ghi vào tệp nhật ký:\n{path}").format(path=log_file)
        else:
            where = _("Không ghi được tệp nhật ký: hãy bấm «Sao chép chi tiết» để giữ lại chi tiết lỗi.")
        self.log_label = QLabel(where)
        self.more_label = QLabel()
        self.more_label.hide()
        hint = QLabel(_("Hãy gửi chi tiết lỗi cho người hỗ trợ kỹ thuật. Nếu chương trình không chạy "
                        "đúng nữa, hãy đóng rồi mở lại qnapp."))
        for label in (self.message_label, self.log_label, self.more_label, hint):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(_("Sao chép chi tiết"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button = QPushButton(_("Đóng"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)

        text_column = QVBoxLayout()
        for label in (self.message_label, self.log_label, self.more_label, hint):
            text_column.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text_column, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

    def add(self, text: str) -> None:
        """Another error while this one is shown: its details join the copy."""
        self.more += 1
        self.details += "\n\n" + text
        self.more_label.setText(_("Sau đó còn {count} lỗi khác, cũng đã được ghi vào nhật ký.").format(count=self.more))
        self.more_label.show()

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Đã sao chép"))


class _Reporter(QObject):
    """Lives on the GUI thread; a hook on any thread emits, the dialog opens here."""

    reported = Signal(str, str)  # (summary, details)

    def __init__(self):
        super().__init__()
        self.dialog: CrashDialog | None = None
        self.broken = False
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str, str)
    def _show(self, what: str, text: str) -> None:
        if self.broken:
            return
        try:
            if self.dialog is not None and self.dialog.isVisible():  # one dialog at a time
                self.dialog.add(text)
                return
            parent = QApplication.activeModalWidget() or QApplication.activeWindow()
            self.dialog = CrashDialog(what, text, logs.configured_path(), parent)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.destroyed.connect(self._forget)
            self.dialog.open()
        except Exception:  # noqa: BLE001 - reporting it would bring us back here, again and again
            self.broken = True
            log.exception("the crash dialog cannot be shown; errors go to the log only")

    @Slot()
    def _forget(self) -> None:
        self.dialog = None


class _State:
    reporter: _Reporter | None = None
    hooks: tuple | None = None  # the excepthooks found at install()
    qt_routed = False
    qt_previous = None  # the Qt message handler found (pytest-qt's in tests)


_reporting = threading.local()  # a hook that fails while reporting must not loop


def _report(exc_type, exc, tb, thread: threading.Thread | None = None) -> None:
    if getattr(_reporting, "active", False):
        return
    _reporting.active = True
    try:
        name = thread.name if thread is not None else threading.current_thread().name
        log.critical("unhandled %s in thread %s", exc_type.__name__, name, exc_info=(exc_type, exc, tb))
        reporter = _State.reporter
        if reporter is not None and not issubclass(exc_type, KeyboardInterrupt):
            reporter.reported.emit(summary(exc_type, exc, tb), details(exc_type, exc, tb, thread))
    except Exception:  # noqa: BLE001 - a hook must never raise; the log line is what we have
        pass
    finally:
        _reporting.active = False


def _excepthook(exc_type, exc, tb) -> None:
    _report(exc_type, exc, tb)
    _chain(0, sys.__excepthook__, exc_type, exc, tb)


def _thread_excepthook(args) -> None:
    if args.exc_type is SystemExit:  # as threading's own hook: a thread's normal way out
        return
    _report(args.exc_type, args.exc_value, args.exc_traceback, args.thread)
    _chain(1, threading.__excepthook__, args)


def _chain(index: int, default, *args) -> None:
    """A hook found at install() that is not Python's own (a debugger's, pytest-qt's) still
    gets the error; Python's own would only print what the log already has."""
    found = _State.hooks[index] if _State.hooks is not None else default
    if found is not default:
        try:
            found(*args)
        except Exception:  # noqa: BLE001 - a hook must never raise
            pass


def _qt_message(mode, context, message: str) -> None:
    try:
        qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)
        if _State.qt_previous is not None:
            _State.qt_previous(mode, context, message)
    except Exception:  # noqa: BLE001 - called by Qt: raising here would abort
        pass


def route_qt_messages() -> None:
    """Qt's own warnings (a missing plugin, a bad layout…) into the log file."""
    if not _State.qt_routed:
        _State.qt_previous = qInstallMessageHandler(_qt_message)
        _State.qt_routed = True


def install() -> None:
    """From now on Qt's messages and uncaught exceptions of any thread go to the log. Call
    it first thing, then again once the QApplication exists: from then on they are shown
    in the dialog too."""
    route_qt_messages()
    if _State.hooks is None:
        _State.hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook
    if _State.reporter is None and QApplication.instance() is not None:
        _State.reporter = _Reporter()


def uninstall() -> None:
    """Back to the hooks found (tests: the next test starts clean)."""
    if _State.hooks is not None:
        sys.excepthook, threading.excepthook = _State.hooks
        _State.hooks = None
    if _State.reporter is not None:
        reporter, _State.reporter = _State.reporter, None
        if reporter.dialog is not None:
            reporter.dialog.close()
        reporter.deleteLater()
    if _State.qt_routed:
        qInstallMessageHandler(_State.qt_previous)
        _State.qt_routed, _State.qt_previous = False, None


def current_dialog() -> CrashDialog | None:
    return _State.reporter.dialog if _State.reporter is not None else None
