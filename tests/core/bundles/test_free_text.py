"""The free text a bundle carries (the reopen reason, activity titles) never names a
victim: refused when typed (core and command line), and checked again at export so text
stored before the check cannot leave."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from qnapp.bundles.locks import is_locked, latest_lock
from qnapp.bundles.writer import export_bundle, reopen_period
from qnapp.cli import main
from qnapp.cli_bundles import key_lookup_for
from qnapp.bundles.verifier import verify_bundle
from qnapp.demo import fill_demo
from qnapp.errors import ValidationError
from qnapp.workspace import Workspace
from tests.core.bundles.conftest import PASSPHRASE, TODAY

VICTIM = "Bổ sung chị Nguyễn Thị Hoa, 0912 345 678, bị chồng đánh"
GOOD = "Bổ sung một người bị bạo lực gia đình"


@pytest.fixture
def sent(db_path, fast_kdf, tmp_path):
    """The demo commune sent its half-year (revision 1, locked)."""
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=PASSPHRASE)
    export_bundle(ws, "2025S1", PASSPHRASE, tmp_path / "r1.zip")
    yield ws
    ws.close(backup_on_close=False)


def _audit_rows(ws) -> int:
    return ws.store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_reopen_reason_naming_a_victim_is_refused(sent):
    audit = _audit_rows(sent)
    with pytest.raises(ValidationError) as err:
        reopen_period(sent, "2025S1", VICTIM)
    message = str(err.value)
    assert message.startswith("Lý do mở lại kỳ có họ tên người, số điện thoại.")
    assert "«một người bị bạo lực gia đình»" in message and "bỏ số điện thoại" in message
    assert "Hoa" not in message and "0912" not in message  # what was found is not echoed
    assert is_locked(sent.store, "2021:06862", "2025S1") and _audit_rows(sent) == audit
    assert reopen_period(sent, "2025S1", GOOD) == 2


def test_reopen_reason_naming_a_victim_is_refused_by_the_command_line(sent, db_path):
    sent.close(backup_on_close=False)
    result = CliRunner().invoke(main, ["--db", str(db_path), "reopen", "2025S1", "--reason", VICTIM])
    assert result.exit_code == 1
    assert "Lý do mở lại kỳ có họ tên người, số điện thoại." in result.output
    assert "Hoa" not in result.output and "0912" not in result.output
    with Workspace.open(db_path) as ws:
        assert ws.export_state("2025S1").locked


def _reason_stored_before_the_check(ws, reason):
    """What an older qnapp may have stored: a reopening reason never scanned."""
    with ws.store.transaction():
        ws.store.conn.execute(
            "UPDATE locked_periods SET reopened_at = '2025-07-01T08:00:00+07:00', reason = ? "
            "WHERE period = '2025S1'", [reason])


def test_export_refuses_an_activity_title_stored_before_the_check(db_path, fast_kdf, tmp_path):
    with Workspace.open(db_path) as ws:
        fill_demo(ws, passphrase=PASSPHRASE)
        activity = next(a for a in ws.activities() if a.date.isoformat() == "2025-05-22")
        ws.store.update_activity(replace(activity, title="Hỗ trợ sinh kế cho chị Nguyễn Thị Hoa"), "test")
        out = tmp_path / "r1.zip"
        with pytest.raises(ValidationError) as err:
            export_bundle(ws, "2025S1", None, out)  # refused before any passphrase is asked
        message = str(err.value)
        assert "Hoạt động ngày 22/05/2025 (Khác), ô «Tên hoạt động»: có họ tên người." in message
        assert "Hoa" not in message
        assert not out.exists() and ws.export_state("2025S1").revision is None
        ws.store.update_activity(replace(activity, title="Hỗ trợ sinh kế cho phụ nữ"), "test")
        assert export_bundle(ws, "2025S1", PASSPHRASE, out).revision == 1


def test_export_refuses_a_reopen_reason_stored_before_the_check_until_it_is_reworded(sent, tmp_path):
    _reason_stored_before_the_check(sent, VICTIM)
    out = tmp_path / "r2.zip"
    with pytest.raises(ValidationError) as err:
        export_bundle(sent, "2025S1", PASSPHRASE, out)
    message = str(err.value)
    assert "Lý do mở lại kỳ (ghi từ trước): có họ tên người, số điện thoại." in message
    assert "qnapp reopen 2025S1 --reason" in message and "Hoa" not in message
    assert not out.exists() and latest_lock(sent.store, "2021:06862", "2025S1").revision == 1

    assert reopen_period(sent, "2025S1", GOOD) == 2  # a new reason replaces the old one
    export_bundle(sent, "2025S1", PASSPHRASE, out)
    bundle = verify_bundle(out.read_bytes(), key_lookup_for(sent.store, TODAY), today=TODAY)
    assert bundle.header["revision"] == 2 and bundle.header["reason"] == GOOD
