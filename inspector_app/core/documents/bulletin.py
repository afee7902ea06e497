"""The monthly bulletin (月度通报): the month's results for the whole hospital, as PDF and as XLSX.

It is read at the monthly meeting and posted: the summary line, the departments' two rankings (tally
checklists by points, rank 1 = fewest; scored checklists by failed inspections, then average score),
the departments not inspected, a chart of points per department, staff with deductions, problems that
keep coming back, rectifications past their deadline and (the office's bulletin) the corrections of closed
months it carries. Both formats are rendered from a BulletinContent (bulletin_data.py), gathered from a
laptop's data folder or from the central database (office/bulletin.py); its numbers are the one scoring
module's, so the bulletin, the summary screen and the pay deductions the audit office applies agree.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from inspector_app.core.documents.bulletin_data import (
    BulletinContent,
    Correction,
    OverdueItem,
    ranking,
    workspace_content,
)
from inspector_app.core.documents.bulletin_narrative import (
    BulletinNarrative,
    draft_narrative,
)
from inspector_app.core.documents.chart import points_chart
from inspector_app.core.documents.fonts import document_language, require_printable
from inspector_app.core.documents.layout import (
    BoldLine,
    data_table,
    listing,
    long_date,
    month_text,
    para,
    points,
    styles,
)
from inspector_app.core.documents.official import (
    BLOCK_WIDTH as WIDTH,
)
from inspector_app.core.documents.official import (
    build_official_pdf,
    colophon,
    issuer_name,
    letterhead,
    official_styles,
    seal_block,
    section_heading,
)
from inspector_app.core.documents.official import para as official_para
from inspector_app.core.documents.official import title as official_title
from inspector_app.core.i18n import tr_lang
from inspector_app.core.spreadsheet import add_printable_sheet
from inspector_app.core.summary import DepartmentRow, MonthlySummary
from inspector_app.core.summary_export import (
    idle_header,
    idle_rows,
    person_header,
    person_rows,
    scored_header,
    scored_rows,
    tally_header,
    tally_rows,
)
from inspector_app.core.workspace import Workspace


def bulletin_title(month: str, lang: str) -> str:
    return tr_lang(lang, "Service Quality Inspection Bulletin, {month}", month=month_text(month, lang))


def subheading(text: str) -> BoldLine:
    """A heading inside a section (the two rankings of section 1), kept off the foot of a page."""
    return section_heading(text, 12, 30 * mm)


def heading(text: str) -> BoldLine:
    return section_heading(text)


def _points_ranking(ranked: list[DepartmentRow], lang: str) -> Flowable:
    rows = [[d.rank, d.name, d.tally_inspections, d.occurrences, points(d.own_points), points(d.staff_points),
             points(d.total_points), points(d.pay_percent)] for d in ranked]
    header = [tr_lang(lang, "Rank"), tr_lang(lang, "Department / window"), tr_lang(lang, "Inspections"),
              tr_lang(lang, "Occurrences"), tr_lang(lang, "Department points"), tr_lang(lang, "Staff points"),
              tr_lang(lang, "Total points"), tr_lang(lang, "Pay deducted %")]
    return data_table(header, rows, [11, 50, 18, 18, 19, 19, 19, 20], "clcccccc", width=WIDTH)


def _score_ranking(ranked: list[DepartmentRow], lang: str) -> Flowable:
    rows = [[d.score_rank, d.name, d.scored_inspections, points(d.average_score), d.failed] for d in ranked]
    header = [tr_lang(lang, "Rank"), tr_lang(lang, "Department / window"), tr_lang(lang, "Scored inspections"),
              tr_lang(lang, "Average score"), tr_lang(lang, "Failed")]
    return data_table(header, rows, [11, 50, 25, 25, 25], "clccc", width=WIDTH)


def table_heading(n: int, text: str, lang: str) -> BoldLine:
    """附表n: the tables after the narrative."""
    return heading(tr_lang(lang, "Table {n}. {title}", n=n, title=text))


def numbered(n: int, text: str, lang: str) -> str:
    """一、基本情况 / 1. Overview: the narrative's sections."""
    numeral = "一二三四五六七八九十"[n - 1] if lang != "en" else str(n)
    return tr_lang(lang, "{numeral}. {title}", numeral=numeral, title=text)


def _narrative(narrative: BulletinNarrative, lang: str) -> list[Flowable]:
    o = official_styles()
    story: list[Flowable] = []
    for n, (title, paragraphs) in enumerate(narrative.sections(lang), 1):
        story.append(section_heading(numbered(n, title, lang), min_space=20 * mm))  # a heading and two lines
        story += [official_para(text, o["body"]) for text in paragraphs]
    return story


