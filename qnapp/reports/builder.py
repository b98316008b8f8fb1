"""The content of a unit's periodic report (KH 82/KH-UBND IV.19) in NĐ 30/2020 layout.

``build_report`` reads the workspace once and returns a ``model.Report``; the xlsx writer
and the Qt PDF renderer only lay it out. Every figure comes from the workspace's own
``period_values`` / ``indicator_results`` (and, at a parent, ``consolidation``), so the
report says exactly what the database says.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from qnapp import periods as periods_mod
from qnapp.catalog import Indicator, Target
from qnapp.errors import ValidationError
from qnapp.i18n import N_, TranslatedNames, _, official_vietnamese
from qnapp.periods import Period, parse_period
from qnapp.reports.model import (
    Appendix,
    Cell,
    Column,
    Header,
    Paragraph,
    Report,
    Section,
    Signature,
    Table,
)
from qnapp.reports.progress import progress_table
from qnapp.reports.recipients import recipients_for
from qnapp.store import Activity
from qnapp.text import VN_TZ, clean_text, format_date, format_nd30_date, format_number
from qnapp.validation import effective_total
from qnapp.workspace import ActivityFilter, IndicatorResult, in_action_month, milestone_for

__all__ = [
    "PLACE_SETTING",
    "SIGNER_SETTING",
    "PLAN_REFERENCE",
    "Signer",
    "build_report",
    "format_doc_number",
]

SIGNER_SETTING = "report.signer"  # {"name": "…", "deputy": false}
PLACE_SETTING = "report.place"  # địa danh, when the unit's name is not the right one
PLAN_REFERENCE = N_("Kế hoạch số 82/KH-UBND ngày 08/4/2021 của Ủy ban nhân dân tỉnh Quảng Ninh")
PLAN_SUBJECT = N_(
    "thực hiện Chiến lược quốc gia về bình đẳng giới và Chương trình phòng ngừa, ứng phó "
    "với bạo lực trên cơ sở giới giai đoạn 2021-2030"
)
DOC_CODE = "BC-UBND"
BLANK_NUMBER = "......."

OP_SIGN = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": "", "bool": ""}
HIGHER_IS_BETTER = {">=", ">", "="}

STATE_NAMES = TranslatedNames({
    "on_time": N_("Đúng hạn"),
    "late": N_("Muộn hạn"),
    "missing": N_("Chưa gửi"),
    "corrected": N_("Đã gửi bổ sung, sửa đổi"),
})


@dataclass(frozen=True)
class Signer:
    name: str = ""  # "" leaves the name for handwriting
    deputy: bool = False  # KT. CHỦ TỊCH / PHÓ CHỦ TỊCH instead of CHỦ TỊCH


def format_doc_number(number: int | str | None) -> str:
    """«05» for 5 (NĐ 30: numbers below 10 take a leading 0); dots when there is none yet."""
    if number is None or (isinstance(number, str) and not number.strip()):
        return BLANK_NUMBER
    text = str(number).strip()
    if isinstance(number, bool) or not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
        raise ValidationError(
            _("Số văn bản «{number}» không hợp lệ: cần một số nguyên dương, ví dụ 5 hoặc 12.").format(
                number=number))
    return "{:02d}".format(int(text))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:1].isdigit() else text


def _place(workspace, unit) -> str:
    """Địa danh (NĐ 30 Phụ lục I II.4): the unit's own name; the full name for a name
    made of a number («Phường Móng Cái 1»); a setting can replace it."""
    saved = workspace.store.get_setting(PLACE_SETTING)
    if isinstance(saved, str) and clean_text(saved):
        return clean_text(saved)
    if unit.name[-1:].isdigit():
        return unit.full_name
    return unit.name


def _signer(workspace, signer: Signer | str | None) -> Signer:
    """The signer given, else the saved setting ``report.signer``; a ``Signer`` without a
    name keeps its ``deputy`` choice and takes the saved name."""
    saved = workspace.store.get_setting(SIGNER_SETTING)
    if isinstance(saved, dict):
        saved = Signer(clean_text(str(saved.get("name", ""))), bool(saved.get("deputy", False)))
    elif isinstance(saved, str):
        saved = Signer(clean_text(saved))
    else:
        saved = Signer()
    if isinstance(signer, Signer):
        return Signer(clean_text(signer.name) or saved.name, signer.deputy)
    if isinstance(signer, str) and clean_text(signer):
        return Signer(clean_text(signer))
    return saved


# -- cells -----------------------------------------------------------------------------


def _is_percent(indicator: Indicator) -> bool:
    return indicator.unit.strip() == "%"


def value_cell(indicator: Indicator, value: float | None) -> Cell:
    """An indicator's value: a fraction for a % indicator, «Có/Không» for a yes/no one."""
    if value is None:
        return Cell(None, "percent" if _is_percent(indicator) else "number")
    if indicator.is_bool:
        return Cell(_("Có") if value > 0 else _("Không"))
    if _is_percent(indicator):
        return Cell(value / 100, "percent")
    return Cell(value, "number")


