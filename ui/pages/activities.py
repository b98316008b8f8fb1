"""The «Hoạt động» page: the list of recorded activities with a filter bar.

Keys: Ctrl+N or Insert adds, Enter or a double-click edits the selected row, Delete
deletes it (after «Có» in a confirmation). Prompts go through a ``DialogService`` and the
form through ``dialog_factory``, so tests replace both instead of blocking on modal boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.text import format_number
from qnapp.workspace import ActivityFilter, Workspace
from ui.dialog_service import DialogService
from ui.dialogs.activity_dialog import ActivityDialog, from_qdate, make_date_edit
from ui.models.activity_model import (
    COL_DATE,
    COL_TITLE,
    ActivitySortProxy,
    ActivityTableModel,
)

DialogFactory = Callable[..., QDialog]


class ActivityTableView(QTableView):
    """The table, with Enter to edit and Delete to delete the current row."""

    editRequested = Signal()
    deleteRequested = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.editRequested.emit()
            event.accept()
            return
        if plain and key == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.deleteRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ActivitiesPage(QWidget):
    """List, filter, add, edit and delete the unit's activities."""

    activitiesChanged = Signal()

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        dialogs: DialogService | None = None,
        dialog_factory: DialogFactory | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.dialogs = dialogs or DialogService()
        # Called as factory(workspace, activity_or_None, parent=page); must return a QDialog
        # whose ``saved`` attribute holds the stored activity once accepted.
        self.dialog_factory: DialogFactory = dialog_factory or ActivityDialog
        self.model = ActivityTableModel(workspace, self)
        self.proxy = ActivitySortProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self.refresh()

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        catalog = self.workspace.catalog

        self.objective_combo = QComboBox(self)
        self.objective_combo.addItem(_("Tất cả mục tiêu"), None)
        for objective in catalog.objectives:
            self.objective_combo.addItem(
                _("Mục tiêu {number}: {name}").format(number=objective.number, name=objective.name),
                objective.number,
            )
        self.objective_combo.setToolTip(_("Chỉ hiện hoạt động phục vụ mục tiêu này"))

        self.type_combo = QComboBox(self)
        self.type_combo.addItem(_("Tất cả loại"), None)
        for activity_type in catalog.activity_types:
            self.type_combo.addItem(activity_type.name, activity_type.code)
        self.type_combo.setToolTip(_("Chỉ hiện hoạt động thuộc loại này"))

        today = date.today()
        self.date_check = QCheckBox(_("Lọc theo ngày"), self)
        self.date_from_edit = make_date_edit(self, date(today.year, 1, 1))
        self.date_to_edit = make_date_edit(self, date(today.year, 12, 31))
        self.date_from_edit.setToolTip(_("Từ ngày"))
        self.date_to_edit.setToolTip(_("Đến ngày"))
        self.date_to_label = QLabel(_("đến"), self)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(_("Tìm theo tên, địa điểm, ghi chú (gõ có dấu hoặc không dấu)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)

        self.clear_filters_button = QPushButton(_("Bỏ lọc"), self)
        self.clear_filters_button.setToolTip(_("Hiện lại tất cả hoạt động"))

        for combo in (self.objective_combo, self.type_combo):
            # Long objective names must not stretch the bar; the popup still shows them whole.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)

        filters = QHBoxLayout()
        search_row = QHBoxLayout()
        objective_label = QLabel(_("&Mục tiêu:"), self)
        objective_label.setBuddy(self.objective_combo)
        type_label = QLabel(_("&Loại:"), self)
        type_label.setBuddy(self.type_combo)
        search_label = QLabel(_("&Tìm:"), self)
        search_label.setBuddy(self.search_edit)
        for widget in (
            objective_label,
            self.objective_combo,
            type_label,
            self.type_combo,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        # The dates share the search row: one row of every filter would not fit 1024 pixels.
        for widget in (self.date_check, self.date_from_edit, self.date_to_label, self.date_to_edit):
            search_row.addWidget(widget)
        search_row.addWidget(self.clear_filters_button)

        self.table = ActivityTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Titles are long: give them room (the user can widen it), the list scrolls sideways.
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COL_TITLE, 340)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setHighlightSections(False)
        self.table.setAccessibleName(_("Danh sách hoạt động"))

        self.add_action = QAction(_("Thêm"), self)
        self.add_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.New), QKeySequence(Qt.Key.Key_Insert)])
        self.add_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.add_action.triggered.connect(self.add_activity)
        self.addAction(self.add_action)

        self.add_button = QPushButton(_("Thêm"), self)
        self.add_button.setToolTip(_("Thêm hoạt động mới (Ctrl+N hoặc Insert)"))
        self.edit_button = QPushButton(_("Sửa"), self)
        self.edit_button.setToolTip(_("Sửa hoạt động đang chọn (Enter hoặc nhấp đúp)"))
        self.delete_button = QPushButton(_("Xóa"), self)
        self.delete_button.setToolTip(_("Xóa hoạt động đang chọn (phím Delete)"))
        self.count_label = QLabel(self)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.count_label, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.objective_combo.currentIndexChanged.connect(self._sync_objective_tip)
        self.objective_combo.currentIndexChanged.connect(self.apply_filters)
        self.type_combo.currentIndexChanged.connect(self.apply_filters)
        self.date_check.toggled.connect(self._date_filter_toggled)
        self.date_from_edit.dateChanged.connect(self._date_changed)
        self.date_to_edit.dateChanged.connect(self._date_changed)
        self.search_edit.textChanged.connect(self.apply_filters)
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.add_button.clicked.connect(self.add_activity)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.editRequested.connect(self.edit_selected)
        self.table.deleteRequested.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        for widget in (self.date_from_edit, self.date_to_label, self.date_to_edit):
            widget.setEnabled(False)

    # -- filtering ------------------------------------------------------------------
    def current_filter(self) -> ActivityFilter:
        date_from = date_to = None
        if self.date_check.isChecked():
            date_from = from_qdate(self.date_from_edit.date())
            date_to = from_qdate(self.date_to_edit.date())
        return ActivityFilter(
            date_from=date_from,
            date_to=date_to,
            objective=self.objective_combo.currentData(),
            type=self.type_combo.currentData(),
            text=self.search_edit.text(),
        )

    def apply_filters(self, *_args) -> None:
        self.refresh()

    def _sync_objective_tip(self, *_args) -> None:
        self.objective_combo.setToolTip(
            self.objective_combo.currentText() if self.objective_combo.currentIndex() > 0
            else _("Chỉ hiện hoạt động phục vụ mục tiêu này")
        )

    def clear_filters(self) -> None:
        for widget in (self.objective_combo, self.type_combo, self.date_check, self.search_edit):
            widget.blockSignals(True)
        self.objective_combo.setCurrentIndex(0)
        self.type_combo.setCurrentIndex(0)
        self.date_check.setChecked(False)
        self.search_edit.clear()
        for widget in (self.objective_combo, self.type_combo, self.date_check, self.search_edit):
            widget.blockSignals(False)
        self._date_filter_toggled(False)

    def _date_filter_toggled(self, checked: bool) -> None:
        for widget in (self.date_from_edit, self.date_to_label, self.date_to_edit):
            widget.setEnabled(checked)
        self.refresh()

    def _date_changed(self, *_args) -> None:
        if self.date_check.isChecked():
            self.refresh()

    # -- list -----------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Reload the list with the current filter, keeping (or moving to) a selection."""
        keep = select_id if select_id is not None else self.selected_id()
        try:
            self.model.refresh(self.current_filter())
        except QnappError as err:
            self.dialogs.error(self, _("Không đọc được danh sách hoạt động"), str(err))
            return
        self._update_count()
        if keep is not None:
            self.select_activity(keep)

    def _update_count(self) -> None:
        count, action, people = self.model.summary()
        if count == 0:
            self.count_label.setText(_("Không có hoạt động nào."))
        else:
            self.count_label.setText(
                _("{count} hoạt động, {action} thuộc Tháng hành động, tổng {people} người tham gia").format(
                    count=format_number(count), action=format_number(action), people=format_number(people)
                )
            )

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        index = rows[0] if rows else self.table.currentIndex()
        return self.proxy.activity_id(index)

    def select_activity(self, activity_id: int) -> bool:
        row = self.model.row_of(activity_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, COL_DATE))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self, *_args) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # -- commands -------------------------------------------------------------------
    def add_activity(self) -> None:
        self._run_form(None)

    def edit_selected(self, *_args) -> None:
        activity_id = self.selected_id()
        if activity_id is None:
            return
        activity = self.model.activity(activity_id)
        if activity is not None:
            self._run_form(activity)

    def _double_clicked(self, index) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.edit_selected()

    def _run_form(self, activity) -> None:
        dialog = self.dialog_factory(self.workspace, activity, parent=self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            saved = getattr(dialog, "saved", None)
        finally:
            dialog.deleteLater()
        self.refresh(select_id=int(saved.id) if saved is not None and saved.id is not None else None)
        self.table.setFocus()
        self.activitiesChanged.emit()

    def delete_selected(self, *_args) -> None:
        activity_id = self.selected_id()
        activity = self.model.activity(activity_id) if activity_id is not None else None
        if activity is None:
            return
        row = self.model.row_data(self.model.row_of(activity_id))
        question = _("Xóa hoạt động «{title}» ngày {date}?\nViệc xóa được ghi vào nhật ký thay đổi.").format(
            title=activity.title, date=row.display[COL_DATE]
        )
        if not self.dialogs.confirm(self, _("Xóa hoạt động"), question):
            return
        proxy_row = self.table.currentIndex().row()
        try:
            self.workspace.delete_activity(activity_id)
        except QnappError as err:
            self.dialogs.error(self, _("Không xóa được hoạt động"), str(err))
            return
        self.refresh()
        # Keep the cursor where it was, so Delete can be pressed again on the next row.
        if self.proxy.rowCount() and proxy_row >= 0:
            next_index = self.proxy.index(min(proxy_row, self.proxy.rowCount() - 1), COL_DATE)
            self.table.selectionModel().setCurrentIndex(
                next_index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.table.setFocus()
        self.activitiesChanged.emit()
