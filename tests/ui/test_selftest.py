"""``qnapp --selftest`` through the app's argument parsing: the core steps, the PDF
renderer plugin and the main window drawn offscreen, in-process on the source tree
(the frozen folder runs the same code: packaging/build.py --selftest, .ci/run)."""

from __future__ import annotations

from ui import app as app_module
from ui import selftest as ui_selftest


def test_selftest_flag_runs_every_step(qapp, capsys):
    assert app_module.main(["--selftest"]) == 0
    out = capsys.readouterr().out
    steps = [s.id for s in ui_selftest.selftest.CORE_STEPS + ui_selftest.GUI_STEPS]
    assert [line.split()[1] for line in out.splitlines() if line.startswith("OK ")] == steps
    assert "Tự kiểm tra đạt: {} bước".format(len(steps)) in out


def test_selftest_names_a_failing_gui_step(qapp, capsys, monkeypatch):
    def no_window(ctx):
        raise RuntimeError("no platform plugin")

    broken = ui_selftest.selftest.Step("window", "Vẽ cửa sổ chính (không màn hình)", no_window)
    monkeypatch.setattr(ui_selftest, "GUI_STEPS", (ui_selftest.GUI_STEPS[0], broken))
    assert app_module.main(["--selftest"]) == 1
    assert "LỖI window" in capsys.readouterr().out
