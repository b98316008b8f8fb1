"""``qnapp export-dhis2 PERIOD --format json|adx -o FILE``: the unit's own (or, at a
parent, consolidated) figures for DHIS2, through the mapping in ``resources/dhis2/``.

Contract: ``--mapping FILE`` (or the environment variable ``QNAPP_DHIS2_MAPPING``)
replaces the shipped mapping; ``--complete`` adds today's date as ``completeDate``.
Skipped elements and placeholder identifiers are listed on stderr, one per line, after
«Cảnh báo:». An export with no values is valid (a notice says so). The file is written
beside the target and then moved over it. Exit codes: 0 written, 1 refused (a broken
mapping, a unit missing from it), 2 usage error (an unknown period, a missing option).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from qnapp.files import write_atomic
from qnapp.i18n import N_, _
from qnapp.text import VN_TZ


class PeriodType(click.ParamType):
    """A period id (2025, 2025S1, 2025Q1, 202501); anything else is a usage error."""

    name = "period"

    def convert(self, value, param, ctx):
        from qnapp.errors import ValidationError
        from qnapp.periods import parse_period

        try:
            return parse_period(value).id
        except ValidationError as err:
            self.fail(str(err), param, ctx)


@click.command("export-dhis2", help=N_(
    "Xuất số liệu của một kỳ cho DHIS2: tệp dataValueSets (JSON) hoặc ADX (XML), "
    "theo tệp ánh xạ mã DHIS2 (resources/dhis2/mapping.json hoặc --mapping)."))
@click.argument("period", type=PeriodType())
@click.option("--format", "fmt", type=click.Choice(["json", "adx"]), default="json", show_default=True,
              help=N_("json: dataValueSets của DHIS2; adx: ADX (urn:ihe:qrph:adx:2015)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=N_("Tệp cần ghi."))
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, envvar="QNAPP_DHIS2_MAPPING",
              help=N_("Tệp ánh xạ DHIS2 thay cho tệp có sẵn (hoặc biến môi trường QNAPP_DHIS2_MAPPING)."))
@click.option("--complete", is_flag=True, help=N_("Ghi ngày hôm nay làm ngày hoàn thành (completeDate)."))
@click.pass_context
def export_dhis2(ctx, period, fmt, output, mapping_path, complete):
    from qnapp import dhis2
    from qnapp.cli import _workspace  # lazy: qnapp.cli imports this module at its end

    mapping = dhis2.load_mapping(mapping_path)
    now = datetime.now(VN_TZ)
    complete_date = now.date() if complete else None
    with _workspace(ctx) as ws:
        export = dhis2.prepare_export(ws, period, mapping)
        unit = ws.unit.full_name
    if fmt == "json":
        data = json.dumps(dhis2.export_json(export, complete_date=complete_date),
                          ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    else:
        data = dhis2.export_adx(export, exported=now, complete_date=complete_date)
    write_atomic(output, data)

    click.echo(_("Đã ghi {count} giá trị của {unit}, kỳ {period} (DHIS2: {dhis2_period}, orgUnit {org_unit}) vào {path}.").format(
        count=len(export.values), unit=unit, period=period,
        dhis2_period=export.adx_period if fmt == "adx" else export.dhis2_period,
        org_unit=export.org_unit, path=output))
    if not export.values:
        click.echo(_("Lưu ý: kỳ {period} chưa có số liệu nào để gửi; tệp vẫn hợp lệ nhưng không có giá trị.").format(
            period=period))
    if fmt == "adx" and export.org_unit_id_scheme == "CODE":
        click.echo(_("Lưu ý: orgUnit ghi theo mã (code); khi nạp ADX vào DHIS2 hãy thêm tham số "
                     "orgUnitIdScheme=CODE."))
    for line in export.warnings:
        click.echo(_("Cảnh báo: {message}").format(message=line), err=True)


def register(main: click.Group) -> None:
    main.add_command(export_dhis2)