def _annex_list(titles: list[str], lang: str) -> list[Flowable]:
    """附件说明: 附表：1. … with each further table on a line of its own, its number under the first one's."""
    style = official_styles()["annex_note"]
    label = tr_lang(lang, "Annexed tables: {list}", list="")
    first = f"{label}1. {titles[0]}"
    start = style.leftIndent + style.firstLineIndent  # where the first line begins
    further = ParagraphStyle("o-annex-further", parent=style, firstLineIndent=0,
                             leftIndent=start + stringWidth(label, style.fontName, style.fontSize))
    return [official_para(first, style)] + [official_para(f"{n}. {text}", further)
                                            for n, text in enumerate(titles[1:], 2)]


def _rankings(summary: MonthlySummary, lang: str) -> list[Flowable]:
    """Table 1: the points ranking and the score ranking, each only when a department is in it."""
    s = styles()
    tally, scored, idle = ranking(summary)
    story: list[Flowable] = [table_heading(1, tr_lang(lang, "Department ranking"), lang)]
    if not tally and not scored:
        story.append(para(tr_lang(lang, "No department was inspected this month."), s["meta"]))
    if tally:
        story += [subheading(tr_lang(lang, "Points ranking (tally checklists)")), _points_ranking(tally, lang),
                  para(tr_lang(lang, "Ranked from fewest to most points; equal points share a rank. Pay deducted % "
                                     "is of the department's own points."), s["small"])]
    elif scored:
        story.append(para(tr_lang(lang, "No department was inspected with a tally checklist this month."),
                          s["meta"]))
    if scored:
        story += [Spacer(1, 3 * mm), subheading(tr_lang(lang, "Score ranking (scored checklists)")),
                  _score_ranking(scored, lang),
                  para(tr_lang(lang, "Ranked from fewest to most failed inspections, then from the highest average "
                                     "score; equal results share a rank."), s["small"])]
    elif tally:
        story.append(para(tr_lang(lang, "No department was inspected with a scored checklist this month."),
                          s["meta"]))
    if idle:
        names = listing((d.name for d in idle), lang)
        story.append(para(tr_lang(lang, "Not inspected this month: {names}.", names=names), s["small"]))
    story.append(para(tr_lang(lang, "Training inspections are not counted."), s["small"]))
    return story


def _persons(summary: MonthlySummary, lang: str) -> Flowable:
    head = ("" if lang == "zh" else " ") + tr_lang(lang, "(head)")
    rows = [[p.rank, p.staff_no, p.name + (head if p.is_head else ""), p.department, p.occurrences,
             points(p.points), points(p.pay_percent)] for p in summary.persons]
    header = [tr_lang(lang, "Rank"), tr_lang(lang, "Staff no."), tr_lang(lang, "Name"),
              tr_lang(lang, "Department / window"), tr_lang(lang, "Occurrences"), tr_lang(lang, "Points"),
              tr_lang(lang, "Pay deducted %")]
    return data_table(header, rows, [11, 18, 30, 50, 20, 20, 25], "ccllccc",
                      tr_lang(lang, "No staff member lost points this month."), width=WIDTH)


def persons_text(persons: tuple[str, ...], lang: str) -> str:
    return listing(persons, lang) if persons else tr_lang(lang, "(the department)")


def _repeats(content: BulletinContent, lang: str) -> Flowable:
    rows = [[r.department, f"{r.item_code}  {r.item_text}", persons_text(r.persons, lang), r.occurrences,
             r.inspections, r.since] for r in content.repeats]
    return data_table(repeat_header(lang), rows, [32, 62, 26, 14, 14, 24], "lllccc",
                      tr_lang(lang, "No problem was found again this month after an earlier visit."), width=WIDTH)


def repeat_header(lang: str) -> list[str]:
    return [tr_lang(lang, "Department / window"), tr_lang(lang, "Inspection item"),
            tr_lang(lang, "Person concerned"), tr_lang(lang, "Times"), tr_lang(lang, "Visits"),
            tr_lang(lang, "First found")]


def _overdue(content: BulletinContent, lang: str) -> Flowable:
    rows = [[o.department, f"{o.item_code}  {overdue_text(o, lang)}", persons_text(o.persons, lang), o.count,
             o.deadline.isoformat(), o.days_overdue] for o in content.overdue]
    return data_table(overdue_header(lang), rows, [32, 62, 26, 14, 24, 14], "lllccc",
                      tr_lang(lang, "No rectification is overdue."), width=WIDTH)


def overdue_text(item: OverdueItem, lang: str) -> str:
    """The item's text, and what its standard says follows so late (逾期超过10日，可终止合同) when it does."""
    if not item.consequence:
        return item.item_text
    return f"{item.item_text}【{item.consequence}】" if lang == "zh" else f"{item.item_text} [{item.consequence}]"


