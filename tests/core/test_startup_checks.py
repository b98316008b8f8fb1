"""The checks of opening a database: made at once by the command line, deferred (and run by
``backup.startup_checks``) for the GUI; the one-writer lock; the log file."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from datetime import datetime

import pytest
from click.testing import CliRunner

from qnapp import backup, logs
from qnapp.cli import main
from qnapp.errors import DatabaseError, DatabaseLockedError
from qnapp.file_lock import FileLock, LockHeld
from qnapp.paths import backup_dir_for, data_dir
from qnapp.store import Store, lock_database
from qnapp.text import VN_TZ
from qnapp.workspace import Workspace

from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER

PAGE = 4096


def make_damaged(db_path) -> None:
    """An initialised database whose last data pages are overwritten: its header, schema
    and migrations still read, but ``quick_check`` fails."""
    ws = Workspace.open(db_path)
    ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    ws.store.set_values(ws.profile.unit_key, "2025", {(f"E{i}", "nu"): i for i in range(2000)}, "test")
    ws.close(backup_on_close=False)
    data = bytearray(db_path.read_bytes())
    pages = len(data) // PAGE
    for page in (pages - 3, pages - 2):
        data[page * PAGE + 8: page * PAGE + 4000] = b"\x5a" * (4000 - 8)
    db_path.write_bytes(bytes(data))


@pytest.fixture
def closed_db(db_path):
    with Workspace.open(db_path) as ws:
        ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    for old in backup_dir_for(db_path).glob("*"):
        old.unlink()
    return db_path


def test_command_line_still_checks_pages_before_anything(db_path):
    make_damaged(db_path)
    with pytest.raises(DatabaseError, match="bị hỏng"):
        Workspace.open(db_path)
    result = CliRunner().invoke(main, ["--db", str(db_path), "periods", "--year", "2025"])
    assert result.exit_code == 1
    assert "bị hỏng" in result.output and "khôi phục" in result.output
    assert not backup_dir_for(db_path).exists()  # no backup of a broken file


def test_deferred_open_leaves_the_check_and_backup_to_startup_checks(db_path):
    make_damaged(db_path)
    ws = Workspace.open(db_path, deferred_checks=True)
    try:
        assert ws.is_initialised  # opened: the window can paint
        with pytest.raises(DatabaseError, match="bị hỏng"):
            backup.startup_checks(ws.store)
        assert not backup_dir_for(db_path).exists()  # a broken copy never rotates a good one away
    finally:
        ws.close(backup_on_close=False)


def test_deferred_open_makes_no_backup_until_the_checks_run(closed_db):
    ws = Workspace.open(closed_db, deferred_checks=True)
    try:
        assert backup.list_backups(backup_dir_for(closed_db)) == []
        now = datetime(2025, 6, 3, 8, 30, tzinfo=VN_TZ)
        report = backup.startup_checks(ws.store, now=now)
        assert report.made and report.backup_error is None
        assert backup.list_backups(backup_dir_for(closed_db)) == [report.latest]
        assert report.latest.name == "qnapp-20250603-083000.sqlite"
        again = backup.startup_checks(ws.store, now=now.replace(hour=17))  # not due: same day
        assert again == backup.StartupReport(report.latest, made=False)
    finally:
        ws.close(backup_on_close=False)


def test_a_failed_backup_does_not_hide_a_good_check(closed_db, monkeypatch):
    def full_disk(*_args, **_kwargs):
        raise DatabaseError("Không tạo được bản sao lưu: ổ đĩa đầy")

    monkeypatch.setattr(backup, "make_backup", full_disk)
    with Store.open(closed_db, check=False) as store:
        report = backup.startup_checks(store)
    assert report.latest is None and not report.made
    assert str(report.backup_error) == "Không tạo được bản sao lưu: ổ đĩa đầy"


def test_workspace_open_still_backs_up_when_due(closed_db):
    Workspace.open(closed_db).close(backup_on_close=False)
    assert len(backup.list_backups(backup_dir_for(closed_db))) == 1


# --- the one-writer lock --------------------------------------------------------------


def test_lock_is_exclusive_in_one_process_and_free_after_release(tmp_path):
    first, second = FileLock(tmp_path / "db.lock"), FileLock(tmp_path / "db.lock")
    first.acquire()
    with pytest.raises(LockHeld):
        second.acquire()
    first.release()
    first.release()  # idempotent
    second.acquire()
    assert second.is_locked and not first.is_locked
    second.release()


def test_lock_held_by_another_process_is_refused_then_freed_when_it_dies(db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from qnapp.file_lock import FileLock
            lock = FileLock({str(db_path) + '.lock'!r})
            lock.acquire()
            print("held", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLockedError, match="đang được một phiên qnapp khác sử dụng"):
            Store.open(db_path)
    finally:
        holder.kill()  # no release: the OS frees the lock of a process that dies
        holder.wait()
    lock_database(db_path).release()


# --- the log file ---------------------------------------------------------------------


def test_log_file_lives_in_the_data_folder_with_timestamps(tmp_path):
    path = logs.configure()
    try:
        assert path == logs.log_path() == data_dir() / "logs" / "qnapp.log"
        logging.getLogger("qnapp.test").info("database checked")
        line = path.read_text(encoding="utf-8").splitlines()[-1]
        assert line.endswith(" INFO [MainThread] qnapp.test: database checked")
        datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
        assert logs.configure() == path  # again: one set of handlers, not two
        ours = [h for h in logging.getLogger().handlers if getattr(h, "_qnapp_handler", False)]
        assert len([h for h in ours if isinstance(h, logs.RotatingFileHandler)]) == 1
    finally:
        logs.reset()


def test_log_file_rotates(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = logs.configure(tmp_path / "logs" / "qnapp.log")
    try:
        for n in range(200):
            logging.getLogger("qnapp.test").warning("event %d", n)
    finally:
        logs.reset()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["qnapp.log", "qnapp.log.1", "qnapp.log.2", "qnapp.log.3"]
    assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
    assert path.read_text(encoding="utf-8").splitlines()[-1].endswith("event 199")


def test_unwritable_log_folder_does_not_stop_the_program(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    try:
        assert logs.configure(blocker / "qnapp.log") is None
        logging.getLogger("qnapp.test").error("still running")  # no exception
        assert logs.configured_path() is None
    finally:
        logs.reset()


def test_backups_made_at_once_get_a_file_each(closed_db):
    """The GUI's start-up backup and «Sao lưu ngay» can run on two workers together."""
    from concurrent.futures import ThreadPoolExecutor

    now = datetime(2025, 6, 3, 8, 30, tzinfo=VN_TZ)
    with Store.open(closed_db) as store, ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda _n: backup.make_backup(store, now=now), range(4)))
    assert len(set(made)) == 4
    assert sorted(backup.list_backups(backup_dir_for(closed_db))) == sorted(made)
    for path in made:
        with Store.open(path, create=False) as copy:
            assert copy.quick_check() is None
