"""The `sync_batches` table: which finished inspections went into which batch, and whether it reached the share.

A batch is recorded before anything is written to the share, so a push cut short (crash, stick pulled out)
re-sends the same batch — same id, same inspections — instead of making a second one. Rows are kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspector_app.core.store.models import Base


class SyncBatch(Base):
    __tablename__ = "sync_batches"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime]
    inspection_ids: Mapped[list[str]] = mapped_column(JSON)
    bundle_name: Mapped[str] = mapped_column(String(128), unique=True)
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))  # set once the bundle is built
    sent_at: Mapped[datetime | None]  # set once the bundle is in the share's incoming/ folder
    # the audit trail's head when the batch was recorded, and the anchor the bundle carries (audit/anchor.json)
    # signed with the inspector's key: `audit verify` checks the trail still has that head (migration 0004)
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    audit_anchor: Mapped[str | None] = mapped_column(Text)
    audit_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
