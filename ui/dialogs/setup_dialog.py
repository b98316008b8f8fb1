"""First run: which unit list, which unit, who the officer is."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qnapp.errors import QnappError
from qnapp.i18n import N_, _
from qnapp.text import clean_text
from qnapp.units import Unit, load_tree, tree_for_date
from qnapp.workspace import Workspace

TREE_CHOICES = (
    ("2021", N_("Trước 01/7/2025 (tỉnh – huyện – xã)")),
    ("2025", N_("Từ 01/7/2025 (tỉnh – xã)")),
)
CODE_ROLE = Qt.ItemDataRole.UserRole


class SetupDialog(QDialog):
    """``exec()`` returns ``Accepted`` once the workspace is initialised, ``Rejected`` on
    cancel, or ``DEMO`` when the user asked to try the app on demo data instead."""

    DEMO = 2

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self.setWindowTitle(_("Thiết lập lần đầu – qnapp"))
        self.setMinimumSize(640, 560)

        intro = QLabel(
            _(
                "Chào mừng! Hãy chọn đơn vị của mình và nhập họ tên cán bộ phụ trách. "
                "Việc này chỉ làm một lần trên máy này."
            )
        )
        intro.setWordWrap(True)

        self.tree_buttons = QButtonGroup(self)
        tree_row = QHBoxLayout()
        default_tree = tree_for_date(today or date.today())
        for tree_id, label in TREE_CHOICES:
            button = QRadioButton(_(label))
            button.setProperty("tree", tree_id)
            button.setChecked(tree_id == default_tree)
            self.tree_buttons.addButton(button)
            tree_row.addWidget(button)
        tree_row.addStretch(1)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Gõ tên hoặc mã đơn vị, ví dụ: tien yen"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)

        self.unit_list = QTreeWidget()
        self.unit_list.setHeaderLabels([_("Đơn vị"), _("Trực thuộc"), _("Mã")])
        self.unit_list.setRootIsDecorated(False)
        self.unit_list.setUniformRowHeights(True)
        self.unit_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_list.setAccessibleName(_("Danh sách đơn vị"))
        self.unit_list.setColumnWidth(0, 260)
        self.unit_list.setColumnWidth(1, 220)

        self.officer_edit = QLineEdit()
        self.officer_edit.setPlaceholderText(_("Ví dụ: Nguyễn Thị Lan"))
        self.officer_edit.setMaxLength(120)

        self.chosen_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow(_("Danh mục đơn vị:"), tree_row)
        search_caption = QLabel(_("&Tìm đơn vị:"))
        search_caption.setBuddy(self.search_edit)
        form.addRow(search_caption, self.search_edit)
        form.addRow(self.unit_list)
        form.addRow(_("Đơn vị đã chọn:"), self.chosen_label)
        officer_caption = QLabel(_("&Họ tên cán bộ:"))
        officer_caption.setBuddy(self.officer_edit)
        form.addRow(officer_caption, self.officer_edit)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(_("Bắt đầu"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton(_("Huỷ"), QDialogButtonBox.ButtonRole.RejectRole)
        self.demo_button = QPushButton(_("Dùng thử với dữ liệu mẫu"))
        self.demo_button.setAutoDefault(False)
        self.demo_button.setToolTip(
            _("Mở một cơ sở dữ liệu mẫu riêng để làm quen; dữ liệu thật không bị đụng tới.")
        )
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.tree_buttons.buttonToggled.connect(self._tree_toggled)
        self.search_edit.textChanged.connect(self._fill_units)
        self.unit_list.itemSelectionChanged.connect(self._update_state)
        self.officer_edit.textChanged.connect(self._update_state)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.demo_button.clicked.connect(lambda: self.done(self.DEMO))

        self._fill_units()
        self.search_edit.setFocus()

    # -- what the user chose ----------------------------------------------------------
    @property
    def tree_id(self) -> str:
        return self.tree_buttons.checkedButton().property("tree")

    @property
    def unit_code(self) -> str | None:
        items = self.unit_list.selectedItems()
        return items[0].data(0, CODE_ROLE) if items else None

    @property
    def officer(self) -> str:
        return clean_text(self.officer_edit.text())

    def select_unit(self, code: str) -> bool:
        """Select the listed unit ``code``; False when the filter hides it."""
        for i in range(self.unit_list.topLevelItemCount()):
            item = self.unit_list.topLevelItem(i)
            if item.data(0, CODE_ROLE) == code:
                self.unit_list.setCurrentItem(item)
                item.setSelected(True)
                return True
        return False

    # -- behaviour --------------------------------------------------------------------
    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        try:
            self._workspace.initialise(self.tree_id, self.unit_code, self.officer)
        except QnappError as err:
            self.error_label.setText(str(err))
            self.error_label.show()
            return
        super().accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down arrow in the search box goes on to the list, as in a combo box.
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.unit_list.topLevelItemCount():
                self.unit_list.setFocus()
                if not self.unit_list.selectedItems():
                    self.unit_list.setCurrentItem(self.unit_list.topLevelItem(0))
                return True
        return super().eventFilter(watched, event)

    def _tree_toggled(self, _button, checked: bool) -> None:
        if checked:
            self._fill_units()

    def _fill_units(self, *_args) -> None:
        tree = load_tree(self.tree_id)
        keep = self.unit_code
        self.unit_list.blockSignals(True)
        self.unit_list.clear()
        for unit in tree.search(self.search_edit.text()):
            parent = tree.parent(unit.code)
            item = QTreeWidgetItem([unit.full_name, parent.full_name if parent else "", unit.code])
            item.setData(0, CODE_ROLE, unit.code)
            item.setToolTip(0, _unit_tooltip(unit, parent))
            self.unit_list.addTopLevelItem(item)
        self.unit_list.blockSignals(False)
        if not (keep and self.select_unit(keep)) and self.unit_list.topLevelItemCount() == 1:
            self.select_unit(self.unit_list.topLevelItem(0).data(0, CODE_ROLE))
        self._update_state()

    def _update_state(self, *_args) -> None:
        code = self.unit_code
        if code:
            tree = load_tree(self.tree_id)
            unit, parent = tree.get(code), tree.parent(code)
            self.chosen_label.setText(_unit_tooltip(unit, parent))
        else:
            self.chosen_label.setText(_("(chưa chọn – chọn một dòng trong danh sách)"))
        self.error_label.hide()
        self.ok_button.setEnabled(bool(code and self.officer))


def _unit_tooltip(unit: Unit, parent: Unit | None) -> str:
    if parent is None:
        return _("{name} (mã {code})").format(name=unit.full_name, code=unit.code)
    return _("{name}, {parent} (mã {code})").format(
        name=unit.full_name, parent=parent.full_name, code=unit.code
    )
