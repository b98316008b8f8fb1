"""«Số liệu tổng hợp»: the consolidated values of the period (the sums of the children's
latest accepted reports, ``qnapp.consolidation``); selecting an element shows each
child's value below (the drill-down)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QVBoxLayout, QWidget

from qnapp import consolidation
from qnapp.bundles.writer import exported_elements
from qnapp.i18n import _
from qnapp.periods import parse_period
from ui.models.completeness_model import VAL_FEMALE, VAL_MALE, VAL_NAME, VAL_TOTAL
from ui.models.import_model import period_label
from ui.pages.receive.tables import labelled_pane, list_table


class ConsolidatedFigures:
    """Mixed into ``ReceivePage``: uses its workspace, ``_period_id``, ``values_model``,
    ``drill_model``, ``board_model`` (how many children sent) and ``_read``."""

    def _build_values_tab(self) -> QWidget:
        tab = QWidget(self)
        self.values_label = QLabel(tab)
        self.values_label.setWordWrap(True)
        self.values_table = list_table(tab, self.values_model, _("Số liệu tổng hợp"))
        self.values_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.drill_label = QLabel(_("Chọn một chỉ số để xem số liệu của từng đơn vị."), tab)
        self.drill_label.setWordWrap(True)
        self.drill_table = list_table(tab, self.drill_model, _("Số liệu của từng đơn vị"))
        for table in (self.values_table, self.drill_table):
            header = table.horizontalHeader()
            header.setSectionResizeMode(VAL_NAME, QHeaderView.ResizeMode.Stretch)
            for column in (VAL_MALE, VAL_FEMALE, VAL_TOTAL):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                table.setColumnWidth(column, 96)  # room for «chưa gửi» and 1.234.567
        splitter = QSplitter(Qt.Orientation.Vertical, tab)
        splitter.addWidget(labelled_pane(splitter, self.values_label, self.values_table))
        splitter.addWidget(labelled_pane(splitter, self.drill_label, self.drill_table))
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter, 1)
        self.values_table.selectionModel().currentRowChanged.connect(self._element_selected)
        return tab

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
