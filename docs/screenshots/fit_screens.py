"""The main window fits every office screen: ``python main.py --screenshot`` under a real
X server (Xvfb) on each screen below, for the demo commune and for a district that has
received its communes' reports, every page in turn.

    python docs/screenshots/fit_screens.py            # needs xvfb-run (package xvfb)

Screens (the available area is the whole Xvfb screen: it has no taskbar):

* ``1024x768`` — the smallest office screen;
* ``1366x728`` — a 1366×768 laptop less a 40-pixel taskbar;
* ``1366x728@125`` — the same laptop and taskbar at 125 % scaling (``QT_SCALE_FACTOR=1.25``:
  about 1093×582 logical pixels).

Each run starts the real app (``ui.app.main``) on a copy of the database with a fresh
``QNAPP_HOME`` (no remembered geometry), shows one page and exits 0 only when the
window's frame lies inside the screen's available area (``ui/screenshot.py``). The
home page and «Nhận và tổng hợp» («Tình hình gửi báo cáo») are kept as
``docs/screenshots/fit-<screen>-<unit>.png``; the other pages are checked, not kept.
Exit 1 when any window did not fit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCREENS = {  # name -> (Xvfb screen, QT_SCALE_FACTOR)
    "1024x768": ("1024x768x24", None),
    "1366x728": ("1366x728x24", None),
    "1366x728@125": ("1366x728x24", "1.25"),
}
PAGES = ("HOME", "ENTRY", "ACTIVITIES", "SEND", "RECEIVE", "DASHBOARD")
KEPT = {("commune", "HOME"), ("district", "RECEIVE")}
MAX_BYTES = 150_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="where the kept PNG files go (default: docs/screenshots)")
    parser.add_argument("--all", action="store_true", help="keep every page's screenshot")
    parser.add_argument("--shoot", nargs=3, metavar=("DB", "PAGE", "PNG"), help=argparse.SUPPRESS)
    return parser.parse_args()


def shoot(db: str, page: str, png: str) -> int:
    """In the Xvfb child: the real start-up, on ``page``, then ``--screenshot``."""
    import ui.app as app_module

    real_build = app_module.build_main_window

    def build(workspace, **kwargs):
        window = real_build(workspace, **kwargs)
        window.nav.setCurrentRow(getattr(window, page))
        if page == "RECEIVE":
            window.receive_page.tabs.setCurrentIndex(1)  # «Tình hình gửi báo cáo»: unit names
        return window

    app_module.build_main_window = build
    return app_module.main(["--db", db, "--screenshot", png])


def make_databases(folder: Path) -> dict[str, Path]:
    """The demo commune, and Huyện Tiên Yên after reading make_screenshots.py's USB stick."""
    from docs.screenshots.make_screenshots import IMPORT_DAY, make_demo, make_district
    from qnapp.bundles.ledger import import_files

    demo = make_demo(folder)
    demo.close(backup_on_close=False)
    district, stick = make_district(folder)
    try:
        import_files(district, [stick], today=IMPORT_DAY)
    finally:
        district.close(backup_on_close=False)
    return {"commune": folder / "demo.sqlite", "district": folder / "huyen.sqlite"}


def small_png(path: Path) -> None:
    """A screenshot has few colours: a palette keeps it crisp and small."""
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if path.stat().st_size > MAX_BYTES:
        image.convertToFormat(QImage.Format.Format_Indexed8).save(str(path), "PNG", 0)


def run_one(screen: str, db: Path, page: str, png: Path, home: Path) -> dict:
    xvfb_screen, scale = SCREENS[screen]
    env = dict(os.environ, QNAPP_HOME=str(home))
    env.pop("QT_QPA_PLATFORM", None)  # a real X window, not offscreen
    env.pop("QT_SCALE_FACTOR", None)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    shutil.rmtree(home, ignore_errors=True)  # no remembered geometry
    home.mkdir(parents=True)
    work = home / db.name
    shutil.copy(db, work)  # the app's backup on close stays in the throw-away folder
    command = ["xvfb-run", "-a", "-s", "-screen 0 {}".format(xvfb_screen), sys.executable,
               str(Path(__file__).resolve()), "--shoot", str(work), page, str(png)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {"fits": False, "error": done.stderr[-600:]}
    report["exit"] = done.returncode
    return report


def main() -> int:
    args = parse_args()
    if args.shoot:
        return shoot(*args.shoot)
    if not shutil.which("xvfb-run"):
        raise SystemExit("xvfb-run is missing (apt-get install xvfb xauth)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # this parent only builds data
    folder = Path(tempfile.mkdtemp(prefix="qnapp-fit-"))
    os.environ["QNAPP_HOME"] = str(folder / "home")
    failed = 0
    try:
        databases = make_databases(folder)
        for screen in SCREENS:
            for unit, db in databases.items():
                for page in PAGES:
                    if page == "RECEIVE" and unit != "district":
                        continue
                    kept = (unit, page) in KEPT
                    name = "fit-{}-{}.png".format(screen, unit)
                    if args.all and not kept:
                        kept, name = True, "fit-{}-{}-{}.png".format(screen, unit, page.lower())
                    png = (args.out if kept else folder) / name
                    report = run_one(screen, db, page, png, folder / "run")
                    ok = report["exit"] == 0 and report["fits"]
                    failed += not ok
                    print("{:13} {:8} {:10} {} frame {} in {}".format(
                        screen, unit, page.lower(), "ok  " if ok else "FAIL", report.get("frame"),
                        report.get("available")) + ("" if ok else " " + str(report.get("error", ""))))
                    if kept and ok:
                        small_png(png)
        return 1 if failed else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
