"""The GUI half of ``qnapp --selftest`` (the Qt-free steps are ``qnapp.selftest``): the
PDF renderer plugin found through its entry point and drawn by Qt, and the main window
of the temporary parent unit drawn offscreen."""

from __future__ import annotations

from typing import TextIO

from PySide6.QtWidgets import QApplication

from qnapp import selftest
from qnapp.i18n import N_, _


def _step_pdf(ctx: selftest.Context) -> str:
    from qnapp.reports.builder import build_report
    from qnapp.reports.render import load_renderer, write_report

    load_renderer("pdf")  # the entry point: needs the qnapp metadata in a frozen build
    path = write_report(build_report(ctx.parent, selftest.PERIOD, today=selftest.ISSUED),
                        ctx.home / "baocao_2025S1.pdf")
    data = path.read_bytes()
    selftest._check(data.startswith(b"%PDF"), "not a PDF")
    return _("{name}, {size} byte").format(name=path.name, size=len(data))


def _step_window(ctx: selftest.Context) -> str:
    from ui.app import build_main_window

    app = QApplication.instance()
    window = build_main_window(ctx.parent)
    try:
        window.resize(1100, 700)
        window.show()
        app.processEvents()
        image = window.grab().toImage()
        selftest._check(not image.isNull() and image.width() > 0, "empty grab")
        # A drawn window is not one flat colour.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
        selftest._check(len(colours) > 2, "blank window")
        return _("{w}×{h}, nền {platform}").format(
            w=image.width(), h=image.height(), platform=app.platformName())
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


GUI_STEPS = (
    selftest.Step("pdf", N_("Xuất báo cáo PDF (bộ xuất qua điểm mở rộng)"), _step_pdf),
    selftest.Step("window", N_("Vẽ cửa sổ chính (không màn hình)"), _step_window),
)


def run(out: TextIO | None = None) -> int:
    """Every step, core then GUI; the QApplication must exist."""
    return selftest.run(selftest.CORE_STEPS + GUI_STEPS, out=out)
