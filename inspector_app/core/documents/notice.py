"""The rectification notice (整改通知书): what one department must put right after one inspection, by when.

One notice per department: an inspection of a window can also charge staff of another department, and each
department answers for its own problems. It is an official document (official.py, GB/T 9704-2012): the
issuing office's letterhead with the register number, 主送 the department, the problems grouped by
inspection item with the persons charged, the points and what they cost in pay (the one scoring module's
figures), the deadlines — counted from the day of issue, never before it — and the re-inspection date,
the seal block with the body's last lines, long notes in 附件1, the reply slip (附件2: a row per item and a
复查意见 box) and 版记 (抄送, 印发).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select

from inspector_app.core.checklists.models import Checklist, Item, ScoredScoring
from inspector_app.core.documents.fonts import (
    document_language,
    face,
    require_printable_entries,
)
from inspector_app.core.documents.layout import listing, long_date, points
from inspector_app.core.documents.official import (
    BLOCK_WIDTH,
    build_official_pdf,
    colophon,
    heading,
    issuer_name,
    letterhead,
    official_styles,
    para,
    ruled_table,
    seal_block,
    title,
)
from inspector_app.core.errors import NotFoundError, StateError
from inspector_app.core.i18n import tr, tr_lang
from inspector_app.core.inspection_state import Entry, InspectionState, load_state
from inspector_app.core.scoring.rules import (
    ScoreEntry,
    capped_points,
    inspection_result,
)
from inspector_app.core.store.models import Deduction, Department, Inspection
from inspector_app.core.workspace import Workspace

SHORT_NOTE = 40  # an item with a longer note, or more than SHORT_NOTES notes, has its notes in 附件1
SHORT_NOTES = 3


def notice_title(lang: str) -> str:
    return tr_lang(lang, "Rectification Notice")


def _live_departments(ws: Workspace, inspection_id: str) -> tuple[Inspection, dict[str, str], dict[str, Department]]:
    """(inspection, deduction id → department id for live deductions, departments by id)."""
    with ws.db.read() as session:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
        charged = dict(session.execute(select(Deduction.id, Deduction.department_id).where(
            Deduction.inspection_id == inspection_id, Deduction.voided_at.is_(None))).all())
        departments = {d.id: d for d in session.scalars(select(Department))}
    return inspection, charged, departments


def notice_departments(ws: Workspace, inspection_id: str) -> list[tuple[str, str]]:
    """(code, name) of each department with live deductions: the inspected one first, then by code."""
    inspection, charged, departments = _live_departments(ws, inspection_id)
    ids = set(charged.values())
    ordered = sorted(ids, key=lambda i: (i != inspection.department_id, departments[i].code))
    return [(departments[i].code, departments[i].name) for i in ordered]


@dataclass
class Problem:
    """One inspection item found wanting in the department: who, how often, what it costs, by when."""

    code: str
    text: str
    item: Item | None
    deadline: date
    persons: dict[str, int] = field(default_factory=dict)  # who → times
    notes: list[tuple[str, str]] = field(default_factory=list)  # (who, note)
    points: float = 0.0
    annexed: list[int] = field(default_factory=list)  # numbers of its notes in 附件1


@dataclass
class Charge:
    """What one person (or the department) is charged on this notice: points and share of pay."""

    who: str
    points: float = 0.0
    pay: float = 0.0


def deadline_for(checklist: Checklist, item: Item | None, issued: date) -> date:
    """The item's rectification period counted from the day of issue: never a day before it."""
    days = checklist.deadline_days(item) if item is not None else int(checklist.default_deadline_days.value)
    return issued + timedelta(days=days)


