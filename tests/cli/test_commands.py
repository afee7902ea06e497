"""The command line end to end: each command on a real data folder, outputs parsed, exit codes checked."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import local_time, open_demo_workspace
from tests.helpers.rankings import CHARGED, CLEAN, FAILED, record_rankings_month


@pytest.fixture
def demo(run):
    code, _, err = run("demo-data", "--inspections", "40", "--seed", "2", "--days", "20")
    assert code == 0, err
    return run


def busiest_month(demo) -> str:
    """The month with the most demo inspections: on any day of a month (the 1st or 2nd included) it has data."""
    code, out, _ = demo("inspections", "list", "--format", "json")
    assert code == 0
    months = Counter(row["started_at"][:7] for row in json.loads(out))
    return months.most_common(1)[0][0]


@pytest.mark.undated
def test_forms_list_show_validate_schema(run):
    code, out, _ = run("forms", "list", "--format", "json")
    assert code == 0
    forms = {f["id"]: f for f in json.loads(out)}
    assert forms["svc-001-assessment"]["items"] == 8
    assert forms["svc-001-assessment"]["mode"] == "tally"
    code, out, _ = run("forms", "show", "svc-001-assessment", "--format", "json")
    assert json.loads(out)["scoring"]["head_multiplier"]["value"] == 2
    code, out, _ = run("forms", "show", "svc-001-assessment")
    assert "A5" in out and "推诿" in out or "首问负责" in out
    code, out, _ = run("forms", "show", "svc-quality-rounds")  # a period rule says it counts once a period
    assert code == 0 and "once a quarter" in next(line for line in out.splitlines() if line.strip().startswith("T1 "))
    assert "once a half year" in next(line for line in out.splitlines() if line.strip().startswith("D1 "))
    code, out, _ = run("forms", "schema")
    assert code == 0 and "sections" in json.loads(out)["properties"]
    code, out, _ = run("forms", "validate", str(Path(__file__).parents[2] / "forms"))
    assert code == 0, out


def test_forms_validate_reports_each_problem_with_place(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    source = (Path(__file__).parents[2] / "forms" / "001-assessment.yaml").read_text(encoding="utf-8")
    bad.write_text(source.replace("points: 3\n", "points: many\n", 1), encoding="utf-8")
    code, out, _ = run("forms", "validate", str(bad))
    assert code == 1
    line = out.strip().splitlines()[0]
    assert line.startswith(f"{bad}:") and "points" in line and "number" in line


def test_unknown_checklist_is_a_plain_error(run):
    code, _, err = run("forms", "show", "no-such-form")
    assert code == 1 and "no-such-form" in err and "Traceback" not in err


def test_demo_summary_in_every_format(demo, tmp_path):
    month = busiest_month(demo)
    code, out, _ = demo("summary", "--month", month, "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["month"] == month and summary["inspections"] > 0
    total = sum(d["total_points"] for d in summary["departments"])
    assert total == pytest.approx(summary["total_points"])
    ranked = sorted((d["rank"], d["code"]) for d in summary["departments"] if d["rank"])
    scored = sorted((d["score_rank"], d["code"]) for d in summary["departments"] if d["score_rank"])
    idle = sorted(d["code"] for d in summary["departments"] if not d["rank"] and not d["score_rank"])
    assert ranked and scored  # the demo uses both kinds of checklist
    code, out, _ = demo("summary", "--month", month, "--format", "csv")
    sections = csv_sections(out)
    assert list(sections) == ["Points ranking (tally checklists)", "Score ranking (scored checklists)",
                              "Not inspected this month", "Staff with deductions"]
    points, scores, not_inspected, _ = sections.values()
    assert points[0][0] == "Rank" and points[0][7] == "Total points"
    assert [(int(r[0]), r[1]) for r in points[1:]] == ranked
    assert [(int(r[0]), r[1]) for r in scores[1:]] == scored
    assert [r[0] for r in not_inspected[1:]] == idle
    xlsx = tmp_path / "summary.xlsx"
    code, _, _ = demo("summary", "--month", month, "--format", "xlsx", "-o", str(xlsx))
    assert code == 0
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Points ranking", "Score ranking", "Not inspected", "Staff"]
    sheet = book["Points ranking"]
    assert sheet.cell(1, 8).value == "Total points"  # every point of the month is a tally department's
    assert sum(row[7] for row in sheet.iter_rows(min_row=2, values_only=True)) == pytest.approx(total)
    assert [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)] == ranked
    assert [(r[0], r[1]) for r in book["Score ranking"].iter_rows(min_row=2, values_only=True)] == scored
    assert [r[0] for r in book["Not inspected"].iter_rows(min_row=2, values_only=True)] == idle
    code, out, _ = demo("summary", "--month", month)
    assert "Monthly summary" in out
    code, _, err = demo("summary", "--month", "2026-13")
    assert code == 1 and "YYYY-MM" in err


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    """The summary's CSV by section: title → its header row and rows (sections end at a blank row)."""
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text)):
        if rows is None:
            rows = sections[row[0]] = []
        elif row:
            rows.append(row)
        else:
            rows = None
    return sections


