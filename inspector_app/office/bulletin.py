"""The 月度通报 from the central database (issue #14 part 2): every inspector's month in one bulletin.

The bulletin a laptop prints (core/documents/bulletin.py) is rendered from a BulletinContent; here the office
gathers that content from the central database:

- the summary is the month's (office/month.month_summary: frozen when the month was closed, else live), so the
  rankings are the ones the pay list and `merge --summary` give; departments by roster code, people by 工号, so
  a department two inspectors visited is one row;
- repeat problems: items the month's visits found again after an earlier visit to the department (and person,
  for a person's item) had found them, whoever found them (core/repeats.py's rule, grouped by the database in
  office/month_repeats.py and tested equal to it; a closed month leaves out its entries merged after its
  close, as its frozen summary does);
- overdue rectifications: the rectification ledger's (office/ledger.py), the office's decisions included, one
  row per item and department with the persons listed;
- corrections (更正): entries of closed months that arrived after their close and that this month carries
  (pay_list.carried_lines, the same ones the month's pay list adds to the pay deductions);
- complaints and referrals: the register's complaints decided in the month (查实 with their points, 不属实 with
  none) and those referred to the authorities (001 §四 第8条 移交) with their follow-up (complaints.bulletin_lines);
  the table is printed only when there are some, so bulletins issued before it reprint unchanged.

Names: the hospital and the office printed on it are the caller's (the command line takes them from
`--hospital` / `--office`, else the office certificate and the data folder's settings). Numbers: a bulletin
the office issues has a register number from the office's own yearly sequence, 督通〔2026〕7号 (the prefix is
the office's: `--prefix`, else the data folder's documents.bulletin_prefix), and each issue is an office event
with the PDF's SHA-256 and the narrative it printed (with its hash), so a printed copy can be matched to the
one issued and a reprint (补打) prints the same words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
from inspector_app.core.documents.bulletin_data import (
    BulletinContent,
    Case,
    Correction,
    ItemCount,
    MonthEntry,
    OverdueItem,
    RepeatProblem,
    overdue_rows,
)
from inspector_app.core.documents.bulletin_narrative import (
    BulletinNarrative,
    draft_narrative,
)
from inspector_app.core.documents.register import REGISTER_NUMBER
from inspector_app.core.errors import AppError, NotFoundError, StateError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr, tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.repeats import lookback
from inspector_app.core.store.models import utcnow
from inspector_app.core.summary import parse_month
from inspector_app.office.bulletin_kept import kept_problems, kept_repeats
from inspector_app.office.complaints import bulletin_lines
from inspector_app.office.ledger import ledger_in
from inspector_app.office.month import month_summary_in
from inspector_app.office.month_problems import problems_and_cases
from inspector_app.office.month_repeats import month_repeats
from inspector_app.office.month_rows import live_entries
from inspector_app.office.pay_list import carried_lines

DEFAULT_PREFIX = "督通"  # the settings' documents.bulletin_prefix default
ISSUE_ACTION = "issue_bulletin"
REPRINT_ACTION = "reprint_bulletin"


@dataclass(frozen=True)
class IssuedBulletin:
    number: str
    path: Path
    sha256: str


def _item_texts(lang: str) -> Callable[[m.ChecklistSnapshot | None, str], str]:
    """An item's text from a checklist snapshot, each snapshot validated once (a bulletin asks for hundreds
    of items' texts; validating the checklist each time took over a second)."""
    parsed: dict[str, Checklist | None] = {}

    def text(snapshot: m.ChecklistSnapshot | None, code: str) -> str:
        if snapshot is None:
            return ""
        if snapshot.id not in parsed:
            try:
                parsed[snapshot.id] = Checklist.model_validate(snapshot.payload["body"])
            except (ValueError, KeyError, TypeError):
                parsed[snapshot.id] = None
        checklist = parsed[snapshot.id]
        try:
            return checklist.item(code).text.get(lang) if checklist is not None else ""
        except KeyError:
            return ""

    return text


