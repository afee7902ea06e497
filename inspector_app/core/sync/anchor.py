"""The audit trail anchored at the office (issue #13).

The laptop's audit trail is hash-chained, but whoever can write the database file can rewrite an event and
recompute every later hash: the chain alone then still verifies. So each batch carries `audit/anchor.json`
(fmt.AuditAnchor: the trail's head when the batch was recorded, and the head its previous batch carried),
covered by the batch's signature. The office keeps every (seq, hash) it was sent per inspector and laptop
and quarantines a batch whose trail disagrees with one of them (merge/service.py). On the laptop, the anchor
is also kept signed with the inspector's key, so `audit verify` can say which head was last sent and whether
the trail still has it — a rewrite without the inspector's passphrase cannot make a new signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.i18n import tr
from inspector_app.core.store.audit import CHAIN_HEAD_SQL, GENESIS, canonical
from inspector_app.core.store.models import AuditEvent
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.models import SyncBatch
from inspector_app.core.sync.signing import sign_bytes, signature_valid


def chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the trail's last event; (0, GENESIS) for an empty trail."""
    row = session.connection().exec_driver_sql(CHAIN_HEAD_SQL).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def _hashes(session: Session, seqs: list[int]) -> dict[int, str]:
    query = select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(seqs))
    found = {seq: digest for seq, digest in session.execute(query)}
    return {seq: found.get(seq, "") if seq else GENESIS for seq in seqs}


def anchor_for(session: Session, batch_id: str) -> fmt.AuditAnchor | None:
    """The batch's anchor, read from the trail as it is now (a rewrite shows as another hash)."""
    batch = session.get(SyncBatch, batch_id)
    if batch is None or batch.audit_seq is None:
        return None  # recorded by a version before anchors
    base = session.scalar(select(func.max(SyncBatch.audit_seq)).where(SyncBatch.audit_seq < batch.audit_seq)) or 0
    hashes = _hashes(session, [base, batch.audit_seq])
    return fmt.AuditAnchor(format="inspector-app/audit-anchor", base_seq=base, base_hash=hashes[base] or GENESIS,
                           head_seq=batch.audit_seq, head_hash=hashes[batch.audit_seq] or GENESIS)


def anchor_bytes(anchor: fmt.AuditAnchor) -> bytes:
    return canonical(anchor.model_dump(mode="json")).encode("utf-8")


def keep_signed(session: Session, batch_id: str, anchor: fmt.AuditAnchor, key: object) -> None:
    """Keep the anchor the bundle carries, signed with the inspector's key, beside the batch."""
    batch = session.get(SyncBatch, batch_id)
    assert batch is not None
    body = anchor_bytes(anchor)
    batch.audit_anchor, batch.audit_signature = body.decode("utf-8"), sign_bytes(key, body)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SentHead:
    seq: int
    hash: str
    bundle_name: str
    sent_at: datetime | None


def check_sent_heads(session: Session, certificate: x509.Certificate | None) -> tuple[SentHead | None, list[str]]:
    """The last head sent to the office, and a problem for every sent head the trail no longer has."""
    problems: list[str] = []
    last: SentHead | None = None
    batches = session.scalars(select(SyncBatch).where(SyncBatch.audit_anchor.is_not(None))
                              .order_by(SyncBatch.audit_seq)).all()
    for batch in batches:
        body = (batch.audit_anchor or "").encode("utf-8")
        if certificate is not None and not signature_valid(certificate.public_key(), batch.audit_signature or b"",
                                                           body):
            problems.append(tr("batch {name}: the audit head it sent is no longer signed by the inspector's key",
                               name=batch.bundle_name))
            continue
        anchor = fmt.AuditAnchor.model_validate_json(body)
        now = _hashes(session, [anchor.head_seq])[anchor.head_seq]
        if now != anchor.head_hash:
            problems.append(tr("audit event {seq} differs from the head sent to the office in batch {name}: "
                               "the trail was rewritten after it was sent", seq=anchor.head_seq,
                               name=batch.bundle_name))
        if batch.sent_at is not None:
            last = SentHead(anchor.head_seq, anchor.head_hash, batch.bundle_name, batch.sent_at)
    return last, problems
