import json
import sqlite3
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

import qnapp.store as store_mod
from qnapp.backup import backup_kind, list_backups
from qnapp.errors import DatabaseError, DatabaseLockedError, NewerDatabaseError
from qnapp.paths import backup_dir_for
from qnapp.store import Activity, Store, inspect_file, value_audit_key

ROOT = Path(__file__).resolve().parents[2]
UNIT = "2021:06652"
WHO = "Nguyễn Thị Hoa"
# Every registered migration, in order: the schema of a fresh or current database.
SCHEMA = tuple(m.name for m in store_mod.migrations._migrations)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "qnapp.sqlite"


@pytest.fixture
def store(db_path):
    s = Store.open(db_path)
    yield s
    s.close()


def act(**kw):
    base = dict(
        id=None, unit=UNIT, date=date(2025, 3, 8), type="truyen_thong",
        title="Nói chuyện chuyên đề bình đẳng giới", place="Nhà văn hóa khu 3",
        participants_male=20, participants_female=35, cost=1_500_000,
        fund_source="ngan_sach", objectives=(6, 3), note="",
    )
    base.update(kw)
    return Activity(**base)


# --- opening -------------------------------------------------------------------------------


def test_fresh_file_gets_schema_and_pragmas(store, db_path):
    assert db_path.exists()
    assert store.path == db_path
    assert store.schema_version == SCHEMA and SCHEMA[0] == "m001_initial"
    tables = set(store.db.table_names())
    assert {"settings", "data_values", "activities", "audit", "_sqlite_migrations"} <= tables
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"activities_unit_date", "data_values_period_element"} <= indexes
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.integrity_ok()


def test_reopen_keeps_data_and_does_not_migrate_twice(db_path):
    with Store.open(db_path) as s:
        s.set_value(UNIT, "2025S1", "GBV_VICTIMS", "nu", 3, WHO)
        s.set_setting("officer", {"name": WHO}, WHO)
    with Store.open(db_path, create=False) as s:
        assert s.get_values(UNIT, "2025S1") == {("GBV_VICTIMS", "nu"): 3.0}
        assert s.get_setting("officer") == {"name": WHO}
        assert s.schema_version == SCHEMA
        n = s.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
        assert n == len(SCHEMA)
    assert list_backups(backup_dir_for(db_path)) == []  # no upgrade, no safety copy


def test_create_false_refuses_missing_file(db_path):
    with pytest.raises(DatabaseError, match="Không tìm thấy"):
        Store.open(db_path, create=False)
    assert not db_path.exists()


def test_empty_file_is_initialised(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    with Store.open(db_path) as s:
        assert s.schema_version == SCHEMA


def test_second_open_is_refused_in_same_process(store, db_path):
    with pytest.raises(DatabaseLockedError) as err:
        Store.open(db_path)
    assert "đang được một phiên qnapp khác sử dụng" in str(err.value)
    store.close()
    with Store.open(db_path) as again:  # released on close
        assert again.schema_version


def test_second_open_is_refused_from_another_process(store, db_path):
    code = (
        "import sys\n"
        "from qnapp.store import Store\n"
        "from qnapp.errors import DatabaseLockedError\n"
        "try:\n"
        f"    Store.open({str(db_path)!r})\n"
        "except DatabaseLockedError:\n"
        "    sys.exit(7)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert proc.returncode == 7


def _make_newer(db_path):
    with Store.open(db_path) as s:
        s.set_value(UNIT, "2025", "X", "", 1, WHO)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('qnapp', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()


def test_newer_database_refused_and_untouched(db_path):
    _make_newer(db_path)
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError) as err:
        Store.open(db_path)
    assert "mới hơn" in str(err.value) and "cập nhật qnapp" in str(err.value)
    assert db_path.read_bytes() == before
    assert not Path(str(db_path) + "-wal").exists()
    # the lock was released on failure
    store_mod.lock_database(db_path).release()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is a zip, not a database" * 20, b"\x00" * 4096, b"SQLite format 3"],
)
def test_non_sqlite_file_refused_untouched(db_path, content):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError) as err:
        Store.open(db_path)
    assert "không phải là cơ sở dữ liệu SQLite" in str(err.value)
    assert db_path.read_bytes() == content
    store_mod.lock_database(db_path).release()


