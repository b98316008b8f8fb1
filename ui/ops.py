"""Run slow core work off the GUI thread (in the style of Anki's ``QueryOp``).

``fn`` runs on a ``QThreadPool`` worker and must not touch widgets, nor any SQLite
connection opened on the GUI thread (a worker opens its own). ``on_success(result)`` and
``on_failure(error)`` run back on the GUI thread. Without ``on_failure`` the error is
shown: the Vietnamese message of a ``QnappError``, or a generic one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from qnapp.errors import QnappError
from qnapp.i18n import _
from ui.dialog_service import DialogService

log = logging.getLogger(__name__)

_running: set[_Relay] = set()  # keeps relays alive until their callback has run


class _Relay(QObject):
    """Lives on the GUI thread, so the worker's signals reach its slots queued."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success, on_failure):
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self._done()
        if self._on_success is not None:
            self._on_success(result)

    @Slot(object)
    def _failed(self, err: BaseException) -> None:
        self._done()
        if not isinstance(err, QnappError):
            log.error("background operation failed", exc_info=err)
        self._on_failure(err)

    def _done(self) -> None:
        _running.discard(self)
        self.deleteLater()


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:  # worker thread
        try:
            result = self._fn()
        except Exception as err:  # noqa: BLE001 - every failure goes back to the GUI
            self._relay.failed.emit(err)
        else:
            self._relay.succeeded.emit(result)


def error_message(err: BaseException) -> str:
    if isinstance(err, QnappError):
        return str(err)
    return _("Đã xảy ra lỗi không mong muốn: {error}").format(error=err)


def show_error(parent: QWidget | None, err: BaseException, dialogs: DialogService | None = None) -> None:
    (dialogs or DialogService()).error(parent, _("Lỗi"), error_message(err))


def run_in_background(
    parent: QWidget | None,
    fn: Callable[[], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> None:
    relay = _Relay(on_success, on_failure or (lambda err: show_error(parent, err)))
    _running.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay))
