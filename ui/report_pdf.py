"""Render a ``qnapp.reports.model.Report`` to PDF with Qt (QTextDocument + QPdfWriter).

The core finds this module through the entry point ``qnapp.renderers: pdf`` and never
imports it. Layout follows NĐ 30/2020: A4 portrait, margins top/bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman (where installed, else a serif with Vietnamese glyphs);
page numbers centred in the top margin, none on the first page; each «Phụ lục» on its
own pages with its own numbers. The rules under the issuer, the tiêu ngữ and the trích
yếu are drawn after layout from the measured text, so each has the length NĐ 30 asks
for (the tiêu ngữ's exactly as long as the text). The signature block moves to the next
page rather than split from its stamp space.

``export_report(workspace, period_id, path)`` is the one call the GUI needs.
"""

from __future__ import annotations

import html
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextTable,
)

from qnapp.files import replacing
from qnapp.errors import QnappError
from qnapp.i18n import _, official_vietnamese
from qnapp.reports.model import Appendix, Cell, Paragraph, Report, Section, Table

__all__ = ["FONT_FAMILIES", "appendix_html", "ensure_gui_app", "export_report", "render_pdf",
           "report_font_family", "report_html"]

# Times New Roman (NĐ 30) first; then metric-compatible clones and serifs that carry
# Vietnamese glyphs.
FONT_FAMILIES = ("Times New Roman", "Liberation Serif", "Tinos", "TeX Gyre Termes", "Noto Serif",
                 "DejaVu Serif")
DPI = 300
MARGINS_MM = (30.0, 20.0, 15.0, 20.0)  # left, top, right, bottom (NĐ 30)
PAGE_MM = (210.0, 297.0)
PAGE_NUMBER_PT = 13
SIGNATURE_SPACE_MM = 28  # room for the signature and the stamp
PAGE_EDGE_PX = 2.0

_app = None  # a QGuiApplication this module had to create (kept alive)

# PySide6 6.12.0 on CPython < 3.12: every call of a method returning void (setText,
# setBlockFormat, drawLine, …) drops one reference to None, and the interpreter aborts
# («none_dealloc») once None's count reaches zero, after some 5 000 such calls. Rendering
# makes hundreds of them; ``_none_guard`` gives back what a render took. (6.11 and
# Python ≥ 3.12, where None is immortal, are unaffected.)
_NONE_REFS: list = []


