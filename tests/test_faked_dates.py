"""The suite on the dates that break date arithmetic (issue #12): no test may depend on today's date.

Each case runs the tests that work with dates — core, command line and window, without the slow ones —
in a child pytest (two xdist workers: this process only waits) under libfaketime (Debian's `faketime`, installed by `packaging/setup.sh --test`), with
the clock starting at the given local time in China Standard Time and running on from there. libfaketime
fakes the clock for the child and everything it starts (the command line, PostgreSQL, Qt), unlike an
in-process time machine.

`INSPECTOR_FAKED_DATES=0` skips these (e.g. a quick local run); CI runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATES = {
    "first-of-month": "2027-03-01 00:00:30",
    "leap-day": "2028-02-29 12:00:00",
    "new-years-eve-23-59": "2026-12-31 23:59:00",
    "new-years-day": "2027-01-01 00:00:30",
}
# the date-sensitive suites; the frozen build, fault injection, concurrency, this file and the window tests that
# never read a date (wizard, quick start, translations, desktop, settings, training screens) stay out, so CI keeps
# within its time with four dates
SUITES = ["tests/core", "tests/cli", "tests/gui"]
LEFT_OUT = ["tests/core/test_merge_concurrency.py", "tests/core/test_one_set_of_numbers.py",
            "tests/gui/test_first_run.py", "tests/gui/test_quick_start.py", "tests/gui/test_translations.py",
            "tests/gui/test_desktop.py", "tests/gui/test_settings_page.py", "tests/gui/test_training_gui.py",
            # keys, picking, window size and the share's reachability: no date is read or shown
            "tests/gui/test_keyboard.py", "tests/gui/test_picking.py", "tests/gui/test_screen_fit.py",
            "tests/gui/test_share_off_thread.py"]
# central-database tests run on SQLite under each faked date and on PostgreSQL once (the main run): the dates
# are worked out in Python, the same for both backends, and a PostgreSQL cluster per date doubles the cost


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("INSPECTOR_FAKED_DATES") == "0", reason="INSPECTOR_FAKED_DATES=0")
@pytest.mark.parametrize("moment", list(DATES.values()), ids=list(DATES))
def test_the_suite_passes_on(moment: str, tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is not installed: packaging/setup.sh --test installs it")
        pytest.skip("faketime is not installed (apt-get install faketime)")
    env = {**os.environ, "TZ": "Asia/Shanghai", "INSPECTOR_FAKED_DATES": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FAKETIME", None)
    command = [faketime, moment, sys.executable, "-m", "pytest", "-q", "-x", "-n", "2", "-p", "no:cacheprovider",
               "-m", "not slow", "-k", "not postgresql", "--basetemp", str(tmp_path / "base"), *SUITES,
               *(f"--ignore={path}" for path in LEFT_OUT)]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, f"the suite failed with the clock at {moment} (Asia/Shanghai):\n{tail}\n{done.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail.splitlines()[-1]
