"""An unexpected error in a command: a crash report in the data folder, a message naming it, a non-zero exit,
and no passphrase anywhere in the report."""

from __future__ import annotations

import logging
import subprocess
import sys

from inspector_app.cli.main import CRASH_EXIT
from inspector_app.core.crash import (
    CRASH_DIR,
    TEST_CRASH_ENV,
    report_text,
    write_crash_report,
)
from inspector_app.core.logs import command_logging, log_file, tail_lines
from tests.helpers.fixtures import child_env

SECRET = "very-secret-passphrase"


def test_a_crashing_command_writes_a_report(tmp_path):
    data = tmp_path / "data"
    log_file(data).parent.mkdir(parents=True)  # an earlier session left a log
    log_file(data).write_text("2026-03-01 INFO earlier: line before the crash\n", encoding="utf-8")
    env = {**child_env(), TEST_CRASH_ENV: "summary", "INSPECTOR_APP_PASSPHRASE": SECRET, "INSPECTOR_APP_LANG": "en"}
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(data), "summary",
                             "--month", "2026-03"], check=False, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == CRASH_EXIT
    reports = list((data / CRASH_DIR).glob("crash-*.txt"))
    assert len(reports) == 1
    assert "Unexpected error: test crash requested" in result.stderr
    assert f"A crash report was written to {reports[0]}" in result.stderr
    assert "Traceback" not in result.stderr  # the user sees sentences; the traceback is in the file
    text = reports[0].read_text(encoding="utf-8")
    assert "version: 0." in text and "platform: " in text
    assert "RuntimeError: test crash requested" in text and "maybe_test_crash" in text
    assert "line before the crash" in text
    assert "summary --month 2026-03" in text
    assert SECRET not in text


def test_the_report_hides_passphrases(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_APP_PASSPHRASE", SECRET)
    try:
        raise ValueError(f"could not open the key with {SECRET}")
    except ValueError:
        text = report_text(sys.exc_info(), tmp_path, ["inspector-app", "--passphrase", "typed-secret", "sync"])
    assert SECRET not in text and "typed-secret" not in text
    assert "--passphrase ******** sync" in text


def test_log_tail_and_unwritable_data_folder(tmp_path):
    log = log_file(tmp_path)
    log.parent.mkdir(parents=True)
    log.write_text("".join(f"line {n}\n" for n in range(500)), encoding="utf-8")
    assert tail_lines(log, 200) == [f"line {n}" for n in range(300, 500)]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    try:
        raise KeyError("x")
    except KeyError:
        path = write_crash_report(sys.exc_info(), blocked)
    assert path.is_file() and not path.is_relative_to(blocked)  # the temp folder took it
    path.unlink()


def test_a_command_that_logs_nothing_leaves_no_data_folder(tmp_path, capsys):
    """`verify` on an auditor's machine that never ran the app: the command log is opened by its first
    record, so nothing is created; a record makes the folder and file; an unwritable folder drops records
    without a traceback on the console."""
    data = tmp_path / "never-used"
    with command_logging(data):
        pass
    assert not data.exists()
    with command_logging(data):
        logging.getLogger("test").info("a line for the log")
    assert "a line for the log" in log_file(data).read_text(encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with command_logging(blocked):
        logging.getLogger("test").warning("dropped")
    assert blocked.read_text() == "not a folder"
    assert capsys.readouterr().err == ""