def target_cell(indicator: Indicator, target: Target | None) -> Cell:
    if target is None:
        return Cell(None)
    if target.op == "bool":
        return Cell(_("Có (từ năm {year})").format(year=target.year) if target.from_year else _("Có"))
    places = 0 if float(target.value).is_integer() else 1
    if _is_percent(indicator):
        return Cell(target.value / 100, "percent", prefix=OP_SIGN[target.op], decimals=places)
    return Cell(target.value, "number", prefix=OP_SIGN[target.op], decimals=places)


def reached(indicator: Indicator, result: IndicatorResult) -> float | None:
    """% of the milestone target reached, as a fraction; only where more is better
    (a ceiling such as the sex ratio at birth ≤ 111 is judged by «Đánh giá» alone)."""
    target = indicator.target(result.milestone)
    if target is None or target.op not in HIGHER_IS_BETTER or result.value is None:
        return None
    if not target.value:
        return None
    return result.value / float(target.value)


def verdict(met: bool | None) -> str:
    if met is None:
        return _("Chưa có số liệu")
    return _("Đạt") if met else _("Chưa đạt")


def assessment(result: IndicatorResult) -> str:
    return verdict(result.met)



def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _element_cell(element, value: float | None) -> Cell:
    if value is None:
        return Cell(None, "count")
    if element.value_type == "bool":
        return Cell(_("Có") if value else _("Không"))
    if element.value_type == "count" or float(value).is_integer():
        return Cell(_num(value), "count")
    return Cell(value, "number")


# -- sections -------------------------------------------------------------------------


def _indicator_sections(workspace, period: Period, results: list[IndicatorResult]) -> list[Section]:
    catalog = workspace.catalog
    level = workspace.unit.level
    values = workspace.period_values(period.id)
    sections: list[Section] = []
    met = Counter(assessment(r) for r in results)
    milestone = milestone_for(period)
    sections.append(Section(
        key="indicators",
        title=_("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"),
        level=1,
        blocks=(Paragraph(_(
            "Đơn vị được giao theo dõi {total} chỉ tiêu của Kế hoạch. So với mục tiêu năm "
            "{milestone}: {met} chỉ tiêu đạt, {unmet} chỉ tiêu chưa đạt, {missing} chỉ tiêu "
            "chưa có đủ số liệu để đánh giá (chi tiết tại Phụ lục I)."
        ).format(total=len(results), milestone=milestone, met=met[_("Đạt")], unmet=met[_("Chưa đạt")],
                 missing=met[_("Chưa có số liệu")])),),
    ))
    by_objective: dict[int, list[IndicatorResult]] = {}
    for result in results:
        by_objective.setdefault(result.indicator.objective, []).append(result)
    for number, group in sorted(by_objective.items()):
        objective = catalog.objective(number)
        sections.append(Section(
            key="objective:{}".format(number),
            title=_("Mục tiêu {number}: {name}").format(number=number, name=objective.name),
            level=2,
        ))
        for result in group:
            sections.append(_indicator_section(catalog, level, values, result))
    return sections


