"""The app's hidden ``--screenshot FILE`` flag (CI and ``docs/screenshots/``): once the
main window has painted and settled, grab the whole screen to FILE, print one JSON line
``{"file", "frame": [x, y, w, h], "available": [x, y, w, h], "fits"}`` and quit with 0 when
the window's frame lies inside the screen's available area, 1 when it does not."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.first_paint import _FirstPaint

SETTLE_MS = 700  # a window manager maximises after the first paint


def _box(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


class _Screenshot(_FirstPaint):
    def __init__(self, app: QApplication, window: QWidget, path: Path):
        super().__init__(app)
        self._window = window
        self._path = path

    def _finish(self, _painted: float) -> None:
        QTimer.singleShot(SETTLE_MS, self._grab)

    def _grab(self) -> None:
        window = self._window
        screen = window.screen()
        frame, available = window.frameGeometry(), screen.availableGeometry()
        fits = available.contains(frame)
        saved = screen.grabWindow(0).save(str(self._path))
        line = json.dumps({"file": str(self._path), "saved": saved, "frame": _box(frame),
                           "available": _box(available), "fits": fits})
        if sys.stdout is not None:
            print(line, flush=True)
        self._app.exit(0 if fits and saved else 1)


def exit_after_screenshot(app: QApplication, window: QWidget, path: Path) -> QObject:
    """Install before ``window.show()``; keep the returned watcher alive."""
    watcher = _Screenshot(app, window, path)
    window.installEventFilter(watcher)
    return watcher
