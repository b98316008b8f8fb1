"""The page «Nhận và tổng hợp» itself: its header, the four tabs put together, the period
they show, the refreshes and the buttons' state. Each tab is a mixin of its own module
(see ``ui/pages/receive/__init__.py``); the state they share lives here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from qnapp.bundles import ledger
from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.workspace import Workspace
from ui.dialog_service import DialogService
from ui.dialogs.trust_key_dialog import RevokeKeyDialog, TrustKeyDialog
from ui.models.completeness_model import CompletenessModel, ConsolidatedModel, DrillDownModel
from ui.models.import_model import HeldModel, ImportResultModel, TrustedKeyModel
from ui.pages.receive.board import CompletenessBoard
from ui.pages.receive.child_keys import ChildKeys
from ui.pages.receive.held import HeldCorrections, ReasonPrompt, ask_reason
from ui.pages.receive.importing import (
    FilesPicker,
    FolderPicker,
    Importer,
    ImportFiles,
    ProgressRelay,
    pick_bundle_files,
    pick_bundle_folder,
)
from ui.pages.receive.values import ConsolidatedFigures


class ReceivePage(ImportFiles, HeldCorrections, CompletenessBoard, ConsolidatedFigures, ChildKeys, QWidget):
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
        self._relay = ProgressRelay(self)
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

    # -- period ---------------------------------------------------------------------
    @property
    def period_id(self) -> str:
        return self._period_id

    def set_period(self, period_id: str) -> None:
        """The shared period picker changed: board columns, summary and values follow."""
        self._period_id = parse_period(period_id).id
        self.refresh_board()
        self.refresh_values()

    # -- refresh --------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_held()
        self.refresh_keys()
        self.refresh_board()
        self.refresh_values()

    def _read(self, what: str, fn: Callable[[], Any]) -> Any:
        """``fn()``'s result, or None once a failure to read is told in a dialog."""
        try:
            return fn()
        except QnappError as err:
            self.dialogs.error(self, what, str(err))
            return None

    def _after_ledger_change(self) -> None:
        self.refresh_held()
        self.refresh_board()
        self.refresh_values()
        self.ledgerChanged.emit()

    # -- buttons --------------------------------------------------------------------
    def _update_buttons(self, *_args) -> None:
        """The commands that write (import, held decisions, trust, revoke) wait while an
        import runs."""
        idle = not self._importing
        self.files_button.setEnabled(idle)
        self.folder_button.setEnabled(idle)
        has_held = self.held_table.selectionModel().hasSelection() if self.held_table.selectionModel() else False
        self.accept_held_button.setEnabled(idle and has_held)
        self.reject_held_button.setEnabled(idle and has_held)
        self.trust_button.setEnabled(idle)
        key = self.selected_key() if self.key_table.selectionModel() else None
        self.revoke_button.setEnabled(idle and key is not None)