def _indicator_section(catalog, level: str, values, result: IndicatorResult) -> Section:
    indicator = result.indicator
    milestone = result.milestone
    value = value_cell(indicator, result.value)
    unit_note = "" if _is_percent(indicator) or indicator.is_bool else " ({})".format(indicator.unit)
    t2025, t2030 = target_cell(indicator, indicator.target(2025)), target_cell(indicator, indicator.target(2030))
    if result.value is None:
        sentence = _("Chưa có đủ số liệu để tính chỉ tiêu trong kỳ báo cáo.")
    else:
        sentence = _("Kết quả kỳ báo cáo: {value}{unit} (mục tiêu năm 2025: {t2025}; năm 2030: {t2030}). "
                     "So với mục tiêu năm {milestone}: {verdict}.").format(
            value=value.text, unit=unit_note, t2025=t2025.text or "-", t2030=t2030.text or "-",
            milestone=milestone, verdict=assessment(result).lower())
    result_table = Table(
        key="indicator:{}".format(indicator.code),
        columns=(
            Column(_("Kết quả kỳ báo cáo") + unit_note, value.kind, 1.4),
            Column(_("Mục tiêu năm 2025"), t2025.kind),
            Column(_("Mục tiêu năm 2030"), t2030.kind),
            Column(_("Tỷ lệ đạt so với mục tiêu năm {year}").format(year=milestone), "percent"),
            Column(_("Đánh giá"), "text"),
        ),
        rows=((value, t2025, t2030, Cell(reached(indicator, result), "percent"), Cell(assessment(result))),),
    )
    rows = []
    missing = False
    for element in catalog.elements_of_indicator(indicator.code):
        if level not in element.levels:
            continue
        if element.disaggregated:
            male, female = values.get((element.code, "nam")), values.get((element.code, "nu"))
            total = effective_total(values, element)
            cells = (_element_cell(element, male), _element_cell(element, female), _element_cell(element, total))
        else:
            total = values.get((element.code, ""))
            cells = (Cell(None, "count"), Cell(None, "count"), _element_cell(element, total))
        missing = missing or total is None
        rows.append((Cell(element.name), Cell(element.unit_of_count)) + cells)
    blocks: list = [Paragraph(sentence), result_table]
    if rows:
        blocks.append(Table(
            key="elements:{}".format(indicator.code),
            columns=(Column(_("Số liệu"), "text", 3), Column(_("Đơn vị tính"), "text", 1.1),
                     Column(_("Nam"), "count", 0.8), Column(_("Nữ"), "count", 0.8),
                     Column(_("Tổng số"), "count", 0.9)),
            rows=tuple(rows),
            note=_("Ô để trống: chưa có số liệu hoặc không tách theo giới tính.") if missing else "",
        ))
    return Section(
        key="indicator:{}".format(indicator.code),
        title=_("Chỉ tiêu {code}: {name}").format(code=indicator.code, name=indicator.name),
        level=3,
        blocks=tuple(blocks),
    )


def _sum(items, attr: str) -> int:
    return sum(getattr(a, attr) or 0 for a in items)


def _activity_row(label: str, items: list[Activity]) -> tuple[Cell, ...]:
    male, female = _sum(items, "participants_male"), _sum(items, "participants_female")
    return (Cell(label), Cell(len(items), "count"), Cell(male, "count"), Cell(female, "count"),
            Cell(male + female, "count"), Cell(_sum(items, "cost"), "count"))


def _activity_columns(first: str) -> tuple[Column, ...]:
    return (
        Column(first, "text", 2.4),
        Column(_("Số hoạt động"), "count", 0.9),
        Column(_("Người tham gia: nam"), "count"),
        Column(_("Người tham gia: nữ"), "count"),
        Column(_("Tổng số người tham gia"), "count"),
        Column(_("Kinh phí (đồng)"), "count", 1.3),
    )


def _by_type(workspace, key: str, items: list[Activity], note: str = "") -> Table:
    rows = []
    for kind in workspace.catalog.activity_types:
        chosen = [a for a in items if a.type == kind.code]
        if chosen:
            rows.append(_activity_row(kind.name, chosen))
    rows.append(_activity_row(_("Tổng cộng"), items))
    return Table(key=key, columns=_activity_columns(_("Loại hoạt động")), rows=tuple(rows), total_rows=1,
                 note=note)


