"""Closing the month (月度结算): what is still open before, and figures that never change after.

Before closing, the office sees what could still change the month: batches waiting in the share, batches
quarantined, conflicts on the month's rows, earlier months still open. Closing freezes the month's summary
(the one scoring module's, office_summary) and the hash of its pay list's figures in `month_closes`, in one
transaction that a merge cannot interleave with (merge/service.closed_months). From then on:

- the month's summary is the frozen one, and its pay list leaves out entries merged after the close;
- such a late entry is an Adjustment (recorded by the merge), a correction (更正) that the next month to be
  closed carries: listed in that month's pay list and bulletin and added to its pay deductions.

So a closed month's pay list is the same, figure for figure, whatever arrives later (figures_sha256 proves it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from inspector_app.core.errors import StateError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import summary_in
from inspector_app.core.scoring import MonthlySummary
from inspector_app.core.store.models import utcnow
from inspector_app.core.summary import parse_month
from inspector_app.office.bulletin_kept import bulletin_groupings
from inspector_app.office.frozen_lines import freeze_lines
from inspector_app.office.kept_workbook import keep_pay_list_workbook
from inspector_app.office.pay_list import month_summary_in, pay_list_in


@dataclass(frozen=True)
class MonthState:
    """What the office sees before (and after) closing a month."""

    month: str
    closed_at: datetime | None
    closed_by: str | None
    figures_sha256: str | None
    inspections: int
    entries: int  # live entries of the month (a closed month: those its pay list lists)
    late_entries: int  # merged after the close: corrections a later month carries
    carried: int  # corrections of earlier months this month carries (or will, once closed)
    conflicts: int  # rows of the month whose UUID came again with other content: a person must decide
    open_before: list[str] = field(default_factory=list)  # earlier months with inspections, not closed
    waiting: int | None = None  # batches in the share's incoming/ (None: no share given)
    quarantined: int | None = None  # batches in the share's quarantine/

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def blockers(self) -> list[str]:
        """Why closing now would be premature (closing anyway needs `force`)."""
        found = []
        if self.waiting:
            found.append(tr("{n} batches are waiting in the share: merge them first.", n=self.waiting))
        if self.open_before:
            found.append(tr("Earlier months are still open: {months}.", months=", ".join(self.open_before)))
        if self.conflicts:
            found.append(tr("{n} rows of the month are in conflict.", n=self.conflicts))
        return found


def month_summary(central: CentralDB, month: str) -> MonthlySummary:
    """The month's summary: frozen as closed, or the live central one."""
    with central.read() as session:
        return month_summary_in(session, parse_month(month))


def _state_in(session: Session, month: str, share: Path | None) -> MonthState:
    D, A = m.Deduction, m.Adjustment  # noqa: N806
    closed = session.get(m.MonthClose, month)
    inspections = session.scalar(select(func.count()).select_from(m.Inspection)
                                 .where(m.Inspection.local_month == month)) or 0
    live = session.scalar(select(func.count()).select_from(D)
                          .where(D.local_month == month, D.voided_at.is_(None))) or 0
    late = session.scalar(select(func.count()).select_from(A).where(A.entry_month == month)) or 0
    carried = session.scalar(select(func.count()).select_from(A).where(
        A.carried_by == month if closed is not None else (A.carried_by.is_(None) & (A.entry_month < month)))) or 0
    conflicts = _conflicts(session, month)
    closed_months = set(session.scalars(select(m.MonthClose.month)))
    earlier = session.scalars(select(m.Inspection.local_month).where(m.Inspection.local_month < month)
                              .distinct()).all()  # months with work, from the (20× smaller) inspections
    from inspector_app.core.merge.share import incoming_bundles
    from inspector_app.core.sync.share import Share

    waiting = quarantined = None
    if share is not None:  # waiting: what the next merge would take; quarantined: every file set aside
        layout = Share(share)
        waiting = len(incoming_bundles(layout))
        quarantined = sum(1 for p in layout.quarantine.iterdir() if p.is_file() and not p.name.endswith(
            ".reason.json")) if layout.quarantine.is_dir() else 0  # each set aside with <name>.reason.json
    return MonthState(month, closed.closed_at if closed else None, closed.closed_by if closed else None,
                      closed.figures_sha256 if closed else None, int(inspections),
                      int(closed.entries) if closed else int(live), int(late), int(carried), conflicts,
                      sorted(set(earlier) - closed_months), waiting, quarantined)


