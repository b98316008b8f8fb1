"""``qnapp --selftest``: prove that an installation (above all the frozen PyInstaller
folder) has everything it needs, without touching the user's data.

The Qt-free steps live here; ``ui.selftest`` adds the GUI steps (PDF renderer plugin,
main window drawn offscreen) and runs the lot. Each step prints «OK <id> – <what>»; the
first failure prints «LỖI <id> – <what>: <error>» and the run exits 1.

Everything happens in a temporary data folder (``QNAPP_HOME`` points there for the run
and is restored afterwards), deleted at the end. The signing keys are made with cheap
scrypt parameters (:data:`SELFTEST_SCRYPT`): they are throw-away keys in a throw-away
database, and the production cost (~0.6 s per derivation, 128 MiB) would only slow the
check down; the code path is the production one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from qnapp.i18n import N_, _

# A complete exchange as in tests/core/bundles/test_end_to_end.py: a commune of Huyện Tiên
# Yên (2021 tree) sends 2025S1 to its district, on time, with a key trusted in January.
COMMUNE, PARENT, PERIOD = "2021:06862", "2021:199", "2025S1"
TRUSTED_ON, RECEIVED, ISSUED = date(2025, 1, 2), date(2025, 6, 5), date(2025, 7, 1)
PASSPHRASE = "mật khẩu tự kiểm tra"
# Cheap scrypt for the throw-away keys (see the module docstring): 1 MiB, milliseconds.
SELFTEST_SCRYPT = {"n": 2**10, "r": 8, "p": 1}
FIGURES = {
    (PERIOD, "GBV_VICTIMS", "nam"): 1, (PERIOD, "GBV_VICTIMS", "nu"): 5,
    (PERIOD, "LIVE_BIRTHS", "nam"): 12, (PERIOD, "LIVE_BIRTHS", "nu"): 10,
}


@dataclass
class Context:
    """What the steps share: the temporary folder and the two workspaces."""

    home: Path
    workspaces: dict[str, Any] = field(default_factory=dict)
    bundle: Path | None = None
    report: Path | None = None

    @property
    def parent(self):
        return self.workspaces["parent"]

    def close(self) -> None:
        for ws in self.workspaces.values():
            try:
                ws.close(backup_on_close=False)
            except Exception:  # noqa: BLE001 - closing must not hide the step's verdict
                pass
        self.workspaces.clear()


@dataclass(frozen=True)
class Step:
    id: str
    title: str  # N_() text, translated when printed
    run: Callable[[Context], str | None]  # returns a detail for the OK line


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(what)


@contextmanager
def fast_scrypt() -> Iterator[None]:
    from qnapp import keys

    saved = keys.DEFAULT_SCRYPT
    keys.DEFAULT_SCRYPT = keys.ScryptParams(**SELFTEST_SCRYPT)
    try:
        yield
    finally:
        keys.DEFAULT_SCRYPT = saved


def _step_database(ctx: Context) -> str:
    from qnapp.paths import default_db_path
    from qnapp.workspace import Workspace

    db = default_db_path()
    _check(db.parent == ctx.home, f"QNAPP_HOME not honoured: {db}")
    ws = Workspace.open(db)
    ctx.workspaces["parent"] = ws
    ws.initialise(*PARENT.split(":"), "Cán bộ tự kiểm tra")
    return str(db)


def _step_catalog(ctx: Context) -> str:
    from qnapp.catalog import load_catalog
    from qnapp.units import load_trees

    catalog = load_catalog()
    trees = load_trees()
    _check({"2021", "2025"} <= set(trees), f"unit trees: {sorted(trees)}")
    _check(len(catalog.indicators) > 0 and len(catalog.data_elements) > 0, "empty catalog")
    sizes = ", ".join(f"{tree}: {len(t.units)}" for tree, t in sorted(trees.items()))
    return _("{indicators} chỉ tiêu, {elements} mục số liệu; cây đơn vị {sizes}").format(
        indicators=len(catalog.indicators), elements=len(catalog.data_elements), sizes=sizes)


def _step_key(ctx: Context) -> str:
    from qnapp import keys
    from qnapp.workspace import Workspace

    commune = Workspace.open(ctx.home / "xa.sqlite")
    ctx.workspaces["commune"] = commune
    commune.initialise(*COMMUNE.split(":"), "Cán bộ xã tự kiểm tra")
    with fast_scrypt():
        public = keys.create_key(commune.store, COMMUNE, PASSPHRASE, who=commune.officer)
    return public.fingerprint


def _step_bundle(ctx: Context) -> str:
    from qnapp import keys
    from qnapp.bundles.ledger import import_files, key_lookup
    from qnapp.bundles.verifier import verify_bundle
    from qnapp.bundles.writer import export_bundle

    commune, parent = ctx.workspaces["commune"], ctx.parent
    commune.apply_values(FIGURES)
    out = ctx.home / "goi_2025S1.zip"
    sent = export_bundle(commune, PERIOD, PASSPHRASE, out)
    ctx.bundle = sent.path
    # The parent trusts the commune's key after reading back its fingerprint.
    keys.trust_key(parent.store, keys.export_public_key(commune.store),
                   fingerprint=keys.own_public_key(commune.store).fingerprint,
                   who=parent.officer, today=TRUSTED_ON)
    verified = verify_bundle(sent.path.read_bytes(), key_lookup(parent.store, RECEIVED), today=RECEIVED)
    _check(verified.unit == COMMUNE and verified.period == PERIOD, f"verified {verified.unit} {verified.period}")
    [outcome] = import_files(parent, [sent.path], today=RECEIVED)
    _check(outcome.status == "accepted", f"import: {outcome.status} [{outcome.reason_code}] {outcome.message}")
    return _("gói {name}, {size} byte, đã nhận").format(name=sent.path.name, size=sent.path.stat().st_size)


def _step_report(ctx: Context) -> str:
    from openpyxl import load_workbook

    from qnapp.reports.builder import build_report
    from qnapp.reports.render import write_report

    report = build_report(ctx.parent, PERIOD, today=ISSUED)
    path = write_report(report, ctx.home / "baocao_2025S1.xlsx")
    ctx.report = path
    book = load_workbook(path, read_only=True)
    try:
        _check(len(book.sheetnames) > 0, "no sheet")
    finally:
        book.close()
    return _("{name}, {size} byte").format(name=path.name, size=path.stat().st_size)


def command_lines() -> list[list[str]]:
    """How this installation runs ``qnapp`` commands: in the frozen folder the console
    ``qnapp-cli`` and the program itself (it hands subcommands to the command line);
    from source, ``qnapp.cli`` under this Python."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        cli = exe.with_name("qnapp-cli.exe" if sys.platform == "win32" else "qnapp-cli")
        return [[str(cli)], [str(exe)]]
    return [[sys.executable, "-c", "from qnapp.cli import main; main()"]]