def gather(state: InspectionState, entries: list[Entry], issued: date, lang: str
           ) -> tuple[list[Problem], list[Charge], list[tuple[int, str, str, str]]]:
    """Problems by item (in checklist order), charges per person, and the long notes for 附件1."""
    checklist = state.checklist
    live = state.live_entries
    score_entries = [ScoreEntry(e.item_code, *e.target_key, e.points) for e in live]
    result = inspection_result(checklist, score_entries)
    # a scored checklist's entries count nothing towards pay: the notice shows what each took off the score
    shown = capped_points(checklist, score_entries) if result.scored else result.points
    counted = {e.id: (p, pay) for e, p, pay in zip(live, shown, result.pay_percent, strict=True)}
    order = {item.code: index for index, item in enumerate(checklist.items())}
    problems: dict[str, Problem] = {}
    charges: dict[str, Charge] = {}
    notes: dict[str, list[tuple[str, str]]] = {}
    for entry in sorted(entries, key=lambda e: (order.get(e.item_code, len(order)), e.seq)):
        item = _item(checklist, entry.item_code)
        problem = problems.get(entry.item_code)
        if problem is None:
            text = item.text.get(lang) if item else entry.item_text
            problem = problems[entry.item_code] = Problem(entry.item_code, text, item,
                                                          deadline_for(checklist, item, issued))
        problem.persons[entry.who] = problem.persons.get(entry.who, 0) + entry.count
        value, pay = counted.get(entry.id, (entry.points, 0.0))
        problem.points += value
        charge = charges.setdefault(entry.who, Charge(entry.who))
        charge.points += value
        charge.pay += pay
        if entry.note:
            notes.setdefault(entry.item_code, []).append((entry.who, entry.note))
    annex: list[tuple[int, str, str, str]] = []
    for code, found in notes.items():  # a few short notes stay in the table; the others all go to 附件1
        problem = problems[code]
        if len(found) <= SHORT_NOTES and all(len(note) <= SHORT_NOTE for _, note in found):
            problem.notes = found
            continue
        for who, note in found:
            annex.append((len(annex) + 1, code, who, note))
            problem.annexed.append(len(annex))
    return list(problems.values()), sorted(charges.values(), key=lambda c: (-c.points, c.who)), annex


def _item(checklist: Checklist, code: str) -> Item | None:
    try:
        return checklist.item(code)
    except KeyError:
        return None


def _problem_table(problems: list[Problem], lang: str) -> Table:
    rows = []
    for index, problem in enumerate(problems, start=1):
        named = [who + (f"×{times}" if times > 1 else "") for who, times in problem.persons.items()]
        persons = listing(named, lang) if lang == "zh" else "\n".join(named)  # "×4," would wrap apart
        colon = "：" if lang == "zh" else ": "
        found = [f"{who}{colon}{note}" if len(problem.persons) > 1 else note for who, note in problem.notes]
        if problem.annexed:  # consecutive: an item's notes are annexed together
            first, last = problem.annexed[0], problem.annexed[-1]
            found.append(tr_lang(lang, "see annex 1, no. {numbers}",
                                 numbers=str(first) if first == last else f"{first}–{last}"))
        rows.append([index, f"{problem.code} {problem.text}", persons, _clauses(found, lang), points(problem.points),
                     long_date(problem.deadline, lang)])
    header = [tr_lang(lang, "No."), tr_lang(lang, "Problem"), tr_lang(lang, "Persons concerned"),
              tr_lang(lang, "What was found"), tr_lang(lang, "Points"), tr_lang(lang, "Deadline")]
    # English words do not break: "Points" and "September" need wider columns than 分 and 9月
    widths = [9, 40, 46, 30, 10, 23] if lang == "zh" else [9, 34, 39, 29, 15, 30]
    return ruled_table(header, rows, widths, "045")


def _clauses(parts: list[str], lang: str) -> str:
    """Clauses one after another: 甲；乙 in Chinese, "a; b" in English."""
    return ("；" if lang == "zh" else "; ").join(parts)


def _consequence(state: InspectionState, charges: list[Charge], citation: str, lang: str) -> list[Flowable]:
    """二、扣分及绩效: the points of this notice and what they cost, as the scoring rules say."""
    s = official_styles()
    total = sum(c.points for c in charges)
    if isinstance(state.checklist.scoring, ScoredScoring):
        rules = state.checklist.scoring
        verdict = tr_lang(lang, "passed") if state.score.passed else tr_lang(lang, "failed")
        text = tr_lang(lang, "Under {citation}, this inspection scores {score} points (base {base}, pass line "
                             "{line}): {verdict}. Your department's problems took {points} points off the score; a "
                             "scored checklist takes nothing off performance pay.",
                       citation=citation, score=points(state.score.score), base=points(rules.base_score.value),
                       line=points(rules.pass_score.value), verdict=verdict, points=points(total))
        return [para(text, s["body"])]
    rate = state.checklist.scoring.pay_percent_per_point.value
    each = _clauses([tr_lang(lang, "{who} {points} point ({pay}% of this month's performance pay)" if c.points == 1
                             else "{who} {points} points ({pay}% of this month's performance pay)", who=c.who,
                             points=points(c.points), pay=points(c.pay)) for c in charges], lang)
    text = tr_lang(lang, "Under {citation}, {points} points are deducted in all: {each}. Points are added up "
                         "monthly; each point withholds {rate}% of the month's performance pay.",
                   citation=citation, points=points(total), each=each, rate=points(rate))
    return [para(text, s["body"])]


