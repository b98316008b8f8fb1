"""CSV exchange of values and activities: every row checked first, all or nothing.

Values: columns ``period,element,category,value`` (category ``nam``, ``nu`` or empty
for a total); numbers in machine form (``1234``, ``12.5``). UTF-8, BOM accepted.

Spreadsheet variant (``--excel``, for Excel set to Vietnamese and for LibreOffice):
- UTF-8 **with BOM**: without it Excel reads a CSV in the ANSI code page and breaks the
  diacritics. No ``sep=;`` first line: with it Excel ignores the BOM.
- ``;`` between fields and a **decimal comma** (``12,5``; integers without grouping),
  because Excel under Vietnamese regional settings uses ``;`` as list separator and
  ``,`` for decimals, so a double click opens the file in columns with numbers as
  numbers. LibreOffice's text import dialog detects ``;``. (Under an English locale Excel
  shows one column: use the machine file there.)
- CRLF line ends; a header of fixed Vietnamese names, «Kỳ;Mã chỉ tiêu;Tên chỉ tiêu;Phân
  tổ;Giá trị» (the name column is for the reader) and «Ngày;Loại hoạt động;…»; category
  words Nam / Nữ / Tổng; dates dd/mm/yyyy; activity type and fund source by name.
- Formula injection (OWASP «CSV injection»): a text cell starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so the spreadsheet shows
  it as text instead of running it (``=HYPERLINK(…)``); numbers stay numbers. Importing
  a spreadsheet-variant file (Vietnamese header) takes that ``'`` off again.

The machine files (the default) are written exactly as stored, for ``activities import``
and other programs: do not open them in a spreadsheet.

Imports take either header (matched ignoring case, Unicode form and tone placement) and
tell ``,`` from ``;`` by the header line: a ``;`` file is read with Vietnamese numbers
("1.234" = 1234, "12,5"), a ``,`` file with machine numbers; names or codes for activity
type and fund source. The machine files read exactly as before.

Values from any source (CSV, the xlsx entry template) go through ``apply_value_entries``:
the same row checks, the same cross-cell rules, each problem with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qnapp.catalog import DataElement
from qnapp.errors import DataRejected, QnappError, ValidationError
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.spreadsheet_text import for_spreadsheet, from_spreadsheet
from qnapp.store import Activity
from qnapp.text import format_date, nfc, parse_date, parse_number, search_key
from qnapp.validation import CATEGORY_LABELS, check_category, check_consistency, check_value, parse_value
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

# The spreadsheet variant. Its header is part of the file format, so it is fixed
# Vietnamese (not translated with the interface); imports match it ignoring case,
# Unicode form and tone placement.
BOM = "\ufeff"
EXCEL_DELIMITER = ";"
VALUE_LABELS = {"period": "Kỳ", "element": "Mã chỉ tiêu", "category": "Phân tổ", "value": "Giá trị"}
VALUE_NAME_LABEL = "Tên chỉ tiêu"  # written for the reader, ignored on import
ACTIVITY_LABELS = {
    "date": "Ngày",
    "type": "Loại hoạt động",
    "title": "Tên hoạt động",
    "place": "Địa điểm",
    "participants_male": "Số người tham gia (nam)",
    "participants_female": "Số người tham gia (nữ)",
    "cost": "Kinh phí (đồng)",
    "fund_source": "Nguồn kinh phí",
    "objectives": "Mục tiêu",
    "note": "Ghi chú",
}
_CATEGORY_BY_WORD = {search_key(w): c for c, w in CATEGORY_LABELS.items()} | {"nam": "nam", "nu": "nu", "": ""}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    written: int
    skipped: int = 0


@dataclass(frozen=True)
class Table:
    """A CSV file read: rows keyed by the machine column names, and how it was written."""

    rows: list[tuple[int, dict[str, str]]]
    delimiter: str = ","
    vietnamese_header: bool = False

    @property
    def vietnamese_numbers(self) -> bool:
        """A ``;`` file comes from a spreadsheet set to Vietnamese: decimal comma."""
        return self.delimiter == EXCEL_DELIMITER


def read_table(path: Path, columns: Sequence[str], labels: Mapping[str, str] | None = None) -> Table:
    """Read a CSV with the machine header or (``labels``) its Vietnamese names; ``,`` or
    ``;`` between fields, told from the header line. Raises DataRejected."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataRejected(_("Tệp không phải văn bản UTF-8. Hãy lưu lại dưới dạng CSV UTF-8.")) from None
    except OSError as err:
        raise DataRejected(_("Không đọc được tệp {path}: {error}").format(path=path, error=err.strerror)) from None
    text = nfc(text)
    first_line = text.split("\n", 1)[0]
    delimiter = EXCEL_DELIMITER if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    by_label = {search_key(label): name for name, label in (labels or {}).items()}
    names: list[str] = []
    vietnamese = False
    for title in header:
        title = title.strip()
        if title in columns:
            names.append(title)
        elif search_key(title) in by_label:
            names.append(by_label[search_key(title)])
            vietnamese = True
        else:
            names.append(title)  # a column we do not read (e.g. «Tên chỉ tiêu»)
    missing = [c for c in columns if c not in names]
    if missing:
        if vietnamese and labels:
            raise DataRejected(
                _("Tệp thiếu cột: {columns}. Dòng đầu phải là: {expected}").format(
                    columns=", ".join(labels[c] for c in missing),
                    expected=delimiter.join(labels[c] for c in columns),
                )
            )
        raise DataRejected(
            _("Tệp thiếu cột: {columns}. Dòng đầu phải là: {expected}").format(
                columns=", ".join(missing), expected=",".join(columns)
            )
        )
    rows = []
    for record in reader:
        if not record:
            continue  # a blank line
        if len(record) > len(names):
            rows.append((reader.line_num, {"__extra__": "1"}))
            continue
        row = {name: (record[i] if i < len(record) else "").strip() for i, name in enumerate(names)}
        rows.append((reader.line_num, row))
    return Table(rows, delimiter, vietnamese)



