"""The activities table: a thin adapter over ``Workspace.activities(filter)``.

The model keeps the activity ids in display order and builds one display row (a plain
DTO) per activity the first time a view asks for it. Sorting goes through
``ActivitySortProxy``, which compares the typed keys of ``SORT_KEY_ROLE`` (dates, whole
numbers, Vietnamese collation keys), never the display strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from qnapp.i18n import N_, _
from qnapp.store import Activity
from qnapp.text import format_date, format_number, vi_sort_key
from qnapp.workspace import ActivityFilter, Workspace, in_action_month

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 2
ACTION_MONTH_ROLE = Qt.ItemDataRole.UserRole + 3

# Column order; each is an index into COLUMN_TITLES.
(
    COL_DATE,
    COL_TYPE,
    COL_TITLE,
    COL_PLACE,
    COL_MALE,
    COL_FEMALE,
    COL_TOTAL,
    COL_COST,
    COL_FUND,
    COL_OBJECTIVES,
    COL_ACTION_MONTH,
) = range(11)

COLUMN_TITLES = (
    N_("Ngày"),
    N_("Loại"),
    N_("Tên hoạt động"),
    N_("Địa điểm"),
    N_("Nam"),
    N_("Nữ"),
    N_("Tổng"),
    N_("Kinh phí (đồng)"),
    N_("Nguồn kinh phí"),
    N_("Mục tiêu"),
    N_("Tháng hành động"),
)

COLUMN_TIPS = {
    COL_MALE: N_("Số người tham gia là nam"),
    COL_FEMALE: N_("Số người tham gia là nữ"),
    COL_TOTAL: N_("Tổng số người tham gia"),
    COL_OBJECTIVES: N_("Các mục tiêu của Kế hoạch mà hoạt động phục vụ"),
    COL_ACTION_MONTH: N_("Hoạt động diễn ra trong Tháng hành động (15/11–15/12)"),
}

NUMBER_COLUMNS = frozenset({COL_MALE, COL_FEMALE, COL_TOTAL, COL_COST})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_ACTION_MONTH_BRUSH = QBrush(QColor(255, 236, 179))  # soft amber, readable on old screens


@dataclass(frozen=True)
class ActivityRow:
    """What one table row shows, already formatted, plus its typed sort keys."""

    id: int
    display: tuple[str, ...]
    sort_keys: tuple[Any, ...]
    tooltip_title: str
    action_month: bool
    participants: int

    @classmethod
    def build(cls, activity: Activity, workspace: Workspace) -> ActivityRow:
        type_name = workspace.activity_type_name(activity.type)
        fund_name = workspace.fund_source_name(activity.fund_source) if activity.fund_source else ""
        male, female, cost = activity.participants_male, activity.participants_female, activity.cost
        total = _total(activity)
        action = in_action_month(activity)
        objectives = tuple(activity.objectives)
        display = (
            format_date(activity.date),
            type_name,
            activity.title,
            activity.place,
            _number(male),
            _number(female),
            _number(total),
            _number(cost),
            fund_name,
            ", ".join(str(n) for n in objectives),
            _("Có") if action else "",
        )
        day: date = activity.date
        sort_keys = (
            day.toordinal(),
            vi_sort_key(type_name),
            vi_sort_key(activity.title),
            vi_sort_key(activity.place),
            _key(male),
            _key(female),
            _key(total),
            _key(cost),
            vi_sort_key(fund_name),
            objectives,
            1 if action else 0,
        )
        tip = activity.title
        if activity.note:
            tip = _("{title}\nGhi chú: {note}").format(title=activity.title, note=activity.note)
        return cls(
            id=int(activity.id),
            display=display,
            sort_keys=sort_keys,
            tooltip_title=tip,
            action_month=action,
            participants=total or 0,
        )


def _total(activity: Activity) -> int | None:
    """Participants in all; None only when neither count was recorded."""
    parts = [n for n in (activity.participants_male, activity.participants_female) if n is not None]
    return sum(parts) if parts else None


def _number(n: int | None) -> str:
    return "" if n is None else format_number(n)


def _key(n: int | None) -> int:
    return -1 if n is None else int(n)  # "not recorded" sorts before zero


class ActivityTableModel(QAbstractTableModel):
    """Activities of the workspace's unit that match a filter, one per row."""

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self._workspace = workspace
        self._filter = ActivityFilter()
        self._ids: list[int] = []
        self._activities: dict[int, Activity] = {}
        self._rows: dict[int, ActivityRow] = {}  # built lazily, on first look

    # -- loading --------------------------------------------------------------------
    @property
    def filter(self) -> ActivityFilter:
        return self._filter

    def refresh(self, flt: ActivityFilter | None = None) -> None:
        """Reload from the workspace, with ``flt`` or the filter last used."""
        if flt is not None:
            self._filter = flt
        found = self._workspace.activities(self._filter)
        self.beginResetModel()
        self._ids = [int(a.id) for a in found]
        self._activities = {int(a.id): a for a in found}
        self._rows = {}
        self.endResetModel()

    # -- lookups for views ----------------------------------------------------------
    def activity_id(self, row: int) -> int:
        return self._ids[row]

    def activity(self, activity_id: int) -> Activity | None:
        return self._activities.get(activity_id)

    def row_of(self, activity_id: int) -> int:
        """Source row of an activity, or -1."""
        try:
            return self._ids.index(activity_id)
        except ValueError:
            return -1

    def row_data(self, row: int) -> ActivityRow:
        activity_id = self._ids[row]
        cached = self._rows.get(activity_id)
        if cached is None:
            cached = ActivityRow.build(self._activities[activity_id], self._workspace)
            self._rows[activity_id] = cached
        return cached

    def sort_key(self, row: int, column: int):
        return self.row_data(row).sort_keys[column]

    def summary(self) -> tuple[int, int, int]:
        """(activities shown, of which in the action month, participants in total)."""
        action = people = 0
        for activity in self._activities.values():
            if in_action_month(activity):
                action += 1
            people += _total(activity) or 0
        return len(self._ids), action, people

    # -- QAbstractTableModel --------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        column = index.column()
        if not 0 <= column < len(COLUMN_TITLES):
            return None
        row = self.row_data(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display[column]
        if role == SORT_KEY_ROLE:
            return row.sort_keys[column]
        if role == ID_ROLE:
            return row.id
        if role == ACTION_MONTH_ROLE:
            return row.action_month
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in NUMBER_COLUMNS:
                return _RIGHT
            if column in (COL_DATE, COL_OBJECTIVES, COL_ACTION_MONTH):
                return _CENTER
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE:
                return row.tooltip_title
            if column == COL_ACTION_MONTH and row.action_month:
                return _("Thuộc Tháng hành động (15/11–15/12)")
            if column == COL_OBJECTIVES and row.display[column]:
                return self._objectives_tip(self._activities[row.id])
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == COL_ACTION_MONTH and row.action_month:
                return _ACTION_MONTH_BRUSH
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_ACTION_MONTH:
            return _("Thuộc Tháng hành động") if row.action_month else _("Không thuộc Tháng hành động")
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMN_TITLES):
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMN_TITLES[section])
        if role == Qt.ItemDataRole.ToolTipRole and section in COLUMN_TIPS:
            return _(COLUMN_TIPS[section])
        return None

    def _objectives_tip(self, activity: Activity) -> str:
        names = {o.number: o.name for o in self._workspace.catalog.objectives}
        return "\n".join(
            _("Mục tiêu {number}: {name}").format(number=n, name=names.get(n, "")) for n in activity.objectives
        )


class ActivitySortProxy(QSortFilterProxyModel):
    """Sorts on the typed keys of ``SORT_KEY_ROLE``; ties keep date, then id, order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_KEY_ROLE)
        self.setDynamicSortFilter(True)

    def lessThan(self, left, right) -> bool:
        model = self.sourceModel()
        if isinstance(model, ActivityTableModel):
            # Read the keys straight from the row cache: no trip through QVariant.
            a = model.sort_key(left.row(), left.column())
            b = model.sort_key(right.row(), right.column())
        else:
            a, b = left.data(SORT_KEY_ROLE), right.data(SORT_KEY_ROLE)
        if a != b:
            try:
                return a < b
            except TypeError:
                return str(a) < str(b)
        if not isinstance(model, ActivityTableModel):
            return False
        # Equal keys: fall back on date, then id, so the order is stable and predictable.
        return (model.sort_key(left.row(), COL_DATE), model.activity_id(left.row())) < (
            model.sort_key(right.row(), COL_DATE),
            model.activity_id(right.row()),
        )

    def activity_id(self, proxy_index) -> int | None:
        if not proxy_index.isValid():
            return None
        return proxy_index.data(ID_ROLE)
