"""The append-only audit trail: every change, chained by hashes, so edits behind the app's back show.

Each event stores a canonical JSON snapshot of the entity after the change and the hash of the previous
event. `verify` recomputes the chain and also compares every audited row with its last snapshot, so both a
rewritten event and a row edited directly in the database file are detected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Float, Integer, Table, insert, select
from sqlalchemy.orm import Session

from inspector_app.core.i18n import tr
from inspector_app.core.store.models import (
    AuditEvent,
    Base,
    ChecklistSnapshot,
    Deduction,
    Department,
    Document,
    HandSignature,
    Inspection,
    Measurement,
    Photo,
    Rectification,
    Staff,
    utc_texts,
    utcnow,
)

GENESIS = "0" * 64
AUDITED: dict[str, type[Base]] = {
    "inspection": Inspection,
    "deduction": Deduction,
    "rectification": Rectification,
    "photo": Photo,
    "department": Department,
    "staff": Staff,
    "document": Document,
    "hand_signature": HandSignature,
    "measurement": Measurement,
}
_AUDIT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
_INSERT_EVENTS = insert(_AUDIT_TABLE)
_CHAIN_HEAD = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)


def _plain(column_type: Any, value: Any) -> Any:
    """The value as it reads back from the database, in JSON form (so snapshots compare exactly)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc_texts(value)[1]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(column_type, Float):
        return float(value)
    if isinstance(column_type, Boolean):
        return bool(value)
    if isinstance(column_type, Integer):
        return int(value)
    return value


def _plainer(column_type: Any) -> Callable[[Any], Any]:
    """`_plain` for one column type, decided once: the recording hot path builds two payloads per entry."""
    cast: Callable[[Any], Any] | None = (
        float if isinstance(column_type, Float) else bool if isinstance(column_type, Boolean)
        else int if isinstance(column_type, Integer) else None)

    def plain(value: Any) -> Any:
        if value is None or (cast is None and value.__class__ is str):  # most columns: text as it is
            return value
        if isinstance(value, datetime):
            return utc_texts(value)[1]
        if isinstance(value, date):
            return value.isoformat()
        return cast(value) if cast is not None else value

    return plain


_PLAINERS: dict[int, tuple[Table, list[tuple[str, Callable[[Any], Any], type]]]] = {}


def payload_plan(table: Table) -> list[tuple[str, Callable[[Any], Any], type]]:
    """(column key, its JSON converter, the class a value already has in JSON form) per column, in the
    payload's (sorted) key order; also used by the hot path's one-pass writer (store/fastpath.py). A value of
    that class (text in a text column, an int in an integer one…) is taken as it is: the converter would
    return it unchanged, and the hot path makes two payloads per entry."""
    known = _PLAINERS.get(id(table))
    if known is None or known[0] is not table:
        columns = sorted(table.columns, key=lambda c: c.key)
        known = _PLAINERS[id(table)] = (table, [(c.key, _plainer(c.type), _plain_class(c.type)) for c in columns])
    return known[1]


def _plain_class(column_type: Any) -> type:
    """The class `_plain` returns unchanged for this column type (bool is never an int here: True is not 1)."""
    for cast, kind in ((Float, float), (Boolean, bool), (Integer, int)):
        if isinstance(column_type, cast):
            return kind
    return str


def row_payload(table: Table, values: Mapping[str, Any]) -> str:
    """Canonical JSON of a full row given as column values (missing columns are NULL).

    NULL, and text in a column that does not cast it, are taken as they are, without a call to the column's
    converter."""
    get, payload = values.get, {}
    for key, plain, same in payload_plan(table):
        value = get(key)
        payload[key] = value if value is None or value.__class__ is same else plain(value)
    return _CANONICAL.encode(payload)


