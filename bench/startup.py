"""Start-up benchmark (run on demand, not a test).

Times process start → first paint of the main window and reads peak memory, for qnapp
on a demo database and for a bare PySide6 window in the same run, and prints ratios.
Targets: ≤ 2× the time, ≤ 2.5× the memory.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET, MEMORY_TARGET = 2.0, 2.5


def _peak_memory_kib() -> int | None:
    try:  # Linux: the high-water mark of this process image (ru_maxrss survives exec)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def child(kind: str, db: str | None) -> None:
    """Runs in a fresh interpreter: build the window, report when it first paints."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    if kind == "bare":
        window = QWidget()
        window.resize(1100, 700)
    else:
        from qnapp.workspace import Workspace
        from ui.app import build_main_window

        workspace = Workspace.open(db)
        window = build_main_window(workspace)

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                painted = time.time()
                QTimer.singleShot(0, lambda: finish(painted))
                obj.removeEventFilter(self)
            return False

    def finish(painted: float) -> None:
        print(json.dumps({"painted": painted, "peak_kib": _peak_memory_kib()}), flush=True)
        app.quit()

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    app.exec()


def measure(kind: str, db: str | None, runs: int) -> tuple[float, int | None]:
    times, peaks = [], []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for _ in range(runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child", kind] + ([db] if db else []),
            env=env, capture_output=True, text=True, check=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        times.append(result["painted"] - started)
        peaks.append(result["peak_kib"])
    peak = statistics.median(peaks) if None not in peaks else None
    return statistics.median(times), peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1] if len(args.child) > 1 else None)
        return 0

    sys.path.insert(0, str(ROOT))
    from qnapp.demo import fill_demo
    from qnapp.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        workspace = Workspace.open(db)
        fill_demo(workspace)
        workspace.close(backup_on_close=False)
        os.environ["QNAPP_HOME"] = tmp
        bare_time, bare_peak = measure("bare", None, args.runs)
        app_time, app_peak = measure("qnapp", db, args.runs)

    time_ratio = app_time / bare_time
    print(f"bare PySide6 window : {bare_time * 1000:7.0f} ms, peak {bare_peak or 0:>8} KiB")
    print(f"qnapp main window   : {app_time * 1000:7.0f} ms, peak {app_peak or 0:>8} KiB")
    print(f"time ratio   {time_ratio:5.2f}×  (target ≤ {TIME_TARGET}×)  {'OK' if time_ratio <= TIME_TARGET else 'OVER'}")
    if bare_peak and app_peak:
        memory_ratio = app_peak / bare_peak
        print(f"memory ratio {memory_ratio:5.2f}×  (target ≤ {MEMORY_TARGET}×)  {'OK' if memory_ratio <= MEMORY_TARGET else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
