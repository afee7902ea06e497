"""Writing a monthly summary as a text table, JSON, CSV or XLSX (the office's spreadsheet).

A month has two department rankings, one per kind of checklist (core/scoring/month.py): tally checklists
rank by points, scored checklists by failed inspections and average score. Every format shows them as two
separate tables, then the departments in neither (not inspected this month), then the staff with deductions.
JSON is the summary itself (`rank` and `score_rank` on every department).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from inspector_app.core.i18n import language, tr, tr_lang
from inspector_app.core.spreadsheet import CsvWriter, write_sheets
from inspector_app.core.summary import DepartmentRow, MonthlySummary
from inspector_app.core.texttable import cell, render_table

FORMATS = ("table", "json", "csv", "xlsx")


def not_inspected(summary: MonthlySummary) -> list[DepartmentRow]:
    """The departments in neither ranking: nobody inspected them this month (nor charged their staff)."""
    return [d for d in summary.departments if not d.rank and not d.score_rank]


# Headers take the language of the document (the bulletin has its own); None is the current language.
def tally_header(lang: str | None = None) -> list[str]:
    lang = lang or language()
    return [tr_lang(lang, "Rank"), tr_lang(lang, "Code"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Inspections"), tr_lang(lang, "Occurrences"), tr_lang(lang, "Department points"),
            tr_lang(lang, "Staff points"), tr_lang(lang, "Total points"), tr_lang(lang, "Pay deducted %")]


def tally_rows(summary: MonthlySummary) -> list[list]:
    """The points ranking (tally checklists): fewest points first; inspections are tally inspections."""
    return [[d.rank, d.code, d.name, d.tally_inspections, d.occurrences, d.own_points, d.staff_points,
             d.total_points, d.pay_percent] for d in summary.tally_ranking()]


def scored_header(lang: str | None = None) -> list[str]:
    lang = lang or language()
    return [tr_lang(lang, "Rank"), tr_lang(lang, "Code"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Scored inspections"), tr_lang(lang, "Average score"), tr_lang(lang, "Failed")]


def scored_rows(summary: MonthlySummary) -> list[list]:
    """The score ranking (scored checklists): fewest failed inspections first, then the highest average."""
    return [[d.score_rank, d.code, d.name, d.scored_inspections, d.average_score, d.failed]
            for d in summary.scored_ranking()]


def idle_header(lang: str | None = None) -> list[str]:
    lang = lang or language()
    return [tr_lang(lang, "Code"), tr_lang(lang, "Department / window")]


def idle_rows(summary: MonthlySummary) -> list[list]:
    return [[d.code, d.name] for d in not_inspected(summary)]


def person_header(lang: str | None = None) -> list[str]:
    lang = lang or language()
    return [tr_lang(lang, "Rank"), tr_lang(lang, "Staff no."), tr_lang(lang, "Name"),
            tr_lang(lang, "Department / window"), tr_lang(lang, "Department head"), tr_lang(lang, "Occurrences"),
            tr_lang(lang, "Points"), tr_lang(lang, "Pay deducted %")]


def person_rows(summary: MonthlySummary, lang: str | None = None) -> list[list]:
    yes = tr_lang(lang or language(), "yes")
    return [[p.rank, p.staff_no, p.name, p.department, yes if p.is_head else "", p.occurrences, p.points,
             p.pay_percent] for p in summary.persons]


def _sections(summary: MonthlySummary) -> list[tuple[str, list[str], list[list], str]]:
    """(title, header, rows, what to say when there are none) of every table, in the order they are shown."""
    return [
        (tr("Points ranking (tally checklists)"), tally_header(), tally_rows(summary),
         tr("No department was inspected with a tally checklist this month.")),
        (tr("Score ranking (scored checklists)"), scored_header(), scored_rows(summary),
         tr("No department was inspected with a scored checklist this month.")),
        (tr("Not inspected this month"), idle_header(), idle_rows(summary), ""),
        (tr("Staff with deductions"), person_header(), person_rows(summary), ""),
    ]


def as_table(summary: MonthlySummary) -> str:
    head = tr("Monthly summary {month}: {inspections} inspections, {occurrences} occurrences, {points} points",
              month=summary.month, inspections=summary.inspections, occurrences=summary.occurrences,
              points=cell(summary.total_points))
    parts = [head]
    for title, header, rows, empty in _sections(summary):
        if rows:
            parts += ["", title, render_table(header, rows)]
        elif empty:  # the two rankings always say what became of them; the other lists are left out
            parts += ["", title, empty]
    return "\n".join(parts) + "\n"


def as_json(summary: MonthlySummary) -> str:
    return json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"


def as_csv(summary: MonthlySummary) -> str:
    """Every section, even an empty one: a title row (with the month), a header row, the rows, a blank row."""
    out = io.StringIO()
    writer = CsvWriter(out)  # a name like '=1+1' from a roster is text, not a formula, in Excel
    for index, (title, header, rows, _) in enumerate(_sections(summary)):
        if index:
            writer.writerow([])
        writer.writerow([title, summary.month])
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue()


def write_xlsx(summary: MonthlySummary, path: Path) -> None:
    """Four sheets: points ranking, score ranking, not inspected, staff (each with its header, even empty)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    write_sheets(book, [
        (tr("Points ranking"), tally_header(), tally_rows(summary)),
        (tr("Score ranking"), scored_header(), scored_rows(summary)),
        (tr("Not inspected"), idle_header(), idle_rows(summary)),
        (tr("Staff"), person_header(), person_rows(summary)),
    ])
    book.save(path)


def render(summary: MonthlySummary, fmt: str) -> str:
    """Text formats; XLSX goes through write_xlsx."""
    return {"table": as_table, "json": as_json, "csv": as_csv}[fmt](summary)