def _conflicts(session: Session, month: str) -> int:
    """Conflicts on the month's inspections and entries."""
    C = m.Conflict  # noqa: N806
    on_inspections = select(m.Inspection.id).where(m.Inspection.local_month == month)
    on_entries = select(m.Deduction.id).where(m.Deduction.local_month == month)
    return int(session.scalar(select(func.count(distinct(C.entity_id))).where(
        ((C.entity == "inspections") & C.entity_id.in_(on_inspections))
        | ((C.entity == "deductions") & C.entity_id.in_(on_entries)))) or 0)


def month_state(central: CentralDB, month: str, share: Path | None = None) -> MonthState:
    with central.read() as session:
        return _state_in(session, parse_month(month), share)


def close_month(central: CentralDB, month: str, *, closed_by: str, today: date, share: Path | None = None,
                force: bool = False, now: datetime | None = None, lang: str = "zh") -> MonthState:
    """Close `month`: freeze its summary and pay-list figures, take over the corrections pending and write the
    pay list's workbook once, in `lang` (office/kept_workbook.py).

    Refused (StateError, nothing written) when the month is already closed or has not ended by `today`; and,
    unless `force`, while batches wait in the share, earlier months with entries are open or rows conflict."""
    month = parse_month(month)
    by = closed_by.strip()[:64]
    if not by:
        raise StateError(tr("Say who closes the month."))
    if month >= f"{today:%Y-%m}":
        raise StateError(tr("{month} has not ended yet: it can be closed from the 1st of the next month.",
                            month=month))

    def work(session: Session) -> MonthState:
        if session.get_bind().dialect.name == "postgresql":  # merges hold SHARE until they commit
            session.execute(select(1))  # (a statement first, so the lock is taken inside this transaction)
            session.connection().exec_driver_sql("LOCK TABLE month_closes IN EXCLUSIVE MODE")
        state = _state_in(session, month, share)
        if state.closed:
            raise StateError(tr("{month} was closed on {at} by {by}.", month=month,
                                at=f"{state.closed_at.astimezone():%Y-%m-%d %H:%M}", by=state.closed_by))
        if state.blockers() and not force:
            raise StateError(tr("{month} is not closed: {why} (close anyway with force).", month=month,
                                why=" ".join(state.blockers())))
        at = now or utcnow()
        session.execute(update(m.Adjustment).where(m.Adjustment.carried_by.is_(None),
                                                   m.Adjustment.entry_month < month).values(carried_by=month))
        summary = summary_in(session, month)
        close = m.MonthClose(month=month, closed_at=at, closed_by=by, summary=summary.to_dict(), entries=0,
                             figures_sha256="")
        session.add(close)
        session.flush()
        pay = pay_list_in(session, month, summary, lang)  # now closed: the corrections it just took over
        close.entries, close.figures_sha256 = len(pay.lines), pay.figures_sha256()
        freeze_lines(session, month, pay.lines.raw)  # type: ignore[attr-defined]  # the PayLines read above
        keep_pay_list_workbook(session, pay, lang)  # once: a closed month's exports hand out these bytes
        close.bulletin = bulletin_groupings(session, month)
        session.add(m.OfficeEvent(at=at, actor=by, action="close_month", subject=month, detail={
            "entries": len(pay.lines), "carried": len(pay.adjustments), "figures_sha256": close.figures_sha256,
            "forced": bool(force and state.blockers()), "blockers": state.blockers()}))
        session.flush()
        return _state_in(session, month, share)

    return central.transaction(work)
