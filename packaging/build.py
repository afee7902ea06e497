"""Build the one-folder program with PyInstaller and write a size report.

    .venv/bin/python packaging/build.py                 # → dist/inspector-app/, dist/size-report.txt
    .venv\\Scripts\\python packaging\\build.py           # the same on Windows (also inspector-app-gui.exe)
    python packaging/build.py --dist DIR --work DIR     # elsewhere (the frozen-build test uses a temp dir)

Runs PyInstaller from the Python that runs this script (the venv with the `build` extra installed), so the
bundle holds exactly the venv's packages. Works the same on Windows and Linux: only pathlib paths.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "inspector-app.spec"
NAME = "inspector-app"
TOP = 15


def program_path(dist: Path) -> Path:
    """The console program inside a built folder (inspector-app.exe on Windows)."""
    return dist / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def largest(bundle: Path, count: int = TOP) -> list[tuple[int, str]]:
    """The largest files and folders inside the bundle (folders counted whole, at any depth)."""
    entries: list[tuple[int, str]] = []
    for path in bundle.rglob("*"):
        if path.is_symlink():
            continue
        entries.append((folder_size(path), path.relative_to(bundle).as_posix() + ("/" if path.is_dir() else "")))
    return sorted(entries, reverse=True)[:count]


def human(size: int) -> str:
    return f"{size / 1_048_576:8.1f} MB"


def size_report(bundle: Path, seconds: float | None = None) -> str:
    total = folder_size(bundle)
    files = sum(1 for f in bundle.rglob("*") if f.is_file())
    lines = [f"{NAME} one-folder build: {bundle}",
             f"total {human(total).strip()} in {files} files" + (f", built in {seconds:.0f} s" if seconds else ""),
             "", f"largest {TOP} files and folders:"]
    lines += [f"{human(size)}  {name}" for size, name in largest(bundle)]
    return "\n".join(lines) + "\n"


def build(dist: Path, work: Path, clean: bool = False) -> tuple[Path, float]:
    """Run PyInstaller on the spec; returns the program's path and the build time in seconds."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    if clean:
        command.insert(3, "--clean")
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return program_path(dist), time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's work folder")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args(argv)
    try:
        program, seconds = build(args.dist, args.work, args.clean)
    except subprocess.CalledProcessError as exc:
        print(f"PyInstaller failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    report = size_report(program.parent, seconds)
    (args.dist / "size-report.txt").write_text(report, encoding="utf-8")
    print(report + f"\nprogram: {program}\nsize report: {args.dist / 'size-report.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
