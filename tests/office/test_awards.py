"""The quarterly selection (季度评选, issue #14 part 4) on SQLite and PostgreSQL: two laptops record a quarter entry
by entry (tests/helpers/office_quarter.py), the office merges them, and the candidates, their ranking and the
criteria each failed equal what the test works out by hand from the laptops' own stores; picks keep 000's
quota (3 windows, 10 persons) and refuse what is not a candidate unless the office says why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.award_rules import (
    Criterion,
    Measured,
    Measurement,
    Outcome,
    classify,
    parse_quarter,
    quarter_months,
)
from inspector_app.office.awards import candidates, pick, picks, withdraw
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital
from tests.helpers.office_quarter import (
    COMPLAINT,
    EVALUATION,
    MONTHS,
    QUARTER,
    ROSTER,
    SATISFACTION,
    SHIRKING,
    TALLY,
    RawEntry,
    RawInspection,
    plan,
    raw,
    record,
    roster,
)

NOW = datetime(2026, 4, 8, 9, 30, tzinfo=timezone(timedelta(hours=8)))
SEED = 7


@dataclass
class Recorded:
    bundles: list[Path]
    trusted: list
    inspections: list[RawInspection]
    entries: list[RawEntry]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Recorded:
    root = tmp_path_factory.mktemp("awards")
    office, laptops = found_hospital(root, demo_template, ["A001", "A002"])
    share = root / "share"
    share.mkdir()
    found = Recorded([], [load_office_certificate(office)], [], [])
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            record(ws, plan(SEED, n))
            inspections, entries = raw(ws)
            found.inspections += inspections
            found.entries += entries
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            found.bundles.append(report.bundle)
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            recorded: Recorded) -> Iterator[tuple[CentralDB, str]]:
    """Merged once per backend and only read from (the pick tests take their own)."""
    with merged_central(request, tmp_path_factory.mktemp("central"), recorded.bundles, recorded.trusted) as found:
        yield found


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path, recorded: Recorded) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, recorded.bundles, recorded.trusted) as found:
        yield found


# -- the expectation, by hand from the laptops' data ---------------------------------------------------------------
MET, FAILED, NONE = Outcome.MET, Outcome.FAILED, Outcome.NOT_MEASURED
# (evaluation rate, satisfaction) of each window, read off the plan's measured values (office_quarter.CORE):
# W-REG and W-WPH ≥ 90% every month; W-ADM's February satisfaction 87% (its January 85% replaced by 93% recorded
# later on the other laptop); W-INS measured for January and February only; W-TCM a W2 finding without a value
RATES_BY_HAND = {"W-REG": (MET, MET), "W-WPH": (MET, MET), "W-ADM": (MET, FAILED), "W-INS": (NONE, NONE),
                 "W-TCM": (FAILED, NONE), "W-SVC": (NONE, NONE)}


def _superseded(entry: RawEntry) -> bool:
    """W-ADM's January satisfaction failure, replaced by the later record: it counts against nobody."""
    return (entry.department, entry.item, entry.month) == ("W-ADM", "W3", "2026-01")


def _failed(entries: list[RawEntry]) -> set[Criterion]:
    failed = {Criterion.NO_VIOLATION} if entries else set()
    for rule, criterion in ((SHIRKING, Criterion.NO_SHIRKING), (COMPLAINT, Criterion.NO_COMPLAINT),
                            (EVALUATION, Criterion.EVALUATION_RATE), (SATISFACTION, Criterion.SATISFACTION)):
        if any((e.checklist, e.item) in rule for e in entries):
            failed.add(criterion)
    return failed


def _expected(recorded: Recorded, subjects: dict[str, str], *, by_person: bool) -> tuple[list[tuple], set[str]]:
    """Ranked (subject, inspections, points, failed, eligible, proposed) and the subjects nobody could judge.
    `subjects`: subject → the department whose inspections count for it."""
    visits = Counter(i.department for i in recorded.inspections if i.month in MONTHS)
    live = [e for e in recorded.entries if e.live and e.month in MONTHS and not _superseded(e)]
    rows = []
    for subject, department in subjects.items():
        mine = [e for e in live if (e.staff_no if by_person else e.department) == subject]
        points = round(sum(e.points for e in mine if e.checklist == TALLY), 4)  # scored checklists count 0
        rows.append((subject, visits[department], points, _failed(mine)))
    judged = [r for r in rows if r[1] or r[3]]
    judged.sort(key=lambda r: (bool(r[3]) or not r[1], r[2], -r[1], r[0]))
    quota, ranked, eligible = (10 if by_person else 3), [], 0
    for subject, inspections, points, failed in judged:
        ok = bool(inspections) and not failed and (by_person or RATES_BY_HAND[subject] == (MET, MET))
        ranked.append((subject, inspections, points, failed, ok, ok and eligible < quota))
        eligible += ok
    return ranked, {r[0] for r in rows if not r[1] and not r[3]}


