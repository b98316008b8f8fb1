"""Build the one-folder qnapp program: ``python packaging/build.py``.

Runs PyInstaller on ``packaging/qnapp.spec`` (a clean build) and leaves the folder to
copy onto a commune PC in ``dist/qnapp/`` (``--distpath`` to put it elsewhere), then
prints its size and the time taken. Pure Python with pathlib: the same command works on
Windows, Linux and macOS. Needs ``pip install -e ".[build]"`` first (PyInstaller, and
qnapp's own metadata, which carries the PDF renderer's entry point).

``--selftest`` then runs the built program's ``--selftest`` (offscreen) and fails the
build when it fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "qnapp.spec"
SIZE_TARGET_MB = 150


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def executable(dist: Path) -> Path:
    return dist / "qnapp" / ("qnapp.exe" if sys.platform == "win32" else "qnapp")


def check_metadata() -> None:
    """The installed qnapp metadata must match the source (copy_metadata bundles it)."""
    sys.path.insert(0, str(ROOT))
    from importlib.metadata import PackageNotFoundError, entry_points, version

    from qnapp import __version__

    try:
        installed = version("qnapp")
    except PackageNotFoundError:
        installed = None
    renderers = [ep.name for ep in entry_points(group="qnapp.renderers")]
    if installed != __version__ or "pdf" not in renderers:
        sys.exit(f'qnapp metadata is missing or stale (installed {installed}, source {__version__}): '
                 f'run  pip install -e ".[build]"  first.')


def run_selftest(exe: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("QNAPP_HOME", None)
    print(f"\n$ {exe} --selftest", flush=True)
    return subprocess.run([str(exe), "--selftest"], env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distpath", type=Path, default=ROOT / "dist",
                        help="where the qnapp folder goes (default: dist/)")
    parser.add_argument("--workpath", type=Path, default=None,
                        help="PyInstaller's scratch folder (default: a temporary folder)")
    parser.add_argument("--selftest", action="store_true", help="run the built program's --selftest")
    args = parser.parse_args(argv)

    check_metadata()
    dist = args.distpath.resolve()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qnapp-build-") as scratch:
        work = args.workpath.resolve() if args.workpath else Path(scratch)
        command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
                   "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work)]
        print("$ " + " ".join(command), flush=True)
        result = subprocess.run(command, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(f"PyInstaller failed (exit {result.returncode}) after {elapsed:.0f} s", file=sys.stderr)
        return result.returncode
    folder = dist / "qnapp"
    size_mb = folder_size(folder) / 1e6
    print(f"\nBuilt {folder}")
    print(f"size {size_mb:.1f} MB (target ≤ {SIZE_TARGET_MB} MB) "
          f"{'OK' if size_mb <= SIZE_TARGET_MB else 'OVER'}; build time {elapsed:.0f} s")
    if args.selftest:
        return run_selftest(executable(dist))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
