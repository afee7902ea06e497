"""The quarterly selection (季度评选, 000): candidates for 优质服务窗口 and 服务标兵 from the quarter's central data,
each criterion with its evidence for and against, and the office's picks (award_picks.py).

Who is judged: every department of kind `window` (优质服务窗口), and every person (服务标兵, by 工号) of the roster
the office gives (without one, only people charged in the quarter are known to the central database: all of
them have an entry against them). A person counts as inspected when their department was.
How: each criterion of award_rules is met, failed or not measured. A subject with a failed criterion is not
eligible; one nobody inspected and nothing failed is "not enough evidence" (listed apart, never a candidate).
A window is eligible only when its evaluation rate and satisfaction were measured at 90% or more in every month
of the quarter (000 三、2: 必须达到; a month with no value is no evidence). They are the measured values of the
central database (award_measured.py), a person's being their department's (W2/W3: the window's value fails when
the window or any of its people is under 90%, so a failed month says nothing certain of one person, and a
person is not held to rates a ward never measures); figures the office gives (`Measured`) replace them month by
month, and each line of evidence says where its figure came from. Entries a later record of a monthly rule
superseded count against nobody.
Ranking: eligible first, then fewest points in the quarter, then most inspections (more evidence), then code /
工号; the first 3 windows and 10 persons eligible are proposed, every eligible one is listed.
Points and inspections are the quarter's months added up from the one scoring module (office.month's
month_summary when it exists: a closed month as it was closed; else the live central summary).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB, without_jit
from inspector_app.core.roster.models import DepartmentKind, Roster
from inspector_app.core.scoring import MonthlySummary
from inspector_app.core.scoring.rules import ROUND
from inspector_app.office import award_evidence as ev
from inspector_app.office.award_measured import Rates, central_rates
from inspector_app.office.award_rules import (
    EVIDENCE_SUBJECTS,
    ITEM_CRITERIA,
    PERSON,
    QUOTA,
    RATE_PERCENT,
    RATES,
    WINDOW,
    ComplaintRecord,
    Criterion,
    CriterionResult,
    Evidence,
    Measured,
    Outcome,
    parse_quarter,
    quarter_months,
)
from inspector_app.office.complaints import register_records


@dataclass(frozen=True)
class Candidate:
    kind: str  # "window" / "person"
    subject: str  # roster code / 工号
    name: str
    department_code: str
    department: str
    inspections: int  # of the window, or of the person's department, in the quarter
    points: float  # counted points in the quarter (a window: its own and its people's)
    criteria: list[CriterionResult]
    rank: int = 0  # among those judged, 1 = best; 0: not enough evidence
    proposed: bool = False  # within the quota (3 windows, 10 persons) among the eligible

    def result(self, criterion: Criterion) -> CriterionResult:
        return next(r for r in self.criteria if r.criterion is criterion)

    @property
    def failed(self) -> list[Criterion]:
        return [r.criterion for r in self.criteria if r.outcome is Outcome.FAILED]

    @property
    def inspected(self) -> bool:
        return self.result(Criterion.INSPECTED).outcome is Outcome.MET

    @property
    def unproven(self) -> list[Criterion]:
        """A window's rates not shown at 90% or more for every month (no evidence is not a pass)."""
        if self.kind != WINDOW:
            return []
        return [c for c in RATES if self.result(c).outcome is Outcome.NOT_MEASURED]

    @property
    def eligible(self) -> bool:
        """Inspected, no criterion failed, and a window's rates measured every month (other criteria not
        measured count neither way)."""
        return self.inspected and not self.failed and not self.unproven

    @property
    def judged(self) -> bool:
        return self.inspected or bool(self.failed)


@dataclass(frozen=True)
class Selection:
    quarter: str
    months: list[str]
    windows: list[Candidate]  # judged, ranked: eligible first
    persons: list[Candidate]
    not_enough_evidence: list[Candidate]  # nobody inspected them and nothing failed: cannot be judged
    roster_used: bool
    rule_items: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # criterion → items it picks

    def eligible(self, kind: str) -> list[Candidate]:
        return [c for c in (self.windows if kind == WINDOW else self.persons) if c.eligible]

    def find(self, kind: str, subject: str) -> Candidate | None:
        for candidate in (*(self.windows if kind == WINDOW else self.persons), *self.not_enough_evidence):
            if candidate.kind == kind and candidate.subject == subject:
                return candidate
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("windows", "persons", "not_enough_evidence"):
            for plain, candidate in zip(data[key], getattr(self, key), strict=True):
                plain["eligible"] = candidate.eligible
        return data


