"""«Tình hình gửi báo cáo»: the completeness board, children × the last periods of the
picked period's type (``qnapp.consolidation.completeness``), and the page's summary
«Đã nhận 3/11 đơn vị»."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QLabel, QVBoxLayout, QWidget

from qnapp import consolidation
from qnapp.i18n import _
from qnapp.periods import parse_period
from ui.models.import_model import period_label
from ui.pages.receive.tables import fit_name_column, list_table

BOARD_PERIODS = 4  # columns of the completeness board: the picked period and those before


class CompletenessBoard:
    """Mixed into ``ReceivePage``: uses its workspace, ``_period_id``, ``board_model``,
    ``summary_label`` and ``_read``."""

    def _build_board_tab(self) -> QWidget:
        tab = QWidget(self)
        self.board_hint = QLabel(
            _("Mỗi ô cho biết đơn vị đã gửi báo cáo kỳ đó chưa. Di chuột lên ô để xem bản, mã gói và ngày nhận."),
            tab,
        )
        self.board_hint.setWordWrap(True)
        self.board_table = list_table(tab, self.board_model, _("Tình hình gửi báo cáo của đơn vị cấp dưới"))
        self.board_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.board_hint)
        layout.addWidget(self.board_table, 1)
        return tab

    def board_periods(self) -> list[str]:
        """The picked period and the ones of its type before it, oldest first."""
        period = parse_period(self._period_id)
        found = self.workspace.recent_periods(period.type, BOARD_PERIODS, today=period.end)
        ids = [p.id for p in reversed(found)]
        if period.id not in ids:  # outside the unit's tree: show it alone
            ids = [period.id]
        return ids

    def refresh_board(self) -> None:
        periods = self.board_periods()

        def read():
            return consolidation.children_of(self.workspace), consolidation.completeness(self.workspace, periods)

        found = self._read(_("Không đọc được tình hình gửi báo cáo"), read)
        if found is None:
            return
        units, cells = found
        self._children_count = len(units)
        self.board_model.set_board(units, periods, cells)
        fit_name_column(self.board_table)
        self._update_summary()

    def _update_summary(self) -> None:
        self.summary_label.setText(
            _("{summary} — {period}").format(summary=self.summary_text(), period=period_label(self._period_id))
        )

    def summary_text(self) -> str:
        got, total = self.board_model.summary(self._period_id)
        return _("Đã nhận {got}/{total} đơn vị").format(got=got, total=total)
