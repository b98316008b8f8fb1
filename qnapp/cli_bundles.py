"""``qnapp export``, ``qnapp verify``, ``qnapp reopen``: signed report bundles.

Contract (other tools drive it):

- ``export PERIOD -o FILE``: passphrase from ``QNAPP_PASSPHRASE`` (missing → exit 1).
  Exporting locks the period; a locked period is written again byte for byte.
- ``verify FILE... [--json]``: with ``--json``, JSON Lines — one object per file, one per
  line, in argument order: ``{"file", "status": "ok"|"rejected", "reason_code",
  "message"}``; ``reason_code`` is ``"ok"`` for a good bundle, else a stable snake_case
  code (``qnapp.bundles.reasons``); ``message`` is Vietnamese. Keys: the trust registry
  (keys valid today) and this unit's own keys.
- ``reopen PERIOD --reason TEXT``: unlock a sent period for a correction.
- ``import FILE_OR_FOLDER... [--json]``: verify and import children's bundles into the
  ledger (``qnapp.bundles.ledger``; folders are scanned recursively for ``*.zip``). With
  ``--json``, JSON Lines — one object per file, in order: ``{"file", "status":
  "accepted"|"duplicate"|"held"|"rejected", "reason_code", "message", "unit", "period",
  "revision", "declared"}``; ``unit`` / ``period`` / ``revision`` name the report (null
  when unknown), ``declared`` is true when they come from a refused file's unverified
  header (the message then says so, with the file name). Exit 0 when every
  file is accepted or a duplicate, 1 when any is rejected or held, 2 usage.
- ``status PERIOD [--json]``: the completeness board and the figures of one period.
  ``--json`` prints one object: ``{"period", "children": [{"unit", "state", "revision",
  "digest"}], "values": [{"element", "category", "value"}]}`` (``qnapp.consolidation.status``).

Exit codes: 0 every file ok / done, 1 any file rejected or the command refused, 2 usage.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from qnapp.i18n import N_, _
from qnapp.text import VN_TZ

EXIT_REJECTED = 1


@contextmanager
def _workspace(ctx: click.Context, *, initialised: bool = True, writes: bool = False):
    from qnapp.cli import _workspace as cli_workspace  # lazy: qnapp.cli imports this module

    with cli_workspace(ctx, initialised=initialised, writes=writes) as ws:
        yield ws


def _today() -> date:
    return datetime.now(VN_TZ).date()


@click.command("export", help=N_("Xuất báo cáo của một kỳ thành gói có chữ ký để gửi đơn vị cấp trên (mật khẩu khóa lấy từ QNAPP_PASSPHRASE). Kỳ đã xuất sẽ bị khóa."))
@click.argument("period")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=N_("Tệp gói báo cáo (.zip) cần ghi."))
@click.pass_context
def export_cmd(ctx, period, output):
    from qnapp import keys
    from qnapp.bundles.writer import export_bundle
    from qnapp.minisign import format_fingerprint

    passphrase = keys.passphrase_from_env()
    if passphrase is None:
        click.echo(
            _("Chưa có mật khẩu khóa ký: hãy đặt biến môi trường {env}, ví dụ {env}=… qnapp export {period} -o baocao.zip").format(
                env=keys.PASSPHRASE_ENV, period=period),
            err=True,
        )
        ctx.exit(EXIT_REJECTED)
    with _workspace(ctx, writes=True) as ws:
        result = export_bundle(ws, period, passphrase, output)
    if result.reused:
        click.echo(_("Kỳ {period} đã gửi (lần {revision}) và đang khóa: đã ghi lại đúng gói đó vào {path}.").format(
            period=period, revision=result.revision, path=result.path))
    else:
        click.echo(_("Đã xuất báo cáo kỳ {period} (lần {revision}) vào {path}. Kỳ này đã được khóa.").format(
            period=period, revision=result.revision, path=result.path))
    click.echo(_("Mã băm của gói: {digest}").format(digest=format_fingerprint(result.digest)))


@click.command("reopen", help=N_("Mở lại một kỳ đã gửi báo cáo để sửa; lần gửi sau là bản sửa thay thế bản trước."))
@click.argument("period")
@click.option("--reason", required=True, help=N_("Lý do mở lại (được gửi kèm báo cáo sửa)."))
@click.pass_context
def reopen_cmd(ctx, period, reason):
    from qnapp.bundles.writer import reopen_period

    with _workspace(ctx, writes=True) as ws:
        revision = reopen_period(ws, period, reason)
    click.echo(_("Đã mở lại kỳ {period}. Sửa xong, hãy xuất lại: lần gửi {revision}.").format(
        period=period, revision=revision))


def key_lookup_for(store, today: date):
    """The verifier's key lookup over this database: trusted keys of child units (valid
    on ``today``; a revoked one is refused with ``key_revoked``) and the unit's own keys."""
    from qnapp import keys
    from qnapp.bundles.reasons import BundleRejected

    own = {k.public_key.key_id: k for k in keys.list_own_keys(store)}

    def lookup(key_id: bytes):
        trusted = keys.trusted_key_by_key_id(store, key_id)
        if trusted is not None:
            if not trusted.valid_on(today):
                raise BundleRejected("key_revoked", trusted.public_key.fingerprint_groups)
            return trusted
        return own.get(key_id)

    return lookup


