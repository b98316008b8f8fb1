"""The ``qnapp`` command line. Other tools drive it: names, flags, JSON keys and exit
codes are a contract (0 success, 1 data rejected or refused, 2 usage error)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from qnapp import __version__, backup, backup_health, cli_i18n
from qnapp.catalog import catalog_as_json, load_catalog
from qnapp.errors import DataRejected, QnappError
from qnapp.files import replacing
from qnapp.i18n import N_, _
from qnapp.paths import default_db_path, demo_db_path
from qnapp.periods import PERIOD_TYPES, due_date, periods_in_year
from qnapp.text import format_date
from qnapp.units import load_tree
from qnapp.workspace import Workspace

EXIT_REJECTED = 1
DB_CHOSEN = "qnapp.db_chosen"


class QnappGroup(click.Group):
    """Speaks the saved interface language (click's own messages too) and turns the
    core's errors into a message and exit code 1."""

    def main(self, *args, **kwargs):
        with cli_i18n.interface_language(self):
            return super().main(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DataRejected as err:
            click.echo(str(err), err=True)
            for line, reason in err.problems:
                prefix = _("Dòng {line}: ").format(line=line) if line else ""
                click.echo(f"  {prefix}{reason}", err=True)
            _echo_reopen_hint(err)
            ctx.exit(EXIT_REJECTED)
        except QnappError as err:
            click.echo(str(err), err=True)
            _echo_reopen_hint(err)
            ctx.exit(EXIT_REJECTED)


def _echo_reopen_hint(err: QnappError) -> None:
    """The core's messages name no command (the GUI has its buttons); here the command
    that gets the officer out: reopening a sent period, creating the signing key."""
    locked_period = getattr(err, "locked_period", None)
    if locked_period:
        click.echo(_("Mở lại kỳ bằng lệnh: qnapp reopen {period} --reason \"LÝ DO\"").format(
            period=locked_period), err=True)
    if getattr(err, "reason_code", None) == "no_own_key":
        click.echo(_("Tạo khóa bằng lệnh: QNAPP_PASSPHRASE=… qnapp keys create"), err=True)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    # Not click.version_option: its texts are fixed (in English) when this module is imported.
    if value and not ctx.resilient_parsing:
        click.echo(_("qnapp, phiên bản {version}").format(version=__version__))
        ctx.exit()


@click.group(cls=QnappGroup, help=N_("qnapp – số liệu Kế hoạch 82/KH-UBND (bình đẳng giới, phòng ngừa bạo lực trên cơ sở giới)."))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Đường dẫn tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu người dùng hoặc QNAPP_HOME)."))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help=N_("In phiên bản rồi thoát."))
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    ctx.obj = db_path or default_db_path()
    ctx.meta[DB_CHOSEN] = db_path is not None  # «demo» writes its own file unless told


@contextmanager
def _workspace(ctx: click.Context, *, initialised: bool = True, writes: bool = False, daily_backup: bool = True):
    workspace = Workspace.open(ctx.obj, daily_backup=daily_backup)
    warned = _warn_backup(workspace.backup_failure, set())
    ok = False
    try:
        if initialised:
            workspace.require_profile()
        yield workspace
        ok = True
    finally:
        # A rotating backup after each successful change; reads leave no trace. A failed
        # backup is a warning: the exit code says what happened to the officer's work.
        _warn_backup(workspace.close(backup_on_close=writes and ok), warned)


def _warn_backup(failure: QnappError | None, warned: set[str]) -> set[str]:
    """Print a failed backup's warning on stderr, once per message."""
    if failure is not None and str(failure) not in warned:
        warned.add(str(failure))
        click.echo(backup_health.warning_text(failure), err=True)
    return warned


@main.command(help=N_("Thiết lập đơn vị và cán bộ cho cơ sở dữ liệu."))
@click.option("--tree", type=click.Choice(["2021", "2025"]), required=True, help=N_("Danh mục đơn vị: 2021 hoặc 2025."))
@click.option("--unit", "unit_code", required=True, help=N_("Mã đơn vị trong danh mục đã chọn."))
@click.option("--officer", required=True, help=N_("Họ tên cán bộ."))
@click.pass_context
def init(ctx, tree, unit_code, officer):
    from qnapp import cli_keys, keys

    passphrase = keys.passphrase_from_env()
    if passphrase is not None:
        keys.check_passphrase(passphrase)  # refuse before anything is written
    with _workspace(ctx, initialised=False, writes=True) as ws:
        profile = ws.initialise(tree, unit_code, officer)
        unit = load_tree(tree).get(profile.unit_code)
        click.echo(_("Đã thiết lập: {unit} ({key}), cán bộ {officer}.").format(
            unit=unit.full_name, key=unit.key, officer=profile.officer))
        if passphrase is None:
            cli_keys.echo_no_key()
        else:
            cli_keys.echo_new_key(
                keys.create_key(ws.store, profile.unit_key, passphrase, who=profile.officer))


@main.command(help=N_("In danh mục mục tiêu, chỉ tiêu và số liệu của Kế hoạch."))
@click.option("--json", "as_json", is_flag=True, help=N_("In dạng JSON."))
def catalog(as_json):
    cat = load_catalog()
    if as_json:
        click.echo(json.dumps(catalog_as_json(cat), ensure_ascii=False, indent=2))
        return
    for objective in cat.objectives:
        click.echo(f"{objective.code}. {objective.name}")
        for indicator in cat.indicators:
            if indicator.objective != objective.number:
                continue
            targets = "; ".join(f"{t.year}: {t.op} {t.value}" for t in indicator.targets)
            click.echo(f"  {indicator.code}  {indicator.name}  [{targets}]")




@main.command(help=N_("Liệt kê các kỳ báo cáo của một năm, với thời gian chốt số liệu và hạn gửi (với một cơ sở "
                      "dữ liệu đã thiết lập: chỉ các kỳ của đơn vị, không kỳ nào sau khi danh mục đơn vị hết "
                      "hiệu lực)."))
@click.option("--year", type=int, default=None, help=N_("Năm (mặc định: năm báo cáo hiện tại)."))
@click.option("--json", "as_json", is_flag=True, help=N_("In dạng JSON."))
@click.pass_context
def periods(ctx, year, as_json):
    from qnapp.periods import period_for

    offered, default_year = _unit_periods(ctx)
    year = year or default_year or period_for(date.today(), "year").year
    rows = []
    for period_type in PERIOD_TYPES:
        for period in periods_in_year(year, period_type):
            if not offered(period):
                continue
            due = due_date(period)
            rows.append({
                "id": period.id, "type": period.type, "label": period.label,
                "start": period.start.isoformat(), "end": period.end.isoformat(),
                "due": due.isoformat() if due else None,
            })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        due = _("trước {date}").format(date=format_date(date.fromisoformat(row["due"]))) if row["due"] else ""
        click.echo(f"{row['id']:<8} {row['label']:<28} {format_date(date.fromisoformat(row['start']))} – "
                   f"{format_date(date.fromisoformat(row['end']))}  {due}")
    if not rows:
        click.echo(_("Đơn vị không có kỳ báo cáo nào trong năm {year}.").format(year=year), err=True)


def _unit_periods(ctx: click.Context):
    """(period filter, default year) of the database's unit; every period and no default
    when there is no initialised database (the command never creates one)."""
    if not Path(ctx.obj).exists():
        return (lambda _period: True), None
    with _workspace(ctx, initialised=False) as ws:
        if not ws.is_initialised:
            return (lambda _period: True), None
        latest = ws.recent_periods("year", 1)
        offered = {p.id for y in {p.year for p in ws.recent_periods("year", 100)}
                   for p in periods_in_year(y) if ws.offers_period(p)}
    return (lambda period: period.id in offered), (latest[0].year if latest else None)


@main.group(help=N_("Nhập / xuất số liệu dạng CSV hoặc biểu Excel (.xlsx)."))
def values():
    pass


@values.command("import", help=N_("Nhập số liệu từ tệp CSV (period,element,category,value, hoặc tiêu đề tiếng Việt) "
                                 "hoặc từ biểu Excel do «values template» tạo (.xlsx). Có lỗi thì không ghi gì."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", default=None, help=N_("Chỉ nhận số liệu của kỳ này (từ chối tệp của kỳ khác)."))
@click.pass_context
def values_import(ctx, file, period):
    from qnapp.xlsx_template import import_values_file

    with _workspace(ctx, writes=True) as ws:
        result = import_values_file(ws, file, expected_period=period)
    click.echo(_("Đã nhập {rows} dòng, ghi {written} ô số liệu.").format(rows=result.rows, written=result.written))


@values.command("export", help=N_("Xuất số liệu của một kỳ ra CSV."))
@click.argument("period")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Tệp ghi ra (mặc định: in ra màn hình)."))
@click.option("--excel", is_flag=True, help=N_("Dạng cho Excel tiếng Việt: UTF-8 có BOM, dấu «;», tiêu đề tiếng Việt, "
                                              "dấu phẩy thập phân."))
@click.pass_context
def values_export(ctx, period, output, excel):
    from qnapp.csvio import export_values

    with _workspace(ctx) as ws, _output(output) as out:
        export_values(ws, period, out, excel=excel)


@main.group(help=N_("Nhập / xuất sổ hoạt động dạng CSV."))
def activities():
    pass


@activities.command("import", help=N_("Nhập hoạt động từ tệp CSV."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def activities_import(ctx, file):
    from qnapp.csvio import import_activities

    with _workspace(ctx, writes=True) as ws:
        result = import_activities(ws, file)
    click.echo(_("Đã nhập {written} hoạt động, bỏ qua {skipped} hoạt động đã có.").format(
        written=result.written, skipped=result.skipped))


@activities.command("export", help=N_("Xuất sổ hoạt động ra CSV. Mặc định là tệp cho máy đọc: giữ nguyên từng chữ để "
                                         "«qnapp activities import» nhận lại, không mở bằng bảng tính. Mở bằng Excel "
                                         "hoặc LibreOffice thì dùng --excel."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Tệp ghi ra (mặc định: in ra màn hình)."))
@click.option("--excel", is_flag=True, help=N_("Dạng cho Excel tiếng Việt: UTF-8 có BOM, dấu «;», tiêu đề tiếng Việt; chữ "
                                              "bắt đầu bằng = + - @ được thêm dấu «'» ở đầu để bảng tính không chạy "
                                              "như công thức (nhập lại thì bỏ dấu đó)."))
@click.pass_context
def activities_export(ctx, output, excel):
    from qnapp.csvio import export_activities

    with _workspace(ctx) as ws, _output(output) as out:
        export_activities(ws, out, excel=excel)


@contextmanager
def _output(path: Path | None):
    if path is None:
        yield sys.stdout
        return
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        yield out


@main.command(help=N_("Tạo dữ liệu mẫu cho một xã trong cơ sở dữ liệu mẫu riêng (demo.sqlite trong thư mục dữ "
                      "liệu; --db để chọn tệp khác), không đụng tới cơ sở dữ liệu thật."))
@click.pass_context
def demo(ctx):
    from qnapp import cli_keys, keys
    from qnapp.demo import DEMO_PASSPHRASE, fill_demo

    if not ctx.meta.get(DB_CHOSEN):
        ctx.obj = demo_db_path()  # the same file as the GUI's «Dùng thử với dữ liệu mẫu»
    passphrase = keys.passphrase_from_env() or DEMO_PASSPHRASE
    with _workspace(ctx, initialised=False, writes=True) as ws:
        if ws.is_initialised and not ctx.meta.get(DB_CHOSEN):
            raise QnappError(_("Dữ liệu mẫu đã có trong {path}; xem bằng --db {path} (xóa tệp đó để tạo lại).").format(
                path=ctx.obj))
        summary = fill_demo(ws, passphrase=passphrase)
        click.echo(_("Đã tạo dữ liệu mẫu cho {unit}: {values} ô số liệu, {activities} hoạt động ({periods}).").format(
            unit=ws.unit.full_name, values=summary.values, activities=summary.activities,
            periods=", ".join(summary.periods)))
        click.echo(_("Cơ sở dữ liệu mẫu: {path} (dùng với --db {path}).").format(path=ctx.obj))
        cli_keys.echo_new_key(keys.own_public_key(ws.store))
        if passphrase == DEMO_PASSPHRASE:
            click.echo(_("Mật khẩu khóa mẫu: {passphrase} (chỉ dùng cho dữ liệu mẫu).").format(
                passphrase=DEMO_PASSPHRASE))


@main.command("backup", help=N_("Sao lưu cơ sở dữ liệu ngay."))
@click.pass_context
def backup_cmd(ctx):
    with _workspace(ctx, initialised=False, daily_backup=False) as ws:  # this one is asked for: it fails loudly
        path = backup.make_backup(ws.store)
    click.echo(_("Đã sao lưu vào {path}").format(path=path))


@main.command(help=N_("Khôi phục cơ sở dữ liệu từ một bản sao lưu (kiểm tra toàn vẹn trước)."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def restore(ctx, file):
    safety = backup.restore_backup(file, ctx.obj)
    if safety is None:  # there was no database before
        click.echo(_("Đã khôi phục từ {file}.").format(file=file))
    else:
        click.echo(_("Đã khôi phục từ {file}. Bản trước khi khôi phục được giữ ở {safety}").format(file=file, safety=safety))


from qnapp.cli_keys import keys as _keys  # noqa: E402 - registered last (it imports this module lazily)

main.add_command(_keys)
from qnapp.cli_bundles import register as _register_bundles; _register_bundles(main)  # noqa: E402, E702
from qnapp.cli_dhis2 import register as _register_dhis2; _register_dhis2(main)  # noqa: E402, E702
from qnapp.cli_exchange import register as _register_exchange; _register_exchange(main)  # noqa: E402, E702
from qnapp.cli_reports import register as _register_reports; _register_reports(main)  # noqa: E402, E702
