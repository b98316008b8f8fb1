"""``qnapp report PERIOD -o FILE.xlsx|FILE.pdf``: the unit's official report (NĐ 30/2020).

The format comes from the file's extension. PDF is drawn by the Qt renderer plugin
(entry point ``qnapp.renderers: pdf``), found at run time: the core imports no Qt.

Exit codes: 0 written; 1 refused (bad period, number, date or extension, renderer
missing — a Vietnamese message on stderr); 2 usage error.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from qnapp.i18n import N_, _


@contextmanager
def _workspace(ctx: click.Context):
    from qnapp.cli import _workspace as cli_workspace  # lazy: qnapp.cli imports this module

    with cli_workspace(ctx) as ws:
        yield ws


@click.command("report", help=N_(
    "Xuất báo cáo kết quả thực hiện Kế hoạch 82/KH-UBND của đơn vị cho một kỳ, theo thể thức "
    "Nghị định 30/2020/NĐ-CP: tệp .xlsx (Excel) hoặc .pdf (để in, ký, đóng dấu)."))
@click.argument("period")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Tệp báo cáo: …xlsx hoặc …pdf."))
@click.option("--number", default=None, help=N_("Số văn bản (ví dụ 5 → «Số: 05/BC-UBND»); bỏ trống để viết tay."))
@click.option("--signer", default=None, help=N_("Họ tên người ký (mặc định: cài đặt report.signer, hoặc để trống)."))
@click.option("--deputy", is_flag=True, default=False,
              help=N_("Phó Chủ tịch ký thay: «KT. CHỦ TỊCH / PHÓ CHỦ TỊCH»."))
@click.option("--date", "issued", default=None, help=N_("Ngày ký báo cáo, dạng 08/06/2025 (mặc định: hôm nay)."))
@click.option("--place", default=None, help=N_("Địa danh ở dòng ngày tháng (mặc định: tên đơn vị)."))
@click.pass_context
def report_cmd(ctx, period, output, number, signer, deputy, issued, place):
    from qnapp.periods import parse_period
    from qnapp.reports.builder import Signer, build_report, format_doc_number
    from qnapp.reports.render import report_format, write_report
    from qnapp.text import parse_date

    # Refuse bad input before opening anything.
    parse_period(period)
    report_format(output)
    format_doc_number(number)
    day = parse_date(issued) if issued is not None else None
    who = None
    if signer is not None or deputy:
        who = Signer(signer or "", deputy)
    with _workspace(ctx) as ws:
        report = build_report(ws, period, number=number, place=place, today=day, signer=who)
        unit = ws.unit.full_name
    write_report(report, output)
    click.echo(_("Đã xuất báo cáo {period} của {unit}: {path}").format(
        period=parse_period(period).label, unit=unit, path=output))


def register(group: click.Group) -> None:
    group.add_command(report_cmd)
