"""«Nhận và tổng hợp»: a parent unit receives its children's signed report bundles.

Four tabs:

* «Nhận báo cáo» — «Chọn tệp…» (several ``*.zip``) or «Chọn thư mục…» (a USB stick; the
  core scans it). The import runs on a worker thread (``ui.ops``) with a progress bar and
  «Dừng»; each file gets one line as soon as the core has handled it. Below, the
  corrections the ledger holds, with «Chấp nhận» and «Từ chối…».
* «Tình hình gửi báo cáo» — the completeness board: children × the last periods of the
  picked period's type.
* «Số liệu tổng hợp» — the consolidated values of the period; selecting an element shows
  each child's value.
* «Khóa đơn vị cấp dưới» — the trust registry: trust a child's key (``TrustKeyDialog``),
  revoke one.

Everything that decides (verification, ledger rules, states, sums, trust) is in the core:
``qnapp.bundles.ledger``, ``qnapp.consolidation``, ``qnapp.keys``. File and folder pickers,
dialogs and the importer are injectable so tests never block on a modal window.

Threading: the worker uses the page's workspace; its store serialises calls, so the GUI
thread may still read (it waits at most for one bundle's transaction). While an import
runs, the commands that write (held decisions, trust, revoke) are disabled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qnapp import consolidation, keys
from qnapp.bundles import ledger
from qnapp.bundles.writer import exported_elements
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import clean_text, format_date, format_number
from qnapp.workspace import Workspace
from ui import ops
from ui.dialog_service import DialogService
from ui.dialogs.reason_dialog import ReasonDialog, ask
from ui.dialogs.trust_key_dialog import RevokeKeyDialog, TrustKeyDialog
from ui.models.completeness_model import (
    VAL_FEMALE,
    VAL_MALE,
    VAL_NAME,
    VAL_TOTAL,
    CompletenessModel,
    ConsolidatedModel,
    DrillDownModel,
)
from ui.models.import_model import (
    IMP_MESSAGE,
    HeldModel,
    ImportResultModel,
    TrustedKeyModel,
    period_label,
    refusal_lines,
    unit_name,
)

BOARD_PERIODS = 4  # columns of the completeness board: the picked period and those before

FilesPicker = Callable[[QWidget], Sequence[str]]
FolderPicker = Callable[[QWidget], "str | None"]
ReasonPrompt = Callable[[QWidget, str, str], "str | None"]
Importer = Callable[..., list]


def pick_bundle_files(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, _("Chọn tệp báo cáo của đơn vị cấp dưới"), "", _("Gói báo cáo (*.zip)")
    )
    return paths


def pick_bundle_folder(parent: QWidget) -> str | None:
    folder = QFileDialog.getExistingDirectory(parent, _("Chọn thư mục hoặc ổ USB chứa báo cáo"))
    return folder or None


def ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    """Why a held correction is refused (required: it is kept in the ledger)."""
    return ask(ReasonDialog(parent, title=title, intro=label, ok_text=_("Từ chối bản này"),
                            missing=_("Hãy ghi lý do từ chối (lý do được lưu vào sổ nhận).")))


class _ProgressRelay(QObject):
    """Created on the GUI thread; the worker emits, the page's slot runs queued."""

    progressed = Signal(int, int, object)


def _table(parent: QWidget, model, name: str) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setHighlightSections(False)
    view.setAccessibleName(name)
    return view