def _machine_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(_("«{text}» không phải là số.").format(text=text)) from None


# ---------------------------------------------------------------------------
# Values from any source: one validator, all or nothing

ValueReader = Callable[[DataElement, object], float]


def machine_value(element: DataElement, raw: object) -> float:
    """A value in machine form ("1234", "12.5"), as the CSV contract writes it."""
    if isinstance(raw, str):
        return check_value(element, _machine_number(raw))
    return check_value(element, float(raw))  # type: ignore[arg-type]


def vietnamese_value(element: DataElement, raw: object) -> float:
    """A value as a Vietnamese user types it ("1.234", "12,5", «có»/«không»)."""
    return parse_value(element, raw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ValueEntry:
    """One value to import and where it came from (for the messages)."""

    line: int  # CSV line or sheet row
    period: str
    element: str
    category: str
    value: object  # as read: text, or a number from a spreadsheet cell
    where: str = ""  # e.g. "ô E12 (Nữ)", put before the reason


@dataclass
class _Batch:
    changes: dict[tuple[str, str, str], float] = field(default_factory=dict)
    lines: dict[tuple[str, str, str], int] = field(default_factory=dict)


def apply_value_entries(
    workspace: Workspace,
    entries: Iterable[ValueEntry],
    read_value: ValueReader,
    *,
    rows: int | None = None,
    problems: Iterable[tuple[int, str]] = (),
    expected_period: str | None = None,
    only_changes: bool = False,
) -> ImportResult:
    """Check every entry (period, element, category, value, duplicates), then the
    cross-cell rules against what is stored, then write all in one transaction; or raise
    DataRejected with every problem and its line, writing nothing.

    ``problems``: found earlier by the reader (they reject the file too).
    ``expected_period``: refuse entries of another period. ``only_changes``: leave out
    values equal to what is stored (re-importing an unchanged template writes nothing,
    even into a period sent and locked).
    """
    found = list(problems)
    batch = _Batch()
    entries = list(entries)
    want = parse_period(expected_period).id if expected_period else None
    for entry in entries:
        prefix = "{where}: ".format(where=entry.where) if entry.where else ""
        try:
            period = parse_period(entry.period)
            if want and period.id != want:
                raise ValidationError(
                    _("số liệu kỳ {period}, không phải kỳ {expected}").format(period=period.id, expected=want)
                )
            try:
                element = workspace.catalog.element(entry.element)
            except KeyError:
                raise ValidationError(_("không có chỉ tiêu số liệu mã «{code}»").format(code=entry.element)) from None
            if element.period_type != period.type:
                raise ValidationError(
                    _("«{code}» nhập theo kỳ {expected}, không theo kỳ {period}").format(
                        code=element.code, expected=element.period_type, period=period.id
                    )
                )
            check_category(element, entry.category)
            if entry.value is None or (isinstance(entry.value, str) and not entry.value.strip()):
                raise ValidationError(_("thiếu giá trị"))
            value = read_value(element, entry.value)
        except QnappError as err:
            found.append((entry.line, prefix + str(err).replace("\n", "; ")))
            continue
        key = (period.id, element.code, entry.category)
        if key in batch.lines:
            found.append((entry.line, prefix + _("trùng với dòng {other}").format(other=batch.lines[key])))
            continue
        batch.lines[key] = entry.line
        batch.changes[key] = value
    if not found and batch.changes:
        found.extend(_consistency_problems(workspace, batch))
    if found:
        found.sort(key=lambda p: (p[0] == 0, p[0], p[1]))  # by line (then cell); file-wide problems last
        raise DataRejected(_("Tệp bị từ chối, chưa ghi gì. Các dòng lỗi:"), list(dict.fromkeys(found)))
    count = len(entries) if rows is None else rows
    changes = batch.changes
    if only_changes:
        stored = {p: workspace.stored_values(p) for p in {k[0] for k in changes}}
        changes = {k: v for k, v in changes.items() if stored[k[0]].get((k[1], k[2])) != v}
    if not changes:
        return ImportResult(rows=count, written=0)
    try:
        written = workspace.apply_values(changes)
    except ValidationError as err:  # a period sent and locked, outside the unit's life
        rejected = DataRejected(
            _("Tệp bị từ chối, chưa ghi gì:"), [(0, reason) for reason in str(err).split("\n") if reason]
        )
        rejected.locked_period = getattr(err, "locked_period", None)  # qnapp.cli names the way out
        raise rejected from None
    return ImportResult(rows=count, written=written)


def _consistency_problems(workspace: Workspace, batch: _Batch) -> list[tuple[int, str]]:
    """The cross-cell rules (parts ≤ total, subset ≤ whole) over stored + new values, each
    problem placed on the line of the value that breaks it."""
    by_period: dict[str, dict[tuple[str, str], float]] = {}
    for (period_id, code, category), value in batch.changes.items():
        by_period.setdefault(period_id, {})[(code, category)] = value
    problems: list[tuple[int, str]] = []
    for period_id, changes in by_period.items():
        merged = {**workspace.stored_values(period_id), **changes}
        touched = {code for code, _category in changes}
        for problem in check_consistency(workspace.catalog, merged, touched):
            problems.append((_line_of(workspace, batch, period_id, problem.element, problem.category), problem.message))
    return problems


def _line_of(workspace: Workspace, batch: _Batch, period_id: str, code: str, category: str) -> int:
    candidates = [(code, category)] + [(code, c) for c in ("", "nam", "nu")]
    whole = workspace.catalog.element(code).subset_of
    if whole:
        candidates += [(whole, category)] + [(whole, c) for c in ("", "nam", "nu")]
    for element, cat in candidates:
        line = batch.lines.get((period_id, element, cat))
        if line is not None:
            return line
    return 0


def import_values(workspace: Workspace, path: Path, *, expected_period: str | None = None) -> ImportResult:
    table = read_table(path, VALUE_COLUMNS, VALUE_LABELS)
    problems: list[tuple[int, str]] = []
    entries: list[ValueEntry] = []
    for line, row in table.rows:
        if "__extra__" in row:
            problems.append((line, _("dòng có nhiều cột hơn tiêu đề")))
            continue
        category = row["category"]
        if table.vietnamese_header:
            category = _CATEGORY_BY_WORD.get(search_key(category), category)
        entries.append(ValueEntry(line, row["period"], row["element"], category, row["value"]))
    return apply_value_entries(
        workspace,
        entries,
        vietnamese_value if table.vietnamese_numbers else machine_value,
        rows=len(table.rows),
        problems=problems,
        expected_period=expected_period,
    )


def export_values(workspace: Workspace, period_id: str, out: io.TextIOBase, *, excel: bool = False) -> int:
    """The period's stored values; ``excel``: the spreadsheet variant (BOM, ``;``,
    Vietnamese header with the element names, decimal comma)."""
    period = parse_period(period_id)
    values = workspace.stored_values(period.id)
    order = {e.code: i for i, e in enumerate(workspace.catalog.data_elements)}
    category_order = {"nam": 0, "nu": 1, "": 2}
    keys = sorted(values, key=lambda k: (order.get(k[0], len(order)), category_order[k[1]]))
    if not excel:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(VALUE_COLUMNS)
        for element, category in keys:
            writer.writerow([period.id, element, category, _plain(values[(element, category)])])
        return len(keys)
    out.write(BOM)
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER, lineterminator="\r\n")
    writer.writerow([VALUE_LABELS["period"], VALUE_LABELS["element"], VALUE_NAME_LABEL,
                     VALUE_LABELS["category"], VALUE_LABELS["value"]])
    for element, category in keys:
        try:
            name = workspace.catalog.element(element).name
        except KeyError:
            name = ""
        writer.writerow([period.id, element, for_spreadsheet(name), CATEGORY_LABELS[category],
                         _excel_number(values[(element, category)])])
    return len(keys)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _excel_number(value: float) -> str:
    """Vietnamese decimal comma, no thousands separator: 1234, 12,5."""
    return _plain(value).replace(".", ",")


