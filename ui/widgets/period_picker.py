"""Choose the reporting period: its type (năm, 6 tháng, quý, tháng), then the period.

Typed characters never change the period: an officer who starts typing figures while the
picker still has the focus would otherwise send them to another period (a combo box
jumps to the item starting with the typed digit). The picker hands such text on
(``textTyped``) and the window puts it into the grid. Choosing a period from the list, or
Enter on it, is a deliberate choice (``periodChosen``): the window then moves the focus
into the grid.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from qnapp.i18n import N_, _
from qnapp.periods import PERIOD_TYPES, Period, due_date, finer_or_same, parse_period
from qnapp.text import format_date
from qnapp.workspace import Workspace
from ui.widgets.typing import typed_text

TYPE_LABELS = {"year": N_("Năm"), "half": N_("6 tháng"), "quarter": N_("Quý"), "month": N_("Tháng")}
DEFAULT_TYPE = "half"  # the plan's reports are 6-monthly and annual
RECENT = {"year": 5, "half": 6, "quarter": 8, "month": 12}  # periods offered, newest first


def window_text(period: Period) -> str:
    return _("Từ {start} đến {end}").format(start=format_date(period.start), end=format_date(period.end))


def due_text(period: Period) -> str:
    return _("Hạn gửi: trước {date}").format(date=format_date(due_date(period)))


_STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -1, Qt.Key.Key_PageDown: 1}


class ChoiceCombo(QComboBox):
    """A combo box that typing cannot change: arrows step through it, Enter or a click in
    its list chooses, the mouse wheel does nothing (it scrolls the page instead)."""

    chosen = Signal()  # a click in the list, or Enter
    textTyped = Signal(int, str)  # key, text: meant for somewhere else

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.activated.connect(lambda _index: self.chosen.emit())

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), typed_text(event)
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.chosen.emit()
            return
        if plain and key in _STEPS:  # step without "activating": the choice ends with Enter
            self.setCurrentIndex(min(max(self.currentIndex() + _STEPS[key], 0), self.count() - 1))
            return
        if text and key != Qt.Key.Key_Space:  # Space opens the list
            self.textTyped.emit(key, text)
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        event.ignore()
class _WrappingLabel(QLabel):
    """One line when there is room; wrapped when the window is narrow, so the picker's row
    never forces the window wider (a plain wrapped label would wrap even with room)."""

    def __init__(self):
        super().__init__()
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        one_line = self.fontMetrics().horizontalAdvance(self.text()) + 2 * self.margin() + 2
        return QSize(max(super().sizeHint().width(), one_line), self.fontMetrics().height())


class PeriodPicker(QWidget):
    periodChanged = Signal(str)
    periodChosen = Signal(str)  # the officer picked it: time to type figures
    textTyped = Signal(int, str)  # typed while the picker had the focus; never changes it

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._shown: Period | None = None
        self.type_combo = ChoiceCombo()
        self.type_combo.setAccessibleName(_("Loại kỳ báo cáo"))
        self.period_combo = ChoiceCombo()
        self.period_combo.setAccessibleName(_("Kỳ báo cáo"))
        self.period_combo.setMinimumContentsLength(22)
        self.window_label = _WrappingLabel()
        self.due_label = _WrappingLabel()
        self.due_label.setObjectName("dueLabel")

        caption = QLabel(_("&Kỳ báo cáo:"))
        caption.setBuddy(self.type_combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (caption, self.type_combo, self.period_combo, self.window_label):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(self.due_label)
        layout.addStretch(1)

        types = set(workspace.period_types())
        for period_type in PERIOD_TYPES:  # coarse first
            if period_type in types:
                self.type_combo.addItem(_(TYPE_LABELS[period_type]), period_type)
        start = self.type_combo.findData(DEFAULT_TYPE)
        self.type_combo.setCurrentIndex(max(start, 0))
        self._fill_periods()
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        # Choosing a type leads to its periods; choosing a period leads to the figures.
        self.type_combo.chosen.connect(lambda: self.period_combo.setFocus(Qt.FocusReason.TabFocusReason))
        self.period_combo.chosen.connect(lambda: self.periodChosen.emit(self.period_id))
        for combo in (self.type_combo, self.period_combo):
            combo.textTyped.connect(self.textTyped)

    # -- public ---------------------------------------------------------------------
    @property
    def period_id(self) -> str:
        return self.period_combo.currentData()

    @property
    def period(self) -> Period:
        return parse_period(self.period_id)

    def set_period(self, period_id: str) -> None:
        """Select ``period_id`` (added to the list if it is not among the recent ones)."""
        period = parse_period(period_id)
        type_index = self.type_combo.findData(period.type)
        if type_index < 0:
            raise ValueError(f"period type {period.type} is not recorded by this unit")
        self.type_combo.blockSignals(True)
        self.type_combo.setCurrentIndex(type_index)
        self.type_combo.blockSignals(False)
        self.period_combo.blockSignals(True)
        self._fill_periods()
        index = self.period_combo.findData(period.id)
        if index < 0:
            self.period_combo.addItem(period.label, period.id)
            index = self.period_combo.count() - 1
        self.period_combo.setCurrentIndex(index)
        self.period_combo.blockSignals(False)
        self._period_changed()

    # -- internals ------------------------------------------------------------------
    def _fill_periods(self, keep: Period | None = None) -> None:
        """List the unit's recent periods; select the one enclosing ``keep``, else today's."""
        period_type = self.type_combo.currentData()
        self.period_combo.clear()
        for period in self._workspace.recent_periods(period_type, RECENT[period_type]):
            self.period_combo.addItem(period.label, period.id)
        wanted = self._workspace.current_period(period_type=period_type).id
        if keep is not None and finer_or_same(keep.type, period_type):
            wanted = keep.enclosing(period_type).id
        index = self.period_combo.findData(wanted)
        self.period_combo.setCurrentIndex(max(index, 0))
        self._show_details()

    def _type_changed(self, *_args) -> None:
        previous = self._shown
        self.period_combo.blockSignals(True)
        self._fill_periods(keep=previous)
        self.period_combo.blockSignals(False)
        self._period_changed()

    def _period_changed(self, *_args) -> None:
        self._show_details()
        self.periodChanged.emit(self.period_id)

    def _show_details(self) -> None:
        period = self.period
        self._shown = period
        self.window_label.setText(window_text(period))
        self.due_label.setText(due_text(period))