def month_summary(central: CentralDB, month: str) -> MonthlySummary:
    """The month's figures: office.month's (frozen when closed) once it exists, else the live central summary."""
    try:
        from inspector_app.office.month import month_summary as office_month
    except ImportError:
        from inspector_app.core.merge.summary import central_summary

        return central_summary(central, month)
    return office_month(central, month)


def _rate_result(criterion: Criterion, kind: str, subject: str, department: str, months: list[str],
                 rates: Rates, measured: Measured, lang: str) -> CriterionResult:
    """A rate criterion month by month: the office's figure for the month if it gave one, else the counting
    records of the department's month (a person: their department's); a month with neither is no evidence."""
    given = {v.month: v for v in measured.measurements
             if v.kind == kind and v.subject == subject and v.criterion is criterion and v.month in months}
    found_for: list[Evidence] = []
    against: list[Evidence] = []
    unclear: list[str] = []
    missing: list[str] = []
    for month in months:
        if month in given:
            value = given[month]
            (found_for if value.percent >= RATE_PERCENT else against).append(Evidence("", tr_lang(
                lang, "{month}: {percent}% given by the office ({source}), in place of the central database's",
                month=month, percent=f"{value.percent:g}", source=value.source or "-")))
            continue
        values = rates.values.get((department, criterion, month), [])
        if not values:
            missing.append(month)
        for value in values:
            if value.percent is None:
                text = tr_lang(lang, "{month}: recorded below 90% without a value ({checklist} {code})",
                               month=month, checklist=value.checklist_id, code=value.item_code)
            else:
                text = tr_lang(lang, "{month}: {percent}% measured ({checklist} {code}, central database)",
                               month=month, percent=f"{value.percent:g}", checklist=value.checklist_id,
                               code=value.item_code)
            if kind == PERSON:
                text = tr_lang(lang, "{text}, the value of department {department}", text=text, department=department)
            if value.replaced:
                text = tr_lang(lang, "{text}; the latest of {n} records of the month", text=text, n=value.replaced + 1)
            line = Evidence(value.date, text, value.inspector, value.item_code, value.checklist_id)
            if value.passed:
                found_for.append(line)
            elif kind == PERSON:  # the window or one of its people: not known to be this person
                against.append(line)
                unclear.append(month)
            else:
                against.append(line)
    if against and len(unclear) < len(against):
        return CriterionResult(criterion, Outcome.FAILED, found_for, against)
    if not missing and not unclear:
        return CriterionResult(criterion, Outcome.MET, found_for)
    notes = []
    if missing:
        notes.append(tr_lang(lang, "no measured value for {months} (no evidence, not a pass)",
                             months=", ".join(missing)))
    if unclear:
        notes.append(tr_lang(lang, "the department's value failed in {months}: the window or one of its people was "
                                   "under 90%, who is not recorded", months=", ".join(unclear)))
    return CriterionResult(criterion, Outcome.NOT_MEASURED, found_for, against, note="; ".join(notes))


def _complaint_result(against: ev.Lines | None, inspected: int, register: tuple[ComplaintRecord, ...] | None,
                      kind: str, subject: str, months: list[str], lang: str) -> CriterionResult:
    """No complaint (000 W5, 001 A7): entries on complaint items (snapshots before the register) and verified
    complaints of the register count against; a pending one makes it `pending`, listed, excluding nobody. Only a
    register kept can say there were none."""
    criterion = Criterion.NO_COMPLAINT
    lines = list(against.lines) if against else []
    omitted = (against.total - len(against.lines)) if against else 0
    pending: list[Evidence] = []
    for complaint in register or ():
        if complaint.kind != kind or complaint.subject != subject or complaint.date[:7] not in months:
            continue
        if complaint.verified:
            lines.append(Evidence(complaint.date, tr_lang(lang, "verified complaint: {text}", text=complaint.text)))
        else:
            pending.append(Evidence(complaint.date, tr_lang(
                lang, "complaint not yet verified (does not count): {text}", text=complaint.text)))
    if lines or omitted:
        return CriterionResult(criterion, Outcome.FAILED, [], lines + pending, omitted_against=omitted)
    if register is None:
        return CriterionResult(criterion, Outcome.NOT_MEASURED, note=tr_lang(
            lang, "not measured: the office has not kept the complaint register"))
    if not inspected:
        return CriterionResult(criterion, Outcome.NOT_MEASURED, evidence_against=pending)
    held = [Evidence("", tr_lang(lang, "the complaint register holds no verified complaint in the quarter"))]
    if pending:  # 000 W5 / 001 A7 count only once verified: shown as pending, excluding nobody
        return CriterionResult(criterion, Outcome.PENDING, held, pending, note=tr_lang(
            lang, "{n} complaint(s) still being investigated", n=len(pending)))
    return CriterionResult(criterion, Outcome.MET, held)


