"""``data/report.xlsx``: a readable summary of a bundle for people (never parsed on
import). Deterministic: fixed document properties (the bundle's ``created_at``), fixed
zip timestamps and modes, so the same bundle always gives the same bytes.

It holds the unit, the period, the values with Vietnamese element names, and the
activity summaries — the same content as the JSON members, and no person's name (the
signing officer is named only in ``bundle.json``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from qnapp.bundles.layout import ZIP_DATE_TIME, ZIP_FILE_MODE
from qnapp.catalog import Catalog
from qnapp.i18n import _
from qnapp.periods import parse_period
from qnapp.text import format_date
from qnapp.validation import CATEGORY_LABELS
from qnapp.spreadsheet_text import append



class _FixedZip(zipfile.ZipFile):
    """A ZipFile whose members all get the fixed time and mode (openpyxl writes by name)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_FILE_MODE << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet from a temporary file: use its bytes, not its mtime.
        with open(filename, "rb") as fh:
            data = fh.read()
        self.writestr(arcname or filename, data, compress_type, compresslevel)


def build_report_xlsx(
    header: Mapping[str, Any],
    aggregates: Sequence[Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]],
    catalog: Catalog,
) -> bytes:
    from openpyxl import Workbook  # lazy: openpyxl is slow to import
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    period = parse_period(header["period"])
    unit = header["unit"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Số liệu")
    bold = Font(bold=True)
    append(ws, [_("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH 82/KH-UBND")])
    ws["A1"].font = bold
    append(ws, [_("Đơn vị"), unit["name"], "{}:{}".format(unit["tree"], unit["code"])])
    append(ws, [_("Kỳ báo cáo"), period.label, period.range_label])
    append(ws, [_("Lần gửi"), header["revision"]])
    if header.get("reason"):
        append(ws, [_("Lý do gửi lại"), header["reason"]])
    append(ws, [_("Ngày lập"), header["created_at"]])
    append(ws, [_("Mã gói"), header["bundle_id"]])
    append(ws, [])
    append(ws, [_("Mã số liệu"), _("Tên số liệu"), _("Phân tổ"), _("Giá trị")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    names = {e.code: e.name for e in catalog.data_elements}
    for row in aggregates:
        append(ws, [
            row["element"], names.get(row["element"], row["element"]),
            CATEGORY_LABELS.get(row["category"], row["category"]), row["value"],
        ])
    ws.column_dimensions["B"].width = 80

    acts = wb.create_sheet(_("Hoạt động"))
    append(acts, [_("Ngày"), _("Loại"), _("Tên hoạt động"), _("Nam"), _("Nữ"), _("Kinh phí (đồng)"),
                 _("Nguồn kinh phí"), _("Mục tiêu"), _("Tháng hành động")])
    for cell in acts[1]:
        cell.font = bold
    types = {t.code: t.name for t in catalog.activity_types}
    funds = {f.code: f.name for f in catalog.fund_sources}
    for a in activities:
        append(acts, [
            format_date(datetime.strptime(a["date"], "%Y-%m-%d").date()),
            types.get(a["type"], a["type"]), a["title"],
            a["participants"]["nam"], a["participants"]["nu"], a["cost"],
            funds.get(a["fund_source"], a["fund_source"]),
            ", ".join(str(o) for o in a["objectives"]),
            _("có") if a["action_month"] else "",
        ])
    acts.column_dimensions["C"].width = 70

    if "consolidates" in header:  # a parent's bundle: whose reports it sums
        from qnapp.units import get_unit

        kids = wb.create_sheet(_("Đơn vị trực thuộc"))
        append(kids, [_("Đơn vị"), _("Mã"), _("Tình trạng"), _("Lần gửi"), _("Mã băm của gói")])
        for cell in kids[1]:
            cell.font = bold
        rows = [(e["unit"], _("đã tổng hợp"), e["revision"], e["digest"]) for e in header["consolidates"]]
        rows += [(key, _("chưa gửi báo cáo"), None, None) for key in header["missing"]]
        for key, state, revision, digest in sorted(rows):
            append(kids, [get_unit(key).full_name, key, state, revision, digest])
        kids.column_dimensions["A"].width = 30
        kids.column_dimensions["E"].width = 70

    created = datetime.fromisoformat(header["created_at"]).astimezone(timezone.utc).replace(tzinfo=None)
    props = wb.properties
    props.creator = "qnapp"
    props.lastModifiedBy = None
    props.title = _("Báo cáo Kế hoạch 82/KH-UBND – {unit} – {period}").format(
        unit=unit["name"], period=period.label)
    props.created = created
    props.modified = created
    out = io.BytesIO()
    with _FixedZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return out.getvalue()