def repeat_problems_in(session: Session, month: str, lang: str = "zh") -> list[RepeatProblem]:
    """Items the month's visits found again after an earlier visit to the department, whoever found them
    (core/repeats.py's rule, grouped by the database: office/month_repeats.py). The month's own entries that
    reached the office after its close are left out, as its frozen summary leaves them out; earlier months'
    are visits like any other. Most occurrences first, as bulletin_data.repeat_rows orders them."""
    found = kept_repeats(session, month)  # a closed month's, as its close grouped them
    if found is None:
        found = month_repeats(session, month, without_late_of=month)
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    snapshots = {digest: session.get(m.ChecklistSnapshot, digest) for digest in {r.digest for r in found}}
    text = _item_texts(lang)
    rows = [RepeatProblem(names.get(r.department, r.department), r.item_code,
                          text(snapshots[r.digest], r.item_code), r.persons, r.occurrences,
                          r.inspections, r.since) for r in found]
    rows.sort(key=lambda r: (-r.occurrences, -r.inspections, r.department, r.item_code))
    return rows


def overdue_in(session: Session, today: date, lang: str = "zh") -> list[OverdueItem]:
    """The ledger's overdue items as of `today` (the office's decisions applied), one row per item and
    department with the persons listed; longest overdue first."""
    return overdue_rows(((i.department, i.item_code, i.item_text, i.person or None, i.deadline, i.consequence)
                         for i in ledger_in(session, status="overdue", today=today, lang=lang)), today)


def corrections_in(session: Session, month: str, closed_at: datetime | None, lang: str = "zh") -> list[Correction]:
    """The corrections of closed months this month carries (its pay list's: `closed_at` None while it is open)."""
    return [Correction(line.month, line.date, line.department or line.department_code,
                       f"{line.name}（{line.staff_no}）" if line.staff_no else "", line.item_code, line.item_text,
                       line.points, line.pay_percent)
            for line in carried_lines(session, month, closed_at, lang)]


def month_entries_in(session: Session, month: str, lang: str = "zh", only: list[str] | None = None
                     ) -> list[MonthEntry]:
    """Every inspector's live entries of the month (those merged after its close left out, as its frozen
    summary leaves them out), as the narrative reads them; `only`: those entries alone (chosen among the live
    ones, now or when the month was closed: one voided since is still the case the close chose). Read as
    plain rows; an inspection's day (out of its JSON, by the database), a checklist's id and an item's text are
    worked out once each, not once per entry."""
    D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot
    query = (select(D.inspection_id, D.department_id, I.checklist_hash, D.item_code, D.staff_no, D.staff_name,
                    D.count, D.points, D.note)
             .join(I, I.id == D.inspection_id))
    if only is None:
        rows = session.connection().execute(query.where(*live_entries(session, month))).all()
    else:
        rows = [row for n in range(0, len(only), 1000)
                for row in session.connection().execute(query.where(D.id.in_(only[n:n + 1000])))]
    visits = {row[0] for row in rows}
    days: dict[str, str] = {}
    if only is None:  # the month's inspections, then any other
        days = {visit: day or "" for visit, day in session.execute(
            select(I.id, I.payload["local_date"].as_string()).where(I.local_month == month)) if visit in visits}
    missing = sorted(visits - days.keys())
    for n in range(0, len(missing), 1000):
        days.update((visit, day or "") for visit, day in session.execute(
            select(I.id, I.payload["local_date"].as_string()).where(I.id.in_(missing[n:n + 1000]))))
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    snapshots = {digest: session.get(S, digest) for digest in {row[2] for row in rows}}
    texts: dict[tuple[str, str], str] = {}
    text = _item_texts(lang)
    entries = []
    for visit, department, digest, code, staff_no, staff_name, count, points, note in rows:
        item = texts.get((digest, code))
        if item is None:
            item = texts[(digest, code)] = text(snapshots[digest], code)
        entries.append(MonthEntry(days[visit], names.get(department, department), snapshots[digest].checklist_id,
                                  code, item, staff_no, staff_name or "", int(count), float(points or 0),
                                  note or ""))
    return entries


