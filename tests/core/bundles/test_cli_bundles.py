"""``qnapp export / verify / reopen``: messages, JSON Lines and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qnapp.cli import main
from qnapp.demo import fill_demo
from qnapp.workspace import Workspace
from tests.core.bundles.conftest import PASSPHRASE


@pytest.fixture
def demo_db(db_path, fast_kdf):
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=PASSPHRASE)
    ws.close(backup_on_close=False)
    return db_path


def _run(db, *args, passphrase=PASSPHRASE):
    env = {"QNAPP_PASSPHRASE": passphrase} if passphrase else {}
    return CliRunner().invoke(main, ["--db", str(db), *args], env=env)


def test_export_verify_reopen(demo_db, tmp_path):
    out = tmp_path / "b.zip"
    result = _run(demo_db, "export", "2025S1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "lần 1" in result.output and out.exists()
    again = _run(demo_db, "export", "2025S1", "-o", str(tmp_path / "c.zip"))
    assert again.exit_code == 0 and "đang khóa" in again.output
    assert (tmp_path / "c.zip").read_bytes() == out.read_bytes()

    ok = _run(demo_db, "verify", str(out), "--json", passphrase=None)
    assert ok.exit_code == 0, ok.output
    rows = [json.loads(line) for line in ok.stdout.splitlines()]
    assert rows == [{"file": str(out), "status": "ok", "reason_code": "ok", "message": rows[0]["message"]}]
    assert "2025S1" in rows[0]["message"]

    refused = _run(demo_db, "values", "import", str(_csv(tmp_path)))
    assert refused.exit_code == 1 and "qnapp reopen 2025S1 --reason" in refused.output

    reopened = _run(demo_db, "reopen", "2025S1", "--reason", "Sửa số người bị bạo lực")
    assert reopened.exit_code == 0, reopened.output
    assert _run(demo_db, "values", "import", str(_csv(tmp_path))).exit_code == 0
    second = _run(demo_db, "export", "2025S1", "-o", str(tmp_path / "r2.zip"))
    assert second.exit_code == 0 and "lần 2" in second.output
    assert _run(demo_db, "reopen", "2025S2", "--reason", "x").exit_code == 1


def _csv(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("period,element,category,value\n2025S1,GBV_VICTIMS,nu,6\n", encoding="utf-8")
    return path


def test_export_without_passphrase_exits_1(demo_db, tmp_path):
    result = _run(demo_db, "export", "2025S1", "-o", str(tmp_path / "b.zip"), passphrase=None)
    assert result.exit_code == 1
    assert "QNAPP_PASSPHRASE" in result.stderr
    assert not (tmp_path / "b.zip").exists()


def test_export_with_a_wrong_passphrase_exits_1(demo_db, tmp_path):
    result = _run(demo_db, "export", "2025S1", "-o", str(tmp_path / "b.zip"), passphrase="sai mật khẩu")
    assert result.exit_code == 1 and "Mật khẩu" in result.stderr


def test_verify_json_lines_one_per_file_and_exit_1_when_any_rejected(demo_db, tmp_path):
    good = tmp_path / "good.zip"
    assert _run(demo_db, "export", "2025S1", "-o", str(good)).exit_code == 0
    tampered = tmp_path / "tampered.zip"
    data = bytearray(good.read_bytes())
    data[len(data) // 3] ^= 0xFF
    tampered.write_bytes(bytes(data))
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    result = _run(demo_db, "verify", str(good), str(tampered), str(empty), "--json", passphrase=None)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(good), str(tampered), str(empty)]
    assert [r["status"] for r in rows] == ["ok", "rejected", "rejected"]
    assert rows[2]["reason_code"] == "not_a_zip"
    assert all(set(r) == {"file", "status", "reason_code", "message"} for r in rows)
    assert all(r["message"] for r in rows)
    text = _run(demo_db, "verify", str(good), str(empty), passphrase=None)
    assert text.exit_code == 1 and "not_a_zip" in text.output


def test_verify_usage_errors_exit_2(demo_db, tmp_path):
    assert _run(demo_db, "verify", passphrase=None).exit_code == 2
    assert _run(demo_db, "verify", str(tmp_path / "missing.zip"), passphrase=None).exit_code == 2
    assert _run(demo_db, "export", "2025S1").exit_code == 2  # no -o


def test_verify_with_an_unknown_key_is_rejected(demo_db, tmp_path, db_path):
    good = tmp_path / "good.zip"
    assert _run(demo_db, "export", "2025S1", "-o", str(good)).exit_code == 0
    other = tmp_path / "other.sqlite"
    result = CliRunner().invoke(main, ["--db", str(other), "verify", str(good), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["reason_code"] == "key_unknown"
