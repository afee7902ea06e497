"""What the central database says about a quarter, for the selection (awards.py): the inspections of each
department and the live entries against each window and person, counted in full and listed up to
EVIDENCE_LINES each (a window function numbers them per subject, so a quarter of millions of entries sends back
only the lines shown). Which entries speak to which criterion comes from award_rules.classify over the
checklist snapshots (a handful of rows: one per checklist version ever merged).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, false, func, or_, select
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


def entries(session: Session, months: list[str], shots: Snapshots, lang: str, *, by_person: bool,
            criterion: Criterion = Criterion.NO_VIOLATION, departments: Iterable[str] | None = None
            ) -> dict[str, Lines]:
    """Subject (roster code, or 工号 when `by_person`) → its live entries in `months` that count against
    `criterion` (NO_VIOLATION: every live entry; the others: entries on the items its rule picks)."""
    key = D.staff_no if by_person else D.department_id
    where = [D.local_month.in_(months), D.voided_at.is_(None)]
    where.append(D.charged_to == "person" if by_person else D.department_id.in_(sorted(set(departments or ()))))
    inner = select(D.id, key.label("subject"),
                   func.row_number().over(partition_by=key, order_by=(D.recorded_at, D.id)).label("rn"),
                   func.count().over(partition_by=key).label("total"))
    if criterion is not Criterion.NO_VIOLATION:
        pairs = shots.flagged[criterion]
        where.append(or_(*(and_(I.checklist_hash == digest, D.item_code.in_(sorted(codes)))
                           for digest, codes in sorted(pairs.items()))) if pairs else false())
        inner = inner.join(I, I.id == D.inspection_id)
    numbered = inner.where(*where).subquery()
    found: dict[str, Lines] = {}
    for row in session.execute(
            select(numbered.c.subject, numbered.c.total, D.recorded_at, D.payload, D.item_code, D.staff_no,
                   D.staff_name, D.department_id, D.count, D.counted_points, I.inspector_name, I.inspector_no,
                   I.checklist_hash)
            .join(D, D.id == numbered.c.id).join(I, I.id == D.inspection_id).where(numbered.c.rn <= EVIDENCE_LINES)
            .order_by(numbered.c.subject, numbered.c.rn)):
        lines = found.setdefault(row.subject, Lines(int(row.total)))
        checklist = shots.checklists.get(row.checklist_hash)
        who = f"{row.staff_name or ''}（{row.staff_no}）" if row.staff_no else tr_lang(lang, "the department")
        text = tr_lang(lang, "{code} {item}: {who}, ×{count}, {points} points", code=row.item_code,
                       item=shots.item_text(row.checklist_hash, row.item_code, lang), who=who, count=row.count,
                       points=f"{row.counted_points:g}")
        day = _local_date(row.payload, row.recorded_at)
        lines.lines.append(Evidence(day, text, _inspector(row.inspector_name, row.inspector_no), row.item_code,
                                    checklist.id if checklist is not None else ""))
        lines.first = lines.first or day
        lines.last = day
    return found


def charged_departments(session: Session, months: list[str]) -> dict[str, tuple[str, str]]:
    """工号 → (name, department code) for everyone charged in `months` (the department they were charged to)."""
    return {staff_no: (name or "", code) for staff_no, name, code in session.execute(
        select(D.staff_no, func.max(D.staff_name), func.max(D.department_code))
        .where(D.local_month.in_(months), D.voided_at.is_(None), D.charged_to == "person")
        .group_by(D.staff_no))}
