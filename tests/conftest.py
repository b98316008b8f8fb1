import os

# Qt must never look for a display in tests (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test touches the real user data folder."""
    monkeypatch.setenv("QNAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QNAPP_PASSPHRASE", raising=False)


# A real commune of the 2021 tree: Thị trấn Tiên Yên, Huyện Tiên Yên.
COMMUNE_TREE, COMMUNE_CODE = "2021", "06862"
OFFICER = "Nguyễn Thị Lan"


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "qnapp.sqlite"


@pytest.fixture
def workspace(db_path):
    from qnapp.workspace import Workspace  # lazy: core-only tests need not load it

    ws = Workspace.open(db_path)
    ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    yield ws
    ws.close(backup_on_close=False)
