"""Start-up measurement shared by ``bench/startup.py``, ``bench/frozen.py`` and the
app's ``--first-paint-exit`` flag: when a window first paints, print one JSON line
``{"painted": <epoch seconds>, "peak_kib": <peak memory or null>}`` and quit."""

from __future__ import annotations

import json
import sys
import time

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
    def __init__(self, app: QApplication):
        super().__init__()
        self._app = app

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            painted = time.time()
            obj.removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._finish(painted))
        return False

    def _finish(self, painted: float) -> None:
        line = json.dumps({"painted": painted, "peak_kib": peak_memory_kib()})
        if sys.stdout is not None:  # a windowed Windows build has none
            print(line, flush=True)
        self._app.quit()


def exit_after_first_paint(app: QApplication, window: QWidget) -> QObject:
    """Install before ``window.show()``; keep the returned watcher alive."""
    watcher = _FirstPaint(app)
    window.installEventFilter(watcher)
    return watcher
