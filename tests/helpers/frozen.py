"""The PyInstaller build the frozen-program tests share, started in the background as soon as those tests are
collected, so the ~100 s build overlaps the rest of the run instead of a test worker waiting for it.

Under pytest-xdist every worker collects the same tests; the first to create the marker file starts the build
(`packaging/build.py`, exactly as a release is built) into the run's shared temporary folder. `wait_for_build`
then waits for its exit code; without a background build (one test run on its own) it builds in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900


def shared_temp(factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder all xdist workers share (each worker's own is a subfolder of it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_folder(factory: pytest.TempPathFactory) -> Path:
    return shared_temp(factory) / "frozen-build"


def start_build(factory: pytest.TempPathFactory) -> bool:
    """Start the build in the background unless another worker already did; True when this call started it."""
    folder = build_folder(factory)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(folder / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    script = (f'"$0" {_quote(ROOT / "packaging" / "build.py")} --dist {_quote(folder / "dist")} '
              f'--work {_quote(folder / "work")} > {_quote(folder / "build.log")} 2>&1; '
              f'echo $? > {_quote(folder / "rc.tmp")}; mv {_quote(folder / "rc.tmp")} {_quote(folder / "rc")}')
    subprocess.Popen(["sh", "-c", script, sys.executable], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def wait_for_build(factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The dist folder once the build finished (starting it here if nobody did) and the seconds waited."""
    folder = build_folder(factory)
    started = time.monotonic()
    start_build(factory)
    rc = folder / "rc"
    while not rc.is_file():
        if time.monotonic() - started > BUILD_TIMEOUT:
            pytest.fail(f"the frozen build did not finish within {BUILD_TIMEOUT} s; log: {folder / 'build.log'}")
        time.sleep(0.5)
    log = (folder / "build.log").read_text(encoding="utf-8", errors="replace")
    assert rc.read_text().strip() == "0", log[-8000:]
    return folder / "dist", time.monotonic() - started


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"