def test_summary_ranks_each_kind_of_checklist_apart(run):
    """A clean tally inspection ranks first; a failing scored one is only in the score ranking (issue #12)."""
    ws = open_demo_workspace(run.data)
    try:
        record_rankings_month(ws, local_time(2025, 7, 8))
    finally:
        ws.close()
    code, out, _ = run("summary", "--month", "2025-07", "--format", "json")
    assert code == 0
    departments = json.loads(out)["departments"]
    assert [(d["code"], d["rank"], d["score_rank"]) for d in departments[:3]] == [
        (CLEAN, 1, 0), (CHARGED, 2, 0), (FAILED, 0, 1)]
    assert all(d["rank"] == d["score_rank"] == 0 for d in departments[3:])
    failed = departments[2]
    assert (failed["scored_inspections"], failed["average_score"], failed["failed"]) == (1, 85, 1)
    code, out, _ = run("summary", "--month", "2025-07", "--format", "csv")
    sections = csv_sections(out)
    points, scores, idle = (sections[title][1:] for title in (
        "Points ranking (tally checklists)", "Score ranking (scored checklists)", "Not inspected this month"))
    assert [(r[0], r[1], float(r[7])) for r in points] == [("1", CLEAN, 0), ("2", CHARGED, 2)]
    assert [(r[0], r[1], r[3], float(r[4]), r[5]) for r in scores] == [("1", FAILED, "1", 85, "1")]
    assert len(idle) == len(departments) - 3 and not {CLEAN, CHARGED, FAILED} & {r[0] for r in idle}
    code, out, _ = run("summary", "--month", "2025-07")
    text = out[out.index("Points ranking"):out.index("Score ranking")]
    assert text.index(f"  {CLEAN}  ") < text.index(f"  {CHARGED}  ") and FAILED not in text
    code, out, _ = run("summary", "--month", "2025-08")
    assert "No department was inspected with a tally checklist this month." in out
    assert "No department was inspected with a scored checklist this month." in out


def test_inspections_list_show_and_audit(demo):
    code, out, _ = demo("inspections", "list", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 40 and all(r["status"] == "finished" for r in rows)
    first = rows[0]
    code, out, _ = demo("inspections", "show", first["id"], "--format", "json")
    detail = json.loads(out)
    assert detail["inspection"]["id"] == first["id"]
    assert len([d for d in detail["deductions"] if not d["voided"]]) == first["deductions"]
    code, out, _ = demo("inspections", "list", "--department", first["department_code"], "--format", "json")
    assert {r["department_code"] for r in json.loads(out)} == {first["department_code"]}
    code, out, _ = demo("audit", "verify")
    assert code == 0 and "0 problems" in out


def test_rectification_lifecycle(demo):
    code, out, _ = demo("rectifications", "list", "--format", "json")
    items = [i for i in json.loads(out) if i["status"] in ("open", "overdue")]
    assert items
    target = items[0]["id"]
    assert demo("rectifications", "rectified", target, "--note", "已整改")[0] == 0
    assert demo("rectifications", "rectified", target)[0] == 1  # only open items
    assert demo("rectifications", "reinspect", target, "--fixed", "--inspector", "复查员")[0] == 0
    code, out, _ = demo("rectifications", "list", "--status", "verified", "--format", "json")
    assert target in [i["id"] for i in json.loads(out)]
    code, out, _ = demo("rectifications", "list", "--format", "json")
    assert not [i for i in json.loads(out) if i["id"] == target and i["status"] != "verified"]


def test_roster_template_import_and_bad_rows(run, tmp_path):
    template = tmp_path / "staff.xlsx"
    assert run("roster", "template", "-o", str(template))[0] == 0
    assert run("roster", "import", str(template))[0] == 0
    code, out, _ = run("roster", "show", "--format", "json")
    assert len(json.loads(out)["staff"]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("工号,姓名,科室,是否科室负责人\n2001,王五,新科室,是\n,缺工号,新科室,否\n", encoding="utf-8")
    code, _, err = run("roster", "import", str(bad))
    assert code == 1 and "Nothing imported" in err
    assert len(json.loads(run("roster", "show", "--format", "json")[1])["staff"]) == 2
    code, _, err = run("roster", "import", str(bad), "--good-rows")
    assert code == 0
    assert len(json.loads(run("roster", "show", "--format", "json")[1])["staff"]) == 3


def test_second_instance_is_refused_with_exit_3(run):
    ws = Workspace.open(run.data)
    try:
        code, _, err = run("demo-data", "--inspections", "1")
    finally:
        ws.close()
    assert code == 3 and "already using the data folder" in err


def test_messages_are_chinese_by_default(run):
    code, _, err = run("summary", "--month", "bad", lang="zh")
    assert code == 1 and "月份" in err


@pytest.mark.slow  # date-agnostic: CI runs it once, not again under each faked date
def test_console_script_runs_without_a_display(tmp_path):
    """The installed `inspector-app` entry point, as a real process, with no Qt loaded."""
    exe = shutil.which("inspector-app", path=str(Path(sys.executable).parent))
    assert exe, "inspector-app console script not installed next to the interpreter"
    env = {"PATH": str(Path(sys.executable).parent), "INSPECTOR_APP_DATA": str(tmp_path / "d"),
           "INSPECTOR_APP_LANG": "en"}
    result = subprocess.run([exe, "demo-data", "--inspections", "3"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 inspections" in result.stdout
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert version.returncode == 0 and "inspector-app" in version.stdout


def test_no_screen_gives_a_plain_message_not_a_qt_abort(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(tmp_path / "d"), "--lang",
                             "en"], capture_output=True, text=True, timeout=60, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    if sys.platform.startswith("linux"):
        assert result.returncode == 1 and "needs a screen" in result.stderr
