"""`inspector-app training` end to end: validate exit codes, grade (text and JSON), calibrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app.core.paths import forms_dir

PACKS = forms_dir() / "training" / "scenarios"
PACK = PACKS / "001-assessment.scenarios.json"


def _attempt(path: Path, data: object) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_validate_shipped_packs(run) -> None:
    code, out, _ = run("training", "validate", str(PACKS))
    assert code == 0 and "3 scenario pack(s) valid" in out


def test_validate_broken_pack(run, tmp_path: Path) -> None:
    data = json.loads(PACK.read_text(encoding="utf-8"))
    data["scenarios"][2]["expected"][0]["points"] = 7
    data["scenarios"][3]["expected"][0]["item"] = "Z9"
    bad = tmp_path / "bad.scenarios.json"
    bad.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    code, out, _ = run("training", "validate", str(bad), str(PACK))
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0].startswith(f"{bad}:") and "[scenarios.2.expected.0.points]" in lines[0] and "a2-late" in lines[0]
    assert "[scenarios.3.expected.0.item]" in lines[1]
    code, out, _ = run("training", "validate", str(tmp_path / "empty-folder-none"))
    assert code == 1


def test_grade_json_several_attempts(run, tmp_path: Path) -> None:
    one = {"trainee": "甲", "pack": "drill-001-assessment", "scenario": "head-curt",
           "deductions": [{"item": "A4", "charged_to": "T1001", "points": 2}]}
    two = [{"trainee": "乙", "pack": "drill-001-assessment", "scenario": "a7-complaint-unconfirmed",
            "deductions": [{"item": "A7", "charged_to": "T801"}]}]
    code, out, err = run("training", "grade", "--scenario", str(PACK), "--attempt", _attempt(tmp_path / "1.json", one),
                         _attempt(tmp_path / "2.json", two), "--format", "json")
    assert code == 0, err
    results = json.loads(out)
    assert [r["trainee"] for r in results] == ["甲", "乙"]
    head = results[0]["expected"][0]
    assert head["status"] == "wrong_points" and head["points_right"] is False and head["stated_points"] == 2
    assert results[0]["stated_difference"] == -2 and head["clause"]["section"] == "四、考核 第4条"
    assert results[1]["wrong"][0]["item"] == "A7" and results[1]["score"] == 50


def test_grade_text(run, tmp_path: Path) -> None:
    one = {"trainee": "甲", "pack": "drill-001-assessment", "scenario": "a2-late",
           "deductions": [{"item": "A2", "charged_to": "T202"}]}
    code, out, _ = run("training", "grade", "--scenario", str(PACK), "--attempt", _attempt(tmp_path / "1.json", one))
    assert code == 0 and "score 50/100" in out and "wrong person" in out and "四、考核 第2条" in out
    mixed = {"trainee": "乙", "pack": "drill-001-assessment", "scenario": "mixed-window",
             "deductions": [{"item": "A6", "charged_to": "T1201", "points": 1}, {"item": "A4", "charged_to": "T1202"}]}
    code, out, _ = run("training", "grade", "--scenario", str(PACK), "--attempt", _attempt(tmp_path / "2.json", mixed))
    assert code == 0 and out.count("missed") == 2 and "A4 → T1202 ×1: wrongly deducted" in out
    assert "points written 1, the rules give 3" in out


def test_grade_bad_attempt_names_the_field(run, tmp_path: Path) -> None:
    bad = _attempt(tmp_path / "bad.json", {"trainee": "甲", "pack": "drill-001-assessment", "scenario": "a2-late",
                                          "deductions": [{"item": "A2", "charged_to": "T201", "count": 0}]})
    code, _, err = run("training", "grade", "--scenario", str(PACK), "--attempt", bad)
    assert code == 1 and "[deductions.0.count]" in err


def test_calibrate(run, tmp_path: Path) -> None:
    attempts = [
        {"trainee": t, "pack": "drill-001-assessment", "scenario": "a2-late",
         "deductions": [{"item": "A2", "charged_to": "T201"}] if t != "丙" else []}
        for t in ("甲", "乙", "丙")
    ]
    code, out, err = run("training", "calibrate", "--scenario", str(PACK), "--attempts",
                         _attempt(tmp_path / "all.json", attempts))
    assert code == 0, err
    assert "甲: score 100" in out and "丙: score 0" in out and "Cohen's kappa:" in out
    code, out, _ = run("training", "calibrate", "--scenario", str(PACK), "--attempts",
                       _attempt(tmp_path / "all.json", attempts), "--format", "json")
    assert json.loads(out)["accuracy"]["甲"] == 1.0


def test_schema(run) -> None:
    code, out, _ = run("training", "schema", "attempt")
    assert code == 0 and "deductions" in json.loads(out)["properties"]


def test_calibrate_writes_the_pdf_report(run, tmp_path: Path) -> None:
    import pypdfium2

    attempts = [{"trainee": t, "pack": "drill-001-assessment", "scenario": "a2-late",
                 "deductions": [{"item": "A2", "charged_to": "T201" if t == "甲" else "T202"}]} for t in ("甲", "乙")]
    pdf = tmp_path / "report.pdf"
    code, _, err = run("training", "calibrate", "--scenario", str(PACK), "--attempts",
                       _attempt(tmp_path / "all.json", attempts), "--pdf", str(pdf))
    assert code == 0 and str(pdf) in err
    document = pypdfium2.PdfDocument(str(pdf))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "Training calibration report" in text and "TRAINING" in text and "甲" in text and "乙" in text


def test_training_flag_uses_the_training_folder_and_never_syncs(run, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector_app.core.settings import load_settings

    monkeypatch.setenv("INSPECTOR_APP_PASSPHRASE", "demo-passphrase")
    share = tmp_path / "share"
    share.mkdir()
    code, out, err = run("--training", "sync", "--share", str(share))
    assert code == 1 and "training workspace" in (out + err)
    assert list(share.rglob("*.zip")) == []  # no batch sent
    assert load_settings(tmp_path / "data" / "training").training
    assert not (tmp_path / "data" / "inspector.db").exists()  # production untouched