def fit_name_column(table: QTableView, column: int = 0, most_chars: int = 40) -> None:
    """Unit names whole (Vietnamese names are long; at most ``most_chars`` wide, the user
    can widen it); the other columns share the rest of the width."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column)) + metrics.averageCharWidth()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(column, min(wanted, most_chars * metrics.averageCharWidth()))
    for other in range(table.model().columnCount()):
        if other != column:
            header.setSectionResizeMode(other, QHeaderView.ResizeMode.Stretch)


class ReceivePage(QWidget):
    """Receive, check and consolidate the children's reports."""

    ledgerChanged = Signal()  # an import or a decision changed what was received
    importFinished = Signal(object)  # the list of ImportOutcome of the last import

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        dialogs: DialogService | None = None,
        *,
        period_id: str | None = None,
        pick_files: FilesPicker | None = None,
        pick_folder: FolderPicker | None = None,
        importer: Importer | None = None,
        trust_dialog_factory: Callable[..., QDialog] | None = None,
        revoke_dialog_factory: Callable[..., QDialog] | None = None,
        reason_prompt: ReasonPrompt | None = None,
        today: Callable[[], date] | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.dialogs = dialogs or DialogService()
        self.pick_files: FilesPicker = pick_files or pick_bundle_files
        self.pick_folder: FolderPicker = pick_folder or pick_bundle_folder
        # Called as importer(workspace, paths, today=…, progress=…) on the worker thread.
        self.importer: Importer = importer or ledger.import_files
        # Called as factory(workspace, parent=page); exec() Accepted once a key is trusted,
        # with the key in ``trusted``.
        self.trust_dialog_factory = trust_dialog_factory or TrustKeyDialog
        # Called as factory(trusted_key, parent=page); accepted with ``from_date``, ``reason``.
        self.revoke_dialog_factory = revoke_dialog_factory or RevokeKeyDialog
        self.reason_prompt: ReasonPrompt = reason_prompt or ask_reason
        self.today = today  # None: the core's today (Vietnam time)
        self._period_id = period_id or workspace.current_period(period_type="half").id
        self._cancel = threading.Event()
        self._importing = False
        self._total: int | None = None
        # One relay for the page's life (a child, so Qt deletes it on the GUI thread).
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_progress)
        self._children_count = 0

        self.import_model = ImportResultModel(self)
        self.held_model = HeldModel(self)
        self.key_model = TrustedKeyModel(self)
        self.board_model = CompletenessModel(self)
        self.values_model = ConsolidatedModel(self)
        self.drill_model = DrillDownModel(self)
        self._build()
        self.refresh()

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel(_("Nhận và tổng hợp báo cáo của đơn vị cấp dưới"), self)
        self.title_label.setObjectName("pageTitle")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("receiveSummary")
        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.summary_label)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_import_tab(), _("Nhận báo cáo"))
        self.tabs.addTab(self._build_board_tab(), _("Tình hình gửi báo cáo"))
        self.tabs.addTab(self._build_values_tab(), _("Số liệu tổng hợp"))
        self.tabs.addTab(self._build_keys_tab(), _("Khóa đơn vị cấp dưới"))

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    def _build_import_tab(self) -> QWidget:
        tab = QWidget(self)
        self.files_button = QPushButton(_("Chọn tệp…"), tab)
        self.files_button.setToolTip(_("Chọn một hoặc nhiều tệp báo cáo (.zip) đơn vị cấp dưới đã gửi"))
        self.folder_button = QPushButton(_("Chọn thư mục…"), tab)
        self.folder_button.setToolTip(
            _("Chọn một thư mục hoặc ổ USB: mọi tệp báo cáo (.zip) trong đó đều được nhận")
        )
        self.progress = QProgressBar(tab)
        self.progress.setFormat(_("%v/%m tệp"))
        self.progress.setMinimumWidth(220)
        self.progress.hide()
        self.stop_button = QPushButton(_("Dừng"), tab)
        self.stop_button.setToolTip(_("Dừng sau tệp đang xử lý; các tệp còn lại chưa được nhận"))
        self.stop_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.files_button)
        top.addWidget(self.folder_button)
        top.addSpacing(12)
        top.addWidget(self.progress)
        top.addWidget(self.stop_button)
        top.addStretch(1)

        self.import_status = QLabel(
            _("Chép các tệp báo cáo vào máy hoặc cắm ổ USB, rồi bấm «Chọn tệp…» hoặc «Chọn thư mục…»."), tab
        )
        self.import_status.setWordWrap(True)
        self.import_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_table = _table(tab, self.import_model, _("Kết quả nhận tệp"))
        self.import_table.horizontalHeader().setSectionResizeMode(IMP_MESSAGE, QHeaderView.ResizeMode.Stretch)

        held_box = QGroupBox(_("Bản sửa chờ xem xét"), tab)
        self.held_table = _table(held_box, self.held_model, _("Bản sửa chờ xem xét"))
        self.held_hint = QLabel(
            _(
                "Bản sửa không nối tiếp bản đang dùng (thiếu một bản ở giữa, hoặc sửa từ một bản "
                "cũ) được giữ lại để cán bộ quyết định. Nếu chưa rõ, hãy gọi điện hỏi đơn vị gửi."
            ),
            held_box,
        )
        self.held_hint.setWordWrap(True)
        self.accept_held_button = QPushButton(_("Chấp nhận"), held_box)
        self.accept_held_button.setToolTip(_("Dùng bản sửa này thay cho bản đang dùng"))
        self.reject_held_button = QPushButton(_("Từ chối…"), held_box)
        self.reject_held_button.setToolTip(_("Không dùng bản sửa này (cần ghi lý do)"))
        held_buttons = QHBoxLayout()
        held_buttons.addWidget(self.accept_held_button)
        held_buttons.addWidget(self.reject_held_button)
        held_buttons.addStretch(1)
        held_layout = QVBoxLayout(held_box)
        held_layout.addWidget(self.held_hint)
        held_layout.addWidget(self.held_table, 1)
        held_layout.addLayout(held_buttons)

        splitter = QSplitter(Qt.Orientation.Vertical, tab)
        results = QWidget(splitter)
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.import_status)
        results_layout.addWidget(self.import_table, 1)
        splitter.addWidget(results)
        splitter.addWidget(held_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self.stop_button.clicked.connect(self.cancel_import)
        self.accept_held_button.clicked.connect(self.accept_selected_held)
        self.reject_held_button.clicked.connect(self.reject_selected_held)
        self.held_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.held_model.modelReset.connect(self._update_buttons)
        return tab

    def _build_board_tab(self) -> QWidget:
        tab = QWidget(self)
        self.board_hint = QLabel(
            _("Mỗi ô cho biết đơn vị đã gửi báo cáo kỳ đó chưa. Di chuột lên ô để xem bản, mã gói và ngày nhận."),
            tab,
        )
        self.board_hint.setWordWrap(True)
        self.board_table = _table(tab, self.board_model, _("Tình hình gửi báo cáo của đơn vị cấp dưới"))
        self.board_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.board_hint)
        layout.addWidget(self.board_table, 1)
        return tab

    def _build_values_tab(self) -> QWidget:
        tab = QWidget(self)
        self.values_label = QLabel(tab)
        self.values_label.setWordWrap(True)
        self.values_table = _table(tab, self.values_model, _("Số liệu tổng hợp"))
        self.values_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.drill_label = QLabel(_("Chọn một chỉ số để xem số liệu của từng đơn vị."), tab)
        self.drill_label.setWordWrap(True)
        self.drill_table = _table(tab, self.drill_model, _("Số liệu của từng đơn vị"))
        for table in (self.values_table, self.drill_table):
            header = table.horizontalHeader()
            header.setSectionResizeMode(VAL_NAME, QHeaderView.ResizeMode.Stretch)
            for column in (VAL_MALE, VAL_FEMALE, VAL_TOTAL):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                table.setColumnWidth(column, 96)  # room for «chưa gửi» and 1.234.567
        splitter = QSplitter(Qt.Orientation.Vertical, tab)
        upper = QWidget(splitter)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.values_label)
        upper_layout.addWidget(self.values_table, 1)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.drill_label)
        lower_layout.addWidget(self.drill_table, 1)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter, 1)
        self.values_table.selectionModel().currentRowChanged.connect(self._element_selected)
        return tab

    def _build_keys_tab(self) -> QWidget:
        tab = QWidget(self)
        hint = QLabel(
            _(
                "Chỉ nhận báo cáo ký bằng khóa đã tin cậy của đúng đơn vị gửi. Tin cậy một khóa "
                "sau khi đã gọi điện đối chiếu dấu vân tay với đơn vị."
            ),
            tab,
        )
        hint.setWordWrap(True)
        self.key_table = _table(tab, self.key_model, _("Khóa đã tin cậy"))
        self.key_table.horizontalHeader().setStretchLastSection(True)
        self.trust_button = QPushButton(_("Tin cậy khóa của đơn vị cấp dưới…"), tab)
        self.revoke_button = QPushButton(_("Thu hồi…"), tab)
        self.revoke_button.setToolTip(_("Không nhận báo cáo ký bằng khóa này từ một ngày"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.trust_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.key_table, 1)
        layout.addLayout(buttons)
        self.trust_button.clicked.connect(self.trust_child_key)
        self.revoke_button.clicked.connect(self.revoke_selected_key)
        self.key_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.key_model.modelReset.connect(self._update_buttons)
        return tab

    # -- period ---------------------------------------------------------------------
    @property
    def period_id(self) -> str:
        return self._period_id

    def set_period(self, period_id: str) -> None:
        """The shared period picker changed: board columns, summary and values follow."""
        self._period_id = parse_period(period_id).id
        self.refresh_board()
        self.refresh_values()

    def board_periods(self) -> list[str]:
        """The picked period and the ones of its type before it, oldest first."""
        period = parse_period(self._period_id)
        found = self.workspace.recent_periods(period.type, BOARD_PERIODS, today=period.end)
        ids = [p.id for p in reversed(found)]
        if period.id not in ids:  # outside the unit's tree: show it alone
            ids = [period.id]
        return ids

    # -- refresh --------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_held()
        self.refresh_keys()
        self.refresh_board()
        self.refresh_values()

    def _read(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except QnappError as err:
            self.dialogs.error(self, what, str(err))
            return None

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

    def refresh_values(self) -> None:
        period_id = self._period_id
        keep = self.selected_element()

        def read():
            values = consolidation.consolidated_values(self.workspace, period_id)
            return self._elements_for(period_id, values), values

        found = self._read(_("Không đọc được số liệu tổng hợp"), read)
        if found is None:
            return
        elements, values = found
        self.values_model.set_values(elements, values)
        got, total = self.board_model.summary(period_id)
        self.values_label.setText(
            _("Số liệu {period}: tổng của {got}/{total} đơn vị đã gửi (bản mới nhất được chấp nhận).").format(
                period=period_label(period_id), got=got, total=total
            )
        )
        if keep is not None and self.select_element(keep):
            return
        self.drill_model.set_rows(None, [])
        self.drill_label.setText(_("Chọn một chỉ số để xem số liệu của từng đơn vị."))

    def _elements_for(self, period_id: str, values) -> list:
        """The consolidated elements the children report for the period (the core's lists),
        then any other element a sum arrived for (a year's stock), in catalog order."""
        catalog = self.workspace.catalog
        children = consolidation.children_of(self.workspace)
        codes = consolidation.consolidated_codes(self.workspace)
        period = parse_period(period_id)
        sent = exported_elements(catalog, children[0], period) if children else []
        elements = [e for e in sent if e.code in codes]
        listed = {e.code for e in elements}
        extra = {code for code, _category in values} - listed
        elements += [e for e in catalog.data_elements if e.code in extra]
        return elements

    def refresh_held(self) -> None:
        held = self._read(_("Không đọc được danh sách bản sửa chờ xem xét"), lambda: ledger.held_bundles(self.workspace))
        if held is not None:
            self.held_model.set_items(held)
            if held:  # the oldest first, ready for «Chấp nhận» / «Từ chối…»
                self.held_table.selectRow(0)
            self.tabs.setTabText(
                0, _("Nhận báo cáo ({n} chờ xem xét)").format(n=len(held)) if held else _("Nhận báo cáo")
            )

    def refresh_keys(self, select: str | None = None) -> None:
        found = self._read(_("Không đọc được danh sách khóa"), lambda: keys.list_trusted(self.workspace.store))
        if found is None:
            return
        self.key_model.set_items(found)
        if select is not None:
            row = self.key_model.row_of(select)
            if row >= 0:
                self.key_table.selectRow(row)

    def _after_ledger_change(self) -> None:
        self.refresh_held()
        self.refresh_board()
        self.refresh_values()
        self.ledgerChanged.emit()

    # -- drill-down -----------------------------------------------------------------
    def selected_element(self) -> str | None:
        index = self.values_table.currentIndex()
        if not index.isValid():
            return None
        return self.values_model.element(index.row()).code

    def select_element(self, code: str) -> bool:
        row = self.values_model.row_of(code)
        if row < 0:
            return False
        index = self.values_model.index(row, VAL_NAME)
        self.values_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.values_table.scrollTo(index)
        return True

    def _element_selected(self, current, _previous=None) -> None:
        if not current.isValid():
            self.drill_model.set_rows(None, [])
            return
        element = self.values_model.element(current.row())
        categories = list(element.categories) + [""] if element.disaggregated else [""]
        period_id = self._period_id

        def read():
            by_unit: dict[str, dict[str, float | None]] = {}
            units = []
            for category in categories:
                for unit, value in consolidation.drill_down(self.workspace, period_id, element.code, category):
                    if unit.key not in by_unit:
                        by_unit[unit.key] = {}
                        units.append(unit)
                    by_unit[unit.key][category] = value
            return [(unit, by_unit[unit.key]) for unit in units]

        rows = self._read(_("Không đọc được số liệu của từng đơn vị"), read)
        if rows is None:
            return
        self.drill_model.set_rows(element, rows)
        self.drill_label.setText(
            _("«{name}», {period}, theo từng đơn vị:").format(name=element.name, period=period_label(period_id))
        )

    # -- import ---------------------------------------------------------------------
    def is_importing(self) -> bool:
        return self._importing

    def choose_files(self) -> None:
        paths = [str(p) for p in (self.pick_files(self) or [])]
        if paths:
            self.import_paths(paths)

    def choose_folder(self) -> None:
        folder = self.pick_folder(self)
        if folder:
            self.import_paths([str(folder)])

    def import_paths(self, paths: Sequence[str]) -> bool:
        """Start importing files and folders in the background; False if one is running."""
        if self._importing:
            return False
        self._importing = True
        self._cancel = threading.Event()
        self._total = None
        self.import_model.clear()
        self.progress.setRange(0, 0)  # busy until the core has counted the files
        self.progress.show()
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        self.import_status.setText(_("Đang kiểm tra và nhận tệp…"))
        self._update_buttons()

        relay = self._relay
        cancel = self._cancel
        workspace, importer, today = self.workspace, self.importer, self.today
        paths = list(paths)

        def progress(done: int, total: int, outcome) -> bool:  # worker thread
            relay.progressed.emit(done, total, outcome)
            return not cancel.is_set()

        def run():  # worker thread
            return importer(workspace, paths, today=today() if today else None, progress=progress)

        ops.run_in_background(self, run, self._import_done, self._import_failed)
        return True

    def cancel_import(self) -> None:
        """«Dừng»: the core stops after the file it is checking."""
        if not self._importing:
            return
        self._cancel.set()
        self.stop_button.setEnabled(False)
        self.import_status.setText(_("Đang dừng sau tệp đang kiểm tra…"))

    def _on_progress(self, done: int, total: int, outcome) -> None:
        self._total = total
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.import_model.append(outcome)
        # Rows added one by one do not re-fit ResizeToContents columns by themselves.
        self.import_table.horizontalHeader().resizeSections()
        self.import_table.scrollToBottom()
        if not self._cancel.is_set():
            self.import_status.setText(_("Đang nhận: đã xử lý {done}/{total} tệp…").format(done=done, total=total))

    def _finish_import(self) -> None:
        self._importing = False
        self.progress.hide()
        self.stop_button.hide()
        self._update_buttons()

    def _import_done(self, outcomes) -> None:
        outcomes = list(outcomes or [])
        self.import_model.extend_to(outcomes)
        self.import_table.horizontalHeader().resizeSections()
        total = self._total
        stopped = self._cancel.is_set() and total is not None and len(outcomes) < total
        self._finish_import()
        self.import_status.setText(self._result_text(outcomes, total, stopped))
        self._after_ledger_change()
        self.importFinished.emit(outcomes)

    def _import_failed(self, err: BaseException) -> None:
        self._finish_import()
        self.import_status.setText(_("Nhận tệp không thành công: {error}").format(error=ops.error_message(err)))
        ops.show_error(self, err, self.dialogs)
        self._after_ledger_change()
        self.importFinished.emit(self.import_model.items())

    def _result_text(self, outcomes, total: int | None, stopped: bool) -> str:
        if not outcomes:
            return _("Không tìm thấy tệp báo cáo (.zip) nào.")
        counts = self.import_model.counts()
        parts = _("{accepted} đã nhận, {duplicate} trùng, {held} chờ xem xét, {rejected} bị từ chối").format(
            accepted=format_number(counts.get("accepted", 0)),
            duplicate=format_number(counts.get("duplicate", 0)),
            held=format_number(counts.get("held", 0)),
            rejected=format_number(counts.get("rejected", 0)),
        )
        if stopped:
            text = _("Đã dừng: đã xử lý {done}/{total} tệp ({parts}). Các tệp còn lại chưa được nhận.").format(
                done=len(outcomes), total=total, parts=parts
            )
        else:
            text = _("Đã xử lý {n} tệp: {parts}.").format(n=len(outcomes), parts=parts)
        return "\n".join([text, *refusal_lines(outcomes)])

    # -- held corrections -----------------------------------------------------------
    def selected_held(self):
        rows = self.held_table.selectionModel().selectedRows()
        index = rows[0] if rows else self.held_table.currentIndex()
        return self.held_model.item(index.row()) if index.isValid() else None

    def select_held(self, digest: str) -> bool:
        row = self.held_model.row_of(digest)
        if row >= 0:
            self.held_table.selectRow(row)
        return row >= 0

    def _held_title(self, held) -> str:
        return _("bản thứ {revision} của {unit}, {period}").format(
            revision=held.revision, unit=unit_name(held.unit), period=period_label(held.period)
        )

    def accept_selected_held(self) -> None:
        held = self.selected_held()
        if held is None or self._importing:
            return
        question = _(
            "Chấp nhận {what}?\nSố liệu của bản này sẽ thay cho bản đang dùng khi tổng hợp."
        ).format(what=self._held_title(held))
        if not self.dialogs.confirm(self, _("Chấp nhận bản sửa"), question):
            return
        today = self.today() if self.today else None
        self._decide(
            lambda: ledger.accept_held(self.workspace, held.digest, today=today), _("Không chấp nhận được bản sửa")
        )

    def reject_selected_held(self) -> None:
        held = self.selected_held()
        if held is None or self._importing:
            return
        reason = self.reason_prompt(
            self, _("Từ chối bản sửa"), _("Lý do từ chối {what}:").format(what=self._held_title(held))
        )
        if reason is None:
            return
        reason = clean_text(reason)
        if not reason:
            self.dialogs.warning(self, _("Từ chối bản sửa"), _("Hãy ghi lý do từ chối (lý do được lưu vào sổ nhận)."))
            return
        question = _("Từ chối {what}?\nLý do: {reason}").format(what=self._held_title(held), reason=reason)
        if not self.dialogs.confirm(self, _("Từ chối bản sửa"), question):
            return
        self._decide(
            lambda: ledger.reject_held(self.workspace, held.digest, reason), _("Không từ chối được bản sửa")
        )

    def _decide(self, fn: Callable[[], Any], failure_title: str) -> None:
        try:
            outcome = fn()
        except QnappError as err:
            self.dialogs.error(self, failure_title, str(err))
            return
        self.import_status.setText(outcome.message or "")
        self._after_ledger_change()

    # -- keys -----------------------------------------------------------------------
    def selected_key(self):
        rows = self.key_table.selectionModel().selectedRows()
        index = rows[0] if rows else self.key_table.currentIndex()
        return self.key_model.item(index.row()) if index.isValid() else None

    def trust_child_key(self) -> None:
        if self._importing:
            return
        dialog = self.trust_dialog_factory(self.workspace, parent=self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            trusted = getattr(dialog, "trusted", None)
        finally:
            dialog.deleteLater()
        self.refresh_keys(select=trusted.fingerprint if trusted is not None else None)
        if trusted is not None:
            # The refusals listed above for want of this key no longer stand: say so.
            waiting = [o for o in self.import_model.items()
                       if o.reason_code == "key_unknown" and o.shown_unit == trusted.unit]
            text = _("Đã tin cậy khóa của {unit}.").format(unit=unit_name(trusted.unit))
            if waiting:
                text += " " + _("{count} tệp của đơn vị này vừa bị từ chối vì khóa chưa được tin cậy: "
                                "hãy nhận lại.").format(count=len(waiting))
            self.import_status.setText(text)

    def revoke_selected_key(self) -> None:
        key = self.selected_key()
        if key is None or self._importing:
            return
        dialog = self.revoke_dialog_factory(key, parent=self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            from_date, reason = dialog.from_date, dialog.reason
        finally:
            dialog.deleteLater()
        question = _(
            "Thu hồi khóa của {unit} từ ngày {date}?\nBáo cáo ký bằng khóa này từ ngày đó sẽ bị từ chối."
        ).format(unit=unit_name(key.unit), date=format_date(from_date))
        if not self.dialogs.confirm(self, _("Thu hồi khóa"), question):
            return
        try:
            keys.revoke_key(self.workspace.store, key.fingerprint, from_date, reason, who=self.workspace.officer)
        except QnappError as err:
            self.dialogs.error(self, _("Không thu hồi được khóa"), str(err))
            return
        self.refresh_keys(select=key.fingerprint)

    # -- buttons --------------------------------------------------------------------
    def _update_buttons(self, *_args) -> None:
        idle = not self._importing
        self.files_button.setEnabled(idle)
        self.folder_button.setEnabled(idle)
        has_held = self.held_table.selectionModel().hasSelection() if self.held_table.selectionModel() else False
        self.accept_held_button.setEnabled(idle and has_held)
        self.reject_held_button.setEnabled(idle and has_held)
        self.trust_button.setEnabled(idle)
        key = self.selected_key() if self.key_table.selectionModel() else None
        self.revoke_button.setEnabled(idle and key is not None)
