"""An export either replaces the file whole or leaves everything as it was."""

import os
import stat

import pytest

from qnapp.errors import QnappError
from qnapp.files import replacing, write_atomic


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "bao_cao.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("cable pulled")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_an_unwritable_place_gives_a_vietnamese_message(tmp_path):
    with pytest.raises(QnappError, match="Không ghi được tệp"):
        write_atomic(tmp_path / "no_such_folder" / "x.zip", b"data")


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "goi.zip"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]


@pytest.fixture
def usual_umask():
    """022, the umask that made the database and backups world-readable (0644 / 0755)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the %LOCALAPPDATA% ACL")
def test_database_and_backups_are_private_on_posix(tmp_path, usual_umask):
    from qnapp import logs
    from qnapp.backup import make_backup, restore_backup
    from qnapp.workspace import Workspace

    home = tmp_path / "home" / "qnapp"  # nothing exists yet: qnapp creates every folder
    db = home / "qnapp.sqlite"
    try:
        log_file = logs.configure(home / "logs" / "qnapp.log")
        ws = Workspace.open(db)
        ws.initialise("2021", "06862", "Nguyễn Thị Lan")
        backup = make_backup(ws.store)
        assert {p.name: _mode(p) for p in home.iterdir() if p.is_file()} == {
            "qnapp.sqlite": 0o600, "qnapp.sqlite-wal": 0o600, "qnapp.sqlite-shm": 0o600, "qnapp.sqlite.lock": 0o600,
            "qnapp.sqlite.lastbackup": 0o600}
        ws.close(backup_on_close=False)
    finally:
        logs.reset()
    assert _mode(home) == 0o700 and _mode(home / "backups") == 0o700 and _mode(log_file.parent) == 0o700
    assert _mode(backup) == 0o600
    # The safety copy a restore keeps, and a database an older qnapp left world-readable.
    safety = restore_backup(backup, db)
    assert _mode(safety) == 0o600
    os.chmod(db, 0o644)
    Workspace.open(db).close(backup_on_close=False)
    assert _mode(db) == 0o600