def import_activities(workspace: Workspace, path: Path) -> ImportResult:
    table = read_table(path, ACTIVITY_COLUMNS, ACTIVITY_LABELS)
    problems: list[tuple[int, str]] = []
    activities: list[Activity] = []
    existing = {_identity(a) for a in workspace.activities()}
    skipped = 0
    names = _CodeNames(workspace) if table.vietnamese_header else None
    for line, row in table.rows:
        if "__extra__" in row:
            problems.append((line, _("dòng có nhiều cột hơn tiêu đề")))
            continue
        if names is not None:
            row = {**row, **{c: from_spreadsheet(row[c]) for c in SPREADSHEET_TEXT}}
            row = {**row, "type": names.type(row["type"]), "fund_source": names.fund(row["fund_source"])}
        try:
            activity = workspace.validate_activity(_draft_from_row(row, vietnamese_numbers=table.vietnamese_numbers))
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
    return ImportResult(rows=len(table.rows), written=len(activities), skipped=skipped)


# The activity columns the spreadsheet variant writes through ``for_spreadsheet``.
SPREADSHEET_TEXT = ("type", "title", "place", "fund_source", "note")


class _CodeNames:
    """Activity types and fund sources by code or by name (the spreadsheet variant
    writes names)."""

    def __init__(self, workspace: Workspace):
        catalog = workspace.catalog
        self._types = {search_key(t.name): t.code for t in catalog.activity_types}
        self._funds = {search_key(f.name): f.code for f in catalog.fund_sources}

    def type(self, text: str) -> str:
        return self._types.get(search_key(text), text)

    def fund(self, text: str) -> str:
        return self._funds.get(search_key(text), text)


