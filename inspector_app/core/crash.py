"""Crash reports: an unexpected error (a bug, not a user mistake) is written to one plain-text file in
`<data>/crash-reports/` that the inspector can send to the office as it is.

The report holds the version, platform, command, traceback and the last lines of the log, and never a
passphrase: the values of the passphrase environment variables are blanked wherever they appear, and the
command line keeps option names but drops what follows `--passphrase`-like options.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from inspector_app import __version__
from inspector_app.core.files import write_atomic
from inspector_app.core.logs import log_file, tail_lines

CRASH_DIR = "crash-reports"
LOG_TAIL = 200
SECRET_ENV = ("INSPECTOR_APP_PASSPHRASE", "INSPECTOR_APP_NEW_PASSPHRASE")
HIDDEN = "********"
TEST_CRASH_ENV = "INSPECTOR_APP_TEST_CRASH"  # tests: the named CLI command raises (see cli/main.py)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _redact(text: str) -> str:
    for name in SECRET_ENV:
        secret = os.environ.get(name)
        if secret and len(secret) >= 3:
            text = text.replace(secret, HIDDEN)
    return text


def _command_line(argv: list[str]) -> str:
    shown: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            shown.append(HIDDEN)
            hide_next = False
        elif "passphrase" in arg.lower() and not arg.startswith("--passphrase-file"):
            option, sep, _ = arg.partition("=")
            shown.append(option + (sep + HIDDEN if sep else ""))
            hide_next = not sep
        else:
            shown.append(arg)
    return " ".join(shown)


def report_text(exc_info: ExcInfo, data_dir: Path | None, argv: list[str] | None = None) -> str:
    """The report's text (redacted); `argv` defaults to this process's command line."""
    kind, value, tb = exc_info
    frozen = " (built program)" if getattr(sys, "frozen", False) else ""
    lines = [
        "inspector-app crash report",
        f"time: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"version: {__version__}{frozen}",
        f"platform: {platform.platform()} / Python {platform.python_version()} ({sys.executable})",
        f"command: {_command_line(list(sys.argv if argv is None else argv))}",
        f"data folder: {data_dir or '-'}",
        "",
        "traceback:",
        "".join(traceback.format_exception(kind, value, tb)).rstrip(),
        "",
        f"last {LOG_TAIL} log lines:",
    ]
    log_lines = tail_lines(log_file(data_dir), LOG_TAIL) if data_dir else []
    lines += log_lines or ["(no log)"]
    return _redact("\n".join(lines) + "\n")


def write_crash_report(exc_info: ExcInfo, data_dir: Path | None, argv: list[str] | None = None) -> Path:
    """Write the report to <data>/crash-reports/crash-<timestamp>.txt (the temp folder when the data folder
    cannot be written) and return its path."""
    text = report_text(exc_info, data_dir, argv).encode("utf-8")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folders = ([data_dir / CRASH_DIR] if data_dir else []) + [Path(tempfile.gettempdir()) / "inspector-app-crashes"]
    for folder in folders:
        path = folder / f"crash-{stamp}.txt"
        try:
            write_atomic(path, text)
            return path
        except OSError:
            continue
    raise OSError("no folder for the crash report can be written")


def maybe_test_crash(command: str | None) -> None:
    """Raise an unexpected error when $INSPECTOR_APP_TEST_CRASH names this command (the crash-report test)."""
    wanted = os.environ.get(TEST_CRASH_ENV)
    if wanted and wanted == (command or "gui"):
        raise RuntimeError(f"test crash requested by {TEST_CRASH_ENV}={wanted}")
