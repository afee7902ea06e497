"""What the status bar shows about sync: inspections waiting to be sent, when the last batch went out, and when
the office's publication was last taken."""

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
    last_received: datetime | None = None  # the last pull that read the office's publication

    @property
    def last_sync(self) -> datetime | None:
        return max((t for t in (self.last_sent, self.last_received) if t is not None), default=None)


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
    from inspector_app.core.sync.pull import load_received

    return SyncStatus(len((finished - batched) | unsent), last_sent, load_received(ws).received_at)
