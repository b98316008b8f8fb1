"""The demo: its own database, and a key passphrase shown on the banner so a demo export
works."""

from __future__ import annotations

import pytest

from qnapp import keys
from qnapp.demo import fill_demo
from qnapp.paths import demo_db_path
from qnapp.workspace import Workspace
from ui.main_window import MainWindow


@pytest.fixture
def demo_workspace(fast_kdf):
    ws = Workspace.open(demo_db_path())
    fill_demo(ws)
    yield ws
    ws.close(backup_on_close=False)


def test_demo_banner_shows_the_passphrase_that_unlocks_the_demo_key(qtbot, demo_workspace):
    window = MainWindow(demo_workspace, demo=True)
    qtbot.addWidget(window)
    window.show()
    banner = window.demo_banner
    assert banner.isVisible()
    prefix = "Dữ liệu mẫu — mật khẩu khóa ký: "
    assert banner.text().startswith(prefix)
    shown = banner.text()[len(prefix):]
    _private, public = keys.load_signing_key(demo_workspace.store, shown)  # the shown text works
    assert public == keys.own_public_key(demo_workspace.store)


def test_a_real_database_has_no_demo_banner(qtbot, workspace):
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    assert window.demo_banner is None
    assert "mật khẩu" not in " ".join(w.text() for w in window.findChildren(type(window.status_label)))
