"""A restore killed at any step leaves the old database or the restored one, never an
empty one (issue 10, item 2). The kill is an ``os._exit`` in a child process, fired by an
audit hook before the k-th file step (connect, copy, remove, rename), for every k."""

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from qnapp.backup import list_backups, make_backup, restore_backup
from qnapp.errors import DatabaseError
from qnapp.paths import backup_dir_for
from qnapp.store import Store, inspect_file
from qnapp.text import VN_TZ

UNIT = "2021:06652"
WHO = "Nguyễn Thị Hoa"
T0 = datetime(2025, 6, 9, 8, 30, tzinfo=VN_TZ)
ROOT = Path(__file__).resolve().parents[2]

KILLER = textwrap.dedent("""
    import os, sys
    from qnapp.backup import restore_backup
    kill_at, steps = int(sys.argv[1]), 0
    def hook(event, args):
        global steps
        if event in ("sqlite3.connect", "os.remove", "os.rename", "shutil.copyfile"):
            steps += 1
            if steps == kill_at:
                os._exit(9)
    sys.addaudithook(hook)
    restore_backup(sys.argv[2], sys.argv[3])
    os._exit(0)
""")


def values(path):
    with Store.open(path) as s:
        return s.get_values(UNIT, "2025S1")


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 2 + 300] = b"\xff" * 300  # a torn page; the header stays sound
    path.write_bytes(bytes(data))


@pytest.fixture
def scene(tmp_path):
    """A backup, then a database written after it; ``damaged`` or sound."""
    db = tmp_path / "data" / "qnapp.sqlite"
    with Store.open(db) as s:
        s.set_values(UNIT, "2025S1", {(f"E{i:03d}", "nu"): i for i in range(300)}, WHO)
        good = make_backup(s, tmp_path / "usb", now=T0)
        s.set_values(UNIT, "2025S1", {("LATE", ""): 7}, WHO)
    return db, good


def _snapshot(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}


def _reset(db: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(db.parent)
    db.parent.mkdir()
    for name, data in files.items():
        (db.parent / name).write_bytes(data)


def _kill_at(k: int, good: Path, db: Path) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", KILLER, str(k), str(good), str(db)],
                          env=env, cwd=ROOT, timeout=60).returncode


@pytest.mark.parametrize("damaged", [True, False], ids=["damaged", "sound"])
def test_restore_killed_midway_never_leaves_an_empty_database(scene, damaged):
    db, good = scene
    restored = values(good)
    before = values(db)
    assert before != restored
    if damaged:
        _damage(db)
        with pytest.raises(DatabaseError, match="bị hỏng"):
            inspect_file(db)
    files = _snapshot(db)
    outcomes = []
    for k in range(1, 60):
        _reset(db, files)
        code = _kill_at(k, good, db)
        assert db.exists() and db.stat().st_size > 0, f"killed at step {k}: no database left"
        if damaged and db.read_bytes() == files[db.name]:
            outcomes.append("old")
        else:
            assert inspect_file(db, full_check=True), f"killed at step {k}: an empty database"
            state = values(db)
            assert state in (before, restored), f"killed at step {k}: neither old nor restored"
            outcomes.append("old" if state == before else "restored")
        # Whatever was left, restoring again works and leaves no building file behind.
        restore_backup(good, db)
        assert values(db) == restored
        assert not Path(str(db) + ".restore-part").exists()
        if code == 0:
            break
    assert outcomes[0] == "old" and outcomes[-1] == "restored"
    assert k > 3  # the hook saw the steps
    # The file as it was before the restore is kept aside, the damaged one byte for byte.
    kept = [p for p in list_backups(backup_dir_for(db)) if "prerestore" in p.name]
    assert kept
    if damaged:
        assert files[db.name] in [p.read_bytes() for p in kept]
