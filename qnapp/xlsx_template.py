"""The Excel entry template: ``values template PERIOD -o FILE.xlsx`` and its way back.

An officer who prefers Excel or LibreOffice fills the period's figures in a workbook we
write, then ``values import FILE.xlsx`` reads it back through the same validator as a
CSV (``csvio.apply_value_entries``): all or nothing, each problem on its sheet row.

Layout (sheet «Nhập số liệu», Times New Roman, A4 fit to width, header frozen):

- rows 1–4: title, unit, period with its cut-off window, how to fill it;
- the header row: ``Mã`` (column A, hidden), «Chỉ tiêu / số liệu», «Đơn vị tính»,
  «Nam», «Nữ», «Tổng»;
- then per objective and indicator of the unit (names in Vietnamese, as in the entry
  grid) one row per data element entered for this period (``grid(period)``'s editable
  rows), its code in the hidden column A.

Inputs follow the grid: an element split by sex takes Nam and Nữ, and an optional Tổng
(only when some people's sex is not known; blank means Nam + Nữ); an element without a
split takes Tổng only. Input cells are unlocked, everything else is locked; the sheet is
protected **without a password** (Excel and LibreOffice save it normally, and «Bỏ bảo
vệ trang tính» needs no password). Input cells carry data validation: whole number ≥ 0
(count), decimal ≥ 0 (number), list «có,không» (yes/no). Current values are prefilled;
the Tổng of a split element only when a total is stored.

A blank input cell leaves the stored value as it is: the template never deletes (use
the app for that). Values equal to what is stored are not written again.

Unit and period are recorded twice, both read back on import: a hidden sheet ``qnapp``
(state ``hidden``: LibreOffice turns ``veryHidden`` into ``hidden`` anyway) with
key/value rows, and workbook-level defined names ``QNAPP_FORMAT``, ``QNAPP_UNIT``,
``QNAPP_PERIOD`` holding string constants. Both survive a save by openpyxl, Excel and
LibreOffice (tested with ``soffice --headless --convert-to xlsx``); document properties
are not used. A workbook whose unit is not this database's unit, or whose two records
disagree, is refused.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from qnapp import __version__
from qnapp.files import replacing
from qnapp.catalog import DataElement
from qnapp.csvio import ImportResult, ValueEntry, apply_value_entries, import_values
from qnapp.errors import DataRejected, QnappError, ValidationError
from qnapp.i18n import _
from qnapp.legacy_fonts import LegacyTextError, Reading, describe, read_cell_text
from qnapp.periods import parse_period
from qnapp.text import format_date, now_iso
from qnapp.units import get_unit
from qnapp.validation import CATEGORY_LABELS, check_value, parse_value
from qnapp.workspace import PERIOD_TYPE_NAMES, Workspace
from qnapp.spreadsheet_text import put

FORMAT = "qnapp-values-template"
FORMAT_VERSION = 1
META_SHEET = "qnapp"
DATA_SHEET = "Nhập số liệu"
NAME_FORMAT, NAME_UNIT, NAME_PERIOD = "QNAPP_FORMAT", "QNAPP_UNIT", "QNAPP_PERIOD"
FONT = "Times New Roman"

CODE_HEADER = "Mã"
COLUMN_HEADERS = ("Mã", "Chỉ tiêu / số liệu", "Đơn vị tính", "Nam", "Nữ", "Tổng")
COL_CODE, COL_NAME, COL_UNIT, COL_MALE, COL_FEMALE, COL_TOTAL = range(1, 7)
CATEGORY_COLUMNS = {"nam": COL_MALE, "nu": COL_FEMALE, "": COL_TOTAL}
HEADER_ROW = 6
BOOL_WORDS = ("có", "không")

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


# ---------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    unit_key: str
    period: str
    elements: int  # data element rows
    inputs: int  # unlocked input cells


def _inputs(element: DataElement) -> tuple[str, ...]:
    """The categories typed for an element: Nam, Nữ and the optional Tổng, or Tổng."""
    return ("nam", "nu", "") if element.disaggregated else ("",)


def write_template(workspace: Workspace, period_id: str, path: str | Path) -> TemplateInfo:
    """Write the entry template of ``period_id`` for the workspace's unit to ``path``
    (through a temporary file, so a failure leaves no half-written workbook)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    period = parse_period(period_id)
    unit = workspace.unit
    grid = workspace.grid(period.id)
    stored = workspace.stored_values(period.id)
    blocks = []
    for objective in grid.objectives:
        indicators = []
        for block in objective.indicators:
            rows = [r for r in block.rows if r.editable]
            if rows:
                indicators.append((block.indicator, rows))
        if indicators:
            blocks.append((objective, indicators))
    if not blocks:
        raise QnappError(
            _("Kỳ {period} không có số liệu nào của {unit} nhập theo kỳ này. Các loại kỳ có số liệu: {types}.").format(
                period=period.id, unit=unit.full_name,
                types=", ".join(PERIOD_TYPE_NAMES[t] for t in workspace.period_types())
            )
        )

    plain = Font(name=FONT, size=12)
    bold = Font(name=FONT, size=12, bold=True)
    italic = Font(name=FONT, size=11, italic=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D6E4F0")
    objective_fill = PatternFill("solid", fgColor="D6E4F0")
    indicator_fill = PatternFill("solid", fgColor="EDF3F9")
    closed_fill = PatternFill("solid", fgColor="EFEFEF")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="center")

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    last_col = COL_TOTAL
    texts = (
        (_("BIỂU NHẬP SỐ LIỆU KẾ HOẠCH 82/KH-UBND"), Font(name=FONT, size=14, bold=True)),
        (_("Đơn vị: {unit} (mã {key})").format(unit=unit.full_name, key=unit.key), bold),
        (
            _("Kỳ báo cáo: {label} ({period}), số liệu từ {start} đến {end}").format(
                label=period.label, period=period.id, start=format_date(period.start), end=format_date(period.end)
            ),
            bold,
        ),
        (
            _(
                "Chỉ nhập vào các ô nền trắng: số nguyên không âm (chỉ tiêu đo bằng số thập phân thì được nhập phần "
                "thập phân). Ô để trống: giữ nguyên số liệu đã có. Cột «Tổng» của chỉ tiêu tách nam/nữ chỉ nhập khi "
                "có người chưa rõ giới tính; để trống thì Tổng = Nam + Nữ. Nhập lại vào chương trình bằng "
                "«qnapp values import <tệp>»."
            ),
            italic,
        ),
    )
    for row, (text, font) in enumerate(texts, start=1):
        cell = put(ws.cell(row=row, column=COL_NAME), text)
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if row == 1 else "left")
        ws.merge_cells(start_row=row, start_column=COL_NAME, end_row=row, end_column=last_col)
    ws.row_dimensions[1].height = 22
    ws.row_dimensions[4].height = 66

    for col, title in enumerate(COLUMN_HEADERS, start=1):
        cell = put(ws.cell(row=HEADER_ROW, column=col), title)
        cell.font = bold
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    validations = {
        "count": DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, showInputMessage=True,
            errorTitle=_("Số liệu không hợp lệ"), error=_("Chỉ nhập số nguyên không âm: 0, 1, 2, …"),
            promptTitle=_("Số nguyên ≥ 0"), prompt=_("Để trống: giữ nguyên số liệu đã có."),
        ),
        "total": DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, showInputMessage=True,
            errorTitle=_("Số liệu không hợp lệ"), error=_("Chỉ nhập số nguyên không âm: 0, 1, 2, …"),
            promptTitle=_("Tổng (không bắt buộc)"),
            prompt=_("Chỉ nhập khi có người chưa rõ giới tính. Để trống: Tổng = Nam + Nữ."),
        ),
        "number": DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, showInputMessage=True,
            errorTitle=_("Số liệu không hợp lệ"), error=_("Chỉ nhập số không âm (được có phần thập phân)."),
            promptTitle=_("Số ≥ 0"), prompt=_("Để trống: giữ nguyên số liệu đã có."),
        ),
        "bool": DataValidation(
            type="list", formula1='"{}"'.format(",".join(BOOL_WORDS)), allow_blank=True,
            showErrorMessage=True, showInputMessage=True,
            errorTitle=_("Số liệu không hợp lệ"), error=_("Chọn «có» hoặc «không»."),
            promptTitle=_("Có / không"), prompt=_("Chọn «có» hoặc «không»."),
        ),
    }

    row = HEADER_ROW
    elements = inputs = 0
    for objective, indicators in blocks:
        row += 1
        cell = put(ws.cell(row=row, column=COL_NAME), _("Mục tiêu {number}: {name}").format(
            number=objective.number, name=objective.name))
        _style_band(ws, row, cell, bold, objective_fill, border, wrap, last_col)
        for indicator, element_rows in indicators:
            row += 1
            cell = put(ws.cell(row=row, column=COL_NAME), _("Chỉ tiêu {code}: {name}").format(
                code=indicator.code, name=indicator.name))
            _style_band(ws, row, cell, Font(name=FONT, size=12, bold=True, italic=True), indicator_fill, border,
                        wrap, last_col)
            for element_row in element_rows:
                row += 1
                elements += 1
                element = element_row.element
                put(ws.cell(row=row, column=COL_CODE), element.code).font = plain
                name = put(ws.cell(row=row, column=COL_NAME), element.name)
                name.font = plain
                name.alignment = Alignment(wrap_text=True, vertical="center", indent=1)
                unit_cell = put(ws.cell(row=row, column=COL_UNIT), element.unit_of_count)
                unit_cell.font = plain
                unit_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                ws.row_dimensions[row].height = 16.5 * max(1, math.ceil(len(element.name) / 62))
                open_categories = _inputs(element)
                for category, col in CATEGORY_COLUMNS.items():
                    cell = ws.cell(row=row, column=col)
                    cell.font = plain
                    cell.border = border
                    if category not in open_categories:
                        cell.fill = closed_fill
                        continue
                    inputs += 1
                    cell.protection = unlocked
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                    value = stored.get((element.code, category))
                    if element.value_type == "bool":
                        validations["bool"].add(cell.coordinate)
                        cell.alignment = Alignment(horizontal="center", vertical="center")
                        if value is not None:
                            put(cell, BOOL_WORDS[0] if value else BOOL_WORDS[1])
                        continue
                    if element.value_type == "number":
                        validations["number"].add(cell.coordinate)
                        cell.number_format = "General"
                    else:
                        kind = "total" if category == "" and element.disaggregated else "count"
                        validations[kind].add(cell.coordinate)
                        cell.number_format = "#,##0"
                    if value is not None:
                        cell.value = int(value) if value == int(value) else value
                for col in (COL_CODE, COL_NAME, COL_UNIT):
                    ws.cell(row=row, column=col).border = border
    for validation in validations.values():
        if validation.sqref:
            ws.add_data_validation(validation)

    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 14
    for letter in ("D", "E", "F"):
        ws.column_dimensions[letter].width = 13
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=COL_CODE)  # rows 1–6 stay in view
    ws.print_title_rows = "{row}:{row}".format(row=HEADER_ROW)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)

    meta = wb.create_sheet(META_SHEET)
    records = (
        ("format", FORMAT),
        ("version", str(FORMAT_VERSION)),
        ("unit", unit.key),
        ("unit_name", unit.full_name),
        ("period", period.id),
        ("period_label", period.label),
        ("created_at", now_iso()),
        ("app_version", __version__),
    )
    put(meta.cell(row=1, column=1), "key").font = bold
    put(meta.cell(row=1, column=2), "value").font = bold
    for i, (key, value) in enumerate(records, start=2):
        put(meta.cell(row=i, column=1), key).font = plain
        put(meta.cell(row=i, column=2), value).font = plain
    meta.cell(row=len(records) + 3, column=1,
              value=_("Trang này giúp qnapp nhận biết đơn vị và kỳ của biểu; xin đừng sửa.")).font = italic
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 40
    meta.sheet_state = "hidden"
    _protect(meta)
    for name, value in ((NAME_FORMAT, FORMAT), (NAME_UNIT, unit.key), (NAME_PERIOD, period.id)):
        wb.defined_names[name] = DefinedName(name, attr_text=_string_constant(value))

    wb.properties.title = _("Biểu nhập số liệu {period} – {unit}").format(period=period.id, unit=unit.full_name)
    wb.properties.creator = "qnapp"
    wb.active = 0

    path = Path(path)
    with replacing(path) as tmp:
        wb.save(tmp)
    return TemplateInfo(path, unit.key, period.id, elements, inputs)


