import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from qnapp.backup import (
    backup_if_due,
    backup_kind,
    backup_time,
    list_backups,
    make_backup,
    restore_backup,
)
from qnapp.errors import DatabaseError, DatabaseLockedError, NewerDatabaseError, QnappError
from qnapp.paths import backup_dir_for
from qnapp.store import Store, inspect_file, migrations

SCHEMA = tuple(m.name for m in migrations._migrations)  # a current database's migrations
from qnapp.text import VN_TZ

UNIT = "2021:06652"
WHO = "Nguyễn Thị Hoa"
T0 = datetime(2025, 6, 9, 8, 30, 0, tzinfo=VN_TZ)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "qnapp.sqlite"


@pytest.fixture
def store(db_path):
    s = Store.open(db_path)
    s.set_values(UNIT, "2025S1", {(f"E{i:03d}", "nu"): i for i in range(300)}, WHO)
    yield s
    s.close()


def read_values(path):
    with Store.open(path) as s:
        return s.get_values(UNIT, "2025S1")


# --- making and rotating -------------------------------------------------------------------


def test_make_backup_is_a_sound_standalone_copy(store, db_path):
    p = make_backup(store, now=T0)
    assert p.parent == backup_dir_for(db_path)
    assert p.name == "qnapp-20250609-083000.sqlite"
    assert backup_time(p) == T0 and backup_kind(p) == ""
    assert not Path(str(p) + "-wal").exists() and not Path(str(p) + ".part").exists()
    assert inspect_file(p, full_check=True) == SCHEMA
    conn = sqlite3.connect(p)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT count(*) FROM data_values").fetchone()[0] == 300
    conn.close()


def test_backup_sees_data_still_in_the_wal(store, tmp_path):
    store.set_value(UNIT, "2025", "LATEST", "", 9, WHO)  # committed, not yet checkpointed
    p = make_backup(store, tmp_path / "b", now=T0)
    conn = sqlite3.connect(p)
    assert conn.execute("SELECT value FROM data_values WHERE element='LATEST'").fetchone() == (9.0,)
    conn.close()


def test_unique_names_within_one_second(store, tmp_path):
    d = tmp_path / "b"
    paths = [make_backup(store, d, now=T0) for _ in range(3)]
    assert len(set(paths)) == 3
    assert [p.name for p in paths] == [
        "qnapp-20250609-083000.sqlite",
        "qnapp-20250609-083000-2.sqlite",
        "qnapp-20250609-083000-3.sqlite",
    ]
    assert list_backups(d) == list(reversed(paths))  # newest first


def test_rotation_keeps_newest_n(store, tmp_path):
    d = tmp_path / "b"
    made = [make_backup(store, d, keep=3, now=T0 + timedelta(hours=i)) for i in range(6)]
    assert list_backups(d) == list(reversed(made[-3:]))
    assert not any(p.exists() for p in made[:3])


def test_rotation_spares_safety_copies_and_other_files(store, tmp_path):
    d = tmp_path / "b"
    safety = make_backup(store, d, now=T0 - timedelta(days=30), kind="prerestore")
    (d / "notes.txt").write_text("giữ lại")
    for i in range(4):
        make_backup(store, d, keep=2, now=T0 + timedelta(days=i))
    assert safety.exists() and (d / "notes.txt").exists()
    assert [backup_kind(p) for p in list_backups(d)] == ["", "", "prerestore"]


def test_clock_set_back_never_deletes_the_new_backup(store, tmp_path):
    d = tmp_path / "b"
    for i in range(3):
        make_backup(store, d, keep=3, now=T0 + timedelta(days=i))
    reset = datetime(2009, 1, 1, tzinfo=VN_TZ)  # dead CMOS battery
    p = make_backup(store, d, keep=3, now=reset)
    assert p.exists()
    assert len([x for x in list_backups(d)]) == 3


def test_make_backup_refuses_inside_a_transaction(store, tmp_path):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.set_value(UNIT, "2025", "X", "", 1, WHO)
            make_backup(store, tmp_path / "b", now=T0)
    assert list_backups(tmp_path / "b") == []


def test_make_backup_argument_checks(store):
    with pytest.raises(ValueError):
        make_backup(store, keep=0)
    with pytest.raises(ValueError):
        make_backup(store, kind="../x")


# --- daily -----------------------------------------------------------------------------------


def test_backup_if_due_daily(store, tmp_path):
    d = tmp_path / "b"
    first = backup_if_due(store, now=T0, dest_dir=d)
    assert first is not None
    assert backup_if_due(store, now=T0 + timedelta(hours=23, minutes=59), dest_dir=d) is None
    second = backup_if_due(store, now=T0 + timedelta(days=1), dest_dir=d)
    assert second is not None and second != first
    assert backup_if_due(store, now=T0 + timedelta(days=1, hours=1), dest_dir=d) is None
    # a custom age
    assert backup_if_due(store, now=T0 + timedelta(days=1, hours=1), dest_dir=d,
                         max_age=timedelta(minutes=30)) is not None


def test_backup_if_due_default_dir_and_naive_time(store, db_path):
    p = backup_if_due(store, now=datetime(2025, 1, 2, 7, 0))
    assert p is not None and p.parent == backup_dir_for(db_path)
    assert p.name == "qnapp-20250102-070000.sqlite"


def test_backup_if_due_ignores_safety_copies_and_future_backups(store, tmp_path):
    d = tmp_path / "b"
    make_backup(store, d, now=T0, kind="prerestore")
    assert backup_if_due(store, now=T0 + timedelta(hours=1), dest_dir=d) is not None
    make_backup(store, d, now=T0 + timedelta(days=400))  # clock was ahead once
    assert backup_if_due(store, now=T0 + timedelta(hours=2), dest_dir=d) is not None