def _activity_sections(workspace, period: Period) -> list[Section]:
    catalog = workspace.catalog
    items = workspace.activities(ActivityFilter(date_from=period.start, date_to=period.end))
    male, female = _sum(items, "participants_male"), _sum(items, "participants_female")
    intro = _(
        "Trong kỳ báo cáo ({window}), đơn vị tổ chức {count} hoạt động với {people} lượt người "
        "tham gia ({male} nam, {female} nữ); tổng kinh phí {cost} đồng."
    ).format(window=period.range_label, count=format_number(len(items)), people=format_number(male + female),
             male=format_number(male), female=format_number(female), cost=format_number(_sum(items, "cost")))
    sections = [Section(key="activities", title=_("KẾT QUẢ THỰC HIỆN CÁC HOẠT ĐỘNG"), level=1,
                        blocks=(Paragraph(intro),))]

    rows = []
    for objective in catalog.objectives:
        chosen = [a for a in items if objective.number in a.objectives]
        rows.append(_activity_row(_("Mục tiêu {number}: {name}").format(
            number=objective.number, name=objective.name), chosen))
    rows.append(_activity_row(_("Tổng cộng (mỗi hoạt động tính một lần)"), items))
    sections.append(Section(key="activities:objective", title=_("Theo mục tiêu của Kế hoạch"), level=2, blocks=(
        Table(key="activities:objective", columns=_activity_columns(_("Mục tiêu")), rows=tuple(rows),
              total_rows=1, note=_("Một hoạt động phục vụ nhiều mục tiêu được tính ở mỗi mục tiêu đó.")),
    )))
    sections.append(Section(key="activities:type", title=_("Theo loại hoạt động"), level=2, blocks=(
        _by_type(workspace, "activities:type", items),)))

    label = _(periods_mod.ACTION_MONTH_LABEL)
    windows = [periods_mod.action_month_window(y) for y in range(period.start.year, period.end.year + 1)]
    overlaps = [(s, e) for s, e in windows if s <= period.end and e >= period.start]
    in_month = [a for a in items if in_action_month(a)]
    if overlaps:
        start, end = overlaps[-1]
        title = _("Trong đó: {label} (từ {start} đến {end})").format(
            label=label, start=format_date(start), end=format_date(end))
        blocks = (_by_type(workspace, "activities:action_month", in_month),) if in_month else (
            Paragraph(_("Không có hoạt động nào được ghi trong Tháng hành động thuộc kỳ báo cáo.")),)
    else:
        title = _("Trong đó: {label}").format(label=label)
        blocks = (Paragraph(_("Kỳ báo cáo không bao gồm Tháng hành động (15/11 - 15/12 hằng năm)."),),)
    sections.append(Section(key="activities:action_month", title=title, level=2, blocks=blocks))
    return sections


def _spending_section(workspace, period: Period) -> Section:
    items = workspace.activities(ActivityFilter(date_from=period.start, date_to=period.end))
    total = _sum(items, "cost")
    rows = []
    for source in workspace.catalog.fund_sources:
        chosen = [a for a in items if a.fund_source == source.code]
        cost = _sum(chosen, "cost")
        rows.append((Cell(source.name), Cell(len(chosen), "count"),
                     Cell(cost / total if total else None, "percent"), Cell(cost, "count")))
    unfunded = [a for a in items if not a.fund_source]
    if unfunded:
        rows.append((Cell(_("Không sử dụng kinh phí")), Cell(len(unfunded), "count"),
                     Cell(0.0 if total else None, "percent"), Cell(0, "count")))
    rows.append((Cell(_("Tổng cộng")), Cell(len(items), "count"),
                 Cell(1.0 if total else None, "percent"), Cell(total, "count")))
    return Section(key="spending", title=_("KINH PHÍ THỰC HIỆN"), level=1, blocks=(
        Paragraph(_("Tổng kinh phí thực hiện các hoạt động trong kỳ: {cost} đồng, chia theo nguồn:").format(
            cost=format_number(total))),
        Table(key="spending:fund", columns=(
            Column(_("Nguồn kinh phí"), "text", 2.4), Column(_("Số hoạt động"), "count"),
            Column(_("Tỷ lệ"), "percent"), Column(_("Kinh phí (đồng)"), "count", 1.3)),
            rows=tuple(rows), total_rows=1),
    ))


def _received_date(received_at: str | None) -> str:
    if not received_at:
        return ""
    try:
        return format_date(datetime.fromisoformat(received_at))
    except ValueError:
        return received_at


