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


def child(kind: str, db: str | None) -> None:
    """Runs in a fresh interpreter: build the window, report when it first paints
    (``ui.first_paint``, shared with ``bench/frozen.py`` and ``qnapp --first-paint-exit``)."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.first_paint import exit_after_first_paint

    app = QApplication([])
    if kind == "bare":
        window = QWidget()
        window.resize(1100, 700)
    else:
        from qnapp.workspace import Workspace
        from ui.app import build_main_window

        workspace = Workspace.open(db)
        window = build_main_window(workspace)

    watcher = exit_after_first_paint(app, window)  # noqa: F841 - kept alive by this frame
    window.show()
    app.exec()


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, int | None]:
    """Start ``command`` (which prints ``ui.first_paint``'s JSON line) and return the
    seconds from start to its first paint, and its peak memory."""
    started = time.time()
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["painted"] - started, result["peak_kib"]


def bench_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def median_of(runs: list[tuple[float, int | None]]) -> tuple[float, int | None]:
    peaks = [p for _, p in runs]
    return statistics.median(t for t, _ in runs), (statistics.median(peaks) if None not in peaks else None)


def measure(kind: str, db: str | None, runs: int) -> tuple[float, int | None]:
    command = [sys.executable, __file__, "--child", kind] + ([db] if db else [])
    return median_of([timed_run(command, bench_env()) for _ in range(runs)])


def demo_database(folder: str) -> str:
    """A demo database (``qnapp.demo``) in ``folder``, closed again."""
    sys.path.insert(0, str(ROOT))
    from qnapp.demo import fill_demo
    from qnapp.workspace import Workspace

    db = str(Path(folder) / "bench.sqlite")
    workspace = Workspace.open(db)
    fill_demo(workspace)
    workspace.close(backup_on_close=False)
    return db


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1] if len(args.child) > 1 else None)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(tmp)
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
