"""The read-only tables every tab of «Nhận và tổng hợp» shows its rows in, and the
labelled panes of its splitters."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget


def list_table(parent: QWidget, model, name: str) -> QTableView:
    """Rows to read and pick one of: whole-row selection, no editing, no row numbers."""
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


def labelled_pane(splitter: QSplitter, label: QLabel, table: QTableView) -> QWidget:
    """One part of a splitter: a label over a table that takes the height."""
    pane = QWidget(splitter)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label)
    layout.addWidget(table, 1)
    return pane
