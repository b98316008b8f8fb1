"""Crash leftovers (a backup's ``.part``, an export's temporary file) are cleaned at start,
but never a file another qnapp may be writing now, nor a file qnapp did not write."""

from __future__ import annotations

import os
import time

from click.testing import CliRunner

from qnapp import backup
from qnapp.cli import main
from qnapp.files import write_atomic
from qnapp.paths import backup_dir_for
from qnapp.workspace import EXPORTS_KEY, Workspace
from tests.conftest import COMMUNE_CODE, COMMUNE_TREE, OFFICER

HOURS_AGO = 3 * 3600


def aged(path, seconds=HOURS_AGO, size=4096):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_stale_part_and_tmp_files_are_cleaned_at_start(db_path, tmp_path):
    usb, reports = tmp_path / "usb", tmp_path / "bao-cao"
    ws = Workspace.open(db_path)
    ws.initialise(COMMUNE_TREE, COMMUNE_CODE, OFFICER)
    backup.set_backup_folder(ws.store, usb, who=OFFICER)
    ws.store.set_setting(EXPORTS_KEY, {"folder": str(reports), "periods": {"2025S1": str(reports / "b.zip")}}, OFFICER)
    ws.close(backup_on_close=False)

    stale = [
        aged(usb / "qnapp-20250603-083000.sqlite.part"),  # a backup killed midway
        aged(backup_dir_for(db_path) / "qnapp-prerestore-20250603-083000.sqlite.part"),
        aged(reports / "b.zip.qnapp-4242.tmp"),  # an export killed midway
        aged(reports / "b.zip.tmp"),  # the name older versions wrote to
        aged(db_path.parent / "report.xlsx.qnapp-4242.tmp"),
        aged(db_path.parent / (db_path.name + ".restore-part")),  # a restore killed midway
    ]
    kept = [
        aged(usb / "qnapp-20250603-090000.sqlite.part", seconds=60),  # maybe being written now
        aged(reports / "c.zip.qnapp-4243.tmp", seconds=60),
        aged(reports / "notes.tmp"),  # not qnapp's
        aged(reports / "c.zip.tmp"),  # not a name this database wrote to
        aged(usb / "qnapp-20250603-083000.sqlite"),  # a finished backup
    ]

    result = CliRunner().invoke(main, ["--db", str(db_path), "status", "2025"])

    assert result.exit_code == 0, result.output
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_a_new_file_written_clears_stale_temporary_files_beside_it(tmp_path):
    old = aged(tmp_path / "x.zip.qnapp-1.tmp")
    fresh = aged(tmp_path / "y.xlsx.qnapp-2.tmp", seconds=10)
    write_atomic(tmp_path / "z.csv", b"a,b\n")
    assert not old.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.xlsx.qnapp-2.tmp", "z.csv"]


def test_cleaning_never_fails_on_a_missing_or_unreadable_folder(tmp_path):
    from qnapp import leftovers

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    assert leftovers.clean([tmp_path / "missing", not_a_folder]) == []
