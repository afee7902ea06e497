"""The training file formats: scenario packs (drills with an answer key) and trainees' attempts.

A pack is JSON (`forms/training/scenarios/*.scenarios.json`), not YAML, so `forms validate` and the checklist
library never mistake it for a checklist. The models only check the shape; `packs.load_pack` then checks the
answer key against the checklist the pack names (item codes, who is charged, the points the rules give).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, RootModel

from inspector_app.core.checklists.models import (
    CODE_PATTERN,
    ID_PATTERN,
    LocalText,
    SourceRef,
    Strict,
)

DEPARTMENT = "department"  # `charged_to` value for a deduction charged to the scenario's department
STAFF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
TARGET_PATTERN = STAFF_PATTERN  # a 工号, or the word "department"


class Person(Strict):
    """Someone present in the scene (fictional, independent of the hospital roster)."""

    staff_id: Annotated[str, Field(pattern=STAFF_PATTERN, description="工号, unique within the scenario")]
    name: Annotated[str, Field(min_length=1)]
    is_head: bool = Field(default=False, description="科室负责人: person deductions count double (001 §四 第9条)")
    department: str | None = Field(default=None, description="The scenario's department when absent")
    role: LocalText | None = None


class ExpectedDeduction(Strict):
    """One line of the answer key."""

    item: Annotated[str, Field(pattern=CODE_PATTERN)]
    charged_to: Annotated[str, Field(pattern=TARGET_PATTERN, description="a person's 工号, or 'department'")]
    count: Annotated[int, Field(ge=1, le=100)] = 1
    points: Annotated[float, Field(ge=0, description="Must equal the checklist rules (head multiplier included); "
                                                     "0 for a finding without points or a value that passes")]
    values: dict[int, float] | None = Field(default=None, description=(
        "A measured line: the value(s) the scene gives, by threshold position (0 = the item's first threshold). "
        "Pass or fail and the occurrences follow from the item's thresholds; `count` is then left out"))
    why: LocalText
    source: SourceRef | None = Field(default=None, description="Filled in from the checklist item when absent; "
                                                               "must match it when given")


class Scenario(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: LocalText
    department: Annotated[str, Field(min_length=1, description="The department where the scene takes place")]
    scene: LocalText = Field(description="What the inspector sees and hears (Chinese; English optional)")
    picture: str | None = Field(default=None, description="Picture file, relative to the pack file")
    people: list[Person] = Field(default_factory=list)
    complaint: Literal["pending", "verified", "unfounded"] | None = Field(default=None, description=(
        "A complaint scene: where the complaint stands in the office's register. Only a verified one charges "
        "the complaint item (001 §四 第7条: 经查实者每起扣个人 5 分), dated on its verification"))
    expected: list[ExpectedDeduction] = Field(default_factory=list,
                                              description="Empty when nothing should be deducted")


class ScenarioPack(Strict):
    format: Literal["inspector-training-pack/1"] = "inspector-training-pack/1"
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: LocalText
    checklist: Annotated[str, Field(pattern=ID_PATTERN, description="Id of the checklist whose rules apply")]
    scenarios: Annotated[list[Scenario], Field(min_length=1)]


class RecordedDeduction(Strict):
    """What a trainee would record; `points` is optional, for drills on the points table and head ×2."""

    item: Annotated[str, Field(min_length=1, max_length=32)]
    charged_to: Annotated[str, Field(min_length=1, max_length=32)]
    count: Annotated[int, Field(ge=1, le=100)] = 1
    points: Annotated[float | None, Field(ge=0)] = None
    values: dict[int, float] | None = Field(default=None, description="Measured value(s) the trainee typed, by "
                                                                     "threshold position (count is then derived)")


class Attempt(Strict):
    format: Literal["inspector-training-attempt/1"] = "inspector-training-attempt/1"
    trainee: Annotated[str, Field(min_length=1, max_length=100)]
    pack: Annotated[str, Field(min_length=1)]
    scenario: Annotated[str, Field(min_length=1)]
    deductions: list[RecordedDeduction] = Field(default_factory=list)
    submitted_at: AwareDatetime | None = Field(default=None, description="When the drill was submitted")


class AttemptList(RootModel[list[Attempt]]):
    """A file of several attempts (a trainer grading in bulk); a single attempt object is also accepted."""


def pack_schema() -> str:
    return json.dumps(ScenarioPack.model_json_schema(), ensure_ascii=False, indent=2)


def attempt_schema() -> str:
    return json.dumps(Attempt.model_json_schema(), ensure_ascii=False, indent=2)
