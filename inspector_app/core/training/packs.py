"""Loading scenario packs and attempts, checking the answer key against the checklist's own rules.

The key's points are written in the pack so a trainer can read it, but they must equal what
`scoring.entry_points` gives (head ×2 included): a key that disagrees with the rules would teach the wrong
thing, so it is refused with the scenario and field named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from inspector_app.core.checklists.library import ChecklistLibrary
from inspector_app.core.checklists.models import ChargeTo, Checklist
from inspector_app.core.errors import AppError, InputError, NotFoundError, Problem
from inspector_app.core.fileformat import line_for, parse_text, read_text, validate_data
from inspector_app.core.i18n import tr
from inspector_app.core.scoring import entry_points
from inspector_app.core.scoring.measured import measured_outcome
from inspector_app.core.training.models import (
    DEPARTMENT,
    Attempt,
    AttemptList,
    ExpectedDeduction,
    Person,
    Scenario,
    ScenarioPack,
)

PACK_SUFFIX = ".scenarios.json"


@dataclass(frozen=True)
class Pack:
    """A validated pack with the checklist whose rules it is graded by."""

    data: ScenarioPack
    checklist: Checklist
    file: str = ""

    @property
    def id(self) -> str:
        return self.data.id

    def scenario(self, scenario_id: str) -> Scenario:
        for scenario in self.data.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise NotFoundError(tr("No scenario {id} in pack {pack}", id=scenario_id, pack=self.data.id))


def person(scenario: Scenario, staff_id: str) -> Person | None:
    return next((p for p in scenario.people if p.staff_id == staff_id), None)


def rule_points(checklist: Checklist, scenario: Scenario, item_code: str, charged_to: str, count: int
                ) -> float | None:
    """Points the checklist's rules give one deduction, or None when item or target does not fit."""
    try:
        item = checklist.item(item_code)
    except KeyError:
        return None
    if item.charge_to is ChargeTo.DEPARTMENT:
        if charged_to != DEPARTMENT:
            return None
        return entry_points(checklist, item, count, ChargeTo.DEPARTMENT.value, False).points
    who = person(scenario, charged_to)
    if who is None:
        return None
    return entry_points(checklist, item, count, ChargeTo.PERSON.value, who.is_head).points


@dataclass(frozen=True)
class LinePoints:
    """What one line deducts by the checklist's rules: points (None when item or target does not fit), whether
    its measured value passes (None for a counted line), and its occurrences (derived from a measured value)."""

    points: float | None
    passed: bool | None
    count: int


def line_points(checklist: Checklist, scenario: Scenario, item_code: str, charged_to: str, count: int,
                values: Mapping[int, float] | None = None) -> LinePoints:
    """A counted line's points (rule_points), or a measured line's: its values against the item's thresholds
    (scoring.measured), a failure's occurrences charged by the same rules, a pass deducting nothing. Raises
    InputError for values that do not fit the item."""
    if values is None:
        return LinePoints(rule_points(checklist, scenario, item_code, charged_to, count), None, count)
    try:
        item = checklist.item(item_code)
    except KeyError:
        return LinePoints(None, None, count)
    outcome = measured_outcome(item, values)
    if outcome.passed:
        fits = rule_points(checklist, scenario, item_code, charged_to, 1) is not None
        return LinePoints(0.0 if fits else None, True, 0)
    return LinePoints(rule_points(checklist, scenario, item_code, charged_to, outcome.occurrences), False,
                      outcome.occurrences)


def _key_problems(expected: ExpectedDeduction, scenario: Scenario, checklist: Checklist) -> list[tuple[str, str]]:
    """(field, reason) for one answer-key line."""
    try:
        item = checklist.item(expected.item)
    except KeyError:
        return [("item", tr("item {code} is not in checklist {checklist}", code=expected.item,
                            checklist=checklist.id))]
    if not item.observable and scenario.complaint != "verified":
        return [("item", tr("item {code} charges only a complaint verified in the register: give the scene "
                            "complaint: verified, or leave the line out", code=item.code))]
    if expected.values is not None:
        if expected.count != 1:
            return [("count", tr("a measured line takes no count: the occurrences follow from its values"))]
        try:
            measured_outcome(item, expected.values)
        except InputError as exc:
            return [("values", exc.problems[0].reason)]
    if item.charge_to is ChargeTo.DEPARTMENT and expected.charged_to != DEPARTMENT:
        return [("charged_to", tr("item {code} is charged to the department: write 'department'", code=item.code))]
    if item.charge_to is ChargeTo.PERSON and person(scenario, expected.charged_to) is None:
        return [("charged_to", tr("{target} is not one of the people in this scenario", target=expected.charged_to))]
    problems = []
    line = line_points(checklist, scenario, expected.item, expected.charged_to, expected.count, expected.values)
    points = line.points
    if points is not None and abs(points - expected.points) > 1e-9:
        who = person(scenario, expected.charged_to)
        hint = tr(" (department head: ×{m:g})", m=checklist.head_multiplier) if who and who.is_head else ""
        problems.append(("points", tr("the rules give {rule:g} point(s) for {code} × {count}{hint}, not {points:g}",
                                      rule=points, code=item.code, count=line.count, hint=hint,
                                      points=expected.points)))
    if expected.source is not None and expected.source != item.source:
        problems.append(("source", tr("does not match the source of item {code} ({section})", code=item.code,
                                      section=item.source.section)))
    return problems


