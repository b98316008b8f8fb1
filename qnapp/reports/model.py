"""The report as a plain document: header, sections, tables, signature block.

Built once by ``qnapp.reports.builder`` and written by every renderer (``xlsx`` in the
core, PDF in ``ui.report_pdf``), so the two files always say the same thing. No Qt and no
file format here: numbers stay numbers (``Cell.value``) with a ``kind`` telling how to
show them, and ``Cell.text`` is the Vietnamese display form a renderer can print as is.

Kinds: ``text``; ``count`` (whole number, ``#,##0``); ``number`` (one decimal,
``#,##0.0``); ``percent`` (a *fraction*, 0.355 shown as 35,5%). ``prefix`` is shown before
a number ("≥ " for a target) without leaving the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qnapp.text import format_number

__all__ = [
    "KINDS",
    "Cell",
    "Column",
    "Table",
    "Paragraph",
    "Section",
    "Header",
    "Signature",
    "Appendix",
    "Report",
    "cell",
]

KINDS = ("text", "count", "number", "percent")
DECIMALS = {"count": 0, "number": 1, "percent": 1}


@dataclass(frozen=True)
class Cell:
    value: str | int | float | None
    kind: str = "text"
    prefix: str = ""
    bold: bool = False
    decimals: int | None = None  # None: the kind's default (count 0, number 1, percent 1)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown cell kind {self.kind!r}")
        if self.kind != "text" and self.value is not None and (
            isinstance(self.value, bool) or not isinstance(self.value, (int, float))
        ):
            raise TypeError(f"a {self.kind} cell needs a number, not {self.value!r}")

    @property
    def is_number(self) -> bool:
        return self.kind != "text" and self.value is not None

    @property
    def places(self) -> int:
        """Decimal places shown (of the percentage for a percent cell)."""
        return DECIMALS.get(self.kind, 0) if self.decimals is None else self.decimals

    @property
    def text(self) -> str:
        """Vietnamese display form: 1.234 / 12,5 / 35,5% ("" for no value)."""
        if self.value is None:
            return ""
        if self.kind == "text":
            return str(self.value)
        if self.kind == "percent":
            return self.prefix + format_number(self.value * 100, self.places) + "%"
        return self.prefix + format_number(self.value, self.places)


def cell(value, kind: str | None = None, **kw) -> Cell:
    """A cell; ``kind`` defaults to text for str/None and count for int."""
    if isinstance(value, Cell):
        return value
    if kind is None:
        kind = "count" if isinstance(value, int) and not isinstance(value, bool) else (
            "number" if isinstance(value, float) else "text")
    return Cell(value, kind, **kw)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # the kind of most cells: sets the alignment
    weight: float = 1.0  # relative width where a renderer sizes columns itself


@dataclass(frozen=True)
class Table:
    key: str  # stable id ("indicator:3.2a", "activities:type"): tests and renderers find it
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total_rows: int = 0  # the last ``total_rows`` rows are totals (bold)
    note: str = ""  # a line under the table (italic)

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: row of {len(row)} cells for {len(self.columns)} columns")

    def is_total(self, index: int) -> bool:
        return index >= len(self.rows) - self.total_rows


@dataclass(frozen=True)
class Paragraph:
    text: str
    italic: bool = False
    bold: bool = False
    indent: bool = True  # first-line indent (NĐ 30: 1 cm or 1,27 cm)


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    """A heading and what follows it. Level 1: «I. …» (bold caps); level 2: «1. …» (bold)."""

    key: str
    title: str
    level: int = 1
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Header:
    """NĐ 30/2020 thể thức: the boxes of the first page, texts ready to print."""

    issuer: tuple[str, ...]  # ("ỦY BAN NHÂN DÂN", "THỊ TRẤN TIÊN YÊN")
    national_name: str  # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    motto: str  # Độc lập - Tự do - Hạnh phúc
    number: str  # Số: 05/BC-UBND
    place_date: str  # Tiên Yên, ngày 08 tháng 4 năm 2021 (italic)
    doc_type: str  # BÁO CÁO
    summary: str  # trích yếu
    recipients: tuple[str, ...]  # Kính gửi

    @property
    def recipient_lines(self) -> tuple[str, ...]:
        """«Kính gửi: X.» on one line for one recipient; else «Kính gửi:» then «- X;» …
        with a full stop after the last (NĐ 30, Phụ lục I)."""
        if not self.recipients:
            return ()
        if len(self.recipients) == 1:
            return ("Kính gửi: {}.".format(self.recipients[0]),)
        lines = ["Kính gửi:"]
        for i, name in enumerate(self.recipients):
            lines.append("- {}{}".format(name, "." if i == len(self.recipients) - 1 else ";"))
        return tuple(lines)


@dataclass(frozen=True)
class Signature:
    authority: str  # TM. ỦY BAN NHÂN DÂN
    titles: tuple[str, ...]  # ("CHỦ TỊCH",) or ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    name: str  # họ tên ("" leaves the line for handwriting)


@dataclass(frozen=True)
class Appendix:
    """A «Phụ lục»: its own page(s) and page numbers (NĐ 30), one sheet in xlsx."""

    key: str
    label: str  # Phụ lục I
    title: str  # in capitals
    reference: str  # (Kèm theo Báo cáo số …/BC-UBND ngày … tháng … năm …)
    table: Table
    sheet_name: str  # ≤ 31 characters, no []:*?/\


@dataclass(frozen=True)
class Report:
    unit_key: str
    period_id: str
    issued: date
    header: Header
    sections: tuple[Section, ...]
    recipients_block: tuple[str, ...]  # «Nơi nhận:» lines
    signature: Signature
    appendices: tuple[Appendix, ...] = ()
    title: str = ""  # document title for file metadata
    meta: dict = field(default_factory=dict, compare=False)

    def tables(self) -> list[Table]:
        found = [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
        return found + [a.table for a in self.appendices]

    def table(self, key: str) -> Table:
        for table in self.tables():
            if table.key == key:
                return table
        raise KeyError(key)
