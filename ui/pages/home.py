"""«Trang chủ»: the period at hand, its deadline, how much of the grid is filled, and what
to do next (``qnapp.next_steps``), each step with a button to the page that does it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qnapp import next_steps
from qnapp.errors import QnappError
from qnapp.i18n import N_, _
from qnapp.next_steps import days_left_text
from qnapp.periods import days_left, due_date, parse_period
from qnapp.text import format_date
from qnapp.workspace import Workspace
from ui.widgets.period_picker import window_text


# The button of a step: the title of the page that acts on it.
STEP_BUTTONS = {
    next_steps.ENTRY: N_("Nhập số liệu"),
    next_steps.ACTIVITIES: N_("Hoạt động"),
    next_steps.SEND: N_("Gửi báo cáo"),
    next_steps.RECEIVE: N_("Nhận và tổng hợp"),
}
MARKS = {"done": "✓", "urgent": "!", "todo": "•"}


def completeness_text(filled: int, expected: int) -> str:
    if expected == 0:
        return _("Kỳ này không có ô nào phải nhập.")
    return _("Đã nhập {filled}/{expected} ô ({percent}%)").format(
        filled=filled, expected=expected, percent=round(100 * filled / expected)
    )


class HomePage(QWidget):
    stepChosen = Signal(str, str)  # (page: a qnapp.next_steps page name, period id)

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

        self.steps_box = QGroupBox(_("Việc cần làm"))
        self.steps_layout = QGridLayout(self.steps_box)
        self.steps_layout.setColumnStretch(1, 1)
        self.guidance: next_steps.Guidance | None = None
        self._steps_due = False
        self.step_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.steps_box)
        layout.addStretch(1)
        if period_id:
            self._refresh_period()

    def set_period(self, period_id: str) -> None:
        self._period_id = period_id
        self._refresh_period()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Activities, exports or imports may have changed the steps. They read the ledger
        # and the key store, so they come after the page is painted (the first paint of
        # the window waits for none of it).
        self._steps_due = True
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._steps_due:
            self._steps_due = False
            QTimer.singleShot(0, self, self.refresh_steps)

    def refresh(self) -> None:
        self._refresh_period()
        if self.isVisible():  # a hidden page (figures typed on the entry page) catches up when shown
            self.refresh_steps()

    def refresh_steps(self) -> None:
        try:
            guidance = next_steps.next_steps(self._workspace, self._today())
        except QnappError as err:  # e.g. the database was closed as the window quit
            guidance = None
            problem = str(err)
        self.guidance = guidance
        while self.steps_layout.count():
            widget = self.steps_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.step_buttons = []
        if guidance is None:
            self.steps_layout.addWidget(QLabel(problem), 0, 1)
            return
        for row, step in enumerate(guidance.steps):
            kind = "done" if step.done else "urgent" if step.urgent else "todo"
            mark = QLabel(MARKS[kind])
            mark.setStyleSheet({"done": "color: #1b5e20;", "urgent": "color: #b71c1c; font-weight: bold;"}.get(kind, ""))
            text = QLabel(step.text)
            text.setWordWrap(True)
            text.setObjectName("step")
            if step.urgent:
                text.setStyleSheet("color: #b71c1c;")
            self.steps_layout.addWidget(mark, row, 0)
            self.steps_layout.addWidget(text, row, 1)
            if step.page in STEP_BUTTONS:
                button = QPushButton(_(STEP_BUTTONS[step.page]))
                button.setAccessibleDescription(step.text)
                button.clicked.connect(
                    lambda _checked=False, page=step.page: self.stepChosen.emit(page, guidance.period.id))
                self.steps_layout.addWidget(button, row, 2)
                self.step_buttons.append(button)

    def step_texts(self) -> list[str]:
        return [] if self.guidance is None else [s.text for s in self.guidance.steps]

    def _refresh_period(self) -> None:
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