def check_pack(pack: ScenarioPack, checklist: Checklist, file: str, lines: dict, base: Path | None = None
               ) -> list[Problem]:
    """Every problem of a shape-valid pack against its checklist."""
    problems: list[Problem] = []

    def add(loc: tuple, reason: str) -> None:
        problems.append(Problem(file, line_for(lines, loc), ".".join(map(str, loc)), reason))

    seen_ids: set[str] = set()
    for s_index, scenario in enumerate(pack.scenarios):
        at = ("scenarios", s_index)
        if scenario.id in seen_ids:
            add(at + ("id",), tr("scenario id {id} is used twice", id=scenario.id))
        seen_ids.add(scenario.id)
        staff = [p.staff_id for p in scenario.people]
        for p_index, staff_id in enumerate(staff):
            if staff_id == DEPARTMENT or staff.index(staff_id) != p_index:
                add(at + ("people", p_index, "staff_id"), tr("staff id {id} is used twice or reserved", id=staff_id))
        if scenario.picture and base is not None and not (base / scenario.picture).is_file():
            add(at + ("picture",), tr("picture {name} not found beside the pack", name=scenario.picture))
        keys: set[tuple[str, str]] = set()
        for e_index, expected in enumerate(scenario.expected):
            where = at + ("expected", e_index)
            if (expected.item, expected.charged_to) in keys:
                add(where, tr("{code} charged to {target} is listed twice: give one line with a count",
                              code=expected.item, target=expected.charged_to))
            keys.add((expected.item, expected.charged_to))
            for name, reason in _key_problems(expected, scenario, checklist):
                add(where + (name,), tr("scenario {id}: {reason}", id=scenario.id, reason=reason))
    return problems


def _with_sources(pack: ScenarioPack, checklist: Checklist) -> ScenarioPack:
    scenarios = [s.model_copy(update={"expected": [
        e.model_copy(update={"source": checklist.item(e.item).source}) for e in s.expected]})
        for s in pack.scenarios]
    return pack.model_copy(update={"scenarios": scenarios})


def load_pack(path: Path, library: ChecklistLibrary | None = None) -> Pack:
    """Load and fully check one pack, or raise InputError listing every problem."""
    name = str(path)
    parsed = parse_text(read_text(path), name)
    data = validate_data(ScenarioPack, parsed.data, name, parsed.lines)
    library = library if library is not None else ChecklistLibrary.load(include_training=True)
    checklist = library.checklists.get(data.checklist)
    if checklist is None:
        raise InputError([Problem(name, line_for(parsed.lines, ("checklist",)), "checklist",
                                  tr("No checklist with id {id}", id=data.checklist))])
    problems = check_pack(data, checklist, name, parsed.lines, path.parent)
    if problems:
        raise InputError(problems)
    return Pack(_with_sources(data, checklist), checklist, name)


def pack_files(*paths: Path) -> list[Path]:
    """The pack files named, and every `*.scenarios.json` under folders named."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*" + PACK_SUFFIX)) if path.is_dir() else [path]
    return files


def load_attempts(path: Path) -> list[Attempt]:
    """One attempt object, or a list of them, from a JSON (or YAML) file."""
    name = str(path)
    parsed = parse_text(read_text(path), name)
    if isinstance(parsed.data, list):
        return validate_data(AttemptList, parsed.data, name, parsed.lines).root
    return [validate_data(Attempt, parsed.data, name, parsed.lines)]


def check_attempt_pack(pack: Pack, attempt: Attempt) -> None:
    if attempt.pack != pack.id:
        raise AppError(tr("The attempt of {trainee} is for pack {other}, not {pack}", trainee=attempt.trainee,
                          other=attempt.pack, pack=pack.id))
