"""«Xuất báo cáo để in (Excel, PDF)…»: the official report of the period (NĐ 30/2020
layout, ``qnapp.reports``) written as .xlsx or .pdf, to print, sign and stamp. Its
button sits in the report box, beside the export and reopen buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import in_sentence
from ui.pages.send.save_path import default_folder


class PrintSection:
    """Mixed into ``SendPage``: uses its workspace, ``ask_save_path``, ``_period_id``,
    ``_busy`` and its message helpers."""

    def _build_print_button(self) -> QPushButton:
        button = QPushButton(_("Xuất &báo cáo để in (Excel, PDF)…"), self)
        button.clicked.connect(self.print_report)
        return button

    def print_report(self) -> None:
        """The NĐ 30 report of the period, as .xlsx or .pdf, to print, sign and stamp."""
        if self._busy or self._period_id is None:
            return
        period = parse_period(self._period_id)
        unit = self.workspace.unit
        path = self.ask_save_path(
            self,
            _("Lưu báo cáo kỳ {period}").format(period=in_sentence(period.label)),
            default_folder(self.workspace) / "BC_{code}_{period}.pdf".format(code=unit.code, period=period.id),
            _("Báo cáo PDF (*.pdf);;Bảng tính Excel (*.xlsx)"),
        )
        if not path:
            return
        from ui.report_pdf import export_report  # Qt text layout: stays on the GUI thread

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = export_report(self.workspace, period.id, path)
        except QnappError as err:
            self._fail(_("Không xuất được báo cáo"), err)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._show_message(_("Đã ghi báo cáo kỳ {period} vào {path}.").format(
            period=in_sentence(period.label), path=written))
