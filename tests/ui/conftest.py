"""Fixtures for GUI tests."""

import pytest
from PySide6.QtWidgets import QApplication

import ui.app as app_module
from ui.main_window import MainWindow


@pytest.fixture
def windows(monkeypatch):
    """Run ``app.main`` without entering the event loop; keep the windows it built."""
    built: list[MainWindow] = []
    real_build = app_module.build_main_window

    def build(workspace, **kwargs):
        window = real_build(workspace, **kwargs)
        built.append(window)
        return window

    monkeypatch.setattr(app_module, "build_main_window", build)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    yield built
    for window in built:
        window.close()
        window.deleteLater()


@pytest.fixture(autouse=True)
def _no_crash_hooks_left():
    """``app.main`` installs the crash hooks and the log file for the process; the next
    test starts without them."""
    yield
    from qnapp import logs
    from ui import crash

    crash.uninstall()
    logs.reset()
