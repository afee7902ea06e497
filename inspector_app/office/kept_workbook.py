"""A closed month's pay-list workbook, written once by its close and handed out as the same bytes afterwards.

The workbook lists every live entry of the month; at a year's synthetic scale that is 778,000 lines and about
eight seconds of writing, every time the office exports it. A closed month's pay list never changes (office/
month.py), so the close writes its workbook once, in the office's language, and keeps it (month_close_files,
c0014); an export of that month in that language is then those bytes, checked against their SHA-256, so a copy
sent to the 审计科 again is the very same file. Another language, an open month, a month closed before c0014
or kept bytes that fail their check: the workbook is written from the pay list as before.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from inspector_app.core.errors import AppError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.office.pay_list import PayList, write_pay_list_xlsx

PAY_LIST_XLSX = "pay_list_xlsx"
log = logging.getLogger(__name__)


def keep_pay_list_workbook(session: Session, pay: PayList, lang: str) -> None:
    """Write the closed month's pay-list workbook in `lang` and keep it with the close (in its transaction)."""
    with tempfile.TemporaryDirectory(prefix="pay-list-") as folder:
        body = write_pay_list_xlsx(pay, Path(folder) / "pay-list.xlsx", lang).read_bytes()
    session.add(m.MonthCloseFile(month=pay.month, kind=PAY_LIST_XLSX, lang=lang,
                                 sha256=hashlib.sha256(body).hexdigest(), data=body))


def kept_pay_list_workbook(central: CentralDB, month: str, lang: str) -> bytes | None:
    """The workbook the close of `month` kept in `lang`, when there is one and it is intact."""
    with central.read() as session:
        kept = session.get(m.MonthCloseFile, (month, PAY_LIST_XLSX, lang))
        if kept is None:
            return None
        body, sha256 = bytes(kept.data), kept.sha256
    if hashlib.sha256(body).hexdigest() != sha256:
        log.warning("the kept pay-list workbook of %s (%s) fails its SHA-256: written again", month, lang)
        return None
    return body


def export_pay_list_xlsx(central: CentralDB, pay: PayList, path: Path, lang: str = "zh") -> Path:
    """The pay list `pay` (read from `central`) as a workbook at `path`: a closed month's kept workbook when it
    has one in `lang`, else written from `pay`."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise AppError(tr_lang(lang, "The pay list is written as .xlsx or .pdf."))
    kept = kept_pay_list_workbook(central, pay.month, lang) if pay.closed_at is not None else None
    if kept is None:
        return write_pay_list_xlsx(pay, path, lang)
    write_atomic(path, kept)
    return path
