"""``qnapp values template PERIOD -o FILE.xlsx``: the Excel entry template.

Registered by ``qnapp.cli`` (one line at its end) into its ``values`` group, next to
``values import`` (which reads the filled template back) and ``values export``.
Exit codes as everywhere: 0 written, 1 refused (e.g. a period without figures to enter
at this unit), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path

import click

from qnapp.i18n import N_, _


def _check_xlsx(ctx, param, value: Path) -> Path:
    if value.suffix.casefold() != ".xlsx":
        raise click.BadParameter(_("tên tệp phải có đuôi .xlsx"), ctx=ctx, param=param)
    return value


@click.command("template", help=N_("Tạo biểu Excel (.xlsx) để nhập số liệu một kỳ; điền xong nhập lại bằng "
                                  "«values import TỆP.xlsx»."))
@click.argument("period")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              callback=_check_xlsx, help=N_("Tệp .xlsx sẽ ghi."))
@click.pass_context
def template_cmd(ctx, period, output):
    from qnapp.cli import _workspace  # lazy: qnapp.cli imports this module
    from qnapp.xlsx_template import write_template

    with _workspace(ctx) as ws:
        info = write_template(ws, period, output)
    click.echo(_("Đã tạo biểu {path}: {elements} dòng số liệu, {inputs} ô nhập (đơn vị {unit}, kỳ {period}).").format(
        path=info.path, elements=info.elements, inputs=info.inputs, unit=info.unit_key, period=info.period))


def register(group: click.Group) -> None:
    values = group.commands["values"]
    assert isinstance(values, click.Group)
    values.add_command(template_cmd)
