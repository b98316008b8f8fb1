"""The first paint of a window: ``after_first_paint`` runs work right after it (the
app's start-up checks), and the start-up measurement shared by ``bench/startup.py``,
``bench/frozen.py`` and the app's ``--first-paint-exit`` flag prints one JSON line
``{"painted": <epoch seconds>, "peak_kib": <peak memory or null>}`` then quits."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def peak_memory_kib() -> int | None:
    try:  # Linux: the high-water mark of this process image (ru_maxrss survives exec)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


class _FirstPaint(QObject):
    """Calls ``callback(painted_at)`` once, on the event loop's next turn after
    ``widget`` first paints (so the paint is on screen before the callback runs)."""

    def __init__(self, widget: QWidget, callback: Callable[[float], None]):
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            painted = time.time()
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, lambda: self._callback(painted))
        return False


def after_first_paint(widget: QWidget, callback: Callable[[float], None]) -> QObject:
    """Install before ``widget.show()``: work that must not delay the first paint
    (the app's start-up checks) runs right after it. The watcher is a child of
    ``widget``."""
    return _FirstPaint(widget, callback)


def exit_after_first_paint(app: QApplication, window: QWidget) -> QObject:
    """Install before ``window.show()``; print the JSON line after the first paint, then quit."""

    def finish(painted: float) -> None:
        line = json.dumps({"painted": painted, "peak_kib": peak_memory_kib()})
        if sys.stdout is not None:  # a windowed Windows build has none
            print(line, flush=True)
        app.quit()

    return after_first_paint(window, finish)
