"""The rectification notice (整改通知书): what one department must put right after one inspection, by when.

One notice per department: an inspection of a window can also charge staff of another department, and
each department answers for its own problems. The notice ends with a reply slip the department fills in
(measures, person responsible, completion date) and returns, signed, to the issuing office.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Spacer, Table
from sqlalchemy import select

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.documents.fonts import require_printable_entries
from inspector_app.core.documents.layout import (
    FRAME_WIDTH,
    BoldLine,
    data_table,
    excerpt,
    heading,
    long_date,
    para,
    plain_style,
    side_by_side,
    signature_block,
    styles,
    title_block,
)
from inspector_app.core.documents.pages import build_pdf
from inspector_app.core.errors import NotFoundError, StateError
from inspector_app.core.i18n import tr, tr_lang
from inspector_app.core.inspection_state import Entry, load_state
from inspector_app.core.store.models import Deduction, Department, Inspection
from inspector_app.core.workspace import Workspace

QUOTE_CHARS = 48  # the clause is quoted in full on the inspection sheet; the notice cites it briefly


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


def _problems(entries: list[Entry], checklist: Checklist, lang: str) -> Table:
    rows = []
    for index, entry in enumerate(entries, start=1):
        try:
            item = checklist.item(entry.item_code)
        except KeyError:
            item = None
        text = item.text.get(lang) if item else entry.item_text
        found = f"{entry.who}：{entry.note}" if entry.note else entry.who
        clause = f"{item.source.section}：“{excerpt(item.source.quote, QUOTE_CHARS)}”" if item else ""
        requirement = item.rectification.get(lang) if item and item.rectification else (entry.requirement or text)
        rows.append([index, f"{entry.item_code}  {text}", found, clause, requirement, entry.deadline or ""])
    header = [tr_lang(lang, "No."), tr_lang(lang, "Problem"), tr_lang(lang, "What was found"),
              tr_lang(lang, "Clause"), tr_lang(lang, "Required rectification"), tr_lang(lang, "Deadline")]
    return data_table(header, rows, [10, 36, 38, 38, 31, 21], "clllcc")


def _reply_slip(number: str, office: str, lang: str) -> list[Flowable]:
    """The slip the department fills in, signs and returns; it names the notice so it can travel alone."""
    s = styles()
    measures = 4
    grey = colors.HexColor("#888888")
    label = s["label"]
    rows: list[list[object]] = [[para(tr_lang(lang, "Rectification measures"), label), "", "", ""]]
    rows += [["", "", "", ""] for _ in range(measures - 1)]
    rows.append([para(tr_lang(lang, "Person responsible"), label), "",
                 para(tr_lang(lang, "Completed on"), label), ""])
    rows.append([para(tr_lang(lang, "Head of department (signature)"), label), "",
                 para(tr_lang(lang, "Date"), label), ""])
    rest = (FRAME_WIDTH - 60 * mm) / 2
    heights = [9 * mm] * measures + [10 * mm, 15 * mm]  # room for a handwritten signature
    table = Table(rows, colWidths=[36 * mm, rest, 24 * mm, rest], rowHeights=heights)
    style: list[tuple] = [
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
        ("SPAN", (0, 0), (0, measures - 1)),
        ("LINEAFTER", (0, 0), (0, -1), 0.4, grey),
        ("LINEAFTER", (2, measures), (2, -1), 0.4, grey),
        ("LINEAFTER", (1, measures), (1, -1), 0.4, grey),
        ("LINEABOVE", (0, measures), (-1, measures), 0.6, colors.black),
        ("LINEABOVE", (0, measures + 1), (-1, measures + 1), 0.4, grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for row in range(measures):
        style.append(("SPAN", (1, row), (3, row)))
        if row < measures - 1:
            style.append(("LINEBELOW", (1, row), (3, row), 0.4, grey))
    table.setStyle(plain_style(style))
    hint = para(tr_lang(lang, "To be filled in by the department, signed and returned to {office} "
                              "(notice No. {number}).", office=office, number=number), s["small"])
    cut = HRFlowable(width="100%", thickness=0.6, color=grey, dash=(4, 3), spaceBefore=2, spaceAfter=6)
    return [cut, heading(tr_lang(lang, "Reply slip")), hint, Spacer(1, 2 * mm), table]


def _issuer(office: str, issued: date, lang: str) -> Table:
    """The issuing office's signature or stamp, bottom right of the notice proper."""
    block = signature_block(tr_lang(lang, "Issued by (stamp)"), office, long_date(issued, lang), None, lang,
                            name_label=tr_lang(lang, "Issuing office name"))
    return side_by_side(Spacer(1, 1), block)


def render_notice(ws: Workspace, inspection_id: str, department_code: str | None, number: str, *,
                  lang: str = "zh", today: date | None = None) -> bytes:
    """The 整改通知书 to one department (default: the inspected one, else the first charged) as PDF bytes."""
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
    hospital, office = ws.settings.hospital, ws.settings.inspector.office
    issued = today or date.today()
    s = styles()
    started = date.fromisoformat(state.started_at[:10])
    intro = (tr_lang(lang, "On {date} a covert visit (暗访) found the following problems in your department:",
                     date=long_date(started, lang)) if state.mode == "covert" else
             tr_lang(lang, "On {date} an open inspection (明查) found the following problems in your department:",
                     date=long_date(started, lang)))
    request = tr_lang(lang, "Please put them right by the deadlines below, fill in the reply slip and return it "
                            "to {office}.", office=office)
    story: list[Flowable] = [
        *title_block(hospital, notice_title(lang), number, lang,
                     tr_lang(lang, "Issued {date}", date=long_date(issued, lang))),
        Spacer(1, 4 * mm),
        BoldLine(tr_lang(lang, "To: {department}", department=target.name), 12.5, "left"),
        para(intro, s["intro"]), Spacer(1, 2 * mm),
        _problems(entries, state.checklist, lang), Spacer(1, 3 * mm),
        para(request, s["intro"]),
        para(tr_lang(lang, "Inspector(s): {names}", names=state.inspector + (
            f"、{state.co_inspector}" if state.co_inspector else "")), s["small"]),
        Spacer(1, 2 * mm),
        _issuer(office, issued, lang),
        Spacer(1, 6 * mm),
        KeepTogether(_reply_slip(number, office, lang)),
    ]
    return build_pdf(story, hospital=hospital, title=notice_title(lang), number=number, lang=lang,
                     watermark=inspection.training, author=office)
