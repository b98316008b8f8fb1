"""Screenshots of qnapp's main pages for the README, from the real main window.

    xvfb-run -a python docs/screenshots/make_screenshots.py

Everything happens in a temporary folder (``QNAPP_HOME`` points there; the user's own
data is never opened):

* ``entry.png`` — «Nhập số liệu», 6 tháng đầu năm 2025, of the demo commune (Thị trấn
  Tiên Yên, the data of ``qnapp demo``);
* ``activities.png`` — «Hoạt động» of the demo commune;
* ``import.png`` — «Nhận và tổng hợp» of Huyện Tiên Yên after it read a USB stick with
  three communes' signed 2025S1 reports and one copy whose figures were altered after
  signing (refused);
* ``dashboard.png`` — «Tiến độ mục tiêu» of the demo commune.

The window is 1280 × 800 and uses the app's own start-up settings (Fusion, Vietnamese
locale, a font with Vietnamese coverage). Without a display (no ``xvfb-run``) it falls
back to Qt's offscreen platform. ``--out DIR`` writes the images elsewhere.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WINDOW_SIZE = (1280, 800)
PERIOD = "2025S1"
IMPORT_DAY = date(2025, 6, 5)  # the district reads the stick before the 2025S1 due date
DISTRICT = ("2021", "199")  # Huyện Tiên Yên
COMMUNES = {  # code -> (officer, 2025S1 figures, news items per quarter)
    "06865": ("Đặng Văn Hải", {("GBV_VICTIMS", "nam"): 0, ("GBV_VICTIMS", "nu"): 3,
                               ("GBV_VICTIMS_SUPPORTED", "nam"): 0, ("GBV_VICTIMS_SUPPORTED", "nu"): 3,
                               ("LIVE_BIRTHS", "nam"): 21, ("LIVE_BIRTHS", "nu"): 19,
                               ("BIRTHS_MOTHERS_15_19", ""): 1}, (4, 4)),  # Xã Hà Lâu
    "06868": ("Lý Thị Sen", {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): 2,
                             ("GBV_VICTIMS_SUPPORTED", "nam"): 0, ("GBV_VICTIMS_SUPPORTED", "nu"): 2,
                             ("LIVE_BIRTHS", "nam"): 14, ("LIVE_BIRTHS", "nu"): 12}, (2, 4)),  # Xã Đại Dực
}
COMMUNE_PASSPHRASE = "mật khẩu của xã"
DISTRICT_OFFICER = "Lê Văn Huyện"
MAX_BYTES = 300_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="where the PNG files go (default: docs/screenshots)")
    return parser.parse_args()


# --- data ----------------------------------------------------------------------------------


def make_demo(folder: Path):
    from qnapp.demo import fill_demo
    from qnapp.workspace import Workspace

    ws = Workspace.open(folder / "demo.sqlite")
    fill_demo(ws)
    return ws


def tampered(bundle: bytes) -> bytes:
    """The same members under the same names, one of the commune's figures changed."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info, data in members:
            if info.filename == "data/aggregates.json":
                assert b'"value":5' in data
                data = data.replace(b'"value":5', b'"value":9', 1)
            z.writestr(info, data)
    return out.getvalue()


def make_stick(folder: Path, trust) -> Path:
    """Three communes' signed 2025S1 bundles (Tiên Yên from the demo data) and an altered
    copy of Tiên Yên's, in a «USB stick» folder; ``trust(pub_text, fingerprint)`` is
    called for each commune's key."""
    from qnapp import keys
    from qnapp.bundles.writer import export_bundle
    from qnapp.demo import DEMO_PASSPHRASE
    from qnapp.workspace import Workspace

    stick = folder / "usb" / "bao cao 6 thang 2025"
    stick.mkdir(parents=True)
    (folder / "communes").mkdir()
    tien_yen = make_demo(folder / "communes")
    try:
        out = stick / "06862_2025S1_r1.zip"
        export_bundle(tien_yen, PERIOD, DEMO_PASSPHRASE, out)
        trust(keys.export_public_key(tien_yen.store), keys.own_public_key(tien_yen.store).fingerprint)
        (stick / "06862_2025S1_r1_sua.zip").write_bytes(tampered(out.read_bytes()))
    finally:
        tien_yen.close(backup_on_close=False)
    for code, (officer, figures, news) in COMMUNES.items():
        ws = Workspace.open(folder / "communes" / f"{code}.sqlite")
        try:
            ws.initialise("2021", code, officer)
            unit_key = ws.require_profile().unit_key
            keys.create_key(ws.store, unit_key, COMMUNE_PASSPHRASE, who=officer)
            changes = {(PERIOD, element, category): float(v) for (element, category), v in figures.items()}
            for quarter, n in zip(("2025Q1", "2025Q2"), news):
                changes[(quarter, "GE_NEWS_ITEMS", "")] = float(n)
            ws.apply_values(changes)
            export_bundle(ws, PERIOD, COMMUNE_PASSPHRASE, stick / f"{code}_2025S1_r1.zip")
            trust(keys.export_public_key(ws.store), keys.own_public_key(ws.store).fingerprint)
        finally:
            ws.close(backup_on_close=False)
    return stick.parent