def test_foreign_sqlite_file_refused_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="không phải của qnapp"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_corrupt_database_refused_untouched(db_path):
    with Store.open(db_path) as s:
        s.set_values(UNIT, "2025", {(f"E{i}", "nu"): i for i in range(400)}, WHO)
    data = db_path.read_bytes()
    half = data[: len(data) // 2]
    db_path.write_bytes(half)
    with pytest.raises(DatabaseError, match="bị hỏng"):
        Store.open(db_path)
    assert db_path.read_bytes() == half


def test_upgrade_backs_up_first_and_failed_migration_changes_nothing(db_path, monkeypatch):
    with Store.open(db_path) as s:
        s.set_value(UNIT, "2025", "X", "", 5, WHO)

    def m999_broken(db):
        db.execute("ALTER TABLE activities ADD COLUMN extra TEXT")
        raise RuntimeError("boom")

    monkeypatch.setattr(store_mod, "MIGRATION_STEPS", store_mod.MIGRATION_STEPS + (m999_broken,))
    monkeypatch.setattr(store_mod, "MIGRATION_NAMES", store_mod.MIGRATION_NAMES + ("m999_broken",))
    store_mod._migrations.cache_clear()
    with pytest.raises(DatabaseError, match="Không nâng cấp được"):
        Store.open(db_path)
    monkeypatch.undo()
    store_mod._migrations.cache_clear()
    with Store.open(db_path) as s:  # still the old schema, data intact
        assert s.schema_version == SCHEMA
        assert "extra" not in s.db["activities"].columns_dict
        assert s.get_values(UNIT, "2025") == {("X", ""): 5.0}

    def m999_add_column(db):
        db.execute("ALTER TABLE activities ADD COLUMN extra TEXT")

    monkeypatch.setattr(store_mod, "MIGRATION_STEPS", store_mod.MIGRATION_STEPS + (m999_add_column,))
    monkeypatch.setattr(store_mod, "MIGRATION_NAMES", store_mod.MIGRATION_NAMES + ("m999_add_column",))
    store_mod._migrations.cache_clear()
    with Store.open(db_path) as s:
        assert s.schema_version == (*SCHEMA, "m999_add_column")
    monkeypatch.undo()
    store_mod._migrations.cache_clear()
    backups = list_backups(backup_dir_for(db_path))
    assert backups and all(backup_kind(p) == "premigrate" for p in backups)
    assert inspect_file(backups[0]) == SCHEMA  # the pre-upgrade state


def test_closed_store_refuses_use(db_path):
    s = Store.open(db_path)
    s.close()
    s.close()  # idempotent
    with pytest.raises(DatabaseError):
        s.get_values(UNIT, "2025")


# --- settings ------------------------------------------------------------------------------


def test_settings_round_trip_and_audit(store):
    assert store.get_setting("missing", 42) == 42
    assert store.set_setting("recipient", "Sở Nội vụ", WHO) is True
    assert store.set_setting("recipient", "Sở Nội vụ", WHO) is False  # unchanged
    store.set_setting("recipient", "UBND tỉnh", "Trần Văn Nam")
    assert store.get_setting("recipient") == "UBND tỉnh"
    log = store.audit_log("setting")
    assert [(r["action"], r["old"], r["new"], r["who"]) for r in log] == [
        ("update", "Sở Nội vụ", "UBND tỉnh", "Trần Văn Nam"),
        ("insert", None, "Sở Nội vụ", WHO),
    ]
    with pytest.raises(ValueError):
        store.set_setting("x", object(), WHO)
    with pytest.raises(ValueError):
        store.set_setting("x", 1, "  ")


# --- values ---------------------------------------------------------------------------------


def test_set_values_audit_for_set_overwrite_clear(store):
    n = store.set_values(UNIT, "2025S1", {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 4}, WHO)
    assert n == 2
    assert store.get_values(UNIT, "2025S1") == {("GBV_VICTIMS", "nam"): 1.0, ("GBV_VICTIMS", "nu"): 4.0}
    # unchanged cells write nothing; clearing an empty cell writes nothing
    assert store.set_values(UNIT, "2025S1", {("GBV_VICTIMS", "nam"): 1.0, ("NONE", ""): None}, WHO) == 0
    assert len(store.audit_log("value")) == 2
    assert store.set_value(UNIT, "2025S1", "GBV_VICTIMS", "nu", 5, "Trần Văn Nam") is True
    assert store.set_value(UNIT, "2025S1", "GBV_VICTIMS", "nam", None, WHO) is True
    assert store.get_values(UNIT, "2025S1") == {("GBV_VICTIMS", "nu"): 5.0}

    log = store.audit_log("value")
    assert [(r["action"], r["old"], r["new"]) for r in log] == [
        ("delete", 1.0, None),
        ("update", 4.0, 5.0),
        ("insert", None, 4.0),
        ("insert", None, 1.0),
    ]
    assert log[1]["who"] == "Trần Văn Nam"
    assert log[1]["entity_key"] == value_audit_key(UNIT, "2025S1", "GBV_VICTIMS", "nu")
    assert log[1]["at"].endswith("+07:00")
    row = store.conn.execute("SELECT updated_at, updated_by FROM data_values").fetchone()
    assert row[0].endswith("+07:00") and row[1] == "Trần Văn Nam"
    assert store.audit_log("value", limit=1)[0]["action"] == "delete"
    assert len(store.audit_log(entity_key=log[1]["entity_key"])) == 2


def test_set_values_is_atomic_when_an_insert_fails(store):
    store.set_value(UNIT, "2025", "KEEP", "", 1, WHO)
    store.conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON data_values WHEN NEW.element = 'BOOM' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    changes = {("A", ""): 1, ("KEEP", ""): 2, ("BOOM", ""): 3, ("Z", ""): 4}
    with pytest.raises(DatabaseError, match="chưa có thay đổi nào được lưu"):
        store.set_values(UNIT, "2025", changes, WHO)
    assert store.get_values(UNIT, "2025") == {("KEEP", ""): 1.0}
    assert len(store.audit_log()) == 1
    assert not store.conn.in_transaction


def test_set_values_is_atomic_when_audit_fails(store, monkeypatch):
    calls = []
    real = Store._audit

    def flaky(self, *args):
        calls.append(args)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, *args)

    monkeypatch.setattr(Store, "_audit", flaky)
    with pytest.raises(DatabaseError):
        store.set_values(UNIT, "2025", {("A", ""): 1, ("B", ""): 2}, WHO)
    monkeypatch.undo()
    assert store.get_values(UNIT, "2025") == {}
    assert store.audit_log() == []