def _identity(a: Activity) -> tuple:
    """Re-importing an exported file must not duplicate the activities already here."""
    return (a.date, a.type, a.title, a.place)


def _draft_from_row(row: dict[str, str], *, vietnamese_numbers: bool = False) -> ActivityDraft:
    def whole(name: str, label: str) -> int:
        text = row[name].replace(" ", "")
        if not text:
            return 0
        if vietnamese_numbers:
            try:
                number = parse_number(text)
            except ValidationError:
                number = -1
            if isinstance(number, int) and number >= 0:
                return number
            raise ValidationError(_("{label} phải là số nguyên không âm.").format(label=label))
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


def export_activities(workspace: Workspace, out: io.TextIOBase, *, excel: bool = False) -> int:
    """The activity log; ``excel``: the spreadsheet variant (BOM, ``;``, Vietnamese
    header, dd/mm/yyyy dates, type and fund source by name)."""
    found = sorted(workspace.activities(), key=lambda a: (a.date, a.id))
    if not excel:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ACTIVITY_COLUMNS)
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
    types = {t.code: t.name for t in workspace.catalog.activity_types}
    funds = {f.code: f.name for f in workspace.catalog.fund_sources}
    out.write(BOM)
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER, lineterminator="\r\n")
    writer.writerow([ACTIVITY_LABELS[c] for c in ACTIVITY_COLUMNS])
    for a in found:
        writer.writerow(
            [
                format_date(a.date),
                for_spreadsheet(types.get(a.type, a.type)),
                for_spreadsheet(a.title),
                for_spreadsheet(a.place),
                a.participants_male,
                a.participants_female,
                a.cost,
                for_spreadsheet(funds.get(a.fund_source, a.fund_source)),
                "; ".join(str(o) for o in a.objectives),
                for_spreadsheet(a.note),
            ]
        )
    return len(found)