def _judge(kind: str, subject: str, department: str, visits: ev.Lines | None,
           against: dict[Criterion, ev.Lines | None], rates: Rates, measured: Measured,
           register: tuple[ComplaintRecord, ...] | None, months: list[str], lang: str) -> list[CriterionResult]:
    inspected = visits.total if visits else 0
    results = []
    if inspected:
        span = tr_lang(lang, "{n} inspections from {first} to {last}", n=inspected, first=visits.first,
                       last=visits.last)
        results.append(CriterionResult(Criterion.INSPECTED, Outcome.MET, visits.lines,
                                       omitted_for=visits.total - len(visits.lines)))
    else:
        span = ""
        results.append(CriterionResult(Criterion.INSPECTED, Outcome.NOT_MEASURED,
                                       note=tr_lang(lang, "nobody inspected it in the quarter")))
    for criterion in (Criterion.NO_VIOLATION, Criterion.NO_SHIRKING):
        lines = against.get(criterion)
        if lines:
            results.append(CriterionResult(criterion, Outcome.FAILED, evidence_against=lines.lines,
                                           omitted_against=lines.total - len(lines.lines)))
        elif inspected:
            results.append(CriterionResult(criterion, Outcome.MET, [Evidence("", tr_lang(
                lang, "{span}: none recorded an entry of this kind", span=span))]))
        else:
            results.append(CriterionResult(criterion, Outcome.NOT_MEASURED))
    results.append(_complaint_result(against.get(Criterion.NO_COMPLAINT), inspected, register, kind, subject,
                                     months, lang))
    results += [_rate_result(criterion, kind, subject, department, months, rates, measured, lang)
                for criterion in RATES]
    return results


def _ranked(found: list[Candidate], kind: str) -> list[Candidate]:
    """The judged ranked (eligible first, fewest points, most inspections, code), then the unjudged (rank 0)."""
    keyed = [((not c.eligible, c.points, -c.inspections, c.subject), c) for c in found if c.judged]
    ranked, eligible = [], 0
    for rank, (key, candidate) in enumerate(sorted(keyed, key=lambda pair: pair[0]), start=1):
        proposed = not key[0] and eligible < QUOTA[kind]
        eligible += not key[0]
        ranked.append(replace(candidate, rank=rank, proposed=proposed))
    return ranked + [c for c in found if not c.judged]


def _listed(candidate: Candidate, entries: ev.Lines | None, flagged: dict[tuple[str, Criterion], list[Evidence]],
            shown: bool, lang: str) -> Candidate:
    """The candidate with the entries against it listed (`shown`), or a note that they are only counted."""
    results = []
    for result in candidate.criteria:
        if result.outcome is not Outcome.FAILED or result.criterion is Criterion.INSPECTED or \
                not result.omitted_against:
            results.append(result)
        elif not shown:
            results.append(replace(result, note=tr_lang(
                lang, "entries counted, not listed: the first {n} in the ranking list theirs", n=EVIDENCE_SUBJECTS)))
        else:
            lines = entries.lines if result.criterion is Criterion.NO_VIOLATION and entries else \
                flagged.get((candidate.subject, result.criterion), [])
            results.append(replace(result, evidence_against=[*lines, *result.evidence_against],
                                   omitted_against=result.omitted_against - len(lines)))
    return replace(candidate, criteria=results)


