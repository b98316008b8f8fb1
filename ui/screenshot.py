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

from ui.first_paint import after_first_paint

SETTLE_MS = 700  # a window manager maximises after the first paint


def _box(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _grab(app: QApplication, window: QWidget, path: Path) -> None:
    screen = window.screen()
    frame, available = window.frameGeometry(), screen.availableGeometry()
    fits = available.contains(frame)
    saved = screen.grabWindow(0).save(str(path))
    line = json.dumps({"file": str(path), "saved": saved, "frame": _box(frame),
                       "available": _box(available), "fits": fits})
    if sys.stdout is not None:
        print(line, flush=True)
    app.exit(0 if fits and saved else 1)


def exit_after_screenshot(app: QApplication, window: QWidget, path: Path) -> QObject:
    """Install before ``window.show()``; keep the returned watcher alive."""
    return after_first_paint(window, lambda _painted: QTimer.singleShot(
        SETTLE_MS, lambda: _grab(app, window, path)))
