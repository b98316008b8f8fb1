import os

# Qt must never look for a display in tests (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test touches the real user data folder."""
    monkeypatch.setenv("QNAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QNAPP_PASSPHRASE", raising=False)