def _leave_out(superseded: list[Any], shots: ev.Snapshots, windows: list[str], window_counts: dict[str, int],
               person_counts: dict[str, tuple[int, str, str]], window_flags: dict[tuple[str, Criterion], int],
               person_flags: dict[tuple[str, Criterion], int]) -> set[str]:
    """Take the superseded entries out of the grouped counts (in place); their ids, to leave out of the lines."""
    windows_set = set(windows)
    for row in superseded:
        criteria = ev._criteria_of(shots, row.checklist_hash, row.item_code)
        if row.department_id in windows_set and row.staff_no is None:
            window_counts[row.department_id] = window_counts.get(row.department_id, 0) - 1
            for criterion in criteria:
                window_flags[(row.department_id, criterion)] -= 1
        if row.staff_no is not None:
            if row.department_code in windows_set:
                window_counts[row.department_code] = window_counts.get(row.department_code, 0) - 1
                for criterion in criteria:
                    window_flags[(row.department_code, criterion)] -= 1
            count, name, code = person_counts[row.staff_no]
            person_counts[row.staff_no] = (count - 1, name, code)
            for criterion in criteria:
                person_flags[(row.staff_no, criterion)] -= 1
    for counts in (window_counts, window_flags, person_flags):
        for key in [k for k, n in counts.items() if n <= 0]:
            del counts[key]
    for key in [k for k, (n, _, _) in person_counts.items() if n <= 0]:
        del person_counts[key]
    return {row.id for row in superseded}


def candidates(central: CentralDB, quarter: str, *, roster: Roster | None = None, measured: Measured | None = None,
               lang: str = "zh", evidence: bool = True) -> Selection:
    """The quarter's selection: windows and persons judged against 000's criteria, ranked, with evidence
    (`evidence` False: the judgement alone, no lines of entries, as a pick needs)."""
    quarter = parse_quarter(quarter)
    months = quarter_months(quarter)
    measured = measured or Measured()
    register = register_records(central, months) if measured.complaints is None else measured.complaints
    department_points: dict[str, float] = defaultdict(float)
    person_points: dict[str, float] = defaultdict(float)
    for month in months:
        summary = month_summary(central, month)
        for d in summary.departments:
            department_points[d.code] += d.total_points
        for p in summary.persons:
            person_points[p.staff_no] += p.points
    with central.read() as session:
        without_jit(session)
        shots = ev.snapshots(session)
        departments = {code: (name, kind) for code, name, kind in session.execute(
            select(m.Department.id, m.Department.name, m.Department.kind))}
        windows = sorted(code for code, (_, kind) in departments.items() if kind == DepartmentKind.WINDOW.value)
        visits = ev.visits(session, months, shots, lang)
        window_counts, person_counts = ev.live_counts(session, months, windows=windows)
        window_flags, person_flags = ev.flagged_counts(session, months, shots, windows=windows)
        rates = central_rates(session, months, shots)
        excluded = _leave_out(rates.superseded, shots, windows, window_counts, person_counts, window_flags,
                              person_flags)

        def against(subject: str, count: int, flags: dict) -> dict[Criterion, ev.Lines | None]:
            found = {c: ev.Lines(flags[(subject, c)]) if flags.get((subject, c)) else None for c in ITEM_CRITERIA}
            return found | {Criterion.NO_VIOLATION: ev.Lines(count) if count else None}

        found_windows = _ranked([
            Candidate(WINDOW, code, departments[code][0], code, departments[code][0],
                      visits[code].total if code in visits else 0, round(department_points.get(code, 0.0), ROUND),
                      _judge(WINDOW, code, code, visits.get(code),
                             against(code, window_counts.get(code, 0), window_flags), rates, measured, register,
                             months, lang))
            for code in windows], WINDOW)
        people = {staff_no: (name, code) for staff_no, (_, name, code) in person_counts.items()}
        if roster is not None:
            people.update({s.staff_no: (s.name, s.department) for s in roster.staff})
        found_persons = []
        for staff_no in sorted(people):
            name, code = people[staff_no]
            count = person_counts.get(staff_no, (0, "", ""))[0]
            found_persons.append(Candidate(
                PERSON, staff_no, name, code, departments.get(code, (code, ""))[0],
                visits[code].total if code in visits else 0, round(person_points.get(staff_no, 0.0), ROUND),
                _judge(PERSON, staff_no, code, visits.get(code), against(staff_no, count, person_flags), rates,
                       measured, register, months, lang)))
        found_persons = _ranked(found_persons, PERSON)
        if evidence:  # the entries themselves: every window's, and those of the first persons in the ranking
            listed_windows = [code for code in windows if window_counts.get(code)]
            listed_persons = [c.subject for c in found_persons[:EVIDENCE_SUBJECTS] if person_counts.get(c.subject)]
            lines = (ev.entries(session, months, shots, lang, by_person=False, subjects=listed_windows,
                                excluded=excluded),
                     ev.entries(session, months, shots, lang, by_person=True, subjects=listed_persons,
                                excluded=excluded))
            flags = (ev.flagged_entries(session, months, shots, lang, by_person=False, counted=window_flags,
                                        subjects=listed_windows, excluded=excluded),
                     ev.flagged_entries(session, months, shots, lang, by_person=True, counted=person_flags,
                                        subjects=listed_persons, excluded=excluded))
            found_windows = [_listed(c, lines[0].get(c.subject), flags[0], True, lang) for c in found_windows]
            shown = set(listed_persons)
            found_persons = [_listed(c, lines[1].get(c.subject), flags[1], c.subject in shown, lang)
                             for c in found_persons]
    unjudged = [c for c in (*found_windows, *found_persons) if not c.judged]
    return Selection(quarter, months, [c for c in found_windows if c.judged],
                     [c for c in found_persons if c.judged], unjudged, roster is not None,
                     {c.value: shots.rule_items(c, lang) for c in ITEM_CRITERIA})


