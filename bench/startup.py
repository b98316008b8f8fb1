"""Start-up benchmark (run on demand, not a test).

Times process start → first paint of the main window and reads peak memory, for qnapp
on a demo database (started as ``python main.py --db …``) and for a bare PySide6 window
in the same run, and prints ratios. Targets: ≤ 1.8× the time, ≤ 2.0× the memory.

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# statistics and subprocess are imported where the parent uses them: a child (what is
# measured) loads nothing qnapp might need that a bare window does not load too.

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET, MEMORY_TARGET = 1.8, 2.0


def child(kind: str, db: str | None) -> None:
    """Runs in a fresh interpreter: build the window, report when it first paints
    (``ui.first_paint``, shared with ``bench/frozen.py`` and ``qnapp --first-paint-exit``).
    qnapp runs ``main.py --db DB`` as ``python main.py`` would (log file, crash hooks,
    Qt's translator, start-up checks after the first paint)."""
    sys.path.insert(0, str(ROOT))
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QWidget

        from ui.first_paint import exit_after_first_paint

        app = QApplication([])
        window = QWidget()
        window.resize(1100, 700)
        watcher = exit_after_first_paint(app, window)  # noqa: F841 - kept alive by this frame
        window.show()
        app.exec()
    else:
        import runpy

        sys.argv = [str(ROOT / "main.py"), "--db", db, "--first-paint-exit"]
        try:
            runpy.run_path(sys.argv[0], run_name="__main__")
        except SystemExit:
            pass


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, int | None]:
    """Start ``command`` (which prints ``ui.first_paint``'s JSON line) and return the
    seconds from start to its first paint, and its peak memory."""
    import subprocess

    started = time.time()
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["painted"] - started, result["peak_kib"]


def bench_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def median_of(runs: list[tuple[float, int | None]]) -> tuple[float, int | None]:
    import statistics

    peaks = [p for _, p in runs]
    return statistics.median(t for t, _ in runs), (statistics.median(peaks) if None not in peaks else None)


def measure(kind: str, db: str | None, runs: int) -> tuple[float, int | None]:
    return median_of([timed_run(child_command(kind, db), bench_env()) for _ in range(runs)])


def child_command(kind: str, db: str | None) -> list[str]:
    return [sys.executable, __file__, "--child", kind] + ([db] if db else [])


def measure_both(db: str, runs: int) -> tuple[tuple[float, int | None], tuple[float, int | None]]:
    """Bare and qnapp runs alternate (after one unmeasured warm-up of each), so a change
    in the machine's load during the run weighs on both alike."""
    env = bench_env()
    commands = {"bare": child_command("bare", None), "qnapp": child_command("qnapp", db)}
    for command in commands.values():
        timed_run(command, env)
    results: dict[str, list[tuple[float, int | None]]] = {kind: [] for kind in commands}
    for _ in range(runs):
        for kind, command in commands.items():
            results[kind].append(timed_run(command, env))
    return median_of(results["bare"]), median_of(results["qnapp"])


def compile_bytecode() -> None:
    """Bytecode for qnapp's own modules, as every real start has it (pip compiles an
    installed package, the frozen build ships .pyc, a source checkout writes __pycache__
    on its first run). Without it (PYTHONDONTWRITEBYTECODE) every start here would
    compile qnapp's modules again, which no officer's PC does."""
    import subprocess

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "qnapp"), str(ROOT / "ui")],
                   check=True, capture_output=True)


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
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1] if len(args.child) > 1 else None)
        return 0

    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(tmp)
        os.environ["QNAPP_HOME"] = tmp
        (bare_time, bare_peak), (app_time, app_peak) = measure_both(db, args.runs)

    print(f"{args.runs} runs each, alternating; qnapp's modules from bytecode")
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