def _got(found: list) -> list[tuple]:
    return [(c.subject, c.inspections, c.points, set(c.failed), c.eligible, c.proposed) for c in found]


def test_windows_match_the_hand_count(central: tuple[CentralDB, str], recorded: Recorded) -> None:
    db, _ = central
    selection = candidates(db, "2026-q1", lang="en")
    assert selection.quarter == QUARTER and selection.months == list(MONTHS)
    windows = {d.code: d.code for d in roster().departments if d.kind.value == "window"}
    expected, unjudged = _expected(recorded, windows, by_person=False)
    assert _got(selection.windows) == expected
    assert {c.subject for c in selection.not_enough_evidence if c.kind == "window"} == unjudged
    # what the recorded core makes of it, read off the plan: two clean windows measured every month proposed
    # (W-WPH has more inspections), W-SVC not judged
    assert [c.subject for c in selection.windows if c.proposed] == ["W-WPH", "W-REG"]
    assert unjudged == {"W-SVC"}
    for window in selection.windows:
        assert (window.result(Criterion.EVALUATION_RATE).outcome,
                window.result(Criterion.SATISFACTION).outcome) == RATES_BY_HAND[window.subject], window.subject
    adm = next(c for c in selection.windows if c.subject == "W-ADM")
    assert set(adm.failed) == {Criterion.SATISFACTION, Criterion.NO_VIOLATION}
    satisfaction = adm.result(Criterion.SATISFACTION)
    assert [(e.date, e.text.split("%")[0]) for e in satisfaction.evidence_for] == [("2026-03-30", "2026-01: 93"),
                                                                                   ("2026-03-30", "2026-03: 94")]
    assert "latest of 2 records" in satisfaction.evidence_for[0].text
    [low] = satisfaction.evidence_against
    assert low.text.startswith("2026-02: 87%") and "central database" in low.text and "A002" in low.inspector
    violations = adm.result(Criterion.NO_VIOLATION)  # the replaced January failure is not one of them
    assert [(e.item_code, e.date) for e in violations.evidence_against] == [("W3", "2026-03-30")]
    ins = next(c for c in selection.windows if c.subject == "W-INS")
    assert "2026-03" in ins.result(Criterion.SATISFACTION).note and len(ins.result(
        Criterion.SATISFACTION).evidence_for) == 2
    shirking = next(c for c in selection.windows if c.subject == "W-INS").result(Criterion.NO_SHIRKING)
    assert shirking.outcome is Outcome.FAILED
    [line] = shirking.evidence_against
    assert (line.date, line.item_code, line.checklist_id) == ("2026-02-16", "A5", TALLY)
    assert "A002" in line.inspector and "1017" in line.text
    tcm = next(c for c in selection.windows if c.subject == "W-TCM")
    assert tcm.result(Criterion.EVALUATION_RATE).outcome is Outcome.FAILED and tcm.points == 0
    assert "without a value" in tcm.result(Criterion.EVALUATION_RATE).evidence_against[0].text
    reg = next(c for c in selection.windows if c.subject == "W-REG")
    assert [r.outcome for r in reg.criteria] == [MET] * 3 + [NONE] + [MET] * 2
    assert reg.result(Criterion.NO_COMPLAINT).note  # says why: no complaint register kept
    assert [e.date for e in reg.result(Criterion.INSPECTED).evidence_for] == ["2026-01-08", "2026-02-10",
                                                                             "2026-03-03"]


def test_persons_match_the_hand_count(central: tuple[CentralDB, str], recorded: Recorded) -> None:
    db, _ = central
    people = roster()
    selection = candidates(db, QUARTER, roster=people)
    expected, unjudged = _expected(recorded, {s.staff_no: s.department for s in people.staff}, by_person=True)
    assert _got(selection.persons) == expected
    assert {c.subject for c in selection.not_enough_evidence if c.kind == "person"} == unjudged
    assert sum(c.proposed for c in selection.persons) == min(10, sum(r[4] for r in expected))
    # without the roster the central database knows only the people charged, all with an entry against them
    bare = candidates(db, QUARTER)
    charged = {e.staff_no: e.department for e in recorded.entries if e.live and e.month in MONTHS and e.staff_no}
    assert _got(bare.persons) == _expected(recorded, charged, by_person=True)[0]
    assert bare.persons and not any(c.eligible for c in bare.persons)


