"""The activity form: add a new activity or correct one already recorded.

The dialog only gathers what the officer typed into an ``ActivityDraft``; the rules are
the workspace's (``Workspace.validate_activity``). When the workspace refuses the draft,
its Vietnamese message is shown inside the dialog, which stays open, and nothing is stored.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qnapp.errors import QnappError, ValidationError
from qnapp.i18n import _
from qnapp.periods import in_action_month
from qnapp.store import Activity
from qnapp.workspace import ActivityDraft, Workspace

VI_LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
DATE_FORMAT = "dd/MM/yyyy"
MAX_PARTICIPANTS = 1_000_000
MAX_COST = 1_000_000_000_000  # một nghìn tỷ đồng: far above any commune activity


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class DateEdit(QDateEdit):
    """QDateEdit that takes "20/11/2025" typed in full.

    Qt jumps to the next section by itself once a section is full ("20"); the "/" typed
    next would then skip the month. A separator right after such a jump is swallowed.
    """

    SEPARATORS = frozenset("/.-")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._jumped = False

    def keyPressEvent(self, event) -> None:
        if self._jumped and event.text() in self.SEPARATORS and event.text():
            self._jumped = False
            event.accept()
            return
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._jumped = event.text().isdigit() and self.currentSectionIndex() != before

    def focusInEvent(self, event) -> None:
        self._jumped = False
        super().focusInEvent(event)


def make_date_edit(parent: QWidget | None = None, value: date | None = None) -> QDateEdit:
    """A date field typed as dd/mm/yyyy, with a Vietnamese calendar popup."""
    edit = DateEdit(parent)
    edit.setLocale(VI_LOCALE)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(QDate(2100, 12, 31))
    edit.setDate(to_qdate(value or date.today()))
    return edit


class ActivityDialog(QDialog):
    """Form for one activity; ``saved`` holds the stored activity after acceptance."""

    def __init__(self, workspace: Workspace, activity: Activity | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._activity = activity
        self.saved: Activity | None = None
        self.setWindowTitle(_("Sửa hoạt động") if activity else _("Thêm hoạt động"))
        self.setModal(True)
        self._build()
        if activity is not None:
            self._load(activity)
        self._update_action_month_hint()
        self.title_edit.setFocus()

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        catalog = self._workspace.catalog
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

        self.date_edit = make_date_edit(self)
        self.date_edit.setToolTip(_("Ngày diễn ra hoạt động, dạng ngày/tháng/năm"))
        self.action_month_hint = QLabel(_("Thuộc Tháng hành động (15/11–15/12)"), self)
        self.action_month_hint.setStyleSheet("color: #8a5a00; font-weight: bold;")
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_edit)
        date_row.addWidget(self.action_month_hint)
        date_row.addStretch(1)
        date_label = QLabel(_("&Ngày:"), self)
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, date_row)

        self.type_combo = QComboBox(self)
        self.type_combo.addItem(_("— Chọn loại hoạt động —"), "")
        for activity_type in catalog.activity_types:
            self.type_combo.addItem(activity_type.name, activity_type.code)
        self._add_row(form, _("&Loại:"), self.type_combo)

        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(_("Ví dụ: Tập huấn phòng, chống bạo lực gia đình"))
        self._add_row(form, _("&Tên hoạt động:"), self.title_edit)

        self.place_edit = QLineEdit(self)
        self.place_edit.setPlaceholderText(_("Ví dụ: Nhà văn hóa thôn Khe Tiên"))
        self._add_row(form, _("Địa đ&iểm:"), self.place_edit)

        self.male_spin = self._count_spin()
        self.female_spin = self._count_spin()
        self.total_label = QLabel(self)
        people = QHBoxLayout()
        male_label = QLabel(_("Na&m:"), self)
        male_label.setBuddy(self.male_spin)
        female_label = QLabel(_("Nữ:"), self)
        female_label.setBuddy(self.female_spin)
        people.addWidget(male_label)
        people.addWidget(self.male_spin)
        people.addSpacing(12)
        people.addWidget(female_label)
        people.addWidget(self.female_spin)
        people.addSpacing(12)
        people.addWidget(self.total_label)
        people.addStretch(1)
        form.addRow(_("Số người tham gia:"), people)

        self.cost_spin = QDoubleSpinBox(self)
        self.cost_spin.setLocale(VI_LOCALE)
        self.cost_spin.setDecimals(0)
        self.cost_spin.setRange(0, MAX_COST)
        self.cost_spin.setSingleStep(100_000)
        self.cost_spin.setGroupSeparatorShown(True)
        self.cost_spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.cost_spin.setMinimumWidth(160)
        self.cost_spin.setMaximumWidth(240)
        self.cost_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.cost_spin.setToolTip(_("Kinh phí tính bằng đồng, ví dụ 1.500.000"))
        self._add_row(form, _("&Kinh phí (đồng):"), self.cost_spin)

        self.fund_combo = QComboBox(self)
        self.fund_combo.addItem(_("— Không có / chưa chọn —"), "")
        for source in catalog.fund_sources:
            self.fund_combo.addItem(source.name, source.code)
        self._add_row(form, _("Ng&uồn kinh phí:"), self.fund_combo)

        objectives_box = QGroupBox(_("Mục tiêu mà hoạt động phục vụ (chọn ít nhất một)"), self)
        objectives_layout = QVBoxLayout(objectives_box)
        self.objective_boxes: dict[int, QCheckBox] = {}
        for objective in catalog.objectives:
            box = QCheckBox(
                _("Mục tiêu {number}: {name}").format(number=objective.number, name=objective.name), objectives_box
            )
            objectives_layout.addWidget(box)
            self.objective_boxes[objective.number] = box

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        form.addRow(objectives_box)
        self._add_row(form, _("G&hi chú:"), self.note_edit)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            "color: #a00000; background: #fdecea; border: 1px solid #e0a0a0; padding: 6px;"
        )
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button.setText(_("Lưu"))
        self.ok_button.setDefault(True)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Hủy"))
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.button_box)

        self.date_edit.dateChanged.connect(self._update_action_month_hint)
        self.male_spin.valueChanged.connect(self._update_total)
        self.female_spin.valueChanged.connect(self._update_total)
        # A form error is checked again as the officer edits: it goes once the form is right.
        self._form_error = False
        for signal in (
            self.date_edit.dateChanged, self.type_combo.currentIndexChanged, self.title_edit.textChanged,
            self.place_edit.textChanged, self.male_spin.valueChanged, self.female_spin.valueChanged,
            self.cost_spin.valueChanged, self.fund_combo.currentIndexChanged, self.note_edit.textChanged,
            *(box.toggled for box in self.objective_boxes.values()),
        ):
            signal.connect(self._recheck_form)
        self._update_total()

    def _add_row(self, form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(field)
        form.addRow(label, field)

    def _count_spin(self) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setLocale(VI_LOCALE)
        spin.setRange(0, MAX_PARTICIPANTS)
        spin.setGroupSeparatorShown(True)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setMinimumWidth(90)
        return spin

    @property
    def ok_button(self):
        return self.button_box.button(QDialogButtonBox.StandardButton.Ok)

    # -- values ---------------------------------------------------------------------
    def _load(self, activity: Activity) -> None:
        self.date_edit.setDate(to_qdate(activity.date))
        self._select(self.type_combo, activity.type)
        self.title_edit.setText(activity.title)
        self.place_edit.setText(activity.place)
        # The store allows "not recorded" (None); the form, like the workspace, wants numbers.
        self.male_spin.setValue(activity.participants_male or 0)
        self.female_spin.setValue(activity.participants_female or 0)
        self.cost_spin.setValue(activity.cost or 0)
        self._select(self.fund_combo, activity.fund_source or "")
        for number, box in self.objective_boxes.items():
            box.setChecked(number in activity.objectives)
        self.note_edit.setPlainText(activity.note)

    @staticmethod
    def _select(combo: QComboBox, code: str) -> None:
        index = combo.findData(code)
        if index < 0 and code:  # a code the catalog no longer lists: keep it visible
            combo.addItem(code, code)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def selected_date(self) -> date:
        return from_qdate(self.date_edit.date())

    def draft(self) -> ActivityDraft:
        """What the form holds now, unvalidated."""
        return ActivityDraft(
            date=self.selected_date(),
            type=self.type_combo.currentData() or "",
            title=self.title_edit.text(),
            place=self.place_edit.text(),
            participants_male=self.male_spin.value(),
            participants_female=self.female_spin.value(),
            cost=int(round(self.cost_spin.value())),
            fund_source=self.fund_combo.currentData() or "",
            objectives=tuple(n for n, box in self.objective_boxes.items() if box.isChecked()),
            note=self.note_edit.toPlainText(),
        )

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    # -- reactions ------------------------------------------------------------------
    def _update_action_month_hint(self, *_args) -> None:
        self.action_month_hint.setVisible(in_action_month(self.selected_date()))

    def _update_total(self, *_args) -> None:
        total = self.male_spin.value() + self.female_spin.value()
        self.total_label.setText(_("Tổng: {total}").format(total=VI_LOCALE.toString(total)))

    def _show_error(self, message: str, *, form: bool = False) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self._form_error = form

    def _recheck_form(self, *_args) -> None:
        """Keep a form error true to the form: updated while problems remain, gone when none
        does (a refused save, e.g. a locked period, waits for the next attempt)."""
        if not self._form_error or not self.error_label.isVisibleTo(self):
            return
        try:
            self._workspace.validate_activity(self.draft())
        except ValidationError as err:
            self.error_label.setText(str(err))
            return
        self._form_error = False
        self.error_label.hide()

    def accept(self) -> None:
        # A value typed into a spin box counts even if the officer did not leave the field.
        for spin in (self.male_spin, self.female_spin, self.cost_spin):
            spin.interpretText()
        draft = self.draft()
        try:
            self._workspace.validate_activity(draft)
        except ValidationError as err:
            self._show_error(str(err), form=True)
            return
        try:
            if self._activity is None:
                self.saved = self._workspace.add_activity(draft)
            else:
                self.saved = self._workspace.update_activity(int(self._activity.id), draft)
        except ValidationError as err:
            self._show_error(str(err))
            return
        except QnappError as err:
            self._show_error(_("Không lưu được hoạt động: {reason}").format(reason=str(err)))
            return
        self.error_label.hide()
        super().accept()
