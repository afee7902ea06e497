"""The pay list as the office hands it to the 审计科 on paper: a closed month's PDF, signed by the office.

Only a closed month is issued this way (its figures can no longer change, office/month.py); the document
number names the month (JX-YYYY-MM), so the same closed month printed twice is the same document in every
figure. The tables are pay_list.sheets', so the PDF and the workbook always agree.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from inspector_app.core.documents.layout import (
    data_table,
    heading,
    long_date,
    month_text,
    para,
    points,
    styles,
    title_block,
)
from inspector_app.core.documents.pages import build_pdf
from inspector_app.core.documents.signing import seal_pdf, sign_pdf
from inspector_app.core.errors import StateError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr_lang
from inspector_app.core.identity.inspector import SigningIdentity
from inspector_app.core.identity.timestamping import OfficeSeal
from inspector_app.office.pay_list import PayList, sheets

NUMBER_PREFIX = "JX"  # 绩效


def pay_list_number(month: str) -> str:
    return f"{NUMBER_PREFIX}-{month}"


def _cells(row: list, numeric: set[int]) -> list:
    return [points(v) if i in numeric and isinstance(v, float) else v for i, v in enumerate(row)]


def render_pay_list(pay: PayList, *, hospital: str, office: str, lang: str = "zh") -> bytes:
    """The closed month's pay list as PDF bytes (unsigned)."""
    if pay.closed_at is None:
        raise StateError(tr_lang(lang, "{month} is not closed: close the month before issuing its pay list.",
                                 month=pay.month))
    s = styles()
    closed_on = pay.closed_at.astimezone().date()  # the office's own day, not UTC's

    def t(text: str, **values: object) -> str:
        return tr_lang(lang, text, **values)

    title = t("Performance-pay deductions, {month}", month=month_text(pay.month, lang))
    number = pay_list_number(pay.month)
    people, departments, entries, corrections = sheets(pay, lang)
    total_pay = sum(p.total_pay for p in pay.people())
    intro = t("Closed on {date}. {persons} staff members and {departments} departments lose performance pay "
              "(1 point = 1%); {entries} entries of the month, {corrections} corrections of earlier months.",
              date=long_date(closed_on, lang), persons=len([p for p in pay.people() if p.total_pay > 0]),
              departments=len([d for d in pay.departments() if d.total_pay > 0]),
              entries=len(entries[2]), corrections=len(corrections[2]))
    story: list[Flowable] = [
        *title_block(hospital, title, number, lang, t("To the audit department")),
        Spacer(1, 3 * mm), para(intro, s["intro"]), Spacer(1, 3 * mm),
        heading(t("1. Staff")),
        data_table(people[1], [_cells(list(r), {5, 6, 7, 8, 9}) for r in people[2]],
                   [15, 15, 19, 26, 14, 12, 14, 14, 14, 16], "llllcrrrrr", t("No staff member lost pay this month.")),
        para(t("Total pay deducted: {total}%.", total=points(total_pay)), s["small"]),
        Spacer(1, 4 * mm), heading(t("2. Departments")),
        data_table(departments[1], [_cells(list(r), {2, 3, 4, 5, 6}) for r in departments[2]],
                   [18, 52, 20, 20, 20, 20, 20], "llrrrrr", t("No department lost pay this month.")),
    ]
    story += [Spacer(1, 4 * mm), heading(t("3. Corrections of closed months")),  # said even when there are none:
              data_table([corrections[1][i] for i in (0, 1, 2, 3, 5, 6, 7, 11, 12)],  # the sections keep their numbers
                         [_cells([r[i] for i in (0, 1, 2, 3, 5, 6, 7, 11, 12)], {7, 8}) for r in corrections[2]],
                         [14, 18, 12, 14, 22, 10, 44, 12, 14], "lllllclrr",
                         t("No corrections of closed months this month.")),
              Spacer(1, 4 * mm), heading(t("4. Entries of the month")),
              data_table([entries[1][i] for i in (0, 1, 2, 4, 5, 8, 9, 10, 11)],
                         [_cells([r[i] for i in (0, 1, 2, 4, 5, 8, 9, 10, 11)], {7, 8}) for r in entries[2]],
                         [18, 14, 14, 24, 10, 32, 10, 12, 16], "llllllcrr", t("No entries this month.")),
              Spacer(1, 8 * mm), para(f"{office}　{long_date(closed_on, lang)}", s["number"])]
    return build_pdf(story, hospital=hospital, title=title, number=number, lang=lang, author=office)


def issue_pay_list_pdf(pay: PayList, path: Path, identity: SigningIdentity, *, hospital: str, office: str,
                       lang: str = "zh", seal: OfficeSeal | None = None) -> Path:
    """Render, sign with the office's key (PAdES over the whole file) and write atomically; with the office
    `seal`, its CRL and timestamp are added at once (PAdES B-LT)."""
    number = pay_list_number(pay.month)
    pdf = render_pay_list(pay, hospital=hospital, office=office, lang=lang)
    signed = sign_pdf(pdf, identity.as_pyhanko_signer(), number=number,
                      reason=tr_lang(lang, "Pay list {number}", number=number), location=hospital)
    if seal is not None:
        signed = seal_pdf(signed, seal)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, signed)
    return path