def test_caller_transaction_batches_and_rolls_back(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.set_value(UNIT, "2025", "A", "", 1, WHO)
            store.add_activity(act(), WHO)
            raise RuntimeError("caller changed its mind")
    assert store.get_values(UNIT, "2025") == {}
    assert store.list_activities(UNIT) == []
    with store.transaction():
        store.set_value(UNIT, "2025", "A", "", 1, WHO)
        store.set_value(UNIT, "2025Q1", "A", "", 2, WHO)
    assert store.get_values_many(UNIT, ["2025", "2025Q1", "2025Q2"]) == {
        "2025": {("A", ""): 1.0}, "2025Q1": {("A", ""): 2.0}, "2025Q2": {}}


@pytest.mark.parametrize(
    "args",
    [
        ("", "2025", {("A", ""): 1}),
        (UNIT, "2025H1", {("A", ""): 1}),
        (UNIT, "2025", {("A", ""): "3"}),
        (UNIT, "2025", {("A", ""): True}),
        (UNIT, "2025", {("A", ""): float("nan")}),
        (UNIT, "2025", {("A", ""): float("inf")}),
        (UNIT, "2025", {("", ""): 1}),
        (UNIT, "2025", {("A",): 1}),
        (UNIT, "2025", {("A", None): 1}),
    ],
)
def test_malformed_value_args_rejected(store, args):
    with pytest.raises(ValueError):
        store.set_values(*args, WHO)
    assert store.audit_log() == []


def test_periods_with_values_chronological(store):
    for p in ["2025", "2024", "202501", "2025Q1", "2025S2"]:
        store.set_value(UNIT, p, "A", "", 1, WHO)
    store.set_value("2021:00001", "2023", "A", "", 1, WHO)
    assert store.periods_with_values(UNIT) == ["2024", "202501", "2025Q1", "2025", "2025S2"]


def test_text_is_stored_nfc(store):
    decomposed = unicodedata.normalize("NFD", WHO)
    assert decomposed != WHO
    store.set_value(UNIT, "2025", "A", "", 1, decomposed)
    assert store.audit_log()[0]["who"] == WHO
    a = store.add_activity(act(title=unicodedata.normalize("NFD", "Đối thoại chính sách")), WHO)
    assert a.title == "Đối thoại chính sách"
    assert store.get_activity(a.id).title == "Đối thoại chính sách"


# --- activities ------------------------------------------------------------------------------


def test_activity_add_update_delete_with_audit(store):
    a = store.add_activity(act(), WHO)
    assert a.id is not None and a.objectives == (3, 6)  # stored as a sorted set
    assert store.get_activity(a.id) == a
    b = store.update_activity(a.__class__(**{**a.__dict__, "participants_female": 40}), "Trần Văn Nam")
    assert store.get_activity(a.id).participants_female == 40
    assert store.update_activity(b, WHO) == b  # unchanged: no audit row
    store.delete_activity(a.id, WHO)
    assert store.get_activity(a.id) is None

    log = store.audit_log("activity")
    assert [r["action"] for r in log] == ["delete", "update", "insert"]
    delete, update, insert = log
    assert delete["old"]["title"] == a.title and delete["new"] is None
    assert delete["old"]["date"] == "2025-03-08" and delete["old"]["objectives"] == [3, 6]
    assert update["old"]["participants_female"] == 35 and update["new"]["participants_female"] == 40
    assert update["who"] == "Trần Văn Nam"
    assert insert["old"] is None and insert["new"]["id"] == a.id
    assert all(r["entity_key"] == str(a.id) for r in log)
    with pytest.raises(KeyError):
        store.delete_activity(a.id, WHO)
    with pytest.raises(KeyError):
        store.update_activity(a, WHO)


def test_activity_ids_are_never_reused(store):
    a = store.add_activity(act(), WHO)
    store.delete_activity(a.id, WHO)
    b = store.add_activity(act(), WHO)
    assert b.id != a.id


def test_audit_is_append_only(store):
    store.set_value(UNIT, "2025", "A", "", 1, WHO)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE audit SET who = 'x'")


@pytest.mark.parametrize(
    "bad",
    [
        dict(id=5),
        dict(unit=""),
        dict(date="2025-03-08"),
        dict(participants_male="20"),
        dict(cost=1.5),
        dict(objectives=("1",)),
        dict(title=None),
    ],
)
def test_malformed_activity_rejected(store, bad):
    with pytest.raises(ValueError):
        store.add_activity(act(**bad), WHO)
    assert store.list_activities(None) == []


def test_list_activities_filters_and_order(store):
    a1 = store.add_activity(act(date=date(2024, 12, 20), objectives=(6,), type="truyen_thong"), WHO)
    a2 = store.add_activity(act(date=date(2025, 6, 14), objectives=(3,), type="tap_huan",
                                title="Tập huấn kỹ năng"), WHO)
    a3 = store.add_activity(act(date=date(2025, 6, 14), objectives=(3, 6), type="truyen_thong"), WHO)
    other = store.add_activity(act(unit="2021:00001", date=date(2025, 1, 1)), WHO)

    def ids(xs):
        return [x.id for x in xs]

    assert ids(store.list_activities(UNIT)) == [a3.id, a2.id, a1.id]
    assert ids(store.list_activities(None)) == [a3.id, a2.id, other.id, a1.id]
    assert ids(store.list_activities(UNIT, date_from=date(2024, 12, 15), date_to=date(2025, 6, 13))) == [a1.id]
    assert ids(store.list_activities(UNIT, date_from=date(2025, 6, 14))) == [a3.id, a2.id]
    assert ids(store.list_activities(UNIT, date_to=date(2024, 12, 20))) == [a1.id]
    assert ids(store.list_activities(UNIT, objective=6)) == [a3.id, a1.id]
    assert ids(store.list_activities(UNIT, type="tap_huan")) == [a2.id]
    assert ids(store.list_activities(UNIT, match=lambda a: "Tập huấn" in a.title)) == [a2.id]
    assert ids(store.list_activities(UNIT, objective=3, type="truyen_thong")) == [a3.id]
    with pytest.raises(ValueError):
        store.list_activities(UNIT, date_from="2025-01-01")


def test_stored_columns(store):
    a = store.add_activity(act(), WHO)
    row = store.conn.execute(
        "SELECT date, objectives, cost, created_by, created_at FROM activities WHERE id = ?", [a.id]
    ).fetchone()
    assert row[0] == "2025-03-08"
    assert json.loads(row[1]) == [3, 6]
    assert row[2] == 1_500_000
    assert row[3] == WHO and row[4].endswith("+07:00")


def test_vietnamese_path_with_spaces_and_hash(tmp_path):
    path = tmp_path / "Dữ liệu xã #1" / "Hà Tu 100%.sqlite"
    with Store.open(path) as s:
        s.set_value(UNIT, "2025", "A", "", 1, WHO)
    assert inspect_file(path) == SCHEMA
    with Store.open(path) as s:
        assert s.get_values(UNIT, "2025") == {("A", ""): 1.0}
