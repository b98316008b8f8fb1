"""The program runs the ``qnapp`` command line when given a subcommand (issue 10, item 5):
the packaged folder has no Python, so ``qnapp restore`` must work through it, and a
console ``qnapp-cli`` beside it (a windowed Windows program has no console)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import ui.app as app_module
from qnapp import backup
from qnapp.store import Store, inspect_file

ROOT = Path(__file__).resolve().parents[2]
UNIT = "2021:06652"


@pytest.fixture
def saved(tmp_path):
    with Store.open(tmp_path / "old.sqlite") as s:
        s.set_value(UNIT, "2025", "E1", "nu", 4, "Nguyễn Thị Hoa")
        return backup.make_backup(s, tmp_path / "usb")


def test_program_runs_command_line_subcommands(saved, tmp_path, capsys):
    target = tmp_path / "moi.sqlite"
    assert app_module.main(["--db", str(target), "restore", str(saved)]) == 0
    assert "Đã khôi phục từ" in capsys.readouterr().out
    with Store.open(target) as s:
        assert s.get_values(UNIT, "2025") == {("E1", "nu"): 4.0}
    # A refused restore says why and exits 1, as `qnapp restore` does.
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"junk" * 100)
    assert app_module.main(["--db", str(target), "restore", str(junk)]) == 1
    assert "không phải là cơ sở dữ liệu SQLite" in capsys.readouterr().err
    assert app_module.cli_subcommand(["--db", "x.sqlite", "--demo"]) is None  # the window


def test_frozen_package_runs_command_line_subcommands(saved, tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--distpath", str(dist)],
                   check=True, cwd=ROOT, capture_output=True)
    folder = dist / "qnapp"
    env = dict(os.environ, QNAPP_HOME=str(tmp_path / "home"))
    for n, name in enumerate(["qnapp-cli", "qnapp"]):  # the console program, the windowed one
        exe = folder / (name + ".exe" if sys.platform == "win32" else name)
        target = tmp_path / f"restored-{n}.sqlite"
        run = subprocess.run([str(exe), "--db", str(target), "restore", str(saved)],
                             env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "Đã khôi phục từ" in run.stdout
        assert inspect_file(target, full_check=True)
