"""What the central database says about a quarter, for the selection (awards.py): the inspections of each
department and the live entries against each window and person, counted in grouped queries and listed up to
EVIDENCE_LINES each (read off the month indexes with a LIMIT, so a quarter of millions of entries sends back
only the lines shown). Which entries speak to which criterion comes from award_rules.classify over the
checklist snapshots (a handful of rows: one per checklist version ever merged).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.office.award_rules import (
    EVIDENCE_LINES,
    ITEM_CRITERIA,
    Criterion,
    Evidence,
    classify,
)

D, I = m.Deduction, m.Inspection


@dataclass
class Lines:
    """Evidence about one subject: how many there are in all, and the first EVIDENCE_LINES of them."""

    total: int = 0
    lines: list[Evidence] = field(default_factory=list)
    first: str = ""  # dates of the first and last listed (inspections: the whole span, see visits())
    last: str = ""


@dataclass
class Snapshots:
    """Every checklist snapshot merged: parsed once, with the items each criterion rule picks."""

    checklists: dict[str, Checklist]
    flagged: dict[Criterion, dict[str, set[str]]]  # criterion → snapshot hash → item codes

    def item_text(self, digest: str, code: str, lang: str) -> str:
        checklist = self.checklists.get(digest)
        try:
            return checklist.item(code).text.get(lang) if checklist is not None else ""
        except KeyError:
            return ""

    def rule_items(self, criterion: Criterion, lang: str) -> list[tuple[str, str, str]]:
        """(checklist id, item code, text) the rule picks, each once across versions."""
        found = {(self.checklists[digest].id, code, self.item_text(digest, code, lang))
                 for digest, codes in self.flagged[criterion].items() for code in codes}
        return sorted(found)


def snapshots(session: Session) -> Snapshots:
    checklists: dict[str, Checklist] = {}
    flagged: dict[Criterion, dict[str, set[str]]] = {criterion: {} for criterion in ITEM_CRITERIA}
    for digest, payload in session.execute(select(m.ChecklistSnapshot.id, m.ChecklistSnapshot.payload)):
        try:
            checklist = Checklist.model_validate((payload or {})["body"])
        except (ValidationError, KeyError, TypeError):
            continue  # the merge quarantines a bad snapshot; nothing of it can be judged here
        checklists[digest] = checklist
        for code, criteria in classify(checklist).items():
            for criterion in criteria:
                flagged[criterion].setdefault(digest, set()).add(code)
    return Snapshots(checklists, flagged)


def _local_date(payload: dict[str, Any] | None, moment: Any, key: str = "") -> str:
    payload = payload or {}
    if key and isinstance(payload.get(key), str):
        return payload[key]
    offset = int(payload.get("utc_offset_min", 0) or 0)
    return (moment + timedelta(minutes=offset)).date().isoformat()


def _inspector(name: str, number: str | None) -> str:
    return f"{name}（{number}）" if number else name


def visits(session: Session, months: list[str], shots: Snapshots, lang: str,
           departments: Iterable[str] | None = None) -> dict[str, Lines]:
    """Department code → its inspections in `months` (every department, or those given)."""
    where = [I.local_month.in_(months)]
    if departments is not None:
        where.append(I.department_id.in_(sorted(set(departments))))
    numbered = (select(I.id, I.department_id,
                       func.row_number().over(partition_by=I.department_id, order_by=(I.started_at, I.id)).label("rn"),
                       func.count().over(partition_by=I.department_id).label("total"))
                .where(*where).subquery())
    found: dict[str, Lines] = {}
    for row in session.execute(
            select(numbered.c.department_id, numbered.c.total, I.started_at, I.payload, I.inspector_name,
                   I.inspector_no, I.checklist_hash)
            .join(I, I.id == numbered.c.id).where(numbered.c.rn <= EVIDENCE_LINES)
            .order_by(numbered.c.department_id, numbered.c.rn)):
        lines = found.setdefault(row.department_id, Lines(int(row.total)))
        checklist = shots.checklists.get(row.checklist_hash)
        title = checklist.title.get(lang) if checklist is not None else row.checklist_hash[:12]
        lines.lines.append(Evidence(_local_date(row.payload, row.started_at, "local_date"),
                                    tr_lang(lang, "inspected with {checklist}", checklist=title),
                                    _inspector(row.inspector_name, row.inspector_no),
                                    checklist_id=checklist.id if checklist is not None else ""))
    for code, first, last in session.execute(  # the whole span, not only the listed lines
            select(I.department_id, func.min(I.started_at), func.max(I.started_at)).where(*where)
            .group_by(I.department_id)):
        if code in found:
            found[code].first, found[code].last = first.date().isoformat(), last.date().isoformat()
    return found


def _line(row: Any, shots: Snapshots, lang: str) -> Evidence:
    checklist = shots.checklists.get(row.checklist_hash)
    who = f"{row.staff_name or ''}（{row.staff_no}）" if row.staff_no else tr_lang(lang, "the department")
    text = tr_lang(lang, "{code} {item}: {who}, ×{count}, {points} points", code=row.item_code,
                   item=shots.item_text(row.checklist_hash, row.item_code, lang), who=who, count=row.count,
                   points=f"{row.counted_points:g}")
    return Evidence(_local_date({"utc_offset_min": row.offset}, row.recorded_at), text,
                    _inspector(row.inspector_name, row.inspector_no), row.item_code,
                    checklist.id if checklist is not None else "")


def _detail(*extra: Any) -> Any:
    return select(*extra, D.recorded_at, D.utc_offset_min.label("offset"), D.item_code,
                  D.staff_no, D.staff_name, D.department_id, D.count, D.counted_points)


def _subject_filter(by_person: bool, subjects: Iterable[str]) -> Any:
    return (D.staff_no if by_person else D.department_id).in_(sorted(set(subjects)))


def live_counts(session: Session, months: list[str], *, windows: Iterable[str]) -> tuple[dict[str, int], dict]:
    """Live entries in `months`: per window (its own and its people's), and per person (工号 → count, name,
    the department charged). Grouped on the month indexes; no row is read one by one."""
    per_window = {code: int(n) for code, n in session.execute(
        select(D.department_id, func.count()).where(D.local_month.in_(months), D.voided_at.is_(None),
                                                    _subject_filter(False, windows))
        .group_by(D.department_id))}
    per_person = {staff_no: (int(n), name or "", code) for staff_no, n, name, code in session.execute(
        select(D.staff_no, func.count(), func.max(D.staff_name), func.max(D.department_code))
        .where(D.local_month.in_(months), D.voided_at.is_(None), D.staff_no.is_not(None))
        .group_by(D.staff_no))}  # a 工号 is only ever on a person's charge: index-only on ix_deductions_month_staff
    return per_window, per_person


def _flagged_codes(shots: Snapshots) -> list[str]:
    return sorted({code for pairs in shots.flagged.values() for found in pairs.values() for code in found})


def _criteria_of(shots: Snapshots, digest: str, code: str) -> list[Criterion]:
    return [criterion for criterion, pairs in shots.flagged.items() if code in pairs.get(digest, ())]


def flagged_counts(session: Session, months: list[str], shots: Snapshots, *, windows: Iterable[str]
                   ) -> tuple[dict[tuple[str, Criterion], int], dict[tuple[str, Criterion], int]]:
    """Live entries in `months` on the items a criterion's rule picks, counted per (window, criterion) and per
    (工号, criterion). The item codes narrow the scan before the join; the snapshot decides (codes repeat across
    checklists)."""
    by_window: dict[tuple[str, Criterion], int] = defaultdict(int)
    by_person: dict[tuple[str, Criterion], int] = defaultdict(int)
    codes = _flagged_codes(shots)
    if not codes:
        return by_window, by_person
    windows = set(windows)
    for department, staff_no, digest, code, count in session.execute(
            select(D.department_id, D.staff_no, I.checklist_hash, D.item_code, func.count())
            .join(I, I.id == D.inspection_id)
            .where(D.local_month.in_(months), D.voided_at.is_(None), D.item_code.in_(codes))
            .group_by(D.department_id, D.staff_no, I.checklist_hash, D.item_code)):
        for criterion in _criteria_of(shots, digest, code):
            if department in windows:
                by_window[(department, criterion)] += int(count)
            if staff_no:
                by_person[(staff_no, criterion)] += int(count)
    return by_window, by_person


def _heaviest(by_person: bool) -> tuple[Any, ...]:
    """The order the month indexes hold, read backwards, so LIMIT stops after the rows it returns: a subject's
    heaviest entries first (person charges before department ones, more occurrences, more points). No id to
    break ties: with one PostgreSQL sorted all 20,000 of a window's month to return ten (the index keeps equal
    keys in a fixed order of its own)."""
    if by_person:  # ix_deductions_month_staff: local_month, staff_no, voided_at, count, counted_points, pay_percent
        return D.voided_at.desc(), D.count.desc(), D.counted_points.desc(), D.pay_percent.desc()
    # ix_deductions_month_department: local_month, department_id, voided_at, charged_to, count, counted_points, …
    return D.voided_at.desc(), D.charged_to.desc(), D.count.desc(), D.counted_points.desc(), D.pay_percent.desc()


def _some(session: Session, months: list[str], by_person: bool, subject: str, limit: int,
          *extra: Any) -> list[Any]:
    """Up to `limit` live entries of one subject in `months`, the latest month first, heaviest first."""
    found: list[Any] = []
    for month in sorted(months, reverse=True):
        if len(found) >= limit:
            break
        where = [D.local_month == month, (D.staff_no if by_person else D.department_id) == subject,
                 D.voided_at.is_(None), *extra]
        if by_person:
            where.append(D.charged_to == "person")
        found += session.execute(_detail(D.inspection_id).where(*where).order_by(*_heaviest(by_person))
                                 .limit(limit - len(found))).all()
    # the inspections apart, by key: joined inside the LIMIT query, PostgreSQL hashed every inspection each time
    inspections = {row.id: row for row in session.execute(
        select(I.id, I.inspector_name, I.inspector_no, I.checklist_hash)
        .where(I.id.in_(sorted({row.inspection_id for row in found}))))} if found else {}
    return [SimpleNamespace(**row._asdict(), **inspections[row.inspection_id]._asdict()) for row in found
            if row.inspection_id in inspections]


def _not(excluded: Iterable[str]) -> tuple[Any, ...]:
    """Leave out the entries given (superseded by a later record of a monthly rule: a handful)."""
    excluded = sorted(set(excluded))
    return (D.id.not_in(excluded),) if excluded else ()


def flagged_entries(session: Session, months: list[str], shots: Snapshots, lang: str, *, by_person: bool,
                    counted: dict[tuple[str, Criterion], int], subjects: Iterable[str], excluded: Iterable[str] = ()
                    ) -> dict[tuple[str, Criterion], list[Evidence]]:
    """Up to EVIDENCE_LINES of the entries on each criterion's items per (subject, criterion), for the subjects
    given and only where `counted` (flagged_counts) found some."""
    found: dict[tuple[str, Criterion], list[Evidence]] = {}
    for subject in sorted(set(subjects)):
        for criterion, pairs in shots.flagged.items():
            if not counted.get((subject, criterion)):
                continue
            codes = sorted({code for found_codes in pairs.values() for code in found_codes})
            rows = _some(session, months, by_person, subject, 2 * EVIDENCE_LINES, D.item_code.in_(codes),
                         *_not(excluded))
            lines = [_line(row, shots, lang) for row in rows
                     if row.item_code in pairs.get(row.checklist_hash, ())][:EVIDENCE_LINES]
            found[(subject, criterion)] = sorted(lines, key=lambda e: (e.date, e.item_code))
    return found


def entries(session: Session, months: list[str], shots: Snapshots, lang: str, *, by_person: bool,
            subjects: Iterable[str], excluded: Iterable[str] = ()) -> dict[str, Lines]:
    """Subject (roster code, or 工号 when `by_person`) → up to EVIDENCE_LINES of its live entries in `months`
    (the latest month's heaviest; each read off a month index with a LIMIT, so a window with 60,000 entries
    in a quarter costs ten rows), listed by date; the count is live_counts'."""
    found: dict[str, Lines] = {}
    for subject in sorted(set(subjects)):
        rows = _some(session, months, by_person, subject, EVIDENCE_LINES, *_not(excluded))
        found[subject] = Lines(lines=sorted((_line(row, shots, lang) for row in rows),
                                            key=lambda e: (e.date, e.item_code)))
    return found