def snapshot_payload(row: Base) -> str:
    table: Table = row.__table__  # type: ignore[assignment]
    return row_payload(table, {c.key: getattr(row, c.key) for c in table.columns})


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(data: Any) -> str:
    """json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), with one encoder."""
    return _CANONICAL.encode(data)


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, entity: str, entity_id: str,
               payload: str) -> str:
    material = "\x1f".join([prev_hash, str(seq), at, actor, action, entity, entity_id, payload])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class AuditChain:
    """Builds events inside one write transaction, starting from the chain head read once by the caller."""

    def __init__(self, head: tuple[int, str] | None):
        self.seq, self.hash = head if head else (0, GENESIS)
        self.pending: list[dict[str, Any]] = []

    def add(self, actor: str, action: str, entity: str, entity_id: str, payload: str,
            at: datetime | None = None) -> None:
        """One more event; `at` (aware) when the caller's transaction has its own time, else now."""
        seq = self.seq + 1
        if at is None:
            at = utcnow()
        digest = event_hash(self.hash, seq, utc_texts(at)[1], actor, action, entity, entity_id, payload)
        self.pending.append({"seq": seq, "at": at, "actor": actor, "action": action, "entity": entity,
                             "entity_id": entity_id, "payload": payload, "prev_hash": self.hash, "hash": digest})
        self.seq, self.hash = seq, digest


CHAIN_HEAD_SQL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"


def record(session: Session, actor: str, action: str, entity: str, row: Base) -> None:
    """Append one event for an ORM row inside the caller's write transaction."""
    record_many(session, actor, [(action, entity, row)])


def record_many(session: Session, actor: str, events: list[tuple[str, str, Base]]) -> None:
    """Append one event per (action, entity, row), in order, with one flush and one insert: a roster of
    thousands of people is audited in one pass instead of a flush and a chain-head read per person."""
    if not events:
        return
    session.flush()
    chain = AuditChain(session.execute(_CHAIN_HEAD).first())  # type: ignore[arg-type]
    for action, entity, row in events:
        chain.add(actor, action, entity, str(getattr(row, "id")), snapshot_payload(row))
    session.execute(_INSERT_EVENTS, chain.pending)


@dataclass
class AuditReport:
    events: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> AuditReport:
    """Recompute the chain and compare every audited row with its last snapshot."""
    problems: list[str] = []
    prev_hash = GENESIS
    expected_seq = 1
    latest: dict[tuple[str, str], str] = {}
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
        count += 1
        if event.seq != expected_seq:
            problems.append(tr("audit event {seq}: events are missing before it", seq=event.seq))
        if event.prev_hash != prev_hash:
            problems.append(tr("audit event {seq}: the chain is broken (previous hash differs)", seq=event.seq))
        recomputed = event_hash(event.prev_hash, event.seq, event.at.isoformat(), event.actor, event.action,
                                event.entity, event.entity_id, event.payload)
        if recomputed != event.hash:
            problems.append(tr("audit event {seq}: its content was changed", seq=event.seq))
        latest[(event.entity, event.entity_id)] = event.payload
        prev_hash = event.hash
        expected_seq = event.seq + 1
    for entity, model in AUDITED.items():
        for row in session.scalars(select(model)).yield_per(2000):
            key = (entity, str(row.id))
            if key not in latest:
                problems.append(tr("{entity} {id} has no audit record (added behind the app's back)",
                                   entity=entity, id=row.id))
            elif (now := snapshot_payload(row)) != (then := latest.pop(key)) and now != _as_now(model, then):
                problems.append(tr("{entity} {id} differs from its audit record (changed behind the app's back)",
                                   entity=entity, id=row.id))
    for entity, entity_id in latest:
        if entity in AUDITED:
            problems.append(tr("{entity} {id} is in the audit trail but missing from the data",
                               entity=entity, id=entity_id))
    problems.extend(_snapshot_problems(session))
    return AuditReport(count, problems)


def _as_now(model: type[Base], payload: str) -> str:
    """An event's row snapshot with the columns added since it was written (a later migration) as NULL, as
    the migration left them: an upgraded laptop's trail still verifies."""
    return row_payload(model.__table__, json.loads(payload))  # type: ignore[arg-type]


def _snapshot_problems(session: Session) -> list[str]:
    """Checklist snapshots are content-addressed: an edited rule (points, caps, pass line) changes the hash."""
    from pydantic import ValidationError

    from inspector_app.core.checklists import Checklist, content_hash

    problems = []
    for snapshot in session.scalars(select(ChecklistSnapshot)):
        try:
            intact = content_hash(Checklist.model_validate(snapshot.body)) == snapshot.content_hash
        except ValidationError:
            intact = False
        if not intact:
            problems.append(tr("checklist {id} v{version} stored for scoring was changed behind the app's back",
                               id=snapshot.checklist_id, version=snapshot.version))
    return problems