def _step_cli(ctx: Context) -> str:
    import subprocess

    from qnapp.backup import make_backup
    from qnapp.store import inspect_file

    saved = make_backup(ctx.parent.store, ctx.home / "usb")
    done = []
    for n, command in enumerate(command_lines()):
        target = ctx.home / f"khoi_phuc_{n}.sqlite"
        run = subprocess.run(command + ["--db", str(target), "restore", str(saved)],
                             capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)
        _check(run.returncode == 0, f"{Path(command[0]).name} restore: exit {run.returncode} {run.stderr.strip()}")
        _check(bool(inspect_file(target, full_check=True)), f"{Path(command[0]).name}: nothing restored")
        done.append(Path(command[0]).name)
    return ", ".join(done)


CORE_STEPS: tuple[Step, ...] = (
    Step("database", N_("Mở cơ sở dữ liệu tạm"), _step_database),
    Step("catalog", N_("Nạp danh mục chỉ tiêu và hai cây đơn vị"), _step_catalog),
    Step("key", N_("Tạo khóa ký"), _step_key),
    Step("bundle", N_("Xuất, kiểm tra và nhận gói báo cáo"), _step_bundle),
    Step("report", N_("Ghi báo cáo xlsx"), _step_report),
    Step("cli", N_("Khôi phục bằng dòng lệnh (qnapp restore)"), _step_cli),
)


def console(fallback: str = "qnapp-selftest.txt") -> TextIO:
    """Where to print. A windowed Windows build has no ``sys.stdout``: attach to the
    console of the command prompt that started it, else write to a file in the temp
    folder."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform == "win32":
        try:
            import ctypes

            if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
                return open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        except Exception:  # noqa: BLE001
            pass
    return open(Path(tempfile.gettempdir()) / fallback, "w", encoding="utf-8")  # noqa: SIM115


def _say(out: TextIO, line: str) -> None:
    try:
        out.write(line + "\n")
    except UnicodeEncodeError:  # a legacy console code page: keep the step ids readable
        out.write(line.encode("ascii", "replace").decode("ascii") + "\n")
    out.flush()


def run(steps: tuple[Step, ...] = CORE_STEPS, out: TextIO | None = None) -> int:
    """Run ``steps`` in a temporary ``QNAPP_HOME``; 0 when all pass, else 1."""
    out = out or console()
    from qnapp import __version__

    _say(out, _("qnapp {version} – tự kiểm tra ({where})").format(
        version=__version__, where=_("bản đóng gói") if getattr(sys, "frozen", False) else _("mã nguồn")))
    home = Path(tempfile.mkdtemp(prefix="qnapp-selftest-"))
    saved_home = os.environ.get("QNAPP_HOME")
    os.environ["QNAPP_HOME"] = str(home)
    ctx = Context(home)
    started = time.perf_counter()
    try:
        for step in steps:
            t0 = time.perf_counter()
            try:
                detail = step.run(ctx)
            except Exception as err:  # noqa: BLE001 - any failure names its step
                _say(out, _("LỖI {id} – {title}: {error}").format(
                    id=step.id, title=_(step.title), error=f"{type(err).__name__}: {err}"))
                _say(out, "".join(traceback.format_exception(err)).rstrip())
                _say(out, _("Tự kiểm tra THẤT BẠI ở bước «{id}».").format(id=step.id))
                return 1
            ms = (time.perf_counter() - t0) * 1000
            _say(out, "OK {id} – {title}{detail} ({ms:.0f} ms)".format(
                id=step.id, title=_(step.title), detail=f": {detail}" if detail else "", ms=ms))
        _say(out, _("Tự kiểm tra đạt: {n} bước, {s:.1f} s.").format(
            n=len(steps), s=time.perf_counter() - started))
        return 0
    finally:
        ctx.close()
        if saved_home is None:
            os.environ.pop("QNAPP_HOME", None)
        else:
            os.environ["QNAPP_HOME"] = saved_home
        shutil.rmtree(home, ignore_errors=True)