def test_the_offices_figures_replace_the_central_ones_month_by_month(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    low = Measurement("window", "W-REG", "2026-02", Criterion.SATISFACTION, 85.0, "评价器导出")
    march = tuple(Measurement("window", "W-INS", "2026-03", criterion, 95.0, "评价器")
                  for criterion in (Criterion.EVALUATION_RATE, Criterion.SATISFACTION))
    selection = candidates(db, QUARTER, measured=Measured((low, *march), complaints=()), lang="en")
    reg = next(c for c in selection.windows if c.subject == "W-REG")
    assert reg.failed == [Criterion.SATISFACTION]
    result = reg.result(Criterion.SATISFACTION)
    [given] = result.evidence_against
    assert "85% given by the office (评价器导出)" in given.text
    assert [e.text[:11] for e in result.evidence_for] == ["2026-01: 92", "2026-03: 94"]  # the central ones stand
    assert all("central database" in e.text for e in result.evidence_for)
    ins = next(c for c in selection.windows if c.subject == "W-INS")
    assert ins.result(Criterion.SATISFACTION).outcome is Outcome.MET and set(ins.failed) == {Criterion.NO_VIOLATION,
                                                                                         Criterion.NO_SHIRKING}
    assert all(c.result(Criterion.NO_COMPLAINT).outcome is Outcome.MET for c in selection.windows if c.inspected)
    assert [c.subject for c in selection.windows if c.proposed] == ["W-WPH"]
    # a person is judged on their department's months; one of W-ADM's failed, which does not say who was under 90%
    people = candidates(db, QUARTER, roster=roster(), lang="en", evidence=False)
    adm = next(c for c in people.persons if c.department_code == "W-ADM" and c.inspected)
    satisfaction = adm.result(Criterion.SATISFACTION)
    assert satisfaction.outcome is Outcome.NOT_MEASURED and "who is not recorded" in satisfaction.note
    assert "department W-ADM" in satisfaction.evidence_against[0].text
    reg_person = next(c for c in people.persons if c.department_code == "W-REG" and c.inspected)
    assert reg_person.result(Criterion.SATISFACTION).outcome is Outcome.MET


def test_a_verified_complaint_excludes_and_a_pending_one_is_only_shown(
        fresh: tuple[CentralDB, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from inspector_app.office import complaints as c

    db, url = fresh
    hospital = roster()
    pending = c.receive(db, c.NewComplaint(date(2026, 2, 3), "12345", "W-REG", "排队时间长"), by="办公室李",
                        roster=hospital, now=NOW)
    c.investigate(db, pending.number, by="办公室李", now=NOW)
    verified = c.receive(db, c.NewComplaint(date(2026, 2, 4), "院办", "W-WPH", "发药时态度生硬"), by="办公室李",
                         roster=hospital, now=NOW)
    c.decide(db, verified.number, True, by="办公室李", on=date(2026, 2, 10), note="调取录音属实", now=NOW)
    selection = candidates(db, QUARTER, lang="en")
    reg = next(w for w in selection.windows if w.subject == "W-REG")
    wph = next(w for w in selection.windows if w.subject == "W-WPH")
    shown = reg.result(Criterion.NO_COMPLAINT)
    assert shown.outcome is Outcome.PENDING and reg.eligible and "1 complaint" in shown.note
    [line] = shown.evidence_against
    assert line.date == "2026-02-03" and pending.number in line.text and "not yet verified" in line.text
    assert wph.failed == [Criterion.NO_COMPLAINT] and not wph.eligible
    [against] = wph.result(Criterion.NO_COMPLAINT).evidence_against
    assert against.date == "2026-02-10" and verified.number in against.text
    assert wph.points == 5.0  # 001 §四 第7条 charges the department when no person is named
    assert [w.subject for w in selection.windows if w.proposed] == ["W-REG"]
    assert [w.subject for w in selection.windows if w.eligible] == ["W-REG"]
    # 000 W5 (无服务投诉) holds for an inspected window the register holds nothing against
    others = [w for w in selection.windows if w.subject not in ("W-REG", "W-WPH") and w.inspected]
    assert others and all(w.result(Criterion.NO_COMPLAINT).outcome is Outcome.MET for w in others)
    code, out, err = cli_runner(tmp_path / "data", capsys)("office", "awards", "--central", url, "--quarter",
                                                           QUARTER)
    assert code == 0, err
    reg_line = next(line for line in out.splitlines() if "W-REG" in line)
    assert "?" in reg_line and "? pending" in out  # the CLI marks the pending complaint, and says what ? means


def test_a_window_needs_both_rates_shown_every_month_and_a_person_does_not() -> None:
    from inspector_app.office.award_rules import CriterionResult
    from inspector_app.office.awards import Candidate

    def judged(kind: str, rate: Outcome) -> Candidate:
        results = [CriterionResult(c, MET) for c in Criterion if c is not Criterion.SATISFACTION]
        return Candidate(kind, "X", "X", "X", "X", 1, 0.0, [*results, CriterionResult(Criterion.SATISFACTION, rate)])

    assert judged("window", MET).eligible
    window = judged("window", NONE)  # a month with no value: no evidence, not a pass
    assert window.unproven == [Criterion.SATISFACTION] and not window.eligible and not window.failed
    assert judged("person", NONE).eligible  # 服务标兵 are not held to rates a ward never measures


def test_the_rules_pick_the_items_the_wording_says(demo_template: Path) -> None:
    from inspector_app.core.checklists.library import ChecklistLibrary

    library = ChecklistLibrary.load(Path(__file__).resolve().parents[2] / "forms", include_training=True)
    found = {(c.id, code): {x.value for x in criteria} for c in library for code, criteria in classify(c).items()}
    by_hand = {("svc-000-model-window", "W2"): {"evaluation_rate"}, ("svc-000-model-window", "W3"): {"satisfaction"},
               ("svc-000-model-window", "W4"): {"no_shirking"}, ("svc-000-model-window", "W5"): {"no_complaint"},
               ("svc-000-model-window", "S6"): {"no_complaint"}, ("svc-001-assessment", "A5"): {"no_shirking"},
               ("svc-001-assessment", "A7"): {"no_complaint"}, ("svc-001-daily", "F1"): {"no_shirking"},
               ("svc-002-hospital-service", "S3"): {"no_shirking"},
               ("svc-002-hospital-service", "C9"): {"satisfaction"},  # canteen below 60% is below 90% too
               ("svc-003-model-hospital", "X3"): {"no_shirking"}, ("svc-training-sample", "A5"): {"no_shirking"}}
    assert found == by_hand


def test_quarters_are_checked() -> None:
    assert quarter_months("2025-Q4") == ["2025-10", "2025-11", "2025-12"]
    for bad in ("2026-Q5", "2026Q1", "2026-03", ""):
        with pytest.raises(InputError, match="2026-Q1"):
            parse_quarter(bad)


# -- picks ------------------------------------------------------------------------------------------------------
def test_picks_keep_the_quota_and_refuse_non_candidates(fresh: tuple[CentralDB, str]) -> None:
    db, _ = fresh
    people = roster()
    selection = candidates(db, QUARTER, roster=people)
    for n, code in enumerate(("W-WPH", "W-REG")):
        pick(db, QUARTER, "window", code, picked_by="王主任", now=NOW + timedelta(minutes=n))
    with pytest.raises(InputError, match="W-ADM is not a candidate.*satisfaction"):
        pick(db, QUARTER, "window", "W-ADM", picked_by="王主任", now=NOW, lang="en")
    with pytest.raises(InputError, match="W-INS is not a candidate.*no shirking"):
        pick(db, QUARTER, "window", "W-INS", picked_by="王主任", now=NOW, lang="en")
    with pytest.raises(InputError, match="W-SVC is not a candidate.*nobody inspected"):
        pick(db, QUARTER, "window", "W-SVC", picked_by="王主任", now=NOW, lang="en")
    with pytest.raises(InputError, match="no window W-XYZ"):
        pick(db, QUARTER, "window", "W-XYZ", picked_by="王主任", now=NOW, override_reason="x", lang="en")
    with pytest.raises(InputError, match="already picked"):
        pick(db, QUARTER, "window", "W-REG", picked_by="王主任", now=NOW, lang="en")
    pick(db, QUARTER, "window", "W-INS", picked_by="王主任", now=NOW, override_reason="投诉已核实为误会")
    with pytest.raises(InputError, match=r"already has 3 window picks \(W-INS, W-REG, W-WPH\)"):
        pick(db, QUARTER, "window", "W-ADM", picked_by="王主任", now=NOW, override_reason="x", lang="en")
    withdraw(db, QUARTER, "window", "W-INS", withdrawn_by="王主任", now=NOW, note="领导小组未通过")
    with pytest.raises(InputError, match="not picked"):
        withdraw(db, QUARTER, "window", "W-INS", withdrawn_by="王主任", now=NOW, lang="en")
    pick(db, QUARTER, "window", "W-ADM", picked_by="王主任", now=NOW, override_reason="整改到位")
    later = NOW + timedelta(hours=1)
    withdraw(db, QUARTER, "window", "W-ADM", withdrawn_by="王主任", now=later)
    pick(db, QUARTER, "window", "W-INS", picked_by="李", now=later, override_reason="复核通过")  # taken up again

    eligible = [c.subject for c in selection.persons if c.eligible]
    assert len(eligible) > 10
    for staff_no in eligible[:10]:
        pick(db, QUARTER, "person", staff_no, picked_by="王主任", now=NOW, roster=people)
    with pytest.raises(InputError, match="already has 10 person picks"):
        pick(db, QUARTER, "person", eligible[10], picked_by="王主任", now=NOW, roster=people, lang="en")
    with pytest.raises(InputError, match="--by"):
        pick(db, QUARTER, "person", eligible[10], picked_by=" ", now=NOW, roster=people, lang="en")

    listed = picks(db, QUARTER)
    active = [(p.kind, p.subject, p.override_reason) for p in listed if p.active]
    assert active[:3] == [("window", "W-WPH", ""), ("window", "W-REG", ""), ("window", "W-INS", "复核通过")]
    assert [p.subject for p in listed if not p.active] == ["W-ADM"]
    assert sorted(s for k, s, _ in active if k == "person") == sorted(eligible[:10])
    with db.read() as session:
        actions = Counter(session.scalars(select(m.OfficeEvent.action)))
        rows = session.scalar(select(func.count()).select_from(m.AwardPick))
    assert actions == {"award_pick": 15, "award_withdraw": 2}
    assert rows == 14  # W-INS kept one row through withdraw and pick again


def test_the_commands(fresh: tuple[CentralDB, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, url = fresh
    run = cli_runner(tmp_path / "data", capsys)
    code, out, err = run("office", "awards", "--central", url, "--quarter", QUARTER, "--roster", str(ROSTER),
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    selection = candidates(db, QUARTER, roster=roster())
    assert [w["subject"] for w in data["windows"] if w["proposed"]] == ["W-WPH", "W-REG"]
    assert [p["subject"] for p in data["persons"] if p["proposed"]] == [c.subject for c in selection.persons
                                                                       if c.proposed]
    assert data["windows"][0]["criteria"][0]["outcome"] == "met"
    code, out, err = run("office", "pick", "--central", url, "--quarter", QUARTER, "--window", "W-TCM",
                         "--by", "王主任")
    assert code != 0 and "W-TCM" in err and "--override-reason" in err
    code, out, err = run("office", "pick", "--central", url, "--quarter", QUARTER, "--window", "W-REG",
                         "--by", "王主任", "--note", "连续三月无扣分", lang="zh")
    assert code == 0, err
    assert "W-REG" in out and "挂号收费窗口" in out
    code, out, err = run("office", "awards", "--central", url, "--quarter", QUARTER, "--details", lang="zh")
    assert code == 0, err
    assert "优质服务窗口" in out and "W-SVC" in out and "2026-02-16" in out and "王主任" in out
    code, out, err = run("office", "withdraw", "--central", url, "--quarter", QUARTER, "--window", "W-REG",
                         "--by", "王主任")
    assert code == 0, err
    code, out, err = run("office", "awards", "--central", url, "--quarter", "2026-Q9")
    assert code != 0 and "2026-Q1" in err


def test_entries_are_listed_for_the_first_persons_and_counted_for_the_rest(
        central: tuple[CentralDB, str], recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector_app.office import awards

    db, _ = central
    monkeypatch.setattr(awards, "EVIDENCE_SUBJECTS", 4)
    persons = candidates(db, QUARTER, lang="en").persons
    assert len(persons) > 4
    for n, person in enumerate(persons):
        mine = sorted((e.date, e.item) for e in recorded.entries
                      if e.live and e.month in MONTHS and e.staff_no == person.subject)
        result = person.result(Criterion.NO_VIOLATION)
        assert result.outcome is Outcome.FAILED and mine
        listed = sorted((line.date, line.item_code) for line in result.evidence_against)
        if n < 4:
            assert listed == mine[:10] and result.omitted_against == max(0, len(mine) - 10)
        else:
            assert listed == [] and result.omitted_against == len(mine) and "first 4" in result.note