@contextmanager
def _none_guard():
    if sys.version_info >= (3, 12):
        yield
        return
    cushion = [None] * 200_000  # room for the lost references while rendering
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        lost = before - sys.getrefcount(None)
        if lost > 0:
            _NONE_REFS.extend([None] * lost)
        del cushion


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication, or a new one (off-screen when there is no display)."""
    global _app
    app = QGuiApplication.instance()
    if app is not None:
        if not isinstance(app, QGuiApplication):
            raise QnappError(_("Không tạo được tệp PDF: chương trình đang chạy không có giao diện Qt."))
        return app
    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication([sys.argv[0] if sys.argv else "qnapp"])
    return _app


def report_font_family() -> str:
    """Times New Roman when installed (Windows), else the first serif of ``FONT_FAMILIES``
    that has Vietnamese glyphs."""
    families = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in families and QFontDatabase.WritingSystem.Vietnamese in QFontDatabase.writingSystems(family):
            return family
    for family in FONT_FAMILIES:
        if family in families:
            return family
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


# -- HTML -----------------------------------------------------------------------------

E = html.escape


def _span(text: str, size: float, *, bold=False, italic=False) -> str:
    style = "font-size:{}pt;".format(size)
    if bold:
        style += "font-weight:bold;"
    if italic:
        style += "font-style:italic;"
    return '<span style="{}">{}</span>'.format(style, E(text))


def _px(pt: float) -> int:
    """Points to CSS pixels (1/96 inch): Qt's rich text takes lengths in px only and
    scales them to the paint device."""
    return round(pt * 96 / 72)


def _p(inner: str, *, align="center", top=0, bottom=0, indent=False, page_break=False) -> str:
    style = "margin-top:{}px; margin-bottom:{}px; text-align:{};".format(_px(top), _px(bottom), align)
    if indent:
        style += " text-indent:{}px;".format(round(DPI / 2.54))  # 1 cm (NĐ 30); device px here
    if page_break:
        style += " page-break-before:always;"
    return '<p style="{}">{}</p>'.format(style, inner)


@dataclass(frozen=True)
class _Breaks:
    """Where the layout asked for a new page: before these section titles, before these
    table rows ((table key, row index)), before these whole tables, before the signature."""

    headings: frozenset = frozenset()
    rows: frozenset = frozenset()
    tables: frozenset = frozenset()
    signature: bool = False


@dataclass(frozen=True)
class _Emitted:
    """One QTextTable of the HTML, in document order: which model table and from which
    body row it starts (None for the layout tables of the header and the signature)."""

    key: str | None
    first_row: int = 0


class _Html:
    def __init__(self, breaks: _Breaks):
        self.breaks = breaks
        self.tables: list[_Emitted] = []
        self.headings: dict[str, str] = {}  # printed title -> section key

    def header(self, report: Report) -> str:
        h = report.header
        issuer = "".join(_p(_span(line, 13, bold=True)) for line in h.issuer)
        left = issuer + _p("&nbsp;", top=2) + _p(_span(h.number, 13))
        right = (_p(_span(h.national_name, 13, bold=True))
                 + _p(_span(h.motto, 14, bold=True))
                 + _p("&nbsp;", top=2)
                 + _p(_span(h.place_date, 14, italic=True)))
        self.tables.append(_Emitted(None))
        parts = [
            '<table width="100%" cellspacing="0" cellpadding="0" border="0">',
            '<tr><td width="40%" valign="top">{}</td><td width="60%" valign="top">{}</td></tr>'.format(left, right),
            "</table>",
            _p(_span(h.doc_type, 14, bold=True), top=18),
            _p(_span(h.summary, 14, bold=True)),
            _p("&nbsp;", top=4),
        ]
        for line in h.recipient_lines:
            parts.append(_p(_span(line, 14), top=0))
        return "".join(parts)

    @staticmethod
    def _cell(c: Cell, first: bool, total: bool) -> str:
        align = "right" if c.is_number else ("left" if first or len(c.text) > 12 else "center")
        text = E(c.text)
        if total or c.bold:
            text = "<b>{}</b>".format(text)
        return '<td align="{}" valign="middle">{}</td>'.format(align, text or "&nbsp;")

    def table(self, table: Table, size: float = 12) -> str:
        """The table; where a row would be split across two pages the table ends and goes
        on at the top of the next page, its column titles repeated."""
        weights = [col.weight for col in table.columns]
        total = sum(weights)
        head = "".join(
            '<th width="{:.0f}%" align="center" valign="middle"><b>{}</b></th>'.format(
                100 * w / total, E(col.title))
            for col, w in zip(table.columns, weights))

        def opening(first_row: int, page_break: bool) -> str:
            self.tables.append(_Emitted(table.key, first_row))
            return ('<table width="100%" border="1" cellspacing="0" cellpadding="{pad}" '
                    'style="border-collapse:collapse; border-color:#000; font-size:{size}pt; '
                    'margin-top:{gap}px; margin-bottom:{gap}px;{brk}">'
                    "<thead><tr>{head}</tr></thead><tbody>").format(
                pad=_px(3), size=size, gap=_px(4), head=head,
                brk=" page-break-before:always;" if page_break else "")

        out = [opening(0, table.key in self.breaks.tables)]
        for index, row in enumerate(table.rows):
            if index and (table.key, index) in self.breaks.rows:
                out.append("</tbody></table>")
                out.append(opening(index, True))
            is_total = table.is_total(index)
            out.append("<tr>{}</tr>".format("".join(
                self._cell(c, i == 0, is_total) for i, c in enumerate(row))))
        out.append("</tbody></table>")
        if table.note:
            out.append(_p(_span(table.note, 12, italic=True), align="left", top=2))
        return "".join(out)

    def section(self, section: Section) -> str:
        parts = []
        if section.title:
            self.headings[section.title] = section.key
            parts.append(_p(_span(section.title, 14, bold=True, italic=section.level == 3), align="justify",
                            top=10 if section.level == 1 else 6, indent=section.level > 1,
                            page_break=section.key in self.breaks.headings))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                parts.append(_p(_span(block.text, 14, bold=block.bold, italic=block.italic),
                                align="justify", top=6, indent=block.indent))
            elif isinstance(block, Table):
                parts.append(self.table(block))
        return "".join(parts)

    def closing(self, report: Report) -> str:
        sig = report.signature
        left = _p(_span(_("Nơi nhận:"), 12, bold=True, italic=True), align="left")
        left += "".join(_p(_span("- " + line, 11), align="left") for line in report.recipients_block)
        right = _p(_span(sig.authority, 14, bold=True))
        right += "".join(_p(_span(t, 14, bold=True)) for t in sig.titles)
        right += _p("&nbsp;", top=SIGNATURE_SPACE_MM * 72 / 25.4)
        right += _p(_span(sig.name, 14, bold=True) if sig.name else "&nbsp;")
        self.tables.append(_Emitted(None))
        return ('<table width="100%" cellspacing="0" cellpadding="0" border="0" '
                'style="margin-top:{gap}px;{brk}">'
                '<tr><td width="45%" valign="top">{left}</td><td width="55%" valign="top">{right}</td></tr>'
                "</table>").format(gap=_px(10), left=left, right=right,
                                   brk=" page-break-before:always;" if self.breaks.signature else "")

    def report(self, report: Report) -> str:
        body = self.header(report) + "".join(self.section(s) for s in report.sections) + self.closing(report)
        return "<html><body>{}</body></html>".format(body)

    def appendix(self, appendix: Appendix) -> str:
        return "<html><body>{}{}{}{}</body></html>".format(
            _p(_span(appendix.label, 14, bold=True)),
            _p(_span(appendix.title, 14, bold=True), top=2),
            _p(_span(appendix.reference, 14, italic=True), top=2, bottom=8),
            self.table(appendix.table, 11),
        )


def report_html(report: Report) -> str:
    """The report's HTML as laid out before any page break is chosen."""
    return _Html(_Breaks()).report(report)