def overdue_header(lang: str) -> list[str]:
    return [tr_lang(lang, "Department / window"), tr_lang(lang, "Inspection item"),
            tr_lang(lang, "Person concerned"), tr_lang(lang, "Items"), tr_lang(lang, "Deadline"),
            tr_lang(lang, "Days overdue")]


def _corrections(corrections: list[Correction], lang: str) -> Flowable:
    rows = [[c.month, c.date, c.department, c.person, f"{c.item_code}  {c.item_text}", points(c.points),
             points(c.pay_percent)] for c in corrections]
    return data_table(correction_header(lang)[:4] + [tr_lang(lang, "Inspection item"), tr_lang(lang, "Points"),
                                                      tr_lang(lang, "Pay deducted %")],
                      rows, [16, 20, 32, 26, 56, 12, 18], "lllllcc",
                      tr_lang(lang, "No entry of a closed month arrived after its close."), width=WIDTH)


def _complaints(content: BulletinContent, lang: str) -> Flowable:
    rows = [[c.number, c.date, c.department, c.person, c.summary, c.status, points(c.points), c.referral]
            for c in content.complaints]
    return data_table(complaint_header(lang), rows, [30, 24, 24, 24, 32, 16, 12, 26], "lllllccl", "",
                      width=WIDTH)


