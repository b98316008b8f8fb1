"""A backup that cannot be made never stops work (issue 10, items 1 and 4), and a full disk
is said to be full, never «bị hỏng» (item 3)."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qnapp import backup
from qnapp.cli import main
from qnapp.demo import fill_demo
from qnapp.store import Store
from qnapp.text import VN_TZ
from qnapp.workspace import Workspace
from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER
from tests.core.bundles.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
LAST_GOOD = "Bản sao lưu tốt gần nhất: "


def run(db, *args, passphrase=None):
    env = {"QNAPP_PASSPHRASE": passphrase} if passphrase else {}
    return CliRunner().invoke(main, ["--db", str(db), *args], env=env)


def backups_on_usb(db_path, tmp_path) -> Path:
    """An initialised database whose backups go to a USB stick, with one good backup made
    there yesterday; then the stick is pulled out."""
    usb = tmp_path / "usb"
    ws = Workspace.open(db_path)
    ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    backup.set_backup_folder(ws.store, usb / "qnapp-backups", who=OFFICER)
    backup.make_backup(ws.store, now=datetime.now(VN_TZ) - timedelta(days=1))
    ws.close(backup_on_close=False)
    pull_out(usb)
    return usb


def pull_out(usb: Path) -> None:
    # A drive that is not there cannot be written to, nor made again (as a missing drive
    # letter on Windows): a plain file stands where its folder was.
    shutil.rmtree(usb)
    usb.write_text("")


def plug_in(usb: Path) -> None:
    usb.unlink()
    usb.mkdir()


def test_missing_usb_backup_folder_does_not_stop_status(db_path, tmp_path):
    usb = backups_on_usb(db_path, tmp_path)

    for _attempt in range(2):  # a failed attempt is not "done today": tried again each time
        result = run(db_path, "status", "2025")
        assert result.exit_code == 0, result.output
        assert "Kỳ 2025" in result.stdout
        warning = result.stderr
        assert warning.startswith("Cảnh báo: Không tạo được bản sao lưu: ")
        assert str(usb / "qnapp-backups") in warning
        assert LAST_GOOD in warning and "(hôm qua)" in warning
        assert warning.rstrip().endswith("qnapp sẽ thử sao lưu lại lần sau.")

    plug_in(usb)
    result = run(db_path, "status", "2025")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(backup.list_backups(usb / "qnapp-backups")) == 1  # the daily backup, made now


def test_missing_usb_backup_folder_does_not_stop_a_write_nor_a_migration_copy(db_path, tmp_path):
    usb = backups_on_usb(db_path, tmp_path)
    values = tmp_path / "values.csv"
    values.write_text("period,element,category,value\n2025S1,GBV_VICTIMS,nu,6\n", encoding="utf-8")

    result = run(db_path, "values", "import", str(values))
    assert result.exit_code == 0, result.output
    assert "Đã nhập 1 dòng" in result.stdout
    assert result.stderr.count("Cảnh báo:") == 1  # the daily and the closing backup: one warning
    # The explicit «qnapp backup» is the work asked for: it fails, with the reason.
    explicit = run(db_path, "backup")
    assert explicit.exit_code == 1 and "Không tạo được bản sao lưu" in explicit.stderr
    # A safety copy before a schema upgrade does not wait for the stick: beside the database.
    with Store.open(db_path) as store:
        copy = backup.make_backup(store, kind=backup.PREMIGRATE)
    assert copy.parent == db_path.parent / "backups"


@pytest.fixture
def demo_db(db_path, fast_kdf):
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=PASSPHRASE)
    backup.make_backup(ws.store)  # today's: the daily backup is not due
    ws.close(backup_on_close=False)
    return db_path


def test_export_succeeds_with_a_warning_when_the_backup_fails(demo_db, tmp_path, monkeypatch):
    def disk_full(_copy_into, dest):
        raise OSError(errno.ENOSPC, "No space left on device", str(dest))

    monkeypatch.setattr(backup, "_write_file", disk_full)  # the backup after the export
    out = tmp_path / "b.zip"
    result = run(demo_db, "export", "2025S1", "-o", str(out), passphrase=PASSPHRASE)

    assert result.exit_code == 0, result.output
    assert "Đã xuất báo cáo kỳ 2025S1 (lần 1)" in result.stdout and out.exists()
    assert result.stderr.startswith("Cảnh báo: Không tạo được bản sao lưu: Ổ đĩa chứa thư mục ")
    assert "đã đầy" in result.stderr and "(hôm nay)" in result.stderr
    monkeypatch.undo()
    with Workspace.open(demo_db) as ws:
        assert ws.period_lock("2025S1") is not None  # the export happened: the period is locked


# --- a full disk (RLIMIT_FSIZE: every write past a few bytes fails, as on a full disk) ---

FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    from qnapp.cli import main
    sys.argv[0] = "qnapp"
    main()
""")


def qnapp_on_full_disk(db_path, *args):
    return subprocess.run(
        [sys.executable, "-c", FULL_DISK, "--db", str(db_path), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_full_disk_is_reported_as_full_not_corrupt(db_path):
    with Workspace.open(db_path) as ws:
        ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
        ws.store.set_values(ws.profile.unit_key, "2025", {(f"E{i}", "nu"): i for i in range(500)}, "test")
    before = db_path.read_bytes()

    for _start in range(3):  # the first start leaves -wal/-shm behind; later ones read them
        result = qnapp_on_full_disk(db_path, "status", "2025")
        assert result.returncode == 1
        assert "bị hỏng" not in result.stderr and "khôi phục" not in result.stderr
        assert f"Ổ đĩa chứa thư mục {db_path.parent} đã đầy" in result.stderr
        assert "hãy giải phóng ít nhất 8 MB" in result.stderr

    assert db_path.read_bytes() == before
    assert run(db_path, "status", "2025").exit_code == 0  # room again: it opens, sound


def test_backup_on_a_full_disk_says_the_disk_is_full(db_path):
    with Workspace.open(db_path) as ws:
        ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    script = textwrap.dedent(f"""
        import resource, signal
        from qnapp import backup
        from qnapp.store import Store
        store = Store.open({str(db_path)!r})
        store.get_setting("profile")  # the -shm index exists before the disk fills up
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
        try:
            backup.make_backup(store)
        except backup.BackupFailed as err:
            print(err)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("Không tạo được bản sao lưu: Ổ đĩa chứa thư mục "), result.stdout + result.stderr
    assert "đã đầy" in result.stdout and "bị hỏng" not in result.stdout
    assert not list((db_path.parent / "backups").glob("*.part"))


def test_damaged_pages_are_still_reported_as_damaged(db_path):
    from qnapp.errors import DatabaseDamagedError
    from tests.core.test_startup_checks import make_damaged

    make_damaged(db_path)
    result = run(db_path, "status", "2025")
    assert result.exit_code == 1 and "bị hỏng" in result.stderr
    with pytest.raises(DatabaseDamagedError, match="bị hỏng"):
        Workspace.open(db_path)
