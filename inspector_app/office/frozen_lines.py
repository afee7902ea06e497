"""A closed month's pay-list lines, kept as the close read and hashed them (month_close_lines, c0013).

A month's pay list lists every live entry; at a year's synthetic scale that is 778,000 lines which the
database must join, sort and write out (about ten seconds). A closed month's lines never change (office/
month.py), so the close keeps the texts it hashed (office/pay_lines.py: each line's figures as canonical JSON
and its checklist snapshot), compressed in parts of PART lines, and the closed month's pay list reads them
back: the very lines the 审计科 was given, whatever is renamed or voided afterwards. A month closed before
c0013 has no kept lines and is worked out from the entries as before.
"""

from __future__ import annotations

import zlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.errors import StateError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m

PART = 100_000  # lines per row: a part stays a few megabytes, far below any column's limit
NEWLINE = "\n"  # never inside a line: JSON escapes it, and a checklist snapshot is hexadecimal


def freeze_lines(session: Session, month: str, raw: list[str]) -> None:
    """Keep `raw` (PayLines.raw, as the close hashed it) for the closed `month`; part 0 even when empty, so
    that a month without entries is told from one closed before lines were kept."""
    for part, start in enumerate(range(0, max(len(raw), 1), PART)):
        chunk = raw[start:start + PART]
        session.add(m.MonthCloseLines(month=month, part=part, lines=len(chunk),
                                      data=zlib.compress(NEWLINE.join(chunk).encode(), 1)))


def frozen_lines(session: Session, month: str) -> list[str] | None:
    """The kept lines of the closed `month` in their order; None when it kept none (closed before c0013)."""
    raw: list[str] = []
    found = False
    for part, lines, data in session.execute(
            select(m.MonthCloseLines.part, m.MonthCloseLines.lines, m.MonthCloseLines.data)
            .where(m.MonthCloseLines.month == month).order_by(m.MonthCloseLines.part)):
        found = True
        chunk = zlib.decompress(data).decode().split(NEWLINE) if lines else []
        if len(chunk) != lines:
            raise StateError(tr("The kept pay list of {month} is damaged (part {part}).", month=month, part=part))
        raw += chunk
    return raw if found else None
