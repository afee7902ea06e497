"""Pushing finished inspections to the share: record the batch, build it in the outbox, copy it atomically.

Order matters for crashes: (1) the batch and its inspections are recorded in `sync_batches`; (2) the bundle
is built in `<data>/outbox/`; (3) it is copied to `incoming/` under a .part name, fsynced and renamed;
(4) `sent_at` is set. A push cut short anywhere re-sends the same batch next time; sending twice is harmless.
A full disk or a share that goes away mid-copy ends in an AppError (never a half-visible bundle), and the
next push removes the hidden part file a killed copy left behind.
"""

from __future__ import annotations

import errno
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from inspector_app.core.errors import AppError
from inspector_app.core.files import remove_file
from inspector_app.core.i18n import tr
from inspector_app.core.identity import SigningIdentity, load_signing_identity
from inspector_app.core.store.models import Inspection, utcnow
from inspector_app.core.sync.anchor import chain_head
from inspector_app.core.sync.bundle import build_bundle, file_sha256
from inspector_app.core.sync.bundle_format import bundle_name
from inspector_app.core.sync.models import SyncBatch
from inspector_app.core.sync.share import Share, copy_atomic
from inspector_app.core.training.mode import refuse_if_training
from inspector_app.core.workspace import Workspace

OUTBOX = "outbox"


@dataclass(frozen=True)
class SentBatch:
    batch_id: str
    bundle: Path  # in the share's incoming/ folder
    inspections: int
    resent: bool  # a batch an earlier push did not finish sending


@dataclass(frozen=True)
class PushReport:
    batches: tuple[SentBatch, ...]

    @property
    def nothing_to_send(self) -> bool:
        return not self.batches

    @property
    def batch_id(self) -> str | None:
        return self.batches[-1].batch_id if self.batches else None

    @property
    def bundle(self) -> Path | None:
        return self.batches[-1].bundle if self.batches else None

    @property
    def inspections(self) -> int:
        return sum(b.inspections for b in self.batches)

    def message(self) -> str:
        if not self.batches:
            return tr("Nothing to upload: every finished inspection is already in a batch.")
        return tr("Uploaded {batches} batch(es) with {count} inspection(s) to the shared folder.",
                  batches=len(self.batches), count=self.inspections)


def push(ws: Workspace, share_path: Path | str, passphrase: str) -> PushReport:
    """Send every finished, non-training inspection not yet in a batch (and any batch left unsent)."""
    refuse_if_training(ws)  # a training workspace sends nothing, ever
    share = Share(share_path)
    if not share.reachable():
        raise AppError(tr("The shared folder {path} cannot be reached (not connected, missing or read-only). "
                          "Nothing was uploaded; try again when it is connected.", path=share.path))
    identity = load_signing_identity(ws, passphrase)
    if not identity.enrolled:
        raise AppError(tr("Your certificate is not yet issued by the office, so the office would refuse the batch. "
                          "Enrol first (profile request), then upload."))
    try:
        share.ensure_layout()
    except OSError as exc:
        raise _failed(exc, tr("The upload to the shared folder {path} was interrupted", path=share.path)) from exc
    sent = [_send(ws, share, identity, batch, resent=True) for batch in unsent_batches(ws)]
    batch = record_new_batch(ws)
    if batch is not None:
        sent.append(_send(ws, share, identity, batch, resent=False))
    return PushReport(tuple(sent))


def unsent_batches(ws: Workspace) -> list[SyncBatch]:
    with ws.db.read() as session:
        return list(session.scalars(select(SyncBatch).where(SyncBatch.sent_at.is_(None))
                                    .order_by(SyncBatch.created_at)))


def record_new_batch(ws: Workspace) -> SyncBatch | None:
    """Record a batch of the finished, non-training inspections in no batch yet; None when there are none."""
    device_id = ws.device_id  # its own transaction, before the write below
    with ws.db.write() as session:
        done = {i for ids in session.scalars(select(SyncBatch.inspection_ids)) for i in ids}
        ids = [i for i in session.scalars(select(Inspection.id)
                                          .where(Inspection.status == "finished", Inspection.training.is_(False))
                                          .order_by(Inspection.device_id, Inspection.seq, Inspection.id))
               if i not in done]
        if not ids:
            return None
        batch_id = str(uuid.uuid4())
        audit_seq, audit_hash = chain_head(session)  # anchor.py: where the trail stands as the batch is made
        batch = SyncBatch(batch_id=batch_id, created_at=utcnow().replace(microsecond=0), inspection_ids=ids,
                          bundle_name=bundle_name(device_id, batch_id), bundle_sha256=None, sent_at=None,
                          audit_seq=audit_seq, audit_hash=audit_hash)
        session.add(batch)
    return batch


def _outbox_bundle(ws: Workspace, identity: SigningIdentity, batch: SyncBatch) -> tuple[Path, str]:
    """The batch's bundle in the outbox, built once; rebuilt (same id and inspections) only if lost."""
    path = ws.data_dir / OUTBOX / batch.bundle_name
    if batch.bundle_sha256 and path.is_file() and file_sha256(path) == batch.bundle_sha256:
        return path, batch.bundle_sha256
    digest = build_bundle(ws, identity, batch.batch_id, batch.created_at, list(batch.inspection_ids), path)
    with ws.db.write() as session:
        row = session.get(SyncBatch, batch.batch_id)
        assert row is not None
        row.bundle_sha256 = digest
    return path, digest


def _send(ws: Workspace, share: Share, identity: SigningIdentity, batch: SyncBatch, *, resent: bool) -> SentBatch:
    try:
        source, digest = _outbox_bundle(ws, identity, batch)
    except OSError as exc:
        raise _failed(exc, tr("The batch could not be written in the data folder {path}", path=ws.data_dir)) from exc
    target = share.incoming / batch.bundle_name
    try:
        _drop_parts(share, batch.bundle_name)
        if not (target.is_file() and file_sha256(target) == digest):
            copy_atomic(source, target, make_folder=False)  # a vanished share must not reappear on the local disk
    except OSError as exc:
        raise _failed(exc, tr("The upload to the shared folder {path} was interrupted", path=share.path)) from exc
    with ws.db.write() as session:
        row = session.get(SyncBatch, batch.batch_id)
        assert row is not None
        row.sent_at = utcnow()
    return SentBatch(batch.batch_id, target, len(batch.inspection_ids), resent)


def _drop_parts(share: Share, name: str) -> None:
    """Remove hidden part files an earlier, killed copy of this batch left (the batch id is ours alone)."""
    for stale in share.incoming.glob(f".{name}.*.part"):
        remove_file(stale)


def _failed(exc: OSError, what: str) -> AppError:
    """A plain message for a full disk or a share that went away; the batch is kept and sent next time."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason = tr("the disk is full")
    else:
        reason = exc.strerror or type(exc).__name__
    return AppError(tr("{what} ({reason}). Nothing was lost: the inspections stay on this computer and are sent "
                       "with the next upload.", what=what, reason=reason))
