"""Write a ``model.Report`` as an .xlsx workbook laid out for print (NĐ 30/2020).

- Sheet «Báo cáo»: the document itself on a 7-column grid: the NĐ 30 header in merged
  cells, the sections and their tables, «Nơi nhận» and the signature block. The header
  appears once (NĐ 30: the first page only), so this sheet repeats no rows.
- One sheet per «Phụ lục»: a single table whose column-title row repeats on every printed
  page (print titles).
- Times New Roman everywhere (also the workbook's default font); A4 portrait; margins top
  and bottom 20 mm, left 30 mm, right 15 mm; fit to the page width; page numbers centred
  in the top margin from page 2 (none on page 1).
- Numbers stay numbers: ``#,##0`` for counts, ``#,##0.0`` for rates, ``0.0%`` for
  percentages stored as fractions; a target's sign is part of the number format
  (``"≥ "0%``), not of the value. No formulas: text is stored as text
  (``qnapp.spreadsheet_text``), even a signer's name or a title starting with ``=``.
- Deterministic: the same report gives the same bytes (fixed zip times and document
  dates, derived from the report's date).

Merged cells do not grow with their text in Excel or LibreOffice, so row heights are
estimated from the text length and the font size.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from qnapp.files import write_atomic
from qnapp.errors import QnappError
from qnapp.i18n import _, official_vietnamese
from qnapp.reports.model import Appendix, Cell, Paragraph, Report, Section, Table
from qnapp.spreadsheet_text import put as set_cell

__all__ = ["FONT", "MARGINS_MM", "build_workbook", "table_positions", "workbook_bytes", "write_xlsx"]

FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15, "header": 10, "footer": 10}
MM_PER_INCH = 25.4
PRINT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
PRINT_HEIGHT_MM = 297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]

# Sizes (pt) from NĐ 30 Phụ lục I.
SIZE_NATIONAL = 13  # quốc hiệu 12–13, bold
SIZE_MOTTO = 14  # tiêu ngữ 13–14, bold, underlined
SIZE_ISSUER = 13  # tên cơ quan 12–13, bold
SIZE_NUMBER = 13  # số, ký hiệu 13
SIZE_BODY = 14  # nội dung, tên loại, trích yếu, kính gửi, chữ ký 13–14
SIZE_TABLE = 12  # tables (NĐ 30 sets no size inside tables)
SIZE_RECEIVERS_LABEL = 12  # «Nơi nhận:» 12 bold italic
SIZE_RECEIVERS = 11  # its list 11
SIZE_PAGE_NUMBER = 13

# The document grid: column widths in Excel character units (of the default font, TNR 12).
GRID = (22, 9, 9, 9, 9, 9, 12)
LEFT_BLOCK = (1, 2)  # issuer, number, «Nơi nhận»
RIGHT_BLOCK = (3, 7)  # quốc hiệu, tiêu ngữ, place-date, signature
MDW_PX = 8  # maximum digit width of TNR 12 at 96 dpi
PX_PER_PT = 96 / 72

FORMATS = {"count": "#,##0", "number": "#,##0.0", "percent": "0.0%"}
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NBSP = "\u00a0"


def _inches(mm: float) -> float:
    return round(mm / MM_PER_INCH, 6)


def _font(size: float, *, bold: bool = False, italic: bool = False, underline: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline, color="FF000000")


def number_format(c: Cell) -> str:
    """The Excel format of a numeric cell; a prefix («≥ ») becomes quoted literal text."""
    if c.kind == "percent":
        base = "0" + ("." + "0" * c.places if c.places else "") + "%"
    elif c.kind == "count" and c.decimals is None:
        base = FORMATS["count"]
    else:
        base = "#,##0" + ("." + "0" * c.places if c.places else "")
    if c.prefix:
        return '"{}"{}'.format(c.prefix.replace('"', ""), base)
    return base


def _px(width_chars: float) -> float:
    return width_chars * MDW_PX + 5


def _span_px(widths, first: int, last: int) -> float:
    return sum(_px(widths[i - 1]) for i in range(first, last + 1))


def _lines(text: str, width_px: float, size: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width_px`` wide (generous)."""
    em = size * PX_PER_PT
    per_char = em * (0.54 if bold else 0.50)
    per_line = max(1, int((width_px - 6) / per_char))
    count = 0
    for part in str(text).split("\n"):
        count += max(1, math.ceil(len(part) / per_line))
    return count


def _height(lines: int, size: float) -> float:
    return round(lines * size * 1.3 + 3, 1)


