"""Merging one verified bundle into the central database: all of it in one transaction, or nothing.

A row whose UUID is new is inserted; one already there with the same content hash is left alone; one with
other content is a conflict, kept aside in `conflicts` with the incoming JSON and never written over the
first. A batch merged before (same id, same bundle hash) changes nothing, so merging is idempotent, and
since rows are only ever added the result does not depend on the order bundles arrive in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspector_app.core.files import write_atomic
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.rows import Row, bundle_rows, member_path
from inspector_app.core.store.models import utcnow
from inspector_app.core.sync.bundle import file_sha256
from inspector_app.core.sync.verify import VerifiedBundle


@dataclass(frozen=True)
class ConflictRef:
    entity: str
    entity_id: str


@dataclass(frozen=True)
class MergeResult:
    batch_id: str
    inserted: int = 0
    unchanged: int = 0
    conflicts: tuple[ConflictRef, ...] = field(default_factory=tuple)
    already_merged: bool = False


def store_members(verified: VerifiedBundle, files_dir: Path) -> int:
    """Copy the bundle's photos, signatures and sheets into `files_dir` by content hash; returns files written.

    Written before the database transaction: a file without a row is harmless (and is reused), a row without
    its file is not. Each write goes to a unique temporary name, then a rename, so parallel merges never
    see half a file.
    """
    written = 0
    for member in verified.manifest.members:
        if not member.name.startswith(("photos/", "signatures/", "documents/")):
            continue
        target = files_dir / member_path(member)
        if target.is_file() and target.stat().st_size == member.size:
            continue
        write_atomic(target, verified.read(member.name))  # read() checks the signed manifest's hash again
        written += 1
    return written


CHUNK = 500  # ids per IN (…) query: well under every database's parameter limit


def _merge_rows(session: Session, rows: list[Row], batch_id: str) -> tuple[int, int, list[ConflictRef]]:
    """Set-based, table by table in the bundle's order (parents before children): one query finds which ids
    exist and with what content hash, one bulk INSERT adds the new rows. A row whose id exists with other
    content is a conflict, recorded once and never written over."""
    inserted = unchanged = 0
    conflicts: list[ConflictRef] = []
    by_table: dict[type[m.Content], list[Row]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    for table, group in by_table.items():
        known: dict[str, str] = {}
        ids = [row.id for row in group]
        for start in range(0, len(ids), CHUNK):
            query = select(table.id, table.content_hash).where(table.id.in_(ids[start:start + CHUNK]))
            for key, digest in session.execute(query):
                known[key] = digest
        new = []
        for row in group:
            current = known.get(row.id)
            if current is None:
                new.append({**row.columns, "content_hash": row.content_hash, "payload": row.payload})
                known[row.id] = row.content_hash
                inserted += 1
            elif current == row.content_hash:
                unchanged += 1
            else:
                _record_conflict(session, row, current, batch_id)
                conflicts.append(ConflictRef(row.entity, row.id))
        if new:
            session.execute(insert(table), new)
    return inserted, unchanged, conflicts


def _record_conflict(session: Session, row: Row, existing_hash: str, batch_id: str) -> None:
    seen = session.scalar(select(m.Conflict.id).where(m.Conflict.entity == row.entity, m.Conflict.entity_id == row.id,
                                                      m.Conflict.incoming_hash == row.content_hash))
    if seen is None:
        session.add(m.Conflict(entity=row.entity, entity_id=row.id, batch_id=batch_id, existing_hash=existing_hash,
                               incoming_hash=row.content_hash, incoming=row.payload, found_at=utcnow()))
        session.flush()


def merge_bundle(central: CentralDB, verified: VerifiedBundle, files_dir: Path | str) -> MergeResult:
    """Merge a verified bundle in one transaction (retried as a whole when another merge got in first)."""
    manifest = verified.manifest
    batch_id = str(manifest.batch_id)
    bundle_hash = file_sha256(verified.path)
    with central.read() as session:
        done = session.get(m.Batch, batch_id)
        if done is not None and done.bundle_sha256 == bundle_hash:
            return MergeResult(batch_id, already_merged=True)
    rows = bundle_rows(manifest, verified.data)
    store_members(verified, Path(files_dir))

    def work(session: Session) -> MergeResult:
        batch = session.get(m.Batch, batch_id)
        if batch is not None and batch.bundle_sha256 == bundle_hash:
            return MergeResult(batch_id, already_merged=True)  # another merge finished it meanwhile
        created = batch is None
        if batch is None:  # else: the same batch rebuilt on the laptop (new signature): rows decide
            batch = m.Batch(batch_id=batch_id, device_id=manifest.device_id, staff_no=manifest.inspector.staff_no,
                            inspector_name=manifest.inspector.name, bundle_name=verified.path.name,
                            bundle_sha256=bundle_hash, created_at=manifest.created_at, merged_at=utcnow(),
                            inspections=len(manifest.inspection_ids), inserted=0, unchanged=0, conflicts=0)
            session.add(batch)
            session.flush()
        inserted, unchanged, conflicts = _merge_rows(session, rows, batch_id)
        if created:
            batch.inserted, batch.unchanged, batch.conflicts = inserted, unchanged, len(conflicts)
        return MergeResult(batch_id, inserted, unchanged, tuple(conflicts))

    return central.transaction(work)