def _annex_notes(annex: list[tuple[int, str, str, str]], lang: str) -> list[Flowable]:
    rows = [[number, code, who, note] for number, code, who, note in annex]
    header = [tr_lang(lang, "No."), tr_lang(lang, "Item"), tr_lang(lang, "Person concerned"),
              tr_lang(lang, "What was found")]
    return [PageBreak(), para(tr_lang(lang, "Annex 1"), official_styles()["h1"]),
            title(tr_lang(lang, "Details of the problems found")), ruled_table(header, rows, [10, 14, 34, 98], "01")]


def _reply_slip(problems: list[Problem], number: str, department: str, office: str, number_of_annex: int,
                lang: str) -> list[Flowable]:
    """附件2 整改回执: a row per item for the measures, the person responsible and the date, the head's
    signature, and the 复查意见 box the office fills in at the re-inspection."""
    s = official_styles()
    header = [tr_lang(lang, "No."), tr_lang(lang, "Problem"), tr_lang(lang, "Rectification measures"),
              tr_lang(lang, "Person responsible"), tr_lang(lang, "Completed on")]
    rows = [[index, f"{p.code} {p.text}", Spacer(1, 14 * mm), "", ""]  # room to write, however long the text
            for index, p in enumerate(problems, start=1)]
    table = ruled_table(header, rows, [9, 45, 58, 22, 22] if lang == "zh" else [9, 43, 52, 26, 26], "0")
    sign = Table([[para(tr_lang(lang, "Head of department (signature):"), s["cell"]), "",
                   para(tr_lang(lang, "Date:"), s["cell"]), ""]],
                 colWidths=[46 * mm, 50 * mm, 16 * mm, 44 * mm], rowHeights=[14 * mm])
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face("fangsong")), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                              ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                              ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black)]))
    review = Table([[para(tr_lang(lang, "Re-inspection opinion (复查意见, filled in by {office})", office=office),
                          s["cell"])],
                    [""],
                    [_by_and_date(lang)]],
                   colWidths=[BLOCK_WIDTH], rowHeights=[None, 34 * mm, 10 * mm])
    review.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face("fangsong")),
                                ("BOX", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [PageBreak(), para(tr_lang(lang, "Annex {n}", n=number_of_annex), s["h1"]),
            title(tr_lang(lang, "Rectification reply slip")),
            para(tr_lang(lang, "Notice {number} · {department} · to be returned to {office}", number=number,
                         department=department, office=office), s["small"]),
            Spacer(1, 3 * mm), table, Spacer(1, 2 * mm), sign, Spacer(1, 5 * mm), KeepTogether([review])]


def _by_and_date(lang: str) -> Table:
    """复查人 and 日期 with room to write between them (spaces in a paragraph would collapse in English)."""
    s = official_styles()
    row = Table([[para(tr_lang(lang, "Re-inspected by:"), s["cell"]), para(tr_lang(lang, "Date:"), s["cell"])]],
                colWidths=[BLOCK_WIDTH * 0.55, BLOCK_WIDTH * 0.45 - 12])
    row.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face("fangsong")), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return row


def render_notice(ws: Workspace, inspection_id: str, department_code: str | None, number: str, *,
                  lang: str = "zh", today: date | None = None, created: datetime | None = None,
                  device_id: str | None = None, reprint_on: date | None = None) -> bytes:
    """The 整改通知书 to one department (default: the inspected one, else the first charged) as PDF bytes.

    `today` is the day of issue (deadlines count from it); `created` the moment of issue kept in the PDF (the
    same moment renders the same bytes); `reprint_on` marks a reprint 补打 with its date."""
    with document_language(lang):
        return _render_notice(ws, inspection_id, department_code, number, lang=lang, today=today, created=created,
                              device_id=device_id, reprint_on=reprint_on)


