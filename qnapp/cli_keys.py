"""``qnapp keys …``: the unit's signing key and the trust registry of its children's keys.

Exit codes as for the rest of the command line: 0 done, 1 refused (QnappError, handled by
``qnapp.cli.QnappGroup``), 2 usage error. ``keys list --json`` prints a list of objects
with ``fingerprint``, ``key_id``, ``public_key``, ``unit``, ``holder``, ``trusted_at``,
``trusted_by``, ``valid_from``, ``revoked_from`` (ISO date or null), ``revoked_reason``.
``keys create`` refuses (exit 1) when the unit has a key, unless ``--replace``; replaced
keys are kept (``keys show --json``: ``retired``, a list of ``fingerprint``, ``key_id``,
``public_key``, ``created_at``, ``retired_at``) so the unit's earlier bundles verify.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from qnapp import keys as keystore
from qnapp.files import write_atomic
from qnapp.i18n import N_, _
from qnapp.text import format_date, parse_date

EXIT_REFUSED = 1
EXIT_USAGE = 2


@contextmanager
def _workspace(ctx: click.Context, *, writes: bool = False):
    # Lazy: qnapp.cli imports this module at its end.
    from qnapp.cli import _workspace as cli_workspace

    with cli_workspace(ctx, writes=writes) as ws:
        yield ws


def _require_passphrase(ctx: click.Context) -> str:
    passphrase = keystore.passphrase_from_env()
    if passphrase is None:
        click.echo(
            _(
                "Chưa đặt mật khẩu khóa: hãy đặt biến môi trường {env}, ví dụ "
                "{env}=… qnapp keys create"
            ).format(env=keystore.PASSPHRASE_ENV),
            err=True,
        )
        ctx.exit(EXIT_USAGE)
    return passphrase


def echo_new_key(public_key) -> None:
    """What ``init``, ``demo`` and ``keys create`` print after creating a key."""
    click.echo(_("Đã tạo khóa ký của đơn vị. Dấu vân tay (đọc cho đơn vị cấp trên qua điện thoại):"))
    click.echo("  " + public_key.fingerprint_groups)
    click.echo(_("Gửi tệp khóa công khai cho đơn vị cấp trên: qnapp keys export -o khoa.pub"))


def echo_no_key() -> None:
    click.echo(
        _(
            "Chưa tạo khóa ký (chưa đặt {env}). Để tạo khóa: {env}=… qnapp keys create"
        ).format(env=keystore.PASSPHRASE_ENV)
    )


@click.group(help=N_("Khóa ký của đơn vị và danh sách khóa tin cậy của các đơn vị trực thuộc."))
def keys():
    pass


@keys.command("create", help=N_("Tạo khóa ký cho đơn vị; mật khẩu lấy từ QNAPP_PASSPHRASE. Đơn vị đã có khóa thì "
                                "chỉ thay khi có --replace (khóa cũ ngừng dùng nhưng vẫn được giữ để kiểm tra "
                                "các gói đã ký)."))
@click.option("--replace", is_flag=True, help=N_("Thay khóa hiện có bằng khóa mới (khi chuyển máy hoặc lộ mật khẩu)."))
@click.pass_context
def keys_create(ctx, replace):
    with _workspace(ctx) as ws:
        had = keystore.own_public_key(ws.store)
    if had is not None and not replace:
        click.echo(_("Đơn vị đã có khóa ký (dấu vân tay {fpr}); không tạo khóa mới. Chỉ thay khóa khi "
                     "chuyển máy hoặc lộ mật khẩu: qnapp keys create --replace.").format(
                         fpr=had.fingerprint_groups), err=True)
        ctx.exit(EXIT_REFUSED)
    passphrase = _require_passphrase(ctx)
    with _workspace(ctx, writes=True) as ws:
        public_key = keystore.create_key(ws.store, ws.require_profile().unit_key, passphrase,
                                         who=ws.officer, replace=replace)
    echo_new_key(public_key)
    if had is not None:
        click.echo(_("Khóa cũ {fpr} đã ngừng dùng; đơn vị cấp trên cần đăng ký khóa mới. Khóa cũ vẫn "
                     "được giữ để kiểm tra các gói báo cáo đã ký bằng nó.").format(fpr=had.fingerprint_groups))


def _retired_keys(store) -> list:
    return [k for k in keystore.list_own_keys(store) if k.status == "retired"]


def _retired_text(key) -> str:
    since = format_date(datetime.fromisoformat(key.retired_at)) if key.retired_at else "?"
    return _("  {fpr} (ngừng dùng từ {date})").format(fpr=key.public_key.fingerprint_groups, date=since)


@keys.command("show", help=N_("Hiện dấu vân tay khóa ký của đơn vị."))
@click.option("--json", "as_json", is_flag=True, help=N_("In dạng JSON."))
@click.pass_context
def keys_show(ctx, as_json):
    with _workspace(ctx) as ws:
        public_key = keystore.own_public_key(ws.store)
        retired = _retired_keys(ws.store)
        unit = ws.unit
    if public_key is None:
        raise keystore.KeysError(
            "no_own_key",
            _("Đơn vị chưa có khóa ký. Hãy tạo khóa ký trước khi gửi báo cáo."),
        )
    if as_json:
        click.echo(json.dumps({
            "unit": unit.key, "fingerprint": public_key.fingerprint,
            "fingerprint_groups": public_key.fingerprint_groups,
            "key_id": public_key.key_id_hex, "public_key": public_key.to_base64(),
            "retired": [{
                "fingerprint": k.fingerprint, "key_id": k.public_key.key_id_hex,
                "public_key": k.public_key.to_base64(), "created_at": k.created_at,
                "retired_at": k.retired_at,
            } for k in retired],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(_("Khóa ký của {unit} ({key}):").format(unit=unit.full_name, key=unit.key))
    click.echo(_("  Dấu vân tay: {fpr}").format(fpr=public_key.fingerprint_groups))
    click.echo(_("  Mã khóa minisign: {key_id}").format(key_id=public_key.key_id_hex))
    _echo_retired(retired)


def _echo_retired(retired) -> None:
    if retired:
        click.echo(_("Khóa cũ của đơn vị (giữ để kiểm tra các gói đã ký bằng nó):"))
        for key in retired:
            click.echo(_retired_text(key))


@keys.command("export", help=N_("Ghi khóa công khai của đơn vị (định dạng minisign) ra tệp."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Tệp ghi ra (mặc định: in ra màn hình)."))
@click.pass_context
def keys_export(ctx, output):
    with _workspace(ctx) as ws:
        text = keystore.export_public_key(ws.store)
        public_key = keystore.own_public_key(ws.store)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text.encode("utf-8"))
    click.echo(_("Đã ghi khóa công khai vào {path}. Dấu vân tay: {fpr}").format(
        path=output, fpr=public_key.fingerprint_groups))


@keys.command("trust", help=N_("Đăng ký khóa công khai của một đơn vị trực thuộc, sau khi đã đối chiếu dấu vân tay qua điện thoại."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fingerprint", required=True, help=N_("Dấu vân tay đơn vị gửi đã đọc qua điện thoại (64 chữ số hệ 16, có thể có dấu cách)."))
@click.option("--unit", "unit_key", default=None, help=N_("Đơn vị của khóa, dạng 2021:06862 (mặc định: theo tệp khóa)."))
@click.pass_context
def keys_trust(ctx, file, fingerprint, unit_key):
    from qnapp.units import get_unit

    text = keystore.read_key_file_text(file)
    with _workspace(ctx, writes=True) as ws:
        trusted = keystore.trust_key(ws.store, text, fingerprint=fingerprint, unit_key=unit_key,
                                     who=ws.officer)
    unit = get_unit(trusted.unit)
    click.echo(_("Đã đăng ký khóa {fpr} cho {unit} ({key}), có hiệu lực từ {date}.").format(
        fpr=trusted.public_key.fingerprint_groups, unit=unit.full_name, key=unit.key,
        date=format_date(trusted.valid_from)))


def _date_option(ctx, param, value):
    from qnapp.errors import ValidationError

    try:
        return parse_date(value)
    except ValidationError as err:
        raise click.BadParameter(str(err)) from None


@keys.command("revoke", help=N_("Thu hồi một khóa tin cậy từ một ngày (khóa không còn hiệu lực từ ngày đó)."))
@click.argument("fingerprint")
@click.option("--from", "from_date", required=True, callback=_date_option,
              help=N_("Ngày bắt đầu thu hồi, dạng ngày/tháng/năm."))
@click.option("--reason", default="", help=N_("Lý do thu hồi."))
@click.pass_context
def keys_revoke(ctx, fingerprint, from_date, reason):
    with _workspace(ctx, writes=True) as ws:
        revoked = keystore.revoke_key(ws.store, fingerprint, from_date, reason, who=ws.officer)
    click.echo(_("Đã thu hồi khóa {fpr} của {unit} từ ngày {date}.").format(
        fpr=revoked.public_key.fingerprint_groups, unit=revoked.unit,
        date=format_date(revoked.revoked_from)))


@keys.command("list", help=N_("Liệt kê các khóa tin cậy của đơn vị trực thuộc (và khóa cũ của chính đơn vị)."))
@click.option("--json", "as_json", is_flag=True, help=N_("In dạng JSON."))
@click.pass_context
def keys_list(ctx, as_json):
    from qnapp.units import get_unit

    with _workspace(ctx) as ws:
        trusted = keystore.list_trusted(ws.store)
        retired = _retired_keys(ws.store)
    if as_json:  # the trusted keys only: a documented list (``keys show --json`` has the own ones)
        click.echo(json.dumps([k.as_json() for k in trusted], ensure_ascii=False, indent=2))
        return
    _echo_retired(retired)
    if not trusted:
        click.echo(_("Chưa có khóa tin cậy nào."))
        return
    for k in trusted:
        state = (_("thu hồi từ {date}").format(date=format_date(k.revoked_from))
                 if k.revoked_from else _("hiệu lực từ {date}").format(date=format_date(k.valid_from)))
        click.echo(f"{k.unit:<12} {get_unit(k.unit).full_name}  {k.holder}")
        click.echo(f"    {k.public_key.fingerprint_groups}  ({state})")