def read_bundle_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing one larger than ``max_bytes`` without reading it all."""
    from qnapp.bundles.reasons import BundleRejected

    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise BundleRejected("file_unreadable", err.strerror or str(err)) from None
    if len(data) > max_bytes:
        raise BundleRejected("zip_too_large")
    return data


@click.command("verify", help=N_("Kiểm tra các gói báo cáo (chữ ký, toàn vẹn, định dạng) mà không nhập vào cơ sở dữ liệu."))
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help=N_("In mỗi tệp một dòng JSON: file, status, reason_code, message."))
@click.pass_context
def verify_cmd(ctx, files, as_json):
    from qnapp.bundles.layout import DEFAULT_LIMITS
    from qnapp.bundles.reasons import BundleRejected
    from qnapp.bundles.verifier import verify_bundle

    today = _today()
    any_rejected = False
    with _workspace(ctx, initialised=False) as ws:
        lookup = key_lookup_for(ws.store, today)
        for path in files:
            try:
                data = read_bundle_file(path, DEFAULT_LIMITS.max_zip_bytes)
                bundle = verify_bundle(data, lookup, today=today)
            except BundleRejected as err:
                any_rejected = True
                row = {"file": str(path), "status": "rejected", "reason_code": err.reason_code,
                       "message": str(err)}
            else:
                row = {"file": str(path), "status": "ok", "reason_code": "ok",
                       "message": _("Gói hợp lệ: {unit}, kỳ {period}, lần gửi {revision}, mã băm {digest}.").format(
                           unit=bundle.header["unit"]["name"], period=bundle.period,
                           revision=bundle.revision, digest=bundle.digest)}
            if as_json:
                click.echo(json.dumps(row, ensure_ascii=False))
            elif row["status"] == "ok":
                click.echo(_("HỢP LỆ   {file}: {message}").format(**row))
            else:
                click.echo(_("KHÔNG NHẬN {file}: [{reason_code}] {message}").format(**row))
    if any_rejected:
        ctx.exit(EXIT_REJECTED)


IMPORT_LABELS = {
    "accepted": N_("ĐÃ NHẬN"),
    "duplicate": N_("ĐÃ CÓ"),
    "held": N_("CHỜ XEM XÉT"),
    "rejected": N_("KHÔNG NHẬN"),
}


@click.command("import", help=N_("Nhận báo cáo của các đơn vị trực thuộc: kiểm tra từng gói (chữ ký, toàn vẹn) rồi ghi vào sổ nhận. Có thể chỉ định cả thư mục (ví dụ ổ USB): mọi tệp .zip trong đó đều được nhận."))
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help=N_("In mỗi tệp một dòng JSON: file, status, reason_code, message."))
@click.pass_context
def import_cmd(ctx, files, as_json):
    from qnapp.bundles.ledger import import_files

    def show(_done, _total, outcome):
        if as_json:
            click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        else:
            label = _(IMPORT_LABELS[outcome.status])
            code = "" if outcome.status == "accepted" else f"[{outcome.reason_code}] "
            click.echo(f"{label} {outcome.file}: {code}{outcome.message}")
        return True

    with _workspace(ctx, writes=True) as ws:
        outcomes = import_files(ws, files, today=_today(), progress=show)
    if not outcomes:
        click.echo(_("Không tìm thấy tệp .zip nào để nhận."), err=True)
    if any(o.status in ("rejected", "held") for o in outcomes):
        ctx.exit(EXIT_REJECTED)


STATE_LABELS = {
    "on_time": N_("Đúng hạn"),
    "late": N_("Muộn"),
    "corrected": N_("Đã gửi bản sửa"),
    "missing": N_("Chưa gửi"),
}


def _period_arg(ctx, param, value):
    from qnapp.periods import is_period_id, parse_period

    if not is_period_id(value):
        raise click.BadParameter(_("Mã kỳ không hợp lệ: {period} (ví dụ 2025, 2025S1, 2025Q2, 202503).").format(
            period=value))
    return parse_period(value).id


@click.command("status", help=N_("Tình hình nhận báo cáo của các đơn vị trực thuộc và số liệu tổng hợp của một kỳ."))
@click.argument("period", callback=_period_arg)
@click.option("--json", "as_json", is_flag=True,
              help=N_("In dạng JSON: period, children (unit, state, revision, digest), values (element, category, value)."))
@click.pass_context
def status_cmd(ctx, period, as_json):
    from qnapp.consolidation import status
    from qnapp.text import format_number
    from qnapp.units import get_unit
    from qnapp.validation import CATEGORY_LABELS

    with _workspace(ctx) as ws:
        result = status(ws, period)
        unit = ws.unit
        catalog = ws.catalog
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    children = result["children"]
    sent = sum(1 for c in children if c["state"] != "missing")
    click.echo(_("Kỳ {period} — {unit}").format(period=result["period"], unit=unit.full_name))
    if children:
        click.echo(_("Đơn vị trực thuộc đã gửi báo cáo: {sent}/{total}").format(sent=sent, total=len(children)))
        for child in children:
            name = get_unit(child["unit"]).full_name
            state = _(STATE_LABELS[child["state"]])
            detail = ""
            if child["revision"] is not None:
                detail = _("lần gửi {revision}, mã băm {digest}").format(
                    revision=child["revision"], digest=child["digest"][:16])
            click.echo(f"  {name:<28} {child['unit']:<12} {state:<16} {detail}".rstrip())
    click.echo(_("Số liệu:"))
    if not result["values"]:
        click.echo("  " + _("(chưa có số liệu)"))
    for row in result["values"]:
        element = catalog.element(row["element"])
        label = CATEGORY_LABELS[row["category"]]
        click.echo(f"  {element.name} ({row['element']}) — {label}: {format_number(row['value'])}")


def register(group: click.Group) -> None:
    group.add_command(export_cmd)
    group.add_command(verify_cmd)
    group.add_command(reopen_cmd)
    group.add_command(import_cmd)
    group.add_command(status_cmd)
