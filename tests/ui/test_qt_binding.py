"""The Qt binding must not leak references: PySide6 6.12.0 dropped a reference to None on
every call returning nothing, and Python 3.11 aborted after a few thousand calls — a
whole day of data entry would crash the program."""

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_do_not_leak_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("Nhập số liệu")
    assert abs(sys.getrefcount(None) - before) < 100