def test_list_backups_missing_dir(tmp_path):
    assert list_backups(tmp_path / "none") == []


# --- restore -----------------------------------------------------------------------------------


def test_restore_round_trip(store, db_path):
    good = make_backup(store, now=T0)
    original = store.get_values(UNIT, "2025S1")
    store.set_values(UNIT, "2025S1", {("E000", "nu"): 999, ("NEW", ""): 1}, WHO)
    changed = store.get_values(UNIT, "2025S1")
    store.close()

    safety = restore_backup(good, db_path, now=T0 + timedelta(hours=1))
    assert safety is not None and backup_kind(safety) == "prerestore"
    assert safety.parent == backup_dir_for(db_path)
    assert read_values(db_path) == original
    assert read_values(safety) == changed  # the state before the restore is kept
    with Store.open(db_path) as s:
        assert s.integrity_ok()
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_includes_wal_content_in_safety_copy(store, db_path, tmp_path):
    good = make_backup(store, tmp_path / "b", now=T0)
    store.set_value(UNIT, "2025S1", "LATE", "", 7, WHO)
    # simulate a crash: copy the live files (db + -wal) while the store is open
    crashed = tmp_path / "crashed" / "qnapp.sqlite"
    crashed.parent.mkdir()
    for suffix in ("", "-wal"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            Path(str(crashed) + suffix).write_bytes(src.read_bytes())
    safety = restore_backup(good, crashed, now=T0)
    assert read_values(safety)[("LATE", "")] == 7.0
    assert ("LATE", "") not in read_values(crashed)


def test_restore_into_new_location(store, tmp_path):
    good = make_backup(store, tmp_path / "b", now=T0)
    target = tmp_path / "newpc" / "qnapp.sqlite"
    assert restore_backup(good, target) is None
    assert read_values(target) == store.get_values(UNIT, "2025S1")


def test_restore_over_a_broken_database(store, db_path, tmp_path):
    good = make_backup(store, tmp_path / "b", now=T0)
    store.close()
    garbage = b"\x00garbage" * 1000
    db_path.write_bytes(garbage)
    Path(str(db_path) + "-wal").unlink(missing_ok=True)
    safety = restore_backup(good, db_path, now=T0)
    assert safety.read_bytes() == garbage  # raw bytes kept for a specialist
    assert len(read_values(db_path)) == 300


def _refused(backup, db_path, exc=DatabaseError):
    before = db_path.read_bytes()
    backups_before = list_backups(backup_dir_for(db_path))
    with pytest.raises(exc) as err:
        restore_backup(backup, db_path)
    assert db_path.read_bytes() == before
    assert list_backups(backup_dir_for(db_path)) == backups_before  # no safety copy either
    return str(err.value)


@pytest.fixture
def closed_db(store, db_path, tmp_path):
    good = make_backup(store, tmp_path / "b", now=T0)
    store.close()
    return good


def test_restore_refuses_truncated_backup(closed_db, db_path, tmp_path):
    half = tmp_path / "half.sqlite"
    data = closed_db.read_bytes()
    half.write_bytes(data[: len(data) // 2])
    assert "bị hỏng" in _refused(half, db_path)


def test_restore_refuses_garbage(closed_db, db_path, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all " * 100)
    assert "không phải là cơ sở dữ liệu SQLite" in _refused(junk, db_path)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert "không phải là bản sao lưu của qnapp" in _refused(empty, db_path)


def test_restore_refuses_corrupted_page(closed_db, db_path, tmp_path):
    bad = tmp_path / "bad.sqlite"
    data = bytearray(closed_db.read_bytes())
    page = 4096
    for i in range(page * 2, page * 2 + 200):
        data[i] = 0xFF
    bad.write_bytes(bytes(data))
    _refused(bad, db_path)


def test_restore_refuses_foreign_sqlite(closed_db, db_path, tmp_path):
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('Bèo dạt mây trôi')")
    conn.commit()
    conn.close()
    assert "không phải của qnapp" in _refused(foreign, db_path)
    empty = tmp_path / "empty-sqlite.sqlite"
    sqlite3.connect(empty).execute("PRAGMA user_version=1").connection.close()
    _refused(empty, db_path)


def test_restore_refuses_newer_backup(closed_db, db_path, tmp_path):
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(closed_db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('qnapp', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    assert "mới hơn" in _refused(newer, db_path, NewerDatabaseError)


def test_restore_refuses_missing_backup(closed_db, db_path, tmp_path):
    _refused(tmp_path / "nope.sqlite", db_path)


def test_restore_refuses_while_database_is_open(store, db_path, tmp_path):
    good = make_backup(store, tmp_path / "b", now=T0)
    store.set_value(UNIT, "2025", "OPEN", "", 1, WHO)
    with pytest.raises(DatabaseLockedError) as err:
        restore_backup(good, db_path)
    assert isinstance(err.value, QnappError)
    assert store.get_values(UNIT, "2025") == {("OPEN", ""): 1.0}
    assert list_backups(backup_dir_for(db_path)) == []


def test_restore_refuses_itself(closed_db, db_path):
    with pytest.raises(ValueError):
        restore_backup(db_path, db_path)


def test_restore_with_vietnamese_paths(store, tmp_path):
    good = make_backup(store, tmp_path / "Sao lưu #2", now=T0)
    target = tmp_path / "Máy mới" / "dữ liệu 100%.sqlite"
    assert restore_backup(good, target) is None
    assert len(read_values(target)) == 300
