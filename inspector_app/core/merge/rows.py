"""A verified bundle's data as central rows: (table, id, canonical JSON, its SHA-256, column values).

The hash is taken over the laptop's own row (the bundle's JSON, children left out), so it changes exactly when
the content does and is the same whichever bundle brought the row.

Speed: the whole batch is dumped once by pydantic's Rust core (JSON mode) and the rows are cut out of that
tree, instead of two dumps per row; the few time and date columns are parsed back from their ISO text. The
canonical JSON is kept (`payload_json`) so it is stored as written, not serialised a second time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import Date, DateTime, TypeDecorator

from inspector_app.core.merge import models as m
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import bundle_format as fmt


@dataclass(frozen=True, slots=True)
class Row:
    table: type[m.Content]
    id: str
    content_hash: str
    columns: dict[str, Any]
    payload_json: str  # the canonical JSON the hash is over, stored as is

    @property
    def payload(self) -> dict[str, Any]:
        """The row as the laptop sent it (read back from the JSON: only a conflict needs it as a dict)."""
        return json.loads(self.payload_json)  # type: ignore[no-any-return]

    @property
    def entity(self) -> str:
        return self.table.__tablename__  # type: ignore[attr-defined,no-any-return]


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()


def member_path(member: fmt.Member) -> str:
    """Where a member's file is kept under the files folder: by content hash, keeping its extension."""
    suffix = PurePosixPath(member.name).suffix.lower()
    return f"{member.sha256[:2]}/{member.sha256}{suffix if suffix.isascii() and len(suffix) <= 6 else ''}"


_COLUMNS: dict[type[m.Content], tuple[str, ...]] = {
    table: tuple(c.key for c in table.__table__.columns  # type: ignore[attr-defined]
                 if c.key not in ("content_hash", "payload")) for table in m.CONTENT_TABLES}


def _parser(column: Any) -> Callable[[str], Any] | None:
    """How a column's value is read back from the JSON dump: times and dates from ISO text, the rest as is."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    return date.fromisoformat if isinstance(kind, Date) else None


_PARSE: dict[type[m.Content], dict[str, Callable[[str], Any]]] = {
    table: {c.name: parse for c in table.__table__.columns  # type: ignore[attr-defined]
            if (parse := _parser(c)) is not None} for table in m.CONTENT_TABLES}
_ORDER = {table: n for n, table in enumerate(m.CONTENT_TABLES)}


def _encoder() -> Callable[[Any], str]:
    """`canonical` (sorted keys, no spaces, UTF-8 kept) with the C encoder made once, not once per row."""
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - CPython always has it
        return canonical
    made = encoder.c_make_encoder(None, None, encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(made(value, 0))


_canonical = _encoder()


def _row(table: type[m.Content], payload: dict[str, Any], exclude: tuple[str, ...] = (), **extra: Any) -> Row:
    """`payload`: one model's JSON-mode dump (children in `exclude` left out); columns typed from it."""
    if exclude:
        payload = payload.copy()
        for key in exclude:
            payload.pop(key, None)
    columns = {key: payload[key] for key in _COLUMNS[table] if key in payload}
    for key, parse in _PARSE[table].items():
        if columns.get(key) is not None:
            columns[key] = parse(columns[key])
    columns.update(extra)
    text = _canonical(payload)
    row_id = extra.get("id", payload.get("id"))
    return Row(table, str(row_id), hashlib.sha256(text.encode("utf-8")).hexdigest(), columns, text)


def _file(member: str | None, members: dict[str, fmt.Member]) -> str | None:
    return member_path(members[member]) if member else None


def bundle_rows(manifest: fmt.Manifest, data: fmt.BatchData) -> list[Row]:
    """Every row of the batch, parents before children, each (table, id) once."""
    members = {member.name: member for member in manifest.members}
    batch_id = str(manifest.batch_id)
    rows: dict[tuple[type[m.Content], str], Row] = {}

    def add(row: Row) -> None:
        rows.setdefault((row.table, row.id), row)

    inspections = data.model_dump(mode="json")["inspections"]
    for record in inspections:
        add(_row(m.Department, record["department"]))
        checklist = record["checklist"]
        add(_row(m.ChecklistSnapshot, checklist, id=checklist["content_hash"]))
        add(_row(m.Inspection, record["inspection"], batch_id=batch_id))
    for record in inspections:
        for deduction in record["deductions"]:
            add(_row(m.Deduction, deduction, exclude=("photos", "rectification")))
            if deduction["rectification"] is not None:
                add(_row(m.Rectification, deduction["rectification"]))
            for photo in deduction["photos"]:
                add(_row(m.Photo, photo, file_path=_file(photo["member"], members)))
        for signature in record["hand_signatures"]:
            add(_row(m.HandSignature, signature, file_path=_file(signature["member"], members)))
        for document in record["documents"]:
            add(_row(m.Document, document, file_path=_file(document["member"], members)))
    return sorted(rows.values(), key=lambda row: _ORDER[row.table])  # stable: bundle order within a table
