"""«Trang chủ»: the period at hand, its deadline, how much of the grid is filled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QFormLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from qnapp.i18n import _
from qnapp.periods import days_left, due_date, parse_period
from qnapp.text import format_date
from qnapp.workspace import Workspace
from ui.widgets.period_picker import window_text


def days_left_text(days: int) -> str:
    """``days`` as ``periods.days_left`` counts them: 1 = today is the last day to send."""
    if days > 1:
        return _("Còn {days} ngày").format(days=days)
    if days == 1:
        return _("Hôm nay là ngày cuối để gửi")
    return _("Đã quá hạn {days} ngày").format(days=1 - days)


def completeness_text(filled: int, expected: int) -> str:
    if expected == 0:
        return _("Kỳ này không có ô nào phải nhập.")
    return _("Đã nhập {filled}/{expected} ô ({percent}%)").format(
        filled=filled, expected=expected, percent=round(100 * filled / expected)
    )


class HomePage(QWidget):
    def __init__(
        self,
        workspace: Workspace,
        period_id: str | None = None,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ):
        super().__init__(parent)
        self._workspace = workspace
        self._today = today
        self._period_id = period_id

        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.unit_label = QLabel()
        self.officer_label = QLabel()
        self.period_label = QLabel()
        self.window_label = QLabel()
        self.due_label = QLabel()
        self.days_label = QLabel()
        self.days_label.setObjectName("daysLeft")
        self.completeness_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(420)

        form = QFormLayout()
        form.addRow(_("Đơn vị:"), self.unit_label)
        form.addRow(_("Cán bộ:"), self.officer_label)
        form.addRow(_("Kỳ báo cáo:"), self.period_label)
        form.addRow(_("Thời gian chốt số liệu:"), self.window_label)
        form.addRow(_("Hạn gửi báo cáo:"), self.due_label)
        form.addRow("", self.days_label)
        form.addRow(_("Số liệu của kỳ:"), self.completeness_label)
        form.addRow("", self.progress)

        hint = QLabel(
            _("Chọn «Nhập số liệu» ở bên trái để nhập, «Hoạt động» để ghi các hoạt động đã làm.")
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(hint)
        layout.addStretch(1)
        if period_id:
            self.refresh()

    def set_period(self, period_id: str) -> None:
        self._period_id = period_id
        self.refresh()

    def refresh(self) -> None:
        unit = self._workspace.unit
        self.title_label.setText(_("<h2>{unit}</h2>").format(unit=unit.full_name))
        self.unit_label.setText(_("{name} (mã {code})").format(name=unit.full_name, code=unit.code))
        self.officer_label.setText(self._workspace.officer)
        if not self._period_id:
            return
        period = parse_period(self._period_id)
        self.period_label.setText("<b>{}</b>".format(period.label))
        self.window_label.setText(window_text(period))
        self.due_label.setText(_("trước {date}").format(date=format_date(due_date(period))))
        ended = self._workspace.tree_ended(self._today())
        if ended:
            self.days_label.setText(
                _("Danh mục đơn vị này hết hiệu lực từ sau ngày {date}: số liệu là của các kỳ đã qua.").format(
                    date=format_date(ended)
                )
            )
            self.days_label.setStyleSheet("color: #5d4037;")
        else:
            days = days_left(period, self._today())
            self.days_label.setText(days_left_text(days))
            self.days_label.setStyleSheet("color: #b71c1c; font-weight: bold;" if days <= 3 else "color: #1b5e20;")
        filled, expected = self._workspace.grid(period.id).completeness()
        self.completeness_label.setText(completeness_text(filled, expected))
        self.progress.setRange(0, max(expected, 1))
        self.progress.setValue(filled)
