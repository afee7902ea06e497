"""The bundled checklists (forms/*.yaml) and the checklist file format's error reporting."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from inspector_app.core.checklists import ChecklistLibrary, content_hash, load_checklist
from inspector_app.core.checklists.models import (
    Basis,
    ChargeTo,
    Checklist,
    ScoredScoring,
    TallyScoring,
)
from inspector_app.core.errors import InputError, NotFoundError
from inspector_app.core.fileformat import schema_json
from inspector_app.core.paths import forms_dir, resources_dir

FORM_FILES = sorted(forms_dir().rglob("*.yaml"))
STANDARDS = resources_dir() / "standards"
ASSESSMENT_FILE = forms_dir() / "001-assessment.yaml"
SEED_001 = "001_ce073555502355fb.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def library() -> ChecklistLibrary:
    return ChecklistLibrary.load()


@pytest.fixture(scope="module")
def standards() -> dict[str, str]:
    return {path.name: _squash(path.read_text(encoding="utf-8")) for path in STANDARDS.iterdir() if path.is_file()}


# -- the bundled forms -----------------------------------------------------------------------------------------
def test_library_loads_without_problems(library):
    assert library.problems == []
    assert len(library) >= 4
    assert "svc-001-assessment" in library.checklists


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_every_form_loads_and_has_items(path):
    checklist = load_checklist(path)
    assert len(checklist.items()) >= 1
    assert all(section.items for section in checklist.sections)


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_every_quote_stands_verbatim_in_its_standard(path, standards):
    checklist = load_checklist(path, check_quotes=False)
    for item in checklist.items():
        assert item.source.file in standards, item.code
        assert _squash(item.source.quote) in standards[item.source.file], item.code
        assert item.source.file in checklist.source_files


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_only_001_states_point_values(path):
    """Only 001 gives point values: an item whose points are 'stated in the source' must cite 001, one whose
    points are a local assumption says why, and a finding without points (deducts: false) has no points at all."""
    checklist = load_checklist(path)
    for item in checklist.items():
        if not item.deducts:
            assert item.points is None and item.points_basis is None and item.points_each == 0, item.code
        elif item.points_basis is Basis.SOURCE:
            assert item.source.file == SEED_001, f"{item.code} claims source points from {item.source.file}"
        else:
            assert item.points_note, item.code


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_caps_are_at_least_the_points(path):
    for item in load_checklist(path).items():
        assert item.cap is None or item.cap >= item.points, item.code


def test_ids_are_unique_across_files():
    ids = [load_checklist(path).id for path in FORM_FILES]
    assert len(ids) == len(set(ids))


def test_library_lookup(library):
    assert library.get("svc-001-assessment").id == "svc-001-assessment"
    with pytest.raises(NotFoundError):
        library.get("svc-no-such-form")
    assert [c.id for c in library] == sorted(library.checklists)


def test_content_hash_is_stable_and_sensitive():
    first, second = load_checklist(ASSESSMENT_FILE), load_checklist(ASSESSMENT_FILE)
    assert content_hash(first) == content_hash(second)
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(first))
    changed = first.model_copy(update={"version": first.version + 1})
    assert content_hash(changed) != content_hash(first)


# -- 001 §四: the nine rules ------------------------------------------------------------------------------------
NINE_RULES = {  # code: (points, charged to)
    "A1": (2, ChargeTo.DEPARTMENT),  # 集体学习 — 缺少一次扣科室 2 分
    "A2": (1, ChargeTo.PERSON),  # 出勤
    "A3": (1, ChargeTo.PERSON),  # 胸牌、着装
    "A4": (2, ChargeTo.PERSON),  # 服务态度
    "A5": (3, ChargeTo.PERSON),  # 首问负责
    "A6": (3, ChargeTo.PERSON),  # 劳动纪律
    "A7": (5, ChargeTo.PERSON),  # 投诉经查实
    "A8": (5, ChargeTo.PERSON),  # 岗位职责
}


def test_001_assessment_has_exactly_the_nine_rules(library):
    checklist = library.get("svc-001-assessment")
    assert {item.code: (item.points, item.charge_to) for item in checklist.items()} == NINE_RULES
    assert all(item.points_basis is Basis.SOURCE and item.cap is None for item in checklist.items())
    assert isinstance(checklist.scoring, TallyScoring)
    assert checklist.head_multiplier == 2  # 第9条: 科室负责人双倍扣分
    assert checklist.scoring.head_multiplier.basis is Basis.SOURCE
    assert checklist.scoring.pay_percent_per_point.value == 1  # 每分扣 1%
    assert checklist.scoring.pay_percent_per_point.basis is Basis.SOURCE
    assert checklist.source_files == [SEED_001]
    assert checklist.citation(SEED_001) == "《服务窗口和医技辅助及后勤服务科室优质服务提升行动实施方案》（宝口医发〔2023〕13号）"


def test_complaint_rule_requires_confirmation(library):
    item = library.get("svc-001-assessment").item("A7")
    assert "经查实" in item.source.quote and "经查实" in item.text.zh
    assert item.recorded_in == "complaint_register" and not item.observable  # only the register charges it


def test_scored_forms_have_a_pass_line_below_the_base(library):
    for checklist in library:
        if isinstance(checklist.scoring, ScoredScoring):
            assert 0 < checklist.scoring.pass_score.value <= checklist.scoring.base_score.value, checklist.id


# -- broken files ------------------------------------------------------------------------------------------------
ORIGINAL = ASSESSMENT_FILE.read_text(encoding="utf-8")


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


# name: (text replaced, replacement, field expected in the Problem, line: (needle in the broken text, occurrence));
# a mapping's line is where its first key stands (the line after `key:` for a block mapping)
BROKEN = {
    "syntax-error": ("version: 4\n", "version: [4\n", "", None),
    "unknown-field": ("        points: 3\n", "        points: 3\n        colour: red\n",
                      "sections.0.items.4.colour", ("colour: red", 1)),
    "missing-points": ("        points: 2\n", "", "sections.0.items.0.points", ("- code: A1", 1)),
    "assumption-without-note": ("        points: 2\n        points_basis: source\n",
                                "        points: 2\n        points_basis: assumption\n",
                                "sections.0.items.0", ("- code: A1", 1)),
    "source-quote-lacks-number": ("        points: 1\n", "        points: 4\n", "sections.0.items.1",
                                  ("- code: A2", 1)),
    "duplicate-item-code": ("      - code: A3\n", "      - code: A2\n", "sections.0.items.2.code",
                            ("- code: A2", 2)),
    "duplicate-key": ("        points: 1\n", "        points: 1\n        points: 1\n", "points", ("points: 1", 2)),
    "quote-not-in-standard": ("quote: 实行首问负责制，不推诿服务对象。", "quote: 实行首问负责制，绝不推诿服务对象。",
                              "sections.0.items.4.source.quote", ("绝不推诿", 1)),
    "deadline-assumption-without-note": ("  note: 原文未规定整改期限；本院暂定 7 天，可由综合办公室调整。\n", "",
                                         "default_deadline_days", ("  value: 7\n", 1)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_gives_a_problem_with_file_line_and_field(tmp_path, case):
    old, new, field, where = BROKEN[case]
    assert old in ORIGINAL
    broken = ORIGINAL.replace(old, new, 1)
    path = tmp_path / f"{case}.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_checklist(path)
    problems = caught.value.problems
    assert problems
    problem = problems[0]
    assert problem.file == str(path)
    assert isinstance(problem.line, int) and 1 <= problem.line <= broken.count("\n") + 1
    assert problem.field == field
    assert problem.reason
    if where is not None:
        assert problem.line == _line_of(broken, *where)
    assert str(path) in str(caught.value) and f":{problem.line}" in str(caught.value)


def test_broken_file_reasons_are_plain_words(tmp_path, english):
    messages = {}
    for case in ("unknown-field", "missing-points", "assumption-without-note", "source-quote-lacks-number",
                 "duplicate-item-code", "duplicate-key", "quote-not-in-standard"):
        old, new, _, _ = BROKEN[case]
        path = tmp_path / f"{case}.yaml"
        path.write_text(ORIGINAL.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(InputError) as caught:
            load_checklist(path)
        messages[case] = caught.value.problems[0].reason
    assert "unknown field" in messages["unknown-field"]
    assert "required" in messages["missing-points"]
    assert "note" in messages["assumption-without-note"]
    assert "4" in messages["source-quote-lacks-number"]
    assert "A2" in messages["duplicate-item-code"]
    assert "points" in messages["duplicate-key"]
    assert "verbatim" in messages["quote-not-in-standard"]


def test_duplicate_item_code_points_at_the_duplicate(tmp_path):
    old, new, _, _ = BROKEN["duplicate-item-code"]
    broken = ORIGINAL.replace(old, new, 1)
    path = tmp_path / "dup.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_checklist(path)
    problem = caught.value.problems[0]
    assert problem.line == _line_of(broken, "- code: A2", 2)
    assert problem.field.startswith("sections.0.items.2")


def test_broken_file_is_kept_aside_by_the_library(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "good.yaml").write_text(ORIGINAL, encoding="utf-8")
    (folder / "bad.yaml").write_text(ORIGINAL.replace("id: svc-001-assessment", "id: svc-bad\nversion: 2", 1),
                                     encoding="utf-8")
    library = ChecklistLibrary.load(folder)
    assert list(library.checklists) == ["svc-001-assessment"]
    assert library.problems and library.problems[0].file == str(folder / "bad.yaml")


def test_newest_version_wins_and_training_forms_are_skipped(tmp_path):
    folder = tmp_path / "forms"
    (folder / "training").mkdir(parents=True)
    (folder / "v1.yaml").write_text(ORIGINAL, encoding="utf-8")
    (folder / "v3.yaml").write_text(re.sub(r"^version: \d+$", "version: 30", ORIGINAL, count=1, flags=re.M),
                                    encoding="utf-8")
    (folder / "training" / "t.yaml").write_text(
        ORIGINAL.replace("id: svc-001-assessment", "id: svc-training", 1), encoding="utf-8")
    library = ChecklistLibrary.load(folder)
    assert library.get("svc-001-assessment").version == 30
    assert library.paths["svc-001-assessment"] == folder / "v3.yaml"
    assert "svc-training" not in library.checklists
    assert "svc-training" in ChecklistLibrary.load(folder, include_training=True).checklists


def test_json_file_is_accepted_too(tmp_path):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(yaml.safe_load(ORIGINAL), ensure_ascii=False), encoding="utf-8")
    assert load_checklist(path) == load_checklist(ASSESSMENT_FILE)


# -- the JSON schema -----------------------------------------------------------------------------------------------
def test_json_schema_is_valid_json_with_the_top_level_fields():
    schema = json.loads(schema_json(Checklist))
    assert schema["type"] == "object"
    assert {"id", "version", "title", "inspects", "scoring", "default_deadline_days", "sources",
            "sections"} <= set(schema["properties"])
    assert {"id", "version", "title", "inspects", "scoring", "default_deadline_days", "sources",
            "sections"} <= set(schema["required"])
    assert schema.get("additionalProperties") is False  # unknown fields are errors
    assert "Item" in schema.get("$defs", {})


# -- a stated value stands where the source deducts or sets it (issue #15 item 6) ---------------------------------
@pytest.mark.parametrize(("value", "quote", "kind", "stated"), [
    (5, "服务投诉……经查实者每起扣个人 5 分。", "points", True),
    (1, "佩戴胸牌上岗、着装规范、仪表端庄。违者，一次扣个人 1 分。", "points", True),
    (2, "每月至少开展 2 次科室集体学习，做好学习记录。违者，缺少一次扣科室 2 分；", "points", True),
    (5, "危急值 5 分钟内报告临床。", "points", False),  # minutes, not points
    (2, "每月至少开展 2 次科室集体学习。", "points", False),  # a count, not points
    (1, "违者扣 10 分。", "points", False),  # digits are whole numbers
    (1.5, "违者扣 1.5 分。", "points", True),
    (3, "每次扣三分。", "points", True),
    (2, "若科室负责人违反相关规定，进行双倍扣分。", "multiplier", True),
    (2, "科室负责人每月至少 2 次参加学习。", "multiplier", False),
    (1, "每分扣 1%。", "percent", True),
    (1, "满意度达 1% 以上。", "percent", False),
    (7, "限期 7 天内整改到位。", "days", True),
    (7, "7 个科室参加。", "days", False),
    (90, "综合得分 90 分以上为合格。", "score", True),
])
def test_a_source_value_must_stand_in_a_deduction_phrase(value, quote, kind, stated):
    from inspector_app.core.checklists.models import stated_in

    assert stated_in(value, quote, kind) is stated


def test_a_number_elsewhere_in_the_quote_does_not_back_points(english):
    from pydantic import ValidationError

    from inspector_app.core.checklists.models import Item

    item = {"code": "X1", "text": {"zh": "危急值报告", "en": "Critical values"}, "category": "医疗质量",
            "points": 5, "points_basis": "source", "charge_to": "person",
            "source": {"file": "001_ce073555502355fb.txt", "section": "四", "quote": "危急值 5 分钟内报告临床。"}}
    with pytest.raises(ValidationError, match="does not state the value 5 where it deducts"):
        Item.model_validate(item)
    item["source"]["quote"] = "违者，一次扣个人 5 分。"
    assert Item.model_validate(item).points == 5


def test_scoring_values_stand_as_what_they_are(english):
    from pydantic import ValidationError

    rule = {"basis": "source", "source": {"file": "001_ce073555502355fb.txt", "section": "四",
                                          "quote": "若科室负责人违反相关规定，进行双倍扣分。"}}
    percent = {"value": 1, "basis": "source", "source": {"file": "001_ce073555502355fb.txt", "section": "四",
                                                          "quote": "每分扣 1%。"}}
    TallyScoring.model_validate({"mode": "tally", "head_multiplier": {"value": 2, **rule},
                                 "pay_percent_per_point": percent})
    with pytest.raises(ValidationError, match="value 3"):  # 双倍 is 2, not 3
        TallyScoring.model_validate({"mode": "tally", "head_multiplier": {"value": 3, **rule},
                                     "pay_percent_per_point": percent})