def _children_section(workspace, period: Period) -> Section | None:
    """At a parent: which children sent their report for the period, and when."""
    if workspace.unit.level == "commune":
        return None
    from qnapp import consolidation  # lazy: only a parent needs it

    children = consolidation.children_of(workspace)
    if not children:
        return None
    board = consolidation.completeness(workspace, [period.id])
    names = {u.key: u.full_name for u in children}
    rows = []
    states: Counter = Counter()
    missing_names = []
    for line in board:
        for child in line:
            states[child.state] += 1
            if child.state == "missing":
                missing_names.append(names.get(child.unit, child.unit))
            rows.append((
                Cell(names.get(child.unit, child.unit)),
                Cell(STATE_NAMES.get(child.state, child.state)),
                Cell(child.revision, "count"),
                Cell(_received_date(child.received_at)),
            ))
    received = len(rows) - states["missing"]
    text = _(
        "Đã nhận báo cáo của {received}/{total} đơn vị (đúng hạn: {on_time}; muộn hạn: {late}; "
        "đã gửi bổ sung, sửa đổi: {corrected}); chưa gửi: {missing}."
    ).format(received=received, total=len(rows), on_time=states["on_time"], late=states["late"],
             corrected=states["corrected"], missing=states["missing"])
    blocks: list = [Paragraph(text)]
    if missing_names:
        blocks.append(Paragraph(_("Đơn vị chưa gửi báo cáo: {names}.").format(names=", ".join(missing_names))))
    blocks.append(Table(
        key="children",
        columns=(Column(_("Đơn vị"), "text", 2.2), Column(_("Tình trạng"), "text", 1.6),
                 Column(_("Lần gửi"), "count", 0.7), Column(_("Ngày nhận"), "text")),
        rows=tuple(rows),
    ))
    return Section(key="children", title=_("TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ CẤP DƯỚI"), level=1,
                   blocks=tuple(blocks))


# -- appendices -----------------------------------------------------------------------


def _summary_appendix(period: Period, results: list[IndicatorResult], reference: str) -> Appendix:
    rows = []
    for result in results:
        ind = result.indicator
        rows.append((
            Cell(ind.code), Cell(ind.name), Cell(ind.unit), value_cell(ind, result.value),
            target_cell(ind, ind.target(2025)), target_cell(ind, ind.target(2030)),
            Cell(reached(ind, result), "percent"), Cell(assessment(result)),
        ))
    milestone = milestone_for(period)
    table = Table(
        key="appendix:summary",
        columns=(
            Column(_("Mã"), "text", 0.5), Column(_("Chỉ tiêu"), "text", 4), Column(_("Đơn vị tính"), "text", 1),
            Column(_("Kết quả kỳ báo cáo"), "number"), Column(_("Mục tiêu năm 2025"), "number"),
            Column(_("Mục tiêu năm 2030"), "number"),
            Column(_("Tỷ lệ đạt so với mục tiêu năm {year}").format(year=milestone), "percent"),
            Column(_("Đánh giá"), "text"),
        ),
        rows=tuple(rows),
        note=_("Tỷ lệ đạt chỉ tính cho chỉ tiêu càng cao càng tốt; chỉ tiêu có mức trần (≤, <) "
               "được đánh giá ở cột «Đánh giá»."),
    )
    return Appendix(
        key="summary", label=_("Phụ lục I"),
        title=_("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU {period}").format(period=period.label.upper()),
        reference=reference, table=table, sheet_name=_("Phụ lục I - Chỉ tiêu"),
    )


def _progress_appendix(workspace, period: Period, reference: str) -> Appendix:
    rows = []
    seen = set()
    for row in progress_table(workspace, up_to=period.id):
        ind = row.indicator
        first = ind.code not in seen
        seen.add(ind.code)
        rows.append((
            Cell(ind.code), Cell(ind.name if first else ""), Cell(row.period.label),
            value_cell(ind, row.value), target_cell(ind, row.target_2025), target_cell(ind, row.target_2030),
            Cell(verdict(row.met)),
        ))
    table = Table(
        key="appendix:progress",
        columns=(
            Column(_("Mã"), "text", 0.5), Column(_("Chỉ tiêu"), "text", 3.2), Column(_("Kỳ báo cáo"), "text", 1.3),
            Column(_("Kết quả"), "number"), Column(_("Mục tiêu năm 2025"), "number"),
            Column(_("Mục tiêu năm 2030"), "number"), Column(_("Đánh giá"), "text"),
        ),
        rows=tuple(rows),
        note=_("Đánh giá so với mục tiêu năm 2025 cho các kỳ đến hết năm 2025, mục tiêu năm 2030 cho các kỳ sau."),
    )
    return Appendix(
        key="progress", label=_("Phụ lục II"),
        title=_("TIẾN ĐỘ THỰC HIỆN CÁC CHỈ TIÊU QUA CÁC KỲ BÁO CÁO (PHỤC VỤ SƠ KẾT, TỔNG KẾT)"),
        reference=reference, table=table, sheet_name=_("Phụ lục II - Tiến độ"),
    )


