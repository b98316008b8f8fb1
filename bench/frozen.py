"""Frozen-build benchmark (run on demand, not a test).

For the PyInstaller folder (``python packaging/build.py`` first): its size on disk, and
the frozen app's start-to-first-paint on a demo database (``qnapp --db … --first-paint-exit``),
as a ratio to a bare PySide6 window measured in the same run the same way
(``bench/startup.py``, sharing ``ui.first_paint``). Targets: ≤ 150 MB, ≤ 2.5× the time.

    python bench/frozen.py [--dist dist] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import startup  # noqa: E402  (bench/startup.py: the measuring code)

SIZE_TARGET_MB, TIME_TARGET = 150, 2.5


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", type=Path, default=startup.ROOT / "dist")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = args.dist / "qnapp"
    exe = folder / ("qnapp.exe" if sys.platform == "win32" else "qnapp")
    if not exe.exists():
        print(f"{exe} not found: build it first with  python packaging/build.py", file=sys.stderr)
        return 1
    size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6

    with tempfile.TemporaryDirectory() as tmp:
        db = startup.demo_database(tmp)
        os.environ["QNAPP_HOME"] = tmp
        bare_time, bare_peak = startup.measure("bare", None, args.runs)
        env = startup.bench_env()
        env.pop("PYTHONPATH", None)  # the frozen app must not see the source tree
        app_time, app_peak = startup.median_of(
            [startup.timed_run([str(exe), "--db", db, "--first-paint-exit"], env) for _ in range(args.runs)])

    time_ratio = app_time / bare_time
    print(f"onedir size          : {size_mb:7.1f} MB  (target ≤ {SIZE_TARGET_MB} MB)  "
          f"{'OK' if size_mb <= SIZE_TARGET_MB else 'OVER'}")
    print(f"bare PySide6 window  : {bare_time * 1000:7.0f} ms, peak {bare_peak or 0:>8} KiB")
    print(f"frozen qnapp window  : {app_time * 1000:7.0f} ms, peak {app_peak or 0:>8} KiB")
    print(f"time ratio   {time_ratio:5.2f}×  (target ≤ {TIME_TARGET}×)  {'OK' if time_ratio <= TIME_TARGET else 'OVER'}")
    if bare_peak and app_peak:
        print(f"memory ratio {app_peak / bare_peak:5.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
