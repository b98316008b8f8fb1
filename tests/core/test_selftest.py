"""``qnapp --selftest`` (Qt-free half): every step passes on the source tree, leaves the
caller's QNAPP_HOME and key cost alone, and a failing step exits 1 naming itself."""

from __future__ import annotations

import io
import os

from qnapp import keys, selftest


def test_core_steps_pass_and_clean_up(monkeypatch, tmp_path):
    monkeypatch.setenv("QNAPP_HOME", str(tmp_path / "mine"))
    before = keys.DEFAULT_SCRYPT
    out = io.StringIO()
    assert selftest.run(out=out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines if line.startswith("OK ")] == [
        step.id for step in selftest.CORE_STEPS]
    assert os.environ["QNAPP_HOME"] == str(tmp_path / "mine")
    assert keys.DEFAULT_SCRYPT == before  # the cheap throw-away cost was only for the run
    assert not (tmp_path / "mine").exists()  # nothing written to the caller's data folder


def test_a_failing_step_exits_1_and_names_itself():
    def broken(ctx):
        raise RuntimeError("thiếu tệp")

    steps = selftest.CORE_STEPS[:2] + (selftest.Step("report", "Ghi báo cáo xlsx", broken),)
    out = io.StringIO()
    assert selftest.run(steps, out=out) == 1
    text = out.getvalue()
    assert "OK catalog" in text
    assert "LỖI report – Ghi báo cáo xlsx: RuntimeError: thiếu tệp" in text
    assert "THẤT BẠI ở bước «report»" in text