# -- the report -----------------------------------------------------------------------


@official_vietnamese()
def build_report(
    workspace,
    period_id: str,
    *,
    number: int | str | None = None,
    place: str | None = None,
    today: date | None = None,
    signer: Signer | str | None = None,
) -> Report:
    """The report of the workspace's unit for ``period_id``, dated ``today`` (Vietnam's
    date by default)."""
    period = parse_period(period_id)
    unit = workspace.unit
    issued = today or datetime.now(VN_TZ).date()
    doc_number = format_doc_number(number)
    place = clean_text(place) if place and clean_text(place) else _place(workspace, unit)
    who = _signer(workspace, signer)
    period_words = _lower_first(period.label)
    unit_words = "{} {}".format(unit.type, unit.name).strip()

    header = Header(
        issuer=(_("ỦY BAN NHÂN DÂN"), unit.full_name.upper()),
        national_name=_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        motto=_("Độc lập - Tự do - Hạnh phúc"),
        number=_("Số: {number}/{code}").format(number=doc_number, code=DOC_CODE),
        place_date="{}, {}".format(place, format_nd30_date(issued)),
        doc_type=_("BÁO CÁO"),
        summary=_("Kết quả thực hiện {plan} về bình đẳng giới và phòng ngừa, ứng phó với bạo lực "
                  "trên cơ sở giới {period}").format(plan=_(PLAN_REFERENCE), period=period_words),
        recipients=recipients_for(workspace, issued),
    )
    results = workspace.indicator_results(period.id)
    opening = Section(key="opening", title="", level=0, blocks=(Paragraph(_(
        "Thực hiện {plan} {subject}, Ủy ban nhân dân {unit} báo cáo kết quả thực hiện {period} "
        "(số liệu tính {window}) như sau:"
    ).format(plan=_(PLAN_REFERENCE), subject=_(PLAN_SUBJECT), unit=unit_words, period=period_words,
             window=period.range_label)),))
    sections = [opening]
    sections += _indicator_sections(workspace, period, results)
    sections += _activity_sections(workspace, period)
    sections.append(_spending_section(workspace, period))
    children = _children_section(workspace, period)
    if children is not None:
        sections.append(children)
    sections.append(Section(key="closing", title="", level=0, blocks=(Paragraph(_(
        "Trên đây là báo cáo kết quả thực hiện {plan} {period} của Ủy ban nhân dân {unit}./."
    ).format(plan=_("Kế hoạch số 82/KH-UBND"), period=period_words, unit=unit_words)),)))
    sections = _number_sections(sections)

    reference = _("(Kèm theo Báo cáo số {number}/{code} {date} của Ủy ban nhân dân {unit})").format(
        number=doc_number, code=DOC_CODE, date=format_nd30_date(issued), unit=unit_words)
    appendices = [_summary_appendix(period, results, reference)]
    if period.type == periods_mod.YEAR:
        appendices.append(_progress_appendix(workspace, period, reference))

    return Report(
        unit_key=unit.key,
        period_id=period.id,
        issued=issued,
        header=header,
        sections=tuple(sections),
        recipients_block=(_("Như trên;"), _("Lưu: VT.")),
        signature=Signature(
            authority=_("TM. ỦY BAN NHÂN DÂN"),
            titles=(_("KT. CHỦ TỊCH"), _("PHÓ CHỦ TỊCH")) if who.deputy else (_("CHỦ TỊCH"),),
            name=who.name,
        ),
        appendices=tuple(appendices),
        title=_("Báo cáo {period} - Ủy ban nhân dân {unit}").format(period=period_words, unit=unit_words),
        meta={"unit": unit.full_name, "officer": workspace.officer},
    )


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _number_sections(sections: list[Section]) -> list[Section]:
    """«I. …» for parts, «1. …» for the headings under a part, «1.1. …» under those."""
    out = []
    part = sub = subsub = 0
    for section in sections:
        if section.level == 1:
            part += 1
            sub = subsub = 0
            prefix = "{}. ".format(_ROMAN[part - 1])
        elif section.level == 2:
            sub += 1
            subsub = 0
            prefix = "{}. ".format(sub)
        elif section.level == 3:
            subsub += 1
            prefix = "{}.{}. ".format(sub, subsub)
        else:
            out.append(section)
            continue
        out.append(Section(section.key, prefix + section.title, section.level, section.blocks))
    return out
