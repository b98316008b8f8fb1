"""Tables of the «Nhận và tổng hợp» page about incoming files and keys.

* ``ImportResultModel``: one row per file handed to the import (``ledger.ImportOutcome``),
  appended as the background import reports each file.
* ``HeldModel``: verified corrections the ledger holds for the clerk (``ledger.HeldBundle``).
* ``TrustedKeyModel``: the trust registry of the children's public keys (``keys.TrustedKey``).

Each keeps its items in display order and builds the formatted row (a tuple of strings)
the first time a view asks for it, in the style of ``activity_model``. No rule lives here:
statuses, messages and dates come from the core and are only worded and coloured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from qnapp.i18n import N_, _
from qnapp.minisign import format_fingerprint
from qnapp.periods import parse_period
from qnapp.text import format_date
from qnapp.units import get_unit

STATUS_ROLE = Qt.ItemDataRole.UserRole + 11  # the core's status / state code
KEY_ROLE = Qt.ItemDataRole.UserRole + 12  # digest (files, held) or fingerprint (keys)


class StatusPalette:
    """Soft backgrounds with dark text: readable on old screens and when printed."""

    OK_BG, OK_FG = QColor("#d7f0d8"), QColor("#1b5e20")
    INFO_BG, INFO_FG = QColor("#e3ecf5"), QColor("#1f3b57")
    WAIT_BG, WAIT_FG = QColor("#fff0c2"), QColor("#6d4c00")
    BAD_BG, BAD_FG = QColor("#fde0dc"), QColor("#b71c1c")
    NONE_BG, NONE_FG = QColor("#eeeeee"), QColor("#555555")


# status -> (word, background, foreground)
IMPORT_STATUS = {
    "accepted": (N_("Đã nhận"), StatusPalette.OK_BG, StatusPalette.OK_FG),
    "duplicate": (N_("Trùng (đã có)"), StatusPalette.INFO_BG, StatusPalette.INFO_FG),
    "held": (N_("Chờ xem xét"), StatusPalette.WAIT_BG, StatusPalette.WAIT_FG),
    "rejected": (N_("Bị từ chối"), StatusPalette.BAD_BG, StatusPalette.BAD_FG),
}


def status_word(status: str) -> str:
    entry = IMPORT_STATUS.get(status)
    return _(entry[0]) if entry else status


def unit_name(unit_key: str | None) -> str:
    """A unit key as its full Vietnamese name; the key itself if the lists lack it."""
    if not unit_key:
        return ""
    try:
        return get_unit(unit_key).full_name
    except Exception:  # noqa: BLE001 - a name to show, never a reason to fail
        return unit_key


def period_label(period_id: str | None) -> str:
    if not period_id:
        return ""
    try:
        return parse_period(period_id).label
    except Exception:  # noqa: BLE001
        return period_id


def timestamp_date(stamp: str | None) -> str:
    """An ISO timestamp (or date) as dd/mm/yyyy; the text itself if it does not parse."""
    if not stamp:
        return ""
    try:
        return format_date(datetime.fromisoformat(stamp))
    except ValueError:
        try:
            return format_date(date.fromisoformat(stamp[:10]))
        except ValueError:
            return stamp


def short_digest(digest: str | None) -> str:
    return (digest or "")[:12]


def short_fingerprint(fingerprint: str) -> str:
    """The first four groups, enough to tell keys apart in a list: ``3F2A 9C01 77B0 12CD …``."""
    return " ".join(format_fingerprint(fingerprint).split()[:4]) + " …"


def file_name(path: str) -> str:
    return PurePath(path).name or path


_CENTER = Qt.AlignmentFlag.AlignCenter
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class _RowTableModel(QAbstractTableModel):
    """Items in display order, formatted rows cached per item; read-only."""

    TITLES: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[Any] = []
        self._rows: dict[int, tuple[str, ...]] = {}

    # subclasses
    def _format(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def _extra(self, item: Any, column: int, role: int):
        return None

    # lookups
    def item(self, row: int) -> Any:
        return self._items[row]

    def items(self) -> list[Any]:
        return list(self._items)

    def row_texts(self, row: int) -> tuple[str, ...]:
        cached = self._rows.get(row)
        if cached is None:
            cached = self._format(self._items[row])
            self._rows[row] = cached
        return cached

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._rows = {}
        self.endResetModel()

    def clear(self) -> None:
        self.set_items(())

    # QAbstractTableModel
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.TITLES)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        column = index.column()
        if not 0 <= column < len(self.TITLES):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_texts(index.row())[column]
        return self._extra(self._items[index.row()], column, role)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.TITLES):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(self.TITLES[section])
            return None
        return super().headerData(section, orientation, role)


# -- import results ------------------------------------------------------------------------

(IMP_FILE, IMP_UNIT, IMP_PERIOD, IMP_REVISION, IMP_STATUS, IMP_MESSAGE) = range(6)


class ImportResultModel(_RowTableModel):
    """One line per file of the last import, in the order the core handled them."""

    TITLES = (N_("Tệp"), N_("Đơn vị"), N_("Kỳ"), N_("Bản"), N_("Kết quả"), N_("Nội dung"))

    def append(self, outcome) -> None:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(outcome)
        self.endInsertRows()

    def extend_to(self, outcomes: Sequence[Any]) -> None:
        """Append the outcomes beyond those shown (the final list is authoritative)."""
        for outcome in outcomes[len(self._items):]:
            self.append(outcome)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for outcome in self._items:
            found[outcome.status] = found.get(outcome.status, 0) + 1
        return found

    def _format(self, outcome) -> tuple[str, ...]:
        # A file refused before its signature was checked shows what its header claims.
        revision = getattr(outcome, "shown_revision", outcome.revision)
        return (
            file_name(outcome.file),
            unit_name(getattr(outcome, "shown_unit", outcome.unit)),
            period_label(getattr(outcome, "shown_period", outcome.period)),
            "" if revision is None else str(revision),
            status_word(outcome.status),
            outcome.message or "",
        )

    def _extra(self, outcome, column: int, role: int):
        if role == STATUS_ROLE:
            return outcome.status
        if role == KEY_ROLE:
            return outcome.digest
        declared = outcome.unit is None and getattr(outcome, "declared", None) is not None
        if declared and column in (IMP_UNIT, IMP_PERIOD, IMP_REVISION):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Theo phần đầu của tệp; chưa kiểm chứng được vì tệp bị từ chối.")
        colours = IMPORT_STATUS.get(outcome.status)
        if column == IMP_STATUS and colours is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(colours[1])
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(colours[2])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (IMP_REVISION, IMP_STATUS):
            return _CENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == IMP_FILE:
                return outcome.file
            if column == IMP_MESSAGE:
                return outcome.message or None
            if column == IMP_STATUS:
                return _("Mã lý do: {code}").format(code=outcome.reason_code)
        return None


REFUSALS_SHOWN = 5  # refused files named under the import summary; the table has them all


def refusal_lines(outcomes: Sequence[Any]) -> list[str]:
    """One line per refused file: which file, which report, why (the core's message names
    the file itself when the signature could not vouch for the unit)."""
    refused = [o for o in outcomes if o.status == "rejected"]
    lines = []
    for outcome in refused[:REFUSALS_SHOWN]:
        if outcome.unit is None:
            lines.append("• " + (outcome.message or ""))
        else:
            lines.append(_("• {file}: {message}").format(file=file_name(outcome.file), message=outcome.message))
    if len(refused) > REFUSALS_SHOWN:
        lines.append(_("… và {count} tệp khác bị từ chối (xem bảng).").format(count=len(refused) - REFUSALS_SHOWN))
    return lines


# -- held corrections ----------------------------------------------------------------------

(HELD_UNIT, HELD_PERIOD, HELD_REVISION, HELD_REASON, HELD_RECEIVED, HELD_FILE) = range(6)


class HeldModel(_RowTableModel):
    """Corrections waiting for «Chấp nhận» or «Từ chối…», oldest first."""

    TITLES = (N_("Đơn vị"), N_("Kỳ"), N_("Bản"), N_("Lý do chờ xem xét"), N_("Ngày nhận"), N_("Tệp"))

    def digest(self, row: int) -> str:
        return self._items[row].digest

    def row_of(self, digest: str) -> int:
        for row, held in enumerate(self._items):
            if held.digest == digest:
                return row
        return -1

    def _format(self, held) -> tuple[str, ...]:
        return (
            unit_name(held.unit),
            period_label(held.period),
            str(held.revision),
            held.message or "",
            timestamp_date(held.received_at),
            file_name(held.file),
        )

    def _extra(self, held, column: int, role: int):
        if role == KEY_ROLE:
            return held.digest
        if role == STATUS_ROLE:
            return held.reason_code
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (HELD_REVISION, HELD_RECEIVED):
            return _CENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == HELD_REASON:
                return held.message or None
            if column == HELD_FILE:
                return held.file
            if column == HELD_REVISION:
                return _("Bản thứ {n}; mã gói {digest}").format(n=held.revision, digest=short_digest(held.digest))
        return None


# -- trusted keys --------------------------------------------------------------------------

(KEY_UNIT, KEY_HOLDER, KEY_FINGERPRINT, KEY_SINCE, KEY_REVOKED) = range(5)


class TrustedKeyModel(_RowTableModel):
    """The children's keys this unit trusts, revoked ones too."""

    TITLES = (N_("Đơn vị"), N_("Người giữ khóa"), N_("Dấu vân tay"), N_("Tin cậy từ"), N_("Thu hồi từ"))

    def fingerprint(self, row: int) -> str:
        return self._items[row].fingerprint

    def row_of(self, fingerprint: str) -> int:
        for row, key in enumerate(self._items):
            if key.fingerprint == fingerprint:
                return row
        return -1

    def _format(self, key) -> tuple[str, ...]:
        return (
            unit_name(key.unit),
            key.holder,
            short_fingerprint(key.fingerprint),
            format_date(key.valid_from),
            format_date(key.revoked_from) if key.revoked_from is not None else "",
        )

    def _extra(self, key, column: int, role: int):
        if role == KEY_ROLE:
            return key.fingerprint
        if role == STATUS_ROLE:
            return "revoked" if key.revoked_from is not None else "trusted"
        revoked = key.revoked_from is not None
        if revoked and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(StatusPalette.BAD_FG if column == KEY_REVOKED else StatusPalette.NONE_FG)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == KEY_FINGERPRINT:
                return format_fingerprint(key.fingerprint)
            if column == KEY_REVOKED and revoked:
                return key.revoked_reason or _("Không ghi lý do")
            if column == KEY_SINCE:
                return _("Đăng ký bởi {who}").format(who=key.trusted_by)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (KEY_SINCE, KEY_REVOKED):
            return _CENTER
        return None