def appendix_html(appendix: Appendix) -> str:
    return _Html(_Breaks()).appendix(appendix)


# -- layout and painting ----------------------------------------------------------------


@dataclass
class _Geometry:
    dpmm: float
    body: QRectF  # where the text goes on a page, in device pixels

    @classmethod
    def a4(cls) -> _Geometry:
        dpmm = DPI / 25.4
        left, top, right, bottom = MARGINS_MM
        return cls(dpmm, QRectF(left * dpmm, top * dpmm, (PAGE_MM[0] - left - right) * dpmm,
                                (PAGE_MM[1] - top - bottom) * dpmm))


def _document(html_text: str, writer: QPdfWriter, family: str, geo: _Geometry) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    font = QFont(family)
    font.setPointSizeF(14)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(geo.body.width(), geo.body.height()))
    doc.setHtml(html_text)
    doc.pageCount()  # lays it out
    return doc


def _page(y: float, page_h: float) -> int:
    return int(y // page_h)


def _row_extent(layout, table: QTextTable, row: int) -> tuple[float, float]:
    top, bottom = float("inf"), float("-inf")
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        for block in (cell.firstCursorPosition().block(), cell.lastCursorPosition().block()):
            rect = layout.blockBoundingRect(block)
            top, bottom = min(top, rect.top()), max(bottom, rect.bottom())
    return top, bottom


def _first_problem(doc: QTextDocument, html: _Html, breaks: _Breaks, page_h: float) -> _Breaks | None:
    """The first place, in reading order, where the layout needs a page break: a title
    left alone at the foot of a page, a table row split across two pages, or a signature
    block split from its stamp space. Returns the breaks with that one added."""
    layout = doc.documentLayout()
    # Titles: the title and the first line after it on one page.
    block = doc.begin()
    while block.isValid():
        key = html.headings.get(block.text())
        following = block.next()
        if key is not None and key not in breaks.headings and following.isValid():
            here = layout.blockBoundingRect(block)
            there = layout.blockBoundingRect(following)
            lines = following.layout()
            end = there.top() + (lines.lineAt(0).y() + lines.lineAt(0).height() if lines.lineCount() else 0)
            if _page(here.top(), page_h) != _page(end - 1, page_h):
                return _Breaks(breaks.headings | {key}, breaks.rows, breaks.tables, breaks.signature)
        block = following
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    for table, emitted in zip(tables, html.tables):
        if emitted.key is None:
            if emitted is html.tables[-1] and not breaks.signature and len(html.tables) > 1:
                rect = layout.frameBoundingRect(table)
                if _page(rect.top(), page_h) != _page(rect.bottom() - 1, page_h) and rect.height() < page_h:
                    return _Breaks(breaks.headings, breaks.rows, breaks.tables, True)
            continue
        for row in range(1, table.rows()):  # row 0: the column titles
            top, bottom = _row_extent(layout, table, row)
            if _page(top, page_h) == _page(bottom - 1, page_h) or bottom - top >= page_h:
                continue
            index = emitted.first_row + row - 1
            if row == 1 and emitted.first_row == 0 and emitted.key not in breaks.tables:
                return _Breaks(breaks.headings, breaks.rows, breaks.tables | {emitted.key}, breaks.signature)
            if row > 1 and (emitted.key, index) not in breaks.rows:
                return _Breaks(breaks.headings, breaks.rows | {(emitted.key, index)}, breaks.tables,
                               breaks.signature)
    return None


def _paginated(build, writer: QPdfWriter, family: str, geo: _Geometry) -> QTextDocument:
    """Lay out ``build(html)`` and add page breaks one at a time, in reading order, until
    nothing is split that should not be. Qt's rich text has no keep-with-next and splits
    table rows; a split row would also leave its cell's whole text in the PDF twice (Qt
    paints a split cell on both pages, clipped), which a text extractor reads."""
    breaks = _Breaks()
    for _round in range(500):
        html = _Html(breaks)
        doc = _document(build(html), writer, family, geo)
        more = _first_problem(doc, html, breaks, geo.body.height())
        if more is None:
            return doc
        breaks = more
    return doc


def _block_lines(doc: QTextDocument, text: str) -> list[QRectF]:
    """The lines of the first paragraph whose text is ``text``, in document coordinates:
    the text's own extent in each (centred paragraphs: centred in the line box)."""
    block = doc.begin()
    while block.isValid():
        if block.text() == text:
            rect = doc.documentLayout().blockBoundingRect(block)
            layout = block.layout()
            lines = []
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                box_centre = rect.left() + line.x() + line.width() / 2
                natural = line.naturalTextWidth()
                lines.append(QRectF(box_centre - natural / 2, rect.top() + line.y(), natural, line.height()))
            return lines
        block = block.next()
    return []


def _draw_rules(painter: QPainter, doc: QTextDocument, report: Report, geo: _Geometry) -> None:
    """NĐ 30 rules on the first page: under the tiêu ngữ (as long as the text), under the
    issuer's name (45 % of its length) and under the trích yếu (a third of the text
    column), each centred under its text."""
    pen = QPen(Qt.GlobalColor.black)
    pen.setWidthF(0.25 * geo.dpmm)
    painter.setPen(pen)
    h = report.header
    for text, fraction in ((h.motto, 1.0), (h.issuer[-1], 0.45), (h.summary, None)):
        lines = _block_lines(doc, text)
        if not lines:
            continue
        if fraction is None:
            last = lines[-1]
            length, centre, y = geo.body.width() / 3, geo.body.width() / 2, last.bottom()
        else:  # centred text: the middle of the line box is the middle of the text
            first, length = lines[0], lines[0].width() * fraction
            centre, y = first.center().x(), first.bottom()
        y += 1.2 * geo.dpmm
        painter.drawLine(QPointF(geo.body.left() + centre - length / 2, geo.body.top() + y),
                         QPointF(geo.body.left() + centre + length / 2, geo.body.top() + y))


def _paint(doc: QTextDocument, writer: QPdfWriter, painter: QPainter, geo: _Geometry, family: str,
           *, first_sheet: bool, rules: Report | None) -> None:
    page_h = geo.body.height()
    number_font = QFont(family)
    number_font.setPointSizeF(PAGE_NUMBER_PT)
    for page in range(doc.pageCount()):
        if page or not first_sheet:
            writer.newPage()
        painter.save()
        painter.translate(geo.body.left(), geo.body.top() - page * page_h)
        # Qt places a line moved to the next page at the boundary within a fraction of a
        # pixel (fixed-point layout): clip a hair above the boundary so that such a line
        # is drawn on its own page only.
        doc.drawContents(painter, QRectF(0, page * page_h - PAGE_EDGE_PX, geo.body.width(), page_h))
        painter.restore()
        if page == 0 and rules is not None:
            _draw_rules(painter, doc, rules, geo)
        if page > 0:  # NĐ 30: no number on the first page
            painter.save()
            painter.setFont(number_font)
            painter.setPen(Qt.GlobalColor.black)
            area = QRectF(geo.body.left(), 0, geo.body.width(), geo.body.top())
            painter.drawText(area, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), str(page + 1))
            painter.restore()


