"""What the status bar shows about sync: inspections waiting to be sent, and when the last batch went out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from inspector_app.core.store.models import Inspection
from inspector_app.core.sync.models import SyncBatch
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class SyncStatus:
    waiting: int  # finished, non-training inspections not yet in the share
    last_sent: datetime | None


def sync_status(ws: Workspace) -> SyncStatus:
    with ws.db.read() as session:
        batched: set[str] = set()
        unsent: set[str] = set()
        for ids, sent_at in session.execute(select(SyncBatch.inspection_ids, SyncBatch.sent_at)):
            batched.update(ids)
            if sent_at is None:
                unsent.update(ids)
        finished = set(session.scalars(select(Inspection.id).where(Inspection.status == "finished",
                                                                   Inspection.training.is_(False))))
        last_sent = session.scalar(select(func.max(SyncBatch.sent_at)))
    return SyncStatus(len((finished - batched) | unsent), last_sent)
