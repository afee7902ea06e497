"""The tests whose subject is a date, on the dates that break date arithmetic (issue #12): none may depend on
today's date.

Each case runs date-sensitive modules (months and their summaries, deadlines, document numbers by year, the
history's default range, the office's month, ledger and complaints; MODULES says which) in a child pytest
under libfaketime (Debian's `faketime`, installed by `packaging/setup.sh --test`), with the clock starting at
the given local time in China Standard Time and running on from there. libfaketime fakes the clock for the child and
everything it starts (the command line, Qt), unlike an in-process time machine.

Each child runs on one process: the main run's two workers each wait on one child at a time, and the three
children are collected first (tests/conftest.py), so they overlap the rest of the run instead of trailing it.

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
# 1 January 00:00:30 is also the 1st of a month: a separate 1 March run was dropped to keep CI under 20 minutes
# (each date is a child run of 2–3 minutes of one core)
DATES = {
    "leap-day": "2028-02-29 12:00:00",
    "new-years-eve-23-59": "2026-12-31 23:59:00",
    "new-years-day": "2027-01-01 00:00:30",
}
# -m: the child is multi-threaded (Qt's threads, the operations' thread pool, SQLite's), and faketime's default
# library caches its clock state in unsynchronised statics ("could cause issues when accessed without
# synchronization", libfaketime's README): a CI run segfaulted in a GUI test under it. The MT library serialises
# them. (--exclude-monotonic, tried too, breaks Python's time.sleep: libfaketime 0.9.10 still shifts the absolute
# monotonic deadline of clock_nanosleep, which then fails with EINVAL.)
FAKETIME_SWITCHES = ["-m"]
# the modules that work with today's date; the rest of the suite never reads it (a test that starts reading
# it belongs here). Left out under every date: slow tests and those marked undated (date-agnostic: SIGKILL
# durability, tampering, fonts, scoring arithmetic), and PostgreSQL, whose
# central-database tests run once in the main run (the dates are worked out in Python, the same on both).
DATE_SENSITIVE = [
    # months, deadlines, document numbers and the sheet's dates
    "tests/core/test_summary.py", "tests/core/test_recording.py", "tests/core/test_scoring.py",
    "tests/core/test_department_history.py", "tests/core/test_documents.py", "tests/core/test_notice_register.py",
    "tests/core/test_findings_without_points.py", "tests/core/test_discard_draft.py", "tests/core/test_demo.py",
    "tests/core/test_todo.py", "tests/core/test_period_keys.py",
    # the same on the command line
    "tests/cli/test_commands.py", "tests/cli/test_reports.py",
]
# the office's month: closing, the ledger's overdue items, complaints dated on decision, the bulletin
DATE_SENSITIVE_OFFICE = [
    "tests/office/test_month.py", "tests/office/test_ledger.py", "tests/office/test_complaints.py",
    "tests/office/test_bulletin.py",
]
# the window's month, history range, deadlines and documents
DATE_SENSITIVE_WINDOWS = [
    "tests/gui/test_summary_page.py", "tests/gui/test_history_page.py", "tests/gui/test_rectification_page.py",
    "tests/gui/test_round_loose_ends.py", "tests/gui/test_measured_values.py", "tests/gui/test_ward_round.py",
    "tests/gui/test_documents_gui.py", "tests/gui/test_todo_page.py",
]
# What each date runs. The window and office modules work out their dates with the core's functions, which every
# date runs, and the office's tests pin their months and "today"; they run in full on 1 January (the 1st of a
# month, a new year, the local date a day ahead of UTC's: the hardest day for a month's end). 29 February runs
# the core and command line (deadlines and a year back across the leap day). 31 December's clock passes midnight
# about a minute into its run, so it runs only what would run before: anything later would run on New Year's
# Day, which runs it anyway.
MODULES = {
    "leap-day": DATE_SENSITIVE,
    "new-years-eve-23-59": DATE_SENSITIVE,
    "new-years-day": [*DATE_SENSITIVE, *DATE_SENSITIVE_OFFICE, *DATE_SENSITIVE_WINDOWS],
}


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("INSPECTOR_FAKED_DATES") == "0", reason="INSPECTOR_FAKED_DATES=0")
@pytest.mark.parametrize("name", list(DATES))
def test_the_suite_passes_on(name: str, tmp_path: Path) -> None:
    moment, modules = DATES[name], MODULES[name]
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is not installed: packaging/setup.sh --test installs it")
        pytest.skip("faketime is not installed (apt-get install faketime)")
    env = {**os.environ, "TZ": "Asia/Shanghai", "INSPECTOR_FAKED_DATES": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FAKETIME", None)
    _assert_the_clock_is_faked(faketime, moment, env)
    command = [faketime, *FAKETIME_SWITCHES, moment, sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:xdist",
               "-p", "no:cacheprovider", "-m", "not slow and not undated", "-k", "not postgresql",
               "--basetemp", str(tmp_path / "base"), *modules]
    done = subprocess.run(command, check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, f"the suite failed with the clock at {moment} (Asia/Shanghai):\n{tail}\n{_crash(done.stderr)}"
    assert " passed" in tail and "failed" not in tail.splitlines()[-1]


def _assert_the_clock_is_faked(faketime: str, moment: str, env: dict[str, str]) -> None:
    """A child that silently ran on today's date would prove nothing: its main thread and a second thread
    must both see the faked day."""
    script = ("import datetime, threading; days = []; "
              "t = threading.Thread(target=lambda: days.append(datetime.datetime.now().date().isoformat())); "
              "t.start(); t.join(); print(datetime.datetime.now().date().isoformat(), days[0])")
    seen = subprocess.run([faketime, *FAKETIME_SWITCHES, moment, sys.executable, "-c", script], env=env,
                          capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert seen == [moment[:10], moment[:10]]


def _crash(stderr: str) -> str:
    """A crash's own lines: faulthandler prints the crashing frame first and pytest's frames last, so the
    head of its report says where; otherwise the end of stderr."""
    start = stderr.find("Fatal Python error")
    return stderr[start:start + 3000] if start >= 0 else stderr[-2000:]


def test_the_date_sensitive_modules_exist() -> None:
    """A renamed module would silently drop out of the faked-date runs."""
    assert [path for path in [*DATE_SENSITIVE, *DATE_SENSITIVE_OFFICE, *DATE_SENSITIVE_WINDOWS]
            if not (REPO / path).is_file()] == []
    assert set(MODULES) == set(DATES)