@official_vietnamese()
def render_pdf(report: Report, path: str | Path) -> Path:
    """Write ``report`` as a PDF at ``path`` (atomically); returns the path."""
    ensure_gui_app()
    path = Path(path)
    with replacing(path) as tmp, _none_guard():
        _render(report, tmp, path)
    return path


def _render(report: Report, tmp: Path, path: Path) -> None:
    family = report_font_family()
    geo = _Geometry.a4()
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(report.title)
    writer.setCreator("qnapp")
    main = _paginated(lambda h: h.report(report), writer, family, geo)
    extra = [_paginated(lambda h, a=a: h.appendix(a), writer, family, geo) for a in report.appendices]
    painter = QPainter()
    if not painter.begin(writer):
        raise QnappError(_("Không ghi được tệp {path}.").format(path=path))
    try:
        _paint(main, writer, painter, geo, family, first_sheet=True, rules=report)
        for doc in extra:
            _paint(doc, writer, painter, geo, family, first_sheet=False, rules=None)
    finally:
        painter.end()
    del writer  # flushes the file


def export_report(workspace, period_id: str, path: str | Path, **options) -> Path:
    """Build the unit's report for ``period_id`` and write it to ``path`` (.pdf or .xlsx).
    ``options`` go to ``build_report`` (number, place, today, signer). Raises QnappError
    with a Vietnamese message; the «Xuất báo cáo» button shows it."""
    from qnapp.reports.builder import build_report
    from qnapp.reports.render import report_format
    from qnapp.reports.xlsx import write_xlsx

    fmt = report_format(path)
    report = build_report(workspace, period_id, **options)
    if fmt == "xlsx":
        return write_xlsx(report, path)
    return render_pdf(report, path)
