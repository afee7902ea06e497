"""Output that Excel and Windows consoles read right (issue #18), under tests/helpers/windows.py.

Before issue #18: a CSV written with -o went through the text layer, so on Windows each line ended \\r\\r\\n
(blank rows in Excel) and it had no BOM (mojibake in Chinese Excel); JSON piped to a cp936 stdout turned 𠮷
into "?"; an output file open in Excel gave a crash report (exit 4); and a command run through the windowed
program (sys.stdout is None) crashed on its first line of output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from inspector_app.core import files
from inspector_app.core.demo import generate
from inspector_app.core.recording import NewInspection, Recorder
from tests.helpers.fixtures import ASSESSMENT, CliRun, open_demo_workspace
from tests.helpers.windows import WindowsSim


@pytest.fixture
def data(run: CliRun) -> Path:
    ws = open_demo_workspace(run.data)  # type: ignore[attr-defined]
    try:
        generate(ws, 2, seed=4)
        recorder = Recorder(ws, actor="tester")
        started = recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                               inspector_name="督查员𠮷䶮"))
        recorder.finish(started.id)
    finally:
        ws.close()
    return run.data  # type: ignore[attr-defined]


def _month(run: CliRun) -> str:
    code, out, _ = run("inspections", "list", "--format", "json")
    assert code == 0
    return json.loads(out)[0]["started_at"][:7]


def test_a_csv_file_has_a_bom_and_one_line_end(windows: WindowsSim, run: CliRun, data: Path,
                                               tmp_path: Path) -> None:
    target = tmp_path / "汇总.csv"
    code, _, err = run("summary", "--month", _month(run), "--format", "csv", "-o", str(target))
    assert code == 0, err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\r\n" not in raw and raw.count(b"\r\n") == raw.count(b"\n") > 3
    json_file = tmp_path / "summary.json"
    assert run("summary", "--month", _month(run), "--format", "json", "-o", str(json_file))[0] == 0
    assert json.loads(json_file.read_bytes().decode("utf-8"))  # UTF-8, no BOM, parses


def test_json_on_a_cp936_pipe_is_utf8(windows: WindowsSim, data: Path) -> None:
    from inspector_app.cli.main import main

    raw = windows.console()
    assert main(["--data-dir", str(data), "--lang", "en", "inspections", "list", "--format", "json"]) == 0
    sys.stdout.flush()
    rows = json.loads(raw.getvalue().decode("utf-8"))
    assert "督查员𠮷䶮" in {row["inspector"] for row in rows}


def test_an_output_file_open_in_excel_gets_a_sentence(windows: WindowsSim, run: CliRun, data: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "RETRY_DELAYS", (0.01,))
    target = tmp_path / "summary.csv"
    target.write_bytes(b"old")
    month = _month(run)
    with windows.hold(target):  # Excel has it open
        code, _, err = run("summary", "--month", month, "--format", "csv", "-o", str(target))
    assert code == 1
    assert "open in another program" in err and str(target) in err
    assert "crash" not in err.lower()
    assert target.read_bytes() == b"old"


def test_the_windowed_program_has_no_stdout(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector_app.cli.main import main

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["--data-dir", str(data), "--lang", "en", "inspections", "list", "--format", "json"]) == 0
    assert main(["--data-dir", str(data), "--lang", "en", "inspections", "list"]) == 0