def complaint_header(lang: str) -> list[str]:
    return [tr_lang(lang, "Complaint no."), tr_lang(lang, "Date"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Person concerned"), tr_lang(lang, "What was complained of"), tr_lang(lang, "Status"),
            tr_lang(lang, "Points"), tr_lang(lang, "Referred to (移交)")]


def correction_header(lang: str) -> list[str]:
    return [tr_lang(lang, "Month"), tr_lang(lang, "Date"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Person concerned"), tr_lang(lang, "Code"), tr_lang(lang, "Inspection item"),
            tr_lang(lang, "Points"), tr_lang(lang, "Pay deducted %")]


def render_bulletin(ws: Workspace, month: str, number: str, *, lang: str = "zh", today: date | None = None,
                    created: datetime | None = None, narrative: BulletinNarrative | None = None) -> bytes:
    """The 月度通报 of `month` (YYYY-MM) from this data folder as PDF bytes; overdue rectifications are as of
    `today`."""
    return render_content(workspace_content(ws, month, today, lang), number, lang=lang,
                          copy_to=ws.settings.documents.copy_to, device_id=ws.device_id, created=created,
                          narrative=narrative)


def render_content(content: BulletinContent, number: str, *, lang: str = "zh", copy_to: str = "",
                   device_id: str = "", created: datetime | None = None,
                   narrative: BulletinNarrative | None = None, reprint_on: date | None = None) -> bytes:
    """A bulletin as PDF bytes, from what it prints (a laptop's month or the office's central one): the narrative
    (`narrative`, else drafted from the content), the tables, the seal; `reprint_on` marks a reprint 补打."""
    with document_language(lang):
        return _render_content(content, number, lang=lang, copy_to=copy_to, device_id=device_id, created=created,
                               narrative=narrative, reprint_on=reprint_on)


def _render_content(content: BulletinContent, number: str, *, lang: str, copy_to: str, device_id: str,
                    created: datetime | None, narrative: BulletinNarrative | None, reprint_on: date | None) -> bytes:
    summary, month, today = content.summary, content.month, content.today
    require_printable((tr_lang(lang, "staff member {name} (staff no. {no})", name=p.name, no=p.staff_no), p.name)
                      for p in summary.persons)
    narrative = narrative or draft_narrative(content, lang)
    require_printable((tr_lang(lang, "the bulletin's text"), text) for _, texts in narrative.sections(lang)
                      for text in texts)
    s = styles()
    hospital, office = content.hospital, content.office
    title = bulletin_title(month, lang)
    charged = [d for d in summary.tally_ranking() if d.total_points > 0]
    o = official_styles()
    issuer = issuer_name(hospital, office)
    reprint = tr_lang(lang, "Reprint (补打) {date}", date=long_date(reprint_on, lang)) if reprint_on else ""
    story: list[Flowable] = [
        *letterhead(issuer, number, reprint), official_title(title),
        official_para(tr_lang(lang, "All departments:"), o["addressee"]),
    ]
    if content.provisional:
        story.append(para(tr_lang(lang, "The month is not closed yet: its figures may still change."), s["small"]))
    titles = [tr_lang(lang, "Department ranking"), tr_lang(lang, "Staff with deductions"),
              tr_lang(lang, "Problems found again after an earlier visit"),
              tr_lang(lang, "Overdue rectifications by problem (as of {date})", date=long_date(today, lang))]
    if content.corrections is not None:
        titles.append(tr_lang(lang, "Corrections of closed months"))
    if content.complaints:
        titles.append(tr_lang(lang, "Complaints decided and referrals (001 §四 第7、8条)"))
    # GB/T 9704: the body ends with 特此通报, the annexes are named (附件说明), then the issuer, the date and the
    # seal, kept together with the body's last paragraph (never a seal on a page without body text); the tables
    # follow as annexes from a new page, and the 版记 closes the last page
    body = _narrative(narrative, lang)
    story += [*body[:-1], KeepTogether([*body[-1:], official_para(tr_lang(lang, "Hereby notified."), o["body"]),
                                        Spacer(1, 4 * mm), *_annex_list(titles, lang), Spacer(1, 6 * mm),
                                        seal_block(issuer, today, lang)]),
              PageBreak(), *_rankings(summary, lang)]
    chart = points_chart([(d.name, d.total_points) for d in charged], WIDTH,
                         tr_lang(lang, "points deducted"))
    if chart is not None:
        # the heading stays with its chart: never a lone heading at the foot of a page
        story += [Spacer(1, 4 * mm), KeepTogether([subheading(tr_lang(lang, "Points per department")), chart])]
    story += [
        Spacer(1, 4 * mm), table_heading(2, titles[1], lang), _persons(summary, lang),
        Spacer(1, 4 * mm), table_heading(3, titles[2], lang), _repeats(content, lang),
        Spacer(1, 4 * mm), table_heading(4, titles[3], lang), _overdue(content, lang),
    ]
    if content.corrections is not None:
        story += [Spacer(1, 4 * mm), table_heading(5, titles[4], lang), _corrections(content.corrections, lang)]
    if content.complaints:  # only when there are some: bulletins issued before it reprint as they were
        story += [Spacer(1, 4 * mm), table_heading(len(titles), titles[-1], lang), _complaints(content, lang)]
    story.append(colophon(copy_to, office, today, lang))  # at the foot of the last page (official.py)
    return build_official_pdf(story, title_text=title, number=number, author=issuer,
                              created=created or datetime.now().astimezone(), device_id=device_id, lang=lang,
                              reprint=reprint)


def _with_code(header: list[str], lang: str) -> list[str]:
    """A sheet's header with the item's code in a column of its own (to filter on)."""
    return [header[0], tr_lang(lang, "Code"), *header[1:]]


def write_bulletin_xlsx(ws: Workspace, month: str, path: Path, *, lang: str = "zh",
                        today: date | None = None) -> None:
    """This data folder's bulletin tables as a workbook."""
    write_content_xlsx(workspace_content(ws, month, today, lang), path, lang=lang)


def write_content_xlsx(content: BulletinContent, path: Path, *, lang: str = "zh") -> Path:
    """The bulletin's tables as a workbook: the two rankings, not inspected, staff, repeat problems, overdue,
    and the corrections carried when the bulletin has that section; every sheet printable as it is (a title
    row with the month, then the header row with an autofilter, repeated on each printed page)."""
    from openpyxl import Workbook

    summary = content.summary
    repeats = [[r.department, r.item_code, r.item_text, listing(r.persons, lang), r.occurrences, r.inspections,
                r.since] for r in content.repeats]
    overdue = [[o.department, o.item_code, overdue_text(o, lang), listing(o.persons, lang), o.count, o.deadline,
                o.days_overdue] for o in content.overdue]
    sheets = [
        (tr_lang(lang, "Points ranking"), tally_header(lang), tally_rows(summary)),
        (tr_lang(lang, "Score ranking"), scored_header(lang), scored_rows(summary)),
        (tr_lang(lang, "Not inspected"), idle_header(lang), idle_rows(summary)),
        (tr_lang(lang, "Staff deductions"), person_header(lang), person_rows(summary, lang)),
        (tr_lang(lang, "Repeat problems"), _with_code(repeat_header(lang), lang), repeats),
        (tr_lang(lang, "Overdue rectifications"), _with_code(overdue_header(lang), lang), overdue),
    ]
    if content.corrections is not None:
        sheets.append((tr_lang(lang, "Corrections"), correction_header(lang),
                       [[c.month, c.date, c.department, c.person, c.item_code, c.item_text, c.points, c.pay_percent]
                        for c in content.corrections]))
    if content.complaints:
        sheets.append((tr_lang(lang, "Complaints and referrals"), complaint_header(lang),
                       [[c.number, c.date, c.department, c.person, c.summary, c.status, c.points, c.referral]
                        for c in content.complaints]))
    book = Workbook()
    book.remove(book.active)
    heading = f"{content.hospital}　{bulletin_title(content.month, lang)}"
    for name, header, rows in sheets:  # each sheet prints on its own: the month in its title row
        add_printable_sheet(book, name, f"{heading} — {name}", header, rows,
                            footer=tr_lang(lang, "Page &P of &N"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