def make_district(folder: Path):
    from qnapp import keys
    from qnapp.workspace import Workspace

    district = Workspace.open(folder / "huyen.sqlite")
    district.initialise(*DISTRICT, DISTRICT_OFFICER)

    def trust(pub_text: str, fingerprint: str) -> None:
        keys.trust_key(district.store, pub_text, fingerprint=fingerprint, who=DISTRICT_OFFICER,
                       today=date(2025, 1, 2))

    stick = make_stick(folder, trust)
    return district, stick


# --- the window ------------------------------------------------------------------------


def settle(app, seconds: float = 0.3) -> None:
    """Let Qt lay out and paint (and the X server catch up)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def open_window(app, workspace, *, demo: bool):
    from ui.main_window import MainWindow

    window = MainWindow(workspace, demo=demo)
    window.resize(*WINDOW_SIZE)
    window.show()
    settle(app)
    window.period_picker.set_period(PERIOD)
    return window


def save(app, window, path: Path) -> None:
    from PySide6.QtGui import QImage

    settle(app)
    image = window.grab().toImage()
    if image.size().toTuple() != WINDOW_SIZE:
        raise SystemExit(f"{path.name}: the window is {image.size().toTuple()}, not {WINDOW_SIZE}")
    image.save(str(path), "PNG", 0)  # quality 0: the strongest PNG compression
    if path.stat().st_size > MAX_BYTES:  # a screenshot has few colours: a palette keeps it crisp
        image.convertToFormat(QImage.Format.Format_Indexed8).save(str(path), "PNG", 0)
    print("{}: {:,} bytes".format(path, path.stat().st_size))


def main() -> int:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        print("no display: using Qt's offscreen platform (run under xvfb-run -a for X11)")
    home = Path(tempfile.mkdtemp(prefix="qnapp-screenshots-"))
    os.environ["QNAPP_HOME"] = str(home)  # nothing touches the user's own data folder
    try:
        from PySide6.QtWidgets import QApplication

        from ui.app import configure_application

        app = QApplication.instance() or QApplication(sys.argv[:1])
        configure_application(app)

        demo = make_demo(home)
        window = open_window(app, demo, demo=True)
        window.nav.setCurrentRow(window.ENTRY)
        save(app, window, args.out / "entry.png")
        window.nav.setCurrentRow(window.ACTIVITIES)
        save(app, window, args.out / "activities.png")
        window.nav.setCurrentRow(window.DASHBOARD)
        window.dashboard_page.level_only.setChecked(True)  # the commune's own 12 first
        save(app, window, args.out / "dashboard.png")
        window.close()
        demo.close(backup_on_close=False)

        district, stick = make_district(home)
        window = open_window(app, district, demo=False)
        window.nav.setCurrentRow(window.RECEIVE)
        page = window.receive_page
        page.today = lambda: IMPORT_DAY
        page.pick_folder = lambda _parent: str(stick)
        page.folder_button.click()
        deadline = time.monotonic() + 120
        while page.is_importing() and time.monotonic() < deadline:
            settle(app, 0.1)
        if page.is_importing():
            raise SystemExit("the import did not finish")
        save(app, window, args.out / "import.png")
        window.close()
        district.close(backup_on_close=False)
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