def _style_band(ws, row, cell, font, fill, border, alignment, last_col) -> None:
    cell.font = font
    cell.alignment = alignment
    for col in range(1, last_col + 1):
        ws.cell(row=row, column=col).fill = fill
        ws.cell(row=row, column=col).border = border
    ws.merge_cells(start_row=row, start_column=COL_NAME, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 16.5 * max(1, math.ceil(len(str(cell.value)) / 110))


def _protect(ws) -> None:
    """Sheet protection, no password; widths, heights and selection stay free."""
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def _string_constant(value: str) -> str:
    return '"{}"'.format(value.replace('"', '""'))


def _from_constant(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    if text.startswith("="):
        text = text[1:].strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return None


# ---------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class TemplateMeta:
    format: str
    unit_key: str
    period: str


def _open_workbook(path: Path, *, data_only: bool):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as err:
        raise DataRejected(
            _("Không đọc được tệp Excel {path} ({error}). Hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại "
              "dạng Excel (.xlsx).").format(path=path.name, error=type(err).__name__)
        ) from None


def _sheet_text(cell) -> Reading | None:
    """A string cell through the legacy-font check (None for other cells)."""
    if not isinstance(cell.value, str):
        return None
    return read_cell_text(cell.value, getattr(cell.font, "name", None))


def read_meta(wb) -> TemplateMeta:
    """Unit and period of a template, from the hidden sheet and the defined names;
    DataRejected when absent or when the two records disagree."""
    sheet: dict[str, str] = {}
    ws = next((s for s in wb.worksheets if s.title.casefold() == META_SHEET), None)
    if ws is not None:
        for key_cell, value_cell in ws.iter_rows(min_col=1, max_col=2):
            if not isinstance(key_cell.value, str) or value_cell.value is None:
                continue
            try:
                reading = _sheet_text(value_cell)
            except LegacyTextError:
                continue  # only unit, period and format matter, and they are ASCII
            sheet[key_cell.value.strip()] = reading.text.strip() if reading else str(value_cell.value).strip()
    names: dict[str, str] = {}
    for key, defined in ((("format", NAME_FORMAT), ("unit", NAME_UNIT), ("period", NAME_PERIOD))):
        found = wb.defined_names.get(defined)
        value = _from_constant(found.attr_text) if found is not None else None
        if value:
            names[key] = value
    meta: dict[str, str] = {}
    for key in ("format", "unit", "period"):
        a, b = sheet.get(key), names.get(key)
        if a and b and a != b:
            raise DataRejected(
                _("Biểu ghi hai {what} khác nhau («{a}» và «{b}»): tệp đã bị sửa. Hãy tạo biểu mới bằng "
                  "«qnapp values template».").format(
                    what={"format": _("dấu hiệu biểu"), "unit": _("đơn vị"), "period": _("kỳ")}[key], a=a, b=b)
            )
        if a or b:
            meta[key] = a or b  # type: ignore[assignment]
    if meta.get("format") != FORMAT or "unit" not in meta or "period" not in meta:
        raise DataRejected(
            _("Tệp Excel này không phải biểu nhập số liệu do qnapp tạo (không có thông tin đơn vị và kỳ). Hãy tạo "
              "biểu bằng «qnapp values template KỲ -o tệp.xlsx» rồi điền vào đó.")
        )
    version = sheet.get("version", str(FORMAT_VERSION))
    if not version.isdigit() or int(version) > FORMAT_VERSION:
        raise DataRejected(
            _("Biểu này do một phiên bản qnapp mới hơn tạo (mẫu số {version}). Hãy cập nhật chương trình.").format(
                version=version)
        )
    return TemplateMeta(meta["format"], meta["unit"], meta["period"])



def _check_meta(workspace: Workspace, meta: TemplateMeta, expected_period: str | None) -> str:
    own = workspace.unit
    if meta.unit_key != own.key:
        try:
            other = get_unit(meta.unit_key).full_name
        except (KeyError, ValueError, QnappError):
            other = meta.unit_key
        raise DataRejected(
            _("Biểu này của {other} ({key}), không phải của {own} ({own_key}). Chưa ghi gì.").format(
                other=other, key=meta.unit_key, own=own.full_name, own_key=own.key
            )
        )
    try:
        period = parse_period(meta.period)
    except QnappError:
        raise DataRejected(_("Kỳ «{period}» ghi trong biểu không hợp lệ. Chưa ghi gì.").format(period=meta.period)) from None
    if expected_period is not None and parse_period(expected_period).id != period.id:
        raise DataRejected(
            _("Biểu này của kỳ {period}, không phải kỳ {expected}. Chưa ghi gì.").format(
                period=period.id, expected=parse_period(expected_period).id
            )
        )
    return period.id


def _data_sheet(wb):
    """The entry sheet: the one whose hidden column A holds the «Mã» header."""
    for ws in wb.worksheets:
        if ws.title.casefold() == META_SHEET:
            continue
        for row in range(1, min(ws.max_row, 30) + 1):
            if ws.cell(row=row, column=COL_CODE).value == CODE_HEADER:
                return ws, row
    raise DataRejected(_("Không tìm thấy trang nhập số liệu (cột «Mã») trong biểu. Hãy tạo biểu mới."))


def _columns(ws, header_row: int) -> dict[str, int]:
    """Input columns by their header, in case a column was moved; defaults otherwise."""
    found: dict[str, int] = {}
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row=header_row, column=col).value
        for category, label in CATEGORY_LABELS.items():
            if isinstance(value, str) and value.strip().casefold() == label.casefold():
                found.setdefault(category, col)
    return {c: found.get(c, default) for c, default in CATEGORY_COLUMNS.items()}


def cell_value(element: DataElement, raw: object) -> float:
    """A spreadsheet cell as a value: numbers as numbers (3.0 is a whole 3, 2.5 is not a
    count), text the Vietnamese way ("1.234" = 1234), «có»/«không» for yes/no."""
    if isinstance(raw, bool):
        if element.value_type == "bool":
            return 1.0 if raw else 0.0
        raise ValidationError(_("«{text}» không phải là số.").format(text="TRUE" if raw else "FALSE"))
    if isinstance(raw, (int, float)):
        return check_value(element, float(raw))
    if isinstance(raw, (datetime, date, time, timedelta)):
        raise ValidationError(_("ô chứa ngày giờ, không phải số (hãy định dạng ô là Số rồi nhập lại)."))
    if isinstance(raw, str):
        return parse_value(element, raw)
    raise ValidationError(_("«{text}» không phải là số.").format(text=raw))


def _formula_cells(path: Path, ws_title: str) -> set[str]:
    """Coordinates of formula cells (their cached result is what data_only reads)."""
    wb = _open_workbook(path, data_only=False)
    ws = wb[ws_title]
    return {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"}


@dataclass
class _Read:
    entries: list[ValueEntry]
    problems: list[tuple[int, str]]
    rows: int  # data element rows


def _read_sheet(workspace: Workspace, path: Path, wb, period: str) -> _Read:
    read = _Read([], [], 0)
    for item in _cells(workspace, path, wb, period):
        if isinstance(item, ValueEntry):
            read.entries.append(item)
        elif isinstance(item, int):
            read.rows += 1
        else:
            read.problems.append(item)
    return read


def _cells(workspace: Workspace, path: Path, wb, period: str) -> Iterator[ValueEntry | tuple[int, str] | int]:
    """Per element row: its row number (to count it), then its entries or problems."""
    ws, header_row = _data_sheet(wb)
    columns = _columns(ws, header_row)
    formulas: set[str] | None = None
    for row in range(header_row + 1, ws.max_row + 1):
        code_cell = ws.cell(row=row, column=COL_CODE)
        if code_cell.value is None:
            continue
        try:
            reading = _sheet_text(code_cell)
        except LegacyTextError as err:
            yield (row, _("ô {cell}: {error}").format(cell=code_cell.coordinate, error=err))
            continue
        code = reading.text.strip() if reading else str(code_cell.value).strip()
        if not code:
            continue
        yield row
        try:
            element = workspace.catalog.element(code)
        except KeyError:
            yield (row, _("ô {cell}: không có chỉ tiêu số liệu mã «{code}»").format(cell=code_cell.coordinate, code=code))
            continue
        for category in _inputs(element):
            cell = ws.cell(row=row, column=columns[category])
            where = _("ô {cell} ({column})").format(cell=cell.coordinate, column=CATEGORY_LABELS[category])
            raw = cell.value
            if raw is None:
                if formulas is None:
                    formulas = _formula_cells(path, ws.title)
                if cell.coordinate in formulas:
                    yield (row, _("{where}: ô có công thức nhưng tệp chưa lưu kết quả; hãy mở tệp bằng Excel hoặc "
                                  "LibreOffice, lưu lại rồi nhập, hoặc gõ số thay cho công thức.").format(where=where))
                continue
            if isinstance(raw, str):
                try:
                    reading = read_cell_text(raw, getattr(cell.font, "name", None))
                except LegacyTextError as err:
                    yield (row, _("{where}: {error}").format(where=where, error=err))
                    continue
                if not reading.text.strip():
                    continue  # spaces only: as blank
                if reading.converted:
                    try:
                        cell_value(element, reading.text)
                    except QnappError as err:
                        yield (row, _("{where}: chữ gõ bằng phông cũ ({legacy}) «{raw}», đọc ra là «{text}»: {error}")
                               .format(where=where, legacy=describe(reading), raw=raw, text=reading.text, error=err))
                        continue
                raw = reading.text
            yield ValueEntry(row, period, element.code, category, raw, where)


def import_template(workspace: Workspace, path: str | Path, *, expected_period: str | None = None) -> ImportResult:
    """Read a filled template back and store its values, all or nothing (DataRejected
    with the sheet row of every problem). Values equal to the stored ones are skipped."""
    path = Path(path)
    wb = _open_workbook(path, data_only=True)
    meta = read_meta(wb)
    period = _check_meta(workspace, meta, expected_period)
    read = _read_sheet(workspace, path, wb, period)
    return apply_value_entries(
        workspace, read.entries, cell_value, rows=read.rows, problems=read.problems, only_changes=True
    )


def import_values_file(workspace: Workspace, path: str | Path, *, expected_period: str | None = None) -> ImportResult:
    """``values import``: an xlsx entry template, or a values CSV (either header)."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as err:
        raise DataRejected(_("Không đọc được tệp {path}: {error}").format(path=path, error=err.strerror)) from None
    suffix = path.suffix.casefold()
    if magic == XLS_MAGIC or suffix == ".xls":
        raise DataRejected(_("Tệp {name} là Excel đời cũ (.xls). Hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng "
                             "Excel (.xlsx).").format(name=path.name))
    if suffix == ".ods":
        raise DataRejected(_("Tệp {name} là bảng tính LibreOffice (.ods). Hãy lưu lại dạng Excel (.xlsx).").format(
            name=path.name))
    if suffix in (".xlsx", ".xlsm") or magic == XLSX_MAGIC:
        return import_template(workspace, path, expected_period=expected_period)
    return import_values(workspace, path, expected_period=expected_period)