def problems_in(session: Session, month: str, lang: str = "zh") -> tuple[list[ItemCount], list[Case]]:
    """The month's most frequent problems and typical cases (bulletin_data.problem_counts and typical_cases,
    grouped by the database: office/month_problems.py), without reading every entry."""
    text = _item_texts(lang)
    snapshots: dict[str, m.ChecklistSnapshot | None] = {}

    def text_of(digest: str, code: str) -> str:
        if digest not in snapshots:
            snapshots[digest] = session.get(m.ChecklistSnapshot, digest)
        return text(snapshots[digest], code)

    return problems_and_cases(session, month, live_entries(session, month), text_of,
                              lambda ids: month_entries_in(session, month, lang, only=ids),
                              kept_problems(session, month))


def central_content(central: CentralDB, month: str, *, hospital: str, office: str, today: date,
                    lang: str = "zh") -> BulletinContent:
    """The month's bulletin over every merged inspection; overdue rectifications as of `today`.

    On PostgreSQL the problems and cases and the two summaries are read on a second connection while this one
    groups the repeat problems: each is a query over every entry of the month (at a year's synthetic scale,
    3 s + 1.5 s beside 8 s), and the server runs them side by side. Each part reads committed data as it
    always did (statement by statement, as on one connection)."""
    month = parse_month(month)
    with ThreadPoolExecutor(1, thread_name_prefix="bulletin") as helper:
        aside = helper.submit(_counted_parts, central, month, lang) \
            if central.engine.dialect.name == "postgresql" else None
        with central.read() as session:
            close = session.get(m.MonthClose, month)
            closed = close is not None
            opened = ledger_in(session, status="open", today=today, lang=lang)
            repeats = repeat_problems_in(session, month, lang)
            problems, cases, summary, previous = aside.result() if aside is not None else \
                _counted_parts_in(session, month, lang)
            return BulletinContent(hospital, office, month, today, summary, repeats, overdue_in(session, today, lang),
                                   corrections_in(session, month, close.closed_at if close else None, lang),
                                   provisional=not closed, previous=previous, open_rectifications=len(opened),
                                   complaints=bulletin_lines(session, month, lang), grouped_problems=problems,
                                   chosen_cases=cases)


def _counted_parts(central: CentralDB, month: str, lang: str) -> tuple[Any, ...]:
    with central.read() as session:
        # one core each: with parallel workers this side took both cores from the repeat problems' query
        # (a year's synthetic month: 11.0 s in all with them, 9.2–9.7 s without; 12.9 s on one connection)
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        return _counted_parts_in(session, month, lang)


def _counted_parts_in(session: Session, month: str, lang: str) -> tuple[Any, ...]:
    """The month's problems and cases, its summary and the previous month's."""
    problems, cases = problems_in(session, month, lang)
    return problems, cases, month_summary_in(session, month), month_summary_in(session, lookback(month, 1)[0])


