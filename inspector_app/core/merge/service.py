"""Merging verified bundles into the central database: each bundle all of it, or nothing.

A row whose UUID is new is inserted; one already there with the same content hash is left alone; one with
other content is a conflict, kept aside in `conflicts` with the incoming JSON and never written over the
first. A batch merged before (same id, same bundle hash) changes nothing, so merging is idempotent, and
since rows are only ever added the result does not depend on the order bundles arrive in.

Speed (issue #5): `merge_prepared` merges a group of verified bundles in one transaction, set-based: one
query for the group's batches, one for every id the group holds (all tables at once), then one bulk insert
per table (bulk.py: executemany, or COPY on PostgreSQL). Each bundle is classified in order against what the database held plus what the bundles
before it in the group added, so every bundle gets exactly the result it would get merged alone, in that order.
Why a group per transaction is safe:
- all or nothing still holds per bundle: the group commits whole or not at all, and nothing outside the
  database (archive or quarantine moves) happens before the commit;
- a bundle that breaks the transaction (data the database refuses) cannot drag the others down: the group is
  then merged again one bundle per transaction, and only that bundle fails (`Quarantine("bad_data")`);
- after a crash before the commit nothing of the group is in the database and every bundle is still in
  incoming/; after the commit a bundle not yet archived is found by its hash and archived (a no-op merge).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from sqlalchemy.orm import Session

from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.anchors import (
    anchor_points,
    anchors_held,
    history_rewritten,
)
from inspector_app.core.merge.authorship import first_authors, not_yours
from inspector_app.core.merge.bulk import insert_rows
from inspector_app.core.merge.complaint_twice import charged_twice, verified_complaints
from inspector_app.core.merge.database import CentralDB, race_lost
from inspector_app.core.merge.rows import Row, bundle_rows, member_path
from inspector_app.core.periods import landing_month
from inspector_app.core.store.models import utcnow
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.bundle import file_sha256
from inspector_app.core.sync.verify import Quarantine, VerifiedBundle


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


log = logging.getLogger(__name__)
CHUNK = 500  # ids per IN (…) list, and parameters per lookup query kept under every database's limit
_ENTITY = {table: table.__tablename__ for table in m.CONTENT_TABLES}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Prepared:
    """A verified bundle ready to merge: its rows and its file hash, computed outside any transaction."""

    manifest: fmt.Manifest
    path: Path
    bundle_hash: str
    rows: list[Row]
    anchor: fmt.AuditAnchor | None = None  # where the laptop's audit trail stood (absent from older laptops)

    @property
    def batch_id(self) -> str:
        return str(self.manifest.batch_id)


def prepare(verified: VerifiedBundle, files_dir: Path | str, bundle_hash: str = "") -> Prepared:
    """Rows built and files stored (before the transaction, see store_members). Plain data, so a worker
    process can hand it back (workers.py)."""
    store_members(verified, Path(files_dir))
    return Prepared(verified.manifest, verified.path, bundle_hash or file_sha256(verified.path),
                    bundle_rows(verified.manifest, verified.data), verified.anchor)


def _known_hashes(connection: Connection, prepared: Sequence[Prepared]) -> dict[tuple[type[m.Content], str], str]:
    """(table, id) -> content hash of every row of the group the database holds: one query per table
    (PostgreSQL: `= ANY(array)`, the array sent as one JSON text), or per CHUNK ids (SQLite's IN list)."""
    wanted: dict[type[m.Content], set[str]] = {table: set() for table in m.CONTENT_TABLES}
    for item in prepared:
        for row in item.rows:
            wanted[row.table].add(row.id)
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    known: dict[tuple[type[m.Content], str], str] = {}
    for table, ids in wanted.items():
        if not ids:
            continue
        entity, keys = _ENTITY[table], sorted(ids)
        head = f"SELECT id, content_hash FROM {quote(entity)} WHERE id"
        if dialect.paramstyle == "qmark":
            chunks = [(f"{head} IN ({', '.join('?' * len(part))})", tuple(part))
                      for part in (keys[start:start + CHUNK] for start in range(0, len(keys), CHUNK))]
        else:
            # one JSON text, not a Python list psycopg would dump element by element (100,000 ids: 0.3 s)
            chunks = [(f"{head} = ANY(ARRAY(SELECT json_array_elements_text(%s::json)))", (json.dumps(keys),))]
        for sql, params in chunks:
            known.update({(table, key): digest for key, digest in connection.exec_driver_sql(sql, params)})
    return known


def _merge_group(session: Session, prepared: Sequence[Prepared]) -> list[MergeResult | Quarantine]:
    connection = session.connection()
    ids = sorted({item.batch_id for item in prepared})
    batches = dict(connection.execute(select(m.Batch.batch_id, m.Batch.bundle_sha256)
                                      .where(m.Batch.batch_id.in_(ids))).all())
    known = _known_hashes(connection, prepared)
    seen_conflicts: set[tuple[str, str, str]] = set()  # within the group; the database is asked on insert
    new_batches: list[dict[str, Any]] = []
    new_rows: dict[type[m.Content], list[Row]] = {table: [] for table in m.CONTENT_TABLES}
    new_conflicts: list[dict[str, Any]] = []
    renames: dict[str, Row] = {}
    authors = first_authors(connection, (row.id for item in prepared for row in item.rows
                                         if row.table is m.Inspection))
    known_anchors = anchors_held(connection, prepared)
    closed = closed_months(connection)
    complaints = verified_complaints(connection)  # an older snapshot's complaint entry must not charge twice
    new_anchors: list[dict[str, Any]] = []
    results: list[MergeResult | Quarantine] = []
    now = utcnow()
    for item in prepared:
        manifest, batch_id = item.manifest, item.batch_id
        if batches.get(batch_id) == item.bundle_hash:
            results.append(MergeResult(batch_id, already_merged=True))
            continue
        signer = manifest.inspector.staff_no
        mine = [row.id for row in item.rows if row.table is m.Inspection]
        taken = next((i for i in mine if authors.get(i, signer) != signer), None)
        if taken is not None:  # another inspector's inspection: this bundle may not add to it or change it
            results.append(not_yours(taken, signer, authors[taken]))
            continue
        anchors = anchor_points(item)
        rewritten = next((seq for key, seq, digest in anchors if known_anchors.get((*key, seq), digest) != digest),
                         None)
        if rewritten is not None:  # the laptop's trail now says otherwise about an event it reported before
            results.append(history_rewritten(rewritten))
            continue
        twice = charged_twice(item.rows, complaints)
        if twice is not None:  # complaint_twice.py
            results.append(twice)
            continue
        authors.update(dict.fromkeys(mine, signer))
        for key, seq, digest in anchors:
            if (*key, seq) not in known_anchors:
                known_anchors[(*key, seq)] = digest
                new_anchors.append({"staff_no": key[0], "device_id": key[1], "seq": seq, "hash": digest})
        inserted = unchanged = 0
        conflicts: list[ConflictRef] = []
        for row in item.rows:
            key = (row.table, row.id)
            current = known.get(key)
            if current is None:
                new_rows[row.table].append(row)
                known[key] = row.content_hash
                inserted += 1
            elif current == row.content_hash:
                unchanged += 1
            elif row.table is m.Department:  # by code: another laptop's name for it is no conflict
                unchanged += 1
                if row.column("name") != row.id:
                    renames.setdefault(row.id, row)
            else:
                conflicts.append(ConflictRef(row.entity, row.id))
                marker = (row.entity, row.id, row.content_hash)
                if marker not in seen_conflicts:
                    seen_conflicts.add(marker)
                    new_conflicts.append({"entity": row.entity, "entity_id": row.id, "batch_id": batch_id,
                                          "existing_hash": current, "incoming_hash": row.content_hash,
                                          "incoming": row.payload, "found_at": now})
        if batch_id not in batches:  # else: the same batch rebuilt on the laptop (new signature): rows decide
            batches[batch_id] = item.bundle_hash
            new_batches.append({
                "batch_id": batch_id, "device_id": manifest.device_id, "staff_no": manifest.inspector.staff_no,
                "inspector_name": manifest.inspector.name, "bundle_name": item.path.name,
                "bundle_sha256": item.bundle_hash, "created_at": manifest.created_at, "merged_at": now,
                "inspections": len(manifest.inspection_ids), "inserted": inserted, "unchanged": unchanged,
                "conflicts": len(conflicts)})
        results.append(MergeResult(batch_id, inserted, unchanged, tuple(conflicts)))
    if new_batches:
        connection.execute(insert(m.Batch), new_batches)
    if new_anchors:
        connection.execute(insert(m.AuditAnchor), new_anchors)
    for table in m.CONTENT_TABLES:  # parents before children, over the whole group
        if new_rows.get(table):
            insert_rows(connection, table, new_rows[table])  # bulk.py: COPY, or one JSON insert
    for code, row in renames.items():  # a department first seen through one of its people gets its name
        connection.execute(update(m.Department).where(m.Department.id == code, m.Department.name == code)
                           .values(name=row.column("name"), kind=row.column("kind"),
                                   content_hash=row.content_hash, payload=row.payload))
    if new_conflicts:
        _insert_conflicts(session, new_conflicts)
    late = [row for row in new_rows.get(m.Deduction, ()) if row.column("local_month") in closed] if closed else []
    if late:  # entries of a month the office closed: the next open month carries them (office/month.py)
        connection.execute(insert(m.Adjustment), [
            {"deduction_id": row.id, "entry_month": row.column("local_month"), "kind": "added",
             "found_at": now, "carried_by": None} for row in late])
    if closed:  # a period rule's value after its month closed: it may withdraw what the month counted
        landed = [(row.id, landing_month(row.column("period"))) for row in new_rows.get(m.Measurement, ())
                  if row.column("monthly")]
        late_values = [{"measurement_id": row_id, "entry_month": month, "found_at": now}
                       for row_id, month in landed if month in closed]
        if late_values:
            connection.execute(insert(m.LateMeasurement), late_values)
    return results


def closed_months(connection: Connection) -> frozenset[str]:
    """The months the office closed, read under a lock a close waits for: on PostgreSQL a merge holds
    SHARE on month_closes until it commits, and a close takes EXCLUSIVE (office/month.py), so an entry is
    either in the closed figures or recorded as an adjustment, never neither. SQLite writers are serial."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE month_closes IN SHARE MODE")
    return frozenset(connection.scalars(select(m.MonthClose.month)))


def _insert_conflicts(session: Session, conflicts: list[dict[str, Any]]) -> None:
    """A conflict already recorded by another batch is recorded once (entity, id, incoming hash are unique)."""
    connection = session.connection()
    for conflict in conflicts:
        seen = connection.execute(select(m.Conflict.id).where(
            m.Conflict.entity == conflict["entity"], m.Conflict.entity_id == conflict["entity_id"],
            m.Conflict.incoming_hash == conflict["incoming_hash"])).first()
        if seen is None:
            connection.execute(insert(m.Conflict), [conflict])


def not_the_bundles_fault(exc: BaseException) -> bool:
    """A lost race, or the database itself failing (connection, disk, server): retry later, quarantine nothing.
    Anything else one bundle causes — a value the database refuses, a broken reference, a number Python cannot
    hand to the driver — is that bundle's bad data."""
    if isinstance(exc, DBAPIError):
        return race_lost(exc) or isinstance(exc, (OperationalError, InterfaceError, InternalError))
    return isinstance(exc, (MemoryError, KeyboardInterrupt, SystemExit))


def merge_prepared(central: CentralDB, prepared: Sequence[Prepared]) -> list[MergeResult | Quarantine]:
    """Merge a group in one transaction; if the database refuses it, each bundle alone (see the docstring).

    Returns one entry per bundle, in order: its result, or the Quarantine refusing a bundle whose data the
    central database cannot take (a reference to a department it does not send, say).
    """
    if not prepared:
        return []
    try:
        return list(central.transaction(lambda session: _merge_group(session, prepared),
                                        attempts=3 if len(prepared) > 1 else 8))
    except Exception as exc:  # noqa: BLE001 - one bundle's bad data must never stop the others (issue #13)
        if len(prepared) == 1:
            if not_the_bundles_fault(exc):
                raise  # lost every race, or the database itself failed: the next run merges it
            log.warning("batch %s refused by the central database", prepared[0].path.name, exc_info=True)
            orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            return [Quarantine("bad_data", tr("The batch's data does not fit the central database ({detail}).",
                                               detail=type(orig).__name__))]
    found: list[MergeResult | Quarantine] = []
    for item in prepared:
        found += merge_prepared(central, [item])
    return found


def merge_bundle(central: CentralDB, verified: VerifiedBundle, files_dir: Path | str) -> MergeResult:
    """Merge one verified bundle in one transaction (retried as a whole when another merge got in first)."""
    (outcome,) = merge_prepared(central, [prepare(verified, files_dir)])
    if isinstance(outcome, Quarantine):
        raise outcome
    return outcome