# -- the office's picks ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pick:
    quarter: str
    kind: str
    subject: str
    name: str
    note: str
    picked_by: str
    picked_at: datetime
    withdrawn_at: datetime | None
    override_reason: str = ""  # why a subject that was not an eligible candidate was picked

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


def _event_subject(quarter: str, kind: str, subject: str) -> str:
    return f"{quarter}:{kind}:{subject}"


def _checked(quarter: str, kind: str, subject: str, actor: str, lang: str) -> tuple[str, str, str]:
    if kind not in (WINDOW, PERSON):
        raise InputError.single("kind", tr_lang(lang, "the kind of award is window or person, not {kind}",
                                                kind=kind))
    if not subject.strip():
        raise InputError.single("--window/--person",
                                tr_lang(lang, "say which window (roster code) or person (工号)"))
    if not actor.strip():
        raise InputError.single("--by", tr_lang(lang, "say who records this (--by NAME)"))
    return parse_quarter(quarter), subject.strip(), actor.strip()


def _serialise(session: Session, quarter: str, kind: str) -> None:
    """Two office PCs picking at once must not both take the last place: on PostgreSQL a transaction lock per
    quarter and kind (SQLite's writers already queue: BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"award_picks:{quarter}:{kind}".encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _label(kind: str, lang: str) -> str:
    return tr_lang(lang, "window") if kind == WINDOW else tr_lang(lang, "person")


def pick(central: CentralDB, quarter: str, kind: str, subject: str, *, picked_by: str, now: datetime, note: str = "",
         override_reason: str | None = None, roster: Roster | None = None, measured: Measured | None = None,
         lang: str = "zh") -> Pick:
    """Record the office's pick of a window or person for the quarter (AwardPick + OfficeEvent).

    Refused: a subject not known at all; one that is not an eligible candidate, unless `override_reason` says
    why; one already picked; a fourth window or an eleventh person (000: 三个窗口、十名标兵)."""
    quarter, subject, picked_by = _checked(quarter, kind, subject, picked_by, lang)
    override = (override_reason or "").strip()
    selection = candidates(central, quarter, roster=roster, measured=measured, lang=lang, evidence=False)
    candidate = selection.find(kind, subject)
    if candidate is None:
        raise InputError.single(subject, tr_lang(
            lang, "no {kind} {subject} in the central database{roster} for {quarter}", kind=_label(kind, lang),
            subject=subject, quarter=quarter, roster=tr_lang(lang, " or the roster") if roster is not None else ""))
    if not candidate.eligible and not override:
        if candidate.failed:
            why = tr_lang(lang, "it failed: {criteria}", criteria=", ".join(c.label(lang) for c in candidate.failed))
        elif not candidate.inspected:
            why = tr_lang(lang, "nobody inspected it in the quarter, so it cannot be judged")
        else:
            why = tr_lang(lang, "not shown for every month of the quarter: {criteria}",
                          criteria=", ".join(c.label(lang) for c in candidate.unproven))
        raise InputError.single(subject, tr_lang(
            lang, "{subject} is not a candidate for {quarter} ({why}); give --override-reason to pick it all the "
                  "same", subject=subject, quarter=quarter, why=why))

    def work(session: Session) -> Pick:
        _serialise(session, quarter, kind)
        rows = list(session.scalars(select(m.AwardPick).where(m.AwardPick.quarter == quarter,
                                                              m.AwardPick.kind == kind)))
        active = sorted(r.subject for r in rows if r.withdrawn_at is None)
        if subject in active:
            raise InputError.single(subject, tr_lang(lang, "{subject} is already picked for {quarter}",
                                                     subject=subject, quarter=quarter))
        if len(active) >= QUOTA[kind]:
            raise InputError.single(subject, tr_lang(
                lang, "{quarter} already has {n} {kind} picks ({picked}), the most 000 allows; withdraw one first",
                quarter=quarter, n=len(active), kind=_label(kind, lang), picked=", ".join(active)))
        row = next((r for r in rows if r.subject == subject), None)  # a withdrawn pick is taken up again
        if row is None:
            row = m.AwardPick(id=str(uuid.uuid4()), quarter=quarter, kind=kind, subject=subject)
            session.add(row)
        row.name, row.note, row.picked_by, row.picked_at, row.withdrawn_at = (candidate.name, note.strip(),
                                                                              picked_by, now, None)
        session.add(m.OfficeEvent(at=now, actor=picked_by, action="award_pick",
                                  subject=_event_subject(quarter, kind, subject),
                                  detail={"quarter": quarter, "kind": kind, "subject": subject, "name": candidate.name,
                                          "note": note.strip(), "override_reason": override,
                                          "eligible": candidate.eligible, "rank": candidate.rank,
                                          "failed": [c.value for c in candidate.failed]}))
        return Pick(quarter, kind, subject, candidate.name, note.strip(), picked_by, now, None, override)

    return central.transaction(work)


def withdraw(central: CentralDB, quarter: str, kind: str, subject: str, *, withdrawn_by: str, now: datetime,
             note: str = "", lang: str = "zh") -> Pick:
    """Withdraw an active pick: the row stays, with `withdrawn_at`; the trail says who and why."""
    quarter, subject, withdrawn_by = _checked(quarter, kind, subject, withdrawn_by, lang)

    def work(session: Session) -> Pick:
        _serialise(session, quarter, kind)
        row = session.scalar(select(m.AwardPick).where(m.AwardPick.quarter == quarter, m.AwardPick.kind == kind,
                                                       m.AwardPick.subject == subject))
        if row is None or row.withdrawn_at is not None:
            raise InputError.single(subject, tr_lang(
                lang, "{subject} is not picked for {quarter}, so there is nothing to withdraw", subject=subject,
                quarter=quarter))
        row.withdrawn_at = now
        session.add(m.OfficeEvent(at=now, actor=withdrawn_by, action="award_withdraw",
                                  subject=_event_subject(quarter, kind, subject),
                                  detail={"quarter": quarter, "kind": kind, "subject": subject, "note": note.strip()}))
        return Pick(quarter, kind, subject, row.name, row.note, row.picked_by, row.picked_at, now)

    return central.transaction(work)


def picks(central: CentralDB, quarter: str) -> list[Pick]:
    """Every pick of the quarter, withdrawn ones included (windows first, then in the order picked)."""
    quarter = parse_quarter(quarter)
    with central.read() as session:
        rows = list(session.scalars(select(m.AwardPick).where(m.AwardPick.quarter == quarter)))
        overrides: dict[str, str] = {}
        for subject, detail in session.execute(
                select(m.OfficeEvent.subject, m.OfficeEvent.detail)
                .where(m.OfficeEvent.action == "award_pick", m.OfficeEvent.subject.like(f"{quarter}:%"))
                .order_by(m.OfficeEvent.id)):
            overrides[subject] = (detail or {}).get("override_reason", "")  # the newest pick's reason wins
    found = [Pick(r.quarter, r.kind, r.subject, r.name, r.note, r.picked_by, r.picked_at, r.withdrawn_at,
                  overrides.get(_event_subject(r.quarter, r.kind, r.subject), "")) for r in rows]
    return sorted(found, key=lambda p: (p.kind != WINDOW, p.picked_at, p.subject))