def bulletin_number(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"


def _issued(session: Session) -> list[m.OfficeEvent]:
    return list(session.scalars(select(m.OfficeEvent).where(m.OfficeEvent.action == ISSUE_ACTION)
                                .order_by(m.OfficeEvent.id)))


def next_number(session: Session, prefix: str, year: int) -> str:
    """The office's own register: one sequence a year over every bulletin it issued (whatever the prefix)."""
    used = [0]
    for event in _issued(session):
        found = REGISTER_NUMBER.search(str((event.detail or {}).get("number", "")))
        if found is not None and int(found["year"]) == year and found["device"] is None:
            used.append(int(found["n"]))
    return bulletin_number(prefix, year, max(used) + 1)


def issue_bulletin_pdf(central: CentralDB, content: BulletinContent, path: Path, *, issued_by: str,
                       lang: str = "zh", now: datetime | None = None, prefix: str = DEFAULT_PREFIX,
                       narrative: BulletinNarrative | None = None) -> IssuedBulletin:
    """Number, render and write the PDF, and record the issue (number, SHA-256, the narrative printed and its
    hash, what a reprint needs) as an office event, in one transaction: the file is written before the event
    commits, so a failure can leave a file without its event, never an event without its file; two offices
    issuing at once get different numbers."""
    path = Path(path)
    by = (issued_by.strip() or content.office)[:64]
    moment = (now or utcnow()).astimezone()
    words = narrative or draft_narrative(content, lang)

    def work(session: Session) -> IssuedBulletin:
        if session.get_bind().dialect.name == "postgresql":  # one issuer counts at a time (SQLite: BEGIN IMMEDIATE)
            session.execute(select(1))
            session.connection().exec_driver_sql("LOCK TABLE office_events IN SHARE ROW EXCLUSIVE MODE")
        number = next_number(session, prefix, moment.year)
        pdf = render_content(content, number, lang=lang, created=moment, narrative=words)
        digest = hashlib.sha256(pdf).hexdigest()
        write_atomic(path, pdf)
        session.add(m.OfficeEvent(at=moment, actor=by, action=ISSUE_ACTION, subject=content.month, detail={
            "number": number, "sha256": digest, "file": path.name, "provisional": content.provisional,
            "as_of": content.today.isoformat(), "lang": lang, "created": moment.isoformat(),
            "hospital": content.hospital, "office": content.office, "narrative": words.model_dump(),
            "narrative_sha256": words.sha256(), "edited": narrative is not None}))
        return IssuedBulletin(number, path, digest)

    path.parent.mkdir(parents=True, exist_ok=True)
    return central.transaction(work)


def reprint_bulletin(central: CentralDB, number: str, path: Path, *, reprinted_by: str = "",
                     now: datetime | None = None) -> IssuedBulletin:
    """A bulletin printed again (补打): made again from the central database with the narrative, the date and
    the moment of its issue record, first checked to be byte for byte the issued one (its SHA-256), then
    marked 补打 with today's date; the reprint is an office event too. A month whose figures changed since
    (an open month merged again, a decision taken) cannot be reprinted as if they had not."""
    with central.read() as session:
        event = next((e for e in _issued(session) if (e.detail or {}).get("number") == number), None)
    if event is None:
        raise NotFoundError(tr("No bulletin numbered {number} was issued from this central database.",
                               number=number))
    detail = event.detail
    if "narrative" not in detail:
        raise StateError(tr("Bulletin {number} was issued before bulletins kept their text; print its stored "
                            "copy {file}.", number=number, file=detail.get("file", "")))
    lang = detail.get("lang", "zh")
    words = BulletinNarrative.model_validate(detail["narrative"])
    content = central_content(central, event.subject, hospital=detail["hospital"], office=detail["office"],
                              today=date.fromisoformat(detail["as_of"]), lang=lang)
    created = datetime.fromisoformat(detail["created"])
    args = {"lang": lang, "created": created, "narrative": words}
    if hashlib.sha256(render_content(content, number, **args)).hexdigest() != detail["sha256"]:
        raise StateError(tr("Bulletin {number} can no longer be made exactly as it was issued (the month's data "
                            "changed since); print its stored copy {file}.", number=number,
                            file=detail.get("file", "")))
    moment = (now or utcnow()).astimezone()
    pdf = render_content(content, number, reprint_on=moment.date(), **args)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pdf)
    central.transaction(lambda session: session.add(m.OfficeEvent(
        at=moment, actor=(reprinted_by.strip() or detail["office"])[:64], action=REPRINT_ACTION,
        subject=event.subject, detail={"number": number, "sha256": hashlib.sha256(pdf).hexdigest(),
                                       "file": path.name})))
    return IssuedBulletin(number, path, detail["sha256"])


def write_bulletin(central: CentralDB, content: BulletinContent, path: Path, *, issued_by: str = "",
                   lang: str = "zh", prefix: str = DEFAULT_PREFIX, narrative: BulletinNarrative | None = None,
                   now: datetime | None = None) -> IssuedBulletin | Path:
    """`path` ending .pdf: the issued, numbered PDF; .xlsx: the bulletin's tables (not numbered)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return issue_bulletin_pdf(central, content, path, issued_by=issued_by, lang=lang, prefix=prefix,
                                  narrative=narrative, now=now)
    if suffix == ".xlsx":
        return write_content_xlsx(content, path, lang=lang)
    raise AppError(tr_lang(lang, "the bulletin is written as .pdf or .xlsx"))