class _SheetWriter:
    """Writes rows top-down on one sheet, keeping the estimated height of each row."""

    def __init__(self, ws: Worksheet, widths: tuple[float, ...]):
        self.ws = ws
        self.widths = widths
        self.ncols = len(widths)
        self.row = 1
        self.heights: dict[int, float] = {}
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    # -- low level --------------------------------------------------------------------
    def put(self, row: int, first: int, last: int, value, font: Font, *, align: str = "center",
            wrap: bool = True, border: Border | None = None, fmt: str | None = None,
            vertical: str = "center") -> None:
        ws = self.ws
        target = ws.cell(row=row, column=first)
        set_cell(target, value)  # text never becomes a formula
        target.font = font
        target.alignment = Alignment(horizontal=align, vertical=vertical, wrap_text=wrap)
        if fmt:
            target.number_format = fmt
        if border is not None:
            for col in range(first, last + 1):
                ws.cell(row=row, column=col).border = border
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def need(self, row: int, height: float) -> None:
        self.heights[row] = max(self.heights.get(row, 0), height)

    def text_row(self, text: str, font: Font, *, first: int = 1, last: int | None = None,
                 align: str = "center", row: int | None = None) -> int:
        last = last or self.ncols
        row = row or self.row
        self.put(row, first, last, text, font, align=align)
        lines = _lines(text, _span_px(self.widths, first, last), font.sz, bold=bool(font.b))
        self.need(row, _height(lines, font.sz))
        return row

    def rule(self, row: int, first: int, last: int, text_len_px: float, fraction: float, size: float) -> None:
        """A short centred rule under a heading: underlined no-break spaces (no shape)."""
        space_px = 0.25 * size * PX_PER_PT
        count = max(4, round(text_len_px * fraction / space_px))
        self.put(row, first, last, NBSP * count, _font(size, underline="single"), wrap=False)
        self.need(row, size * 0.9)

    def blank(self, height: float = 8) -> None:
        self.need(self.row, height)
        self.row += 1

    def finish_heights(self) -> None:
        for row, height in self.heights.items():
            self.ws.row_dimensions[row].height = height

    # -- tables -----------------------------------------------------------------------
    def spans(self, table: Table) -> list[tuple[int, int]]:
        """Grid columns of each table column: the first spans what the others leave."""
        n = len(table.columns)
        if n > self.ncols:
            raise QnappError(_("Bảng {key} có quá nhiều cột cho trang báo cáo.").format(key=table.key))
        lead = self.ncols - n + 1
        return [(1, lead)] + [(lead + i, lead + i) for i in range(1, n)]

    def table(self, table: Table, spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
        """Write the table from the current row; returns (title row, last row)."""
        spans = spans or self.spans(table)
        title_row = self.row
        header_font = _font(SIZE_TABLE, bold=True)
        lines = 1
        for column, (first, last) in zip(table.columns, spans):
            self.put(title_row, first, last, column.title, header_font, border=BOX)
            lines = max(lines, _lines(column.title, _span_px(self.widths, first, last), SIZE_TABLE, bold=True))
        self.need(title_row, _height(lines, SIZE_TABLE))
        self.row += 1
        for index, cells in enumerate(table.rows):
            total = table.is_total(index)
            lines = 1
            for c, (first, last) in zip(cells, spans):
                font = _font(SIZE_TABLE, bold=total or c.bold)
                if c.is_number:
                    self.put(self.row, first, last, c.value, font, align="right", border=BOX,
                             fmt=number_format(c), wrap=False)
                else:
                    text = "" if c.value is None else str(c.value)
                    align = "left" if first == 1 or len(text) > 12 else "center"
                    self.put(self.row, first, last, text or None, font, align=align, border=BOX,
                             fmt=number_format(c) if c.kind != "text" else None)
                    lines = max(lines, _lines(text, _span_px(self.widths, first, last), SIZE_TABLE,
                                              bold=bool(font.b)))
            self.need(self.row, _height(lines, SIZE_TABLE))
            self.row += 1
        last_row = self.row - 1
        if table.note:
            self.text_row(table.note, _font(SIZE_TABLE, italic=True), align="left")
            self.row += 1
        return title_row, last_row


def _page_setup(ws: Worksheet, last_row: int, last_col: int, *, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    m = ws.page_margins
    m.top, m.bottom = _inches(MARGINS_MM["top"]), _inches(MARGINS_MM["bottom"])
    m.left, m.right = _inches(MARGINS_MM["left"]), _inches(MARGINS_MM["right"])
    m.header, m.footer = _inches(MARGINS_MM["header"]), _inches(MARGINS_MM["footer"])
    ws.print_area = "A1:{}{}".format(get_column_letter(last_col), last_row)
    if title_rows:
        ws.print_title_rows = title_rows
    # NĐ 30: page numbers centred in the top margin, not on the first page.
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = "{},Regular".format(FONT)
    ws.oddHeader.center.size = SIZE_PAGE_NUMBER
    ws.evenHeader.center.text = "&P"
    ws.evenHeader.center.font = "{},Regular".format(FONT)
    ws.evenHeader.center.size = SIZE_PAGE_NUMBER
    ws.sheet_view.showGridLines = False


def _header(w: _SheetWriter, report: Report) -> None:
    h = report.header
    left_first, left_last = LEFT_BLOCK
    right_first, right_last = RIGHT_BLOCK
    issuer_font = _font(SIZE_ISSUER, bold=True)
    # Row 1: ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    w.text_row(h.issuer[0], issuer_font, first=left_first, last=left_last)
    w.text_row(h.national_name, _font(SIZE_NATIONAL, bold=True), first=right_first, last=right_last)
    w.row += 1
    # Row 2: THỊ TRẤN TIÊN YÊN | Độc lập - Tự do - Hạnh phúc (the underline is the rule,
    # as long as the text: NĐ 30)
    for line in h.issuer[1:]:
        w.text_row(line, issuer_font, first=left_first, last=left_last)
    w.text_row(h.motto, _font(SIZE_MOTTO, bold=True, underline="single"), first=right_first, last=right_last)
    w.row += 1
    # Row 3: rule under the issuer, 1/3–1/2 of its length
    name_px = len(h.issuer[-1]) * 0.62 * SIZE_ISSUER * PX_PER_PT
    w.rule(w.row, left_first, left_last, name_px, 0.45, SIZE_ISSUER)
    w.row += 1
    # Row 4: Số | place, date (italic)
    w.text_row(h.number, _font(SIZE_NUMBER), first=left_first, last=left_last)
    w.text_row(h.place_date, _font(SIZE_BODY, italic=True), first=right_first, last=right_last)
    w.row += 1
    w.blank(10)
    w.text_row(h.doc_type, _font(SIZE_BODY, bold=True))
    w.row += 1
    w.text_row(h.summary, _font(SIZE_BODY, bold=True))
    summary_px = min(len(h.summary), 60) * 0.5 * SIZE_BODY * PX_PER_PT
    w.row += 1
    w.rule(w.row, 1, w.ncols, summary_px, 0.4, SIZE_BODY)
    w.row += 1
    w.blank(8)
    for line in h.recipient_lines:
        w.text_row(line, _font(SIZE_BODY))
        w.row += 1
    w.blank(8)


def _section(w: _SheetWriter, section: Section, table_rows: dict) -> None:
    if section.title:
        font = {1: _font(SIZE_BODY, bold=True), 2: _font(SIZE_BODY, bold=True),
                3: _font(SIZE_BODY, bold=True, italic=True)}.get(section.level, _font(SIZE_BODY, bold=True))
        w.text_row(section.title, font, align="left")
        w.row += 1
    for block in section.blocks:
        if isinstance(block, Paragraph):
            w.text_row(block.text, _font(SIZE_BODY, bold=block.bold, italic=block.italic), align="justify")
            w.row += 1
        elif isinstance(block, Table):
            table_rows[block.key] = w.table(block)
            w.blank(6)


def _closing(w: _SheetWriter, report: Report) -> tuple[int, int]:
    """«Nơi nhận» on the left, the signature block on the right; returns its rows."""
    start = w.row
    left_first, left_last = LEFT_BLOCK
    right_first, right_last = RIGHT_BLOCK
    sig = report.signature
    left = [(_("Nơi nhận:"), _font(SIZE_RECEIVERS_LABEL, bold=True, italic=True))]
    left += [("- " + line, _font(SIZE_RECEIVERS)) for line in report.recipients_block]
    right = [(sig.authority, _font(SIZE_BODY, bold=True))]
    right += [(title, _font(SIZE_BODY, bold=True)) for title in sig.titles]
    right += [(None, None)] * 4  # room for the signature and the stamp
    right.append((sig.name or None, _font(SIZE_BODY, bold=True)))
    for i in range(max(len(left), len(right))):
        row = start + i
        if i < len(left):
            text, font = left[i]
            w.put(row, left_first, left_last, text, font, align="left", wrap=False)
            w.need(row, _height(1, font.sz))
        if i < len(right):
            text, font = right[i]
            if text is not None:
                w.put(row, right_first, right_last, text, font)
                w.need(row, _height(1, font.sz))
            else:
                w.need(row, 22)
    w.row = start + max(len(left), len(right))
    return start, w.row - 1


def _keep_together(w: _SheetWriter, first: int, last: int, scale: float) -> None:
    """Break the page before rows ``first``–``last`` when the estimate says they would be
    split (the signature block and its stamp)."""
    page_pt = PRINT_HEIGHT_MM / MM_PER_INCH * 72 / scale
    used = 0.0
    default = 15.75
    for row in range(1, last + 1):
        height = w.heights.get(row, default)
        if row == first:
            block = sum(w.heights.get(r, default) for r in range(first, last + 1))
            if used + block > page_pt and block < page_pt:
                w.ws.row_breaks.append(Break(id=first - 1))
            return
        used += height
        if used > page_pt:
            used = height


def _appendix_sheet(wb: Workbook, appendix: Appendix) -> None:
    ws = wb.create_sheet(_sheet_title(appendix.sheet_name))
    weights = [c.weight for c in appendix.table.columns]
    budget = sum(GRID)
    widths = tuple(round(max(6.0, budget * wgt / sum(weights)), 1) for wgt in weights)
    w = _SheetWriter(ws, widths)
    w.text_row(appendix.label, _font(SIZE_BODY, bold=True))
    w.row += 1
    w.text_row(appendix.title, _font(SIZE_BODY, bold=True))
    w.row += 1
    w.text_row(appendix.reference, _font(SIZE_BODY, italic=True))
    w.row += 1
    w.blank(8)
    spans = [(i, i) for i in range(1, len(widths) + 1)]
    title_row, last_row = w.table(appendix.table, spans)
    w.finish_heights()
    ws.freeze_panes = ws.cell(row=title_row + 1, column=1)
    _page_setup(ws, w.row - 1, len(widths), title_rows="{0}:{0}".format(title_row))


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


def _set_default_font(wb: Workbook) -> None:
    """The «Normal» style in Times New Roman: empty cells, column widths and anything a
    user types later use it too."""
    wb._fonts = IndexedList()
    wb._fonts.add(_font(SIZE_TABLE))
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = _font(SIZE_TABLE)


@official_vietnamese()
def build_workbook(report: Report) -> Workbook:
    wb = Workbook()
    _set_default_font(wb)
    ws = wb.active
    ws.title = _("Báo cáo")
    w = _SheetWriter(ws, GRID)
    _header(w, report)
    table_rows: dict[str, tuple[int, int]] = {}
    for section in report.sections:
        _section(w, section, table_rows)
    w.blank(10)
    first, last = _closing(w, report)
    w.finish_heights()
    grid_px = sum(_px(x) for x in GRID)
    scale = min(1.0, (PRINT_WIDTH_MM / MM_PER_INCH * 96) / grid_px)
    _keep_together(w, first, last, scale)
    _page_setup(ws, last, len(GRID))
    for appendix in report.appendices:
        _appendix_sheet(wb, appendix)
    moment = datetime.combine(report.issued, time(8, 0))
    wb.properties.creator = "qnapp"
    wb.properties.title = report.title
    wb.properties.subject = report.header.summary
    wb.properties.created = moment
    wb.properties.modified = moment
    wb.properties.lastModifiedBy = "qnapp"
    wb.properties.language = "vi-VN"
    wb.qnapp_table_rows = table_rows  # where each table of the «Báo cáo» sheet went
    return wb


def table_positions(report: Report) -> dict[str, tuple[int, int]]:
    """Rows of each table on the «Báo cáo» sheet: key → (column-title row, last row)."""
    return dict(build_workbook(report).qnapp_table_rows)


@official_vietnamese()
def workbook_bytes(report: Report) -> bytes:
    """The .xlsx file's bytes; equal reports give equal bytes."""
    raw = io.BytesIO()
    build_workbook(report).save(raw)
    return _normalise_zip(raw.getvalue(), report)


def _normalise_zip(data: bytes, report: Report) -> bytes:
    """openpyxl stamps the save time into the zip entries and docProps/core.xml; use the
    report's date instead so that the same report gives the same bytes."""
    stamp = "{}T08:00:00Z".format(report.issued.isoformat())
    fixed = (max(report.issued.year, 1980), report.issued.month, report.issued.day, 8, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=fixed)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def write_xlsx(report: Report, path: str | Path) -> Path:
    """Write the report to ``path`` (.xlsx) atomically: a failure leaves no half file."""
    path = Path(path)
    return write_atomic(path, workbook_bytes(report))