def _render_notice(ws: Workspace, inspection_id: str, department_code: str | None, number: str, *, lang: str,
                   today: date | None, created: datetime | None, device_id: str | None,
                   reprint_on: date | None) -> bytes:
    inspection, charged, departments = _live_departments(ws, inspection_id)
    listed = notice_departments(ws, inspection_id)
    if not listed:
        raise StateError(tr("This inspection found no problems: there is nothing to rectify."))
    codes = [code for code, _ in listed]
    if department_code is None:
        inspected = departments[inspection.department_id].code
        department_code = inspected if inspected in codes else codes[0]
    target = next((d for d in departments.values() if department_code in (d.code, d.name)), None)
    if target is None or target.code not in codes:
        raise StateError(tr("No problems were recorded for {department} in this inspection.",
                            department=department_code))
    state = load_state(ws, inspection_id)
    entries = [e for e in state.live_entries if charged.get(e.id) == target.id]
    require_printable_entries(entries)
    issued = today or date.today()
    created = created or datetime.now().astimezone()
    settings = ws.settings
    hospital, office = settings.hospital, settings.inspector.office
    issuer = issuer_name(hospital, office)
    problems, charges, annex = gather(state, entries, issued, lang)
    files = list(dict.fromkeys(p.item.source.file for p in problems if p.item is not None))
    citation = listing((state.checklist.citation(f, lang) for f in files), lang) or state.checklist.citation("", lang)
    s = official_styles()
    started = date.fromisoformat(state.started_at[:10])
    inspectors = listing(filter(None, [state.inspector, state.co_inspector]), lang)
    mode = tr_lang(lang, "a covert visit (暗访)") if state.mode == "covert" else tr_lang(lang, "an open inspection (明查)")
    latest = max(p.deadline for p in problems)
    reinspect = latest + timedelta(days=settings.documents.reinspect_after_days)
    reprint = (tr_lang(lang, "Reprint (补打) {date}", date=long_date(reprint_on, lang)) if reprint_on else "")
    annex_no = 2 if annex else 1
    story: list[Flowable] = [
        *letterhead(issuer, number, reprint),
        title(notice_title(lang)),
        para(tr_lang(lang, "{department}:", department=target.name), s["addressee"]),
        para(tr_lang(lang, "On {date} {office} carried out {mode} of your department under {citation} "
                           "(inspectors: {inspectors}). The problems found are listed below; please put them "
                           "right.", date=long_date(started, lang), office=office, mode=mode, citation=citation,
                     inspectors=inspectors), s["body"]),
        heading(tr_lang(lang, "1. Problems found")),
        _problem_table(problems, lang), Spacer(1, 2 * mm),
        CondPageBreak(3 * 28.9),
        heading(tr_lang(lang, "2. Points and pay")),
        *_consequence(state, charges, citation, lang),
        heading(tr_lang(lang, "3. Rectification")),
        para(tr_lang(lang, "Deadlines count from the day this notice is issued ({issued}); the last is {latest}. "
                           "Fill in the reply slip (annex {n}), have it signed by the head of department and return "
                           "it to {office} by the deadline.", issued=long_date(issued, lang),
                     latest=long_date(latest, lang), n=annex_no, office=office), s["body"]),
        heading(tr_lang(lang, "4. Re-inspection")),
        para(tr_lang(lang, "{office} will re-inspect the rectification from {date}.", office=office,
                     date=long_date(reinspect, lang)), s["body"]),
        Spacer(1, 4 * mm),
    ]
    # the seal and the date stay with the body's last lines (the annex note), not with more: a longer block
    # left half a page empty whenever it missed the foot of the page by a line
    last = [para(tr_lang(lang, "Annexes: {list}", list="　".join(
                ([tr_lang(lang, "1. Details of the problems found")] if annex else [])
                + [tr_lang(lang, "{n}. Rectification reply slip", n=annex_no)])), s["body"]),
            Spacer(1, 6 * mm), seal_block(issuer, issued, lang)]
    story.append(KeepTogether(last))  # the seal and the date never stand alone on a page
    if annex:
        story += _annex_notes(annex, lang)
    story += _reply_slip(problems, number, target.name, office, annex_no, lang)
    story.append(colophon(settings.documents.copy_to, office, issued, lang))
    return build_official_pdf(story, title_text=notice_title(lang), number=number, author=issuer, created=created,
                              device_id=device_id or ws.device_id, lang=lang, watermark=inspection.training,
                              reprint=reprint)
