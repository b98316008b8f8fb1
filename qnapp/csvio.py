"""CSV exchange of values and activities: every row checked first, all or nothing.

Values: columns ``period,element,category,value`` (category ``nam``, ``nu`` or empty
for a total); numbers in machine form (``1234``, ``12.5``). UTF-8, BOM accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qnapp.errors import DataRejected, QnappError, ValidationError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.store import Activity
from qnapp.text import nfc, parse_date
from qnapp.validation import check_category, check_value
from qnapp.workspace import ActivityDraft, Workspace

VALUE_COLUMNS = ("period", "element", "category", "value")
ACTIVITY_COLUMNS = (
    "date",
    "type",
    "title",
    "place",
    "participants_male",
    "participants_female",
    "cost",
    "fund_source",
    "objectives",
    "note",
)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    written: int
    skipped: int = 0


def read_csv_rows(path: Path, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, dict) after checking the header; raises DataRejected."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataRejected(_("Tệp không phải văn bản UTF-8. Hãy lưu lại dưới dạng CSV UTF-8.")) from None
    except OSError as err:
        raise DataRejected(_("Không đọc được tệp {path}: {error}").format(path=path, error=err.strerror)) from None
    reader = csv.DictReader(io.StringIO(nfc(text), newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise DataRejected(
            _("Tệp thiếu cột: {columns}. Dòng đầu phải là: {expected}").format(
                columns=", ".join(missing), expected=",".join(columns)
            )
        )
    rows = []
    for row in reader:
        if None in row:
            rows.append((reader.line_num, {"__extra__": "1"}))
            continue
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def _machine_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(_("«{text}» không phải là số.").format(text=text)) from None


def import_values(workspace: Workspace, path: Path) -> ImportResult:
    rows = read_csv_rows(path, VALUE_COLUMNS)
    problems: list[tuple[int, str]] = []
    changes: dict[tuple[str, str, str], float] = {}
    lines: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        if "__extra__" in row:
            problems.append((line, _("dòng có nhiều cột hơn tiêu đề")))
            continue
        try:
            period = parse_period(row["period"])
            try:
                element = workspace.catalog.element(row["element"])
            except KeyError:
                raise ValidationError(_("không có chỉ tiêu số liệu mã «{code}»").format(code=row["element"])) from None
            if element.period_type != period.type:
                raise ValidationError(
                    _("«{code}» nhập theo kỳ {expected}, không theo kỳ {period}").format(
                        code=element.code, expected=element.period_type, period=period.id
                    )
                )
            check_category(element, row["category"])
            if not row["value"]:
                raise ValidationError(_("thiếu giá trị"))
            value = check_value(element, _machine_number(row["value"]))
        except QnappError as err:
            problems.append((line, str(err)))
            continue
        key = (period.id, element.code, row["category"])
        if key in lines:
            problems.append((line, _("trùng với dòng {other}").format(other=lines[key])))
            continue
        lines[key] = line
        changes[key] = value
    if not problems and changes:
        try:
            written = workspace.apply_values(changes)
        except ValidationError as err:
            raise DataRejected(_("Tệp bị từ chối, chưa ghi gì: số liệu không khớp nhau."), [(0, str(err))]) from None
        return ImportResult(rows=len(rows), written=written)
    if problems:
        raise DataRejected(_("Tệp bị từ chối, chưa ghi gì. Các dòng lỗi:"), problems)
    return ImportResult(rows=0, written=0)


def export_values(workspace: Workspace, period_id: str, out: io.TextIOBase) -> int:
    period = parse_period(period_id)
    values = workspace.stored_values(period.id)
    order = {e.code: i for i, e in enumerate(workspace.catalog.data_elements)}
    category_order = {"nam": 0, "nu": 1, "": 2}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VALUE_COLUMNS)
    keys = sorted(values, key=lambda k: (order.get(k[0], len(order)), category_order[k[1]]))
    for element, category in keys:
        writer.writerow([period.id, element, category, _plain(values[(element, category)])])
    return len(keys)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def import_activities(workspace: Workspace, path: Path) -> ImportResult:
    rows = read_csv_rows(path, ACTIVITY_COLUMNS)
    problems: list[tuple[int, str]] = []
    activities: list[Activity] = []
    existing = {_identity(a) for a in workspace.activities()}
    skipped = 0
    for line, row in rows:
        if "__extra__" in row:
            problems.append((line, _("dòng có nhiều cột hơn tiêu đề")))
            continue
        try:
            activity = workspace.validate_activity(_draft_from_row(row))
        except QnappError as err:
            problems.append((line, str(err).replace("\n", "; ")))
            continue
        if _identity(activity) in existing:
            skipped += 1
            continue
        existing.add(_identity(activity))
        activities.append(activity)
    if problems:
        raise DataRejected(_("Tệp bị từ chối, chưa ghi gì. Các dòng lỗi:"), problems)
    workspace.add_activities(activities)
    return ImportResult(rows=len(rows), written=len(activities), skipped=skipped)


def _identity(a: Activity) -> tuple:
    """Re-importing an exported file must not duplicate the activities already here."""
    return (a.date, a.type, a.title, a.place)


def _draft_from_row(row: dict[str, str]) -> ActivityDraft:
    def whole(name: str, label: str) -> int:
        text = row[name].replace(" ", "")
        if not text:
            return 0
        if not text.isdigit():
            raise ValidationError(_("{label} phải là số nguyên không âm.").format(label=label))
        return int(text)

    objectives = []
    for part in row["objectives"].replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValidationError(_("Mục tiêu phải là số 1–6, cách nhau bởi dấu chấm phẩy."))
        objectives.append(int(part))
    if not row["date"]:
        raise ValidationError(_("Hãy nhập ngày của hoạt động."))
    return ActivityDraft(
        date=parse_date(row["date"]),
        type=row["type"],
        title=row["title"],
        place=row["place"],
        participants_male=whole("participants_male", _("Số người tham gia (nam)")),
        participants_female=whole("participants_female", _("Số người tham gia (nữ)")),
        cost=whole("cost", _("Kinh phí")),
        fund_source=row["fund_source"],
        objectives=tuple(objectives),
        note=row["note"],
    )


def export_activities(workspace: Workspace, out: io.TextIOBase) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACTIVITY_COLUMNS)
    found = sorted(workspace.activities(), key=lambda a: (a.date, a.id))
    for a in found:
        writer.writerow(
            [
                a.date.isoformat(),
                a.type,
                a.title,
                a.place,
                a.participants_male,
                a.participants_female,
                a.cost,
                a.fund_source,
                ";".join(str(o) for o in a.objectives),
                a.note,
            ]
        )
    return len(found)
