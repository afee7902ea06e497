"""The office's 整改通知书 for a verified complaint (001 §四 第7条, 第8条; issue #15 item 4).

A complaint the office verified charges 第7条 (complaints.py) and is put right by the department like any finding;
the office tells the department in an official notice: what was complained of and found, the points and the
share of pay they cost (the one scoring module's figures, as the register keeps them), the referral to the
authorities where the register records one (第8条: 有违法情节的移交有关部门, with its state), the deadline
counted from the day of issue, and the seal. Only a verified complaint gets one: an unfounded one charges
nobody and asks nothing of the department.

Numbers come from the office's own yearly register, e.g. 督诉〔2026〕3号, apart from the laptops' notices (their
own blocks) and the bulletins; each issue is an office event with the number and the PDF's SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.documents.fonts import require_printable
from inspector_app.core.documents.layout import long_date, month_text, points
from inspector_app.core.documents.notice import notice_title
from inspector_app.core.documents.official import (
    build_official_pdf,
    colophon,
    issuer_name,
    letterhead,
    official_styles,
    para,
    seal_block,
    title,
)
from inspector_app.core.errors import StateError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.store.models import utcnow
from inspector_app.office.complaints import ComplaintView, complaint_in, complaint_item

DEFAULT_PREFIX = "督诉"
ACTION = "complaint_notice"
_NUMBER = re.compile(r"〔(\d{4})〕(\d+)号$")


@dataclass(frozen=True)
class IssuedComplaintNotice:
    number: str
    path: Path
    sha256: str
    deadline: date


def render_complaint_notice(view: ComplaintView, number: str, *, hospital: str, office: str, issued: date,
                            lang: str = "zh", created: datetime | None = None) -> tuple[bytes, date]:
    """(PDF bytes, deadline) of the notice for a verified complaint."""
    if view.status != "verified":
        raise StateError(tr_lang(lang, "Complaint {number} is not verified: only a verified complaint gets a "
                                       "rectification notice.", number=view.number))
    checklist, item = complaint_item()
    department = view.department_name or view.department_code
    person = ("" if not view.staff_no else f"{view.staff_name}（{view.staff_no}）" if view.staff_name
              else tr_lang(lang, "staff no. {no}", no=view.staff_no))  # a register entered without the roster
    require_printable([(tr_lang(lang, "the department"), department), (tr_lang(lang, "the person"), person),
                       (tr_lang(lang, "the complaint"), view.summary)])
    deadline = issued + timedelta(days=checklist.deadline_days(item))
    s = official_styles()
    issuer = issuer_name(hospital, office)
    citation = checklist.citation(item.source.file, lang)
    story: list[Flowable] = [
        *letterhead(issuer, number), title(notice_title(lang)),
        para(tr_lang(lang, "{department}:", department=department), s["addressee"]),
        para(tr_lang(lang, "On {received} {office} received a complaint ({number}, from {source}) about {who}: "
                           "{summary}", received=long_date(view.received_on, lang), office=office,
                     number=view.number, source=view.source, who=person or department,
                     summary=view.summary.rstrip("。.")) + tr_lang(lang, "."), s["body"]),
        para(tr_lang(lang, "Investigated and verified on {decided}: {finding}", decided=long_date(view.decided_on,
                                                                                                  lang),
                     finding=view.decision_note.rstrip("。.") or "-") + tr_lang(lang, "."), s["body"]),
        para(tr_lang(lang, "Under {citation} ({clause}: “{quote}”), {who} loses {points} points, {pay}% of the "
                           "performance pay of {month}.", citation=citation, clause=item.source.section,
                     quote=item.source.quote, who=person or department, points=points(view.points),
                     pay=points(view.pay_percent),
                     month=month_text(view.local_month, lang) if view.local_month else "-"), s["body"]),
    ]
    if view.referral_to:
        state = tr_lang(lang, "handled") if view.referral_state == "handled" else tr_lang(lang, "under way")
        story.append(para(tr_lang(lang, "As the matter breaks the law, it has been referred to {to} (clause 8); "
                                        "referral: {state}.", to=view.referral_to, state=state), s["body"]))
    last = [para(tr_lang(lang, "Put it right and report to {office} in writing by {deadline} (counted from the "
                               "day of this notice, {issued}).", office=office, deadline=long_date(deadline, lang),
                         issued=long_date(issued, lang)), s["body"]),
            para(tr_lang(lang, "So notified."), s["body"]), Spacer(1, 6 * mm), seal_block(issuer, issued, lang)]
    story += [KeepTogether(last), colophon(tr_lang(lang, "Audit department") if view.points else "", issuer, issued,
                                           lang)]
    pdf = build_official_pdf(story, title_text=notice_title(lang), number=number, author=issuer,
                             created=created or datetime.now().astimezone(), device_id="office", lang=lang)
    return pdf, deadline


def next_notice_number(session: Session, prefix: str, year: int) -> str:
    """The office's yearly register of complaint notices, whatever the prefix."""
    used = [0]
    for detail in session.scalars(select(m.OfficeEvent.detail).where(m.OfficeEvent.action == ACTION)):
        found = _NUMBER.search(str((detail or {}).get("number", "")))
        if found and int(found.group(1)) == year:
            used.append(int(found.group(2)))
    return f"{prefix}〔{year}〕{max(used) + 1}号"


def issue_complaint_notice(central: CentralDB, ref: str, path: Path, *, hospital: str, office: str, by: str,
                           lang: str = "zh", prefix: str = DEFAULT_PREFIX,
                           now: datetime | None = None) -> IssuedComplaintNotice:
    """Number, render and write the notice of complaint `ref` (number or id), and record the issue, in one
    transaction: two issuing at once get different numbers, and a notice that fails to write takes none."""
    moment = (now or datetime.now()).astimezone()

    def work(session: Session) -> IssuedComplaintNotice:
        view = complaint_in(session, ref)
        number = next_notice_number(session, prefix.strip() or DEFAULT_PREFIX, moment.year)
        pdf, deadline = render_complaint_notice(view, number, hospital=hospital, office=office,
                                                issued=moment.date(), lang=lang, created=moment)
        write_atomic(path, pdf)
        digest = hashlib.sha256(pdf).hexdigest()
        session.add(m.OfficeEvent(at=utcnow(), actor=(by.strip() or "-")[:64], action=ACTION, subject=view.number,
                                  detail={"number": number, "sha256": digest, "file": path.name,
                                          "deadline": deadline.isoformat()}))
        return IssuedComplaintNotice(number, path, digest, deadline)

    return central.transaction(work)
