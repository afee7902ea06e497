"""A verified bundle's data as central rows: (table, id, canonical JSON, its SHA-256, column values).

The hash is taken over the laptop's own row (the bundle's JSON, children left out), so it changes exactly when
the content does and is the same whichever bundle brought the row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from inspector_app.core.merge import models as m
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import bundle_format as fmt


@dataclass(frozen=True)
class Row:
    table: type[m.Content]
    id: str
    content_hash: str
    payload: dict[str, Any]
    columns: dict[str, Any]

    @property
    def entity(self) -> str:
        return self.table.__tablename__  # type: ignore[attr-defined,no-any-return]


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()


def member_path(member: fmt.Member) -> str:
    """Where a member's file is kept under the files folder: by content hash, keeping its extension."""
    suffix = PurePosixPath(member.name).suffix.lower()
    return f"{member.sha256[:2]}/{member.sha256}{suffix if suffix.isascii() and len(suffix) <= 6 else ''}"


def _row(table: type[m.Content], model: fmt.Model, exclude: set[str] | None = None, **extra: Any) -> Row:
    payload = model.model_dump(mode="json", exclude=exclude)
    values = model.model_dump(exclude=exclude)
    keys = set(table.__table__.columns.keys()) - {"content_hash", "payload"}  # type: ignore[attr-defined]
    columns = {key: value for key, value in values.items() if key in keys} | extra
    row_id = extra.get("id", payload.get("id"))
    return Row(table, str(row_id), content_hash(payload), payload, columns)


def _file(member: str | None, members: dict[str, fmt.Member]) -> str | None:
    return member_path(members[member]) if member else None


def bundle_rows(manifest: fmt.Manifest, data: fmt.BatchData) -> list[Row]:
    """Every row of the batch, parents before children, each (table, id) once."""
    members = {member.name: member for member in manifest.members}
    batch_id = str(manifest.batch_id)
    rows: dict[tuple[str, str], Row] = {}

    def add(row: Row) -> None:
        rows.setdefault((row.entity, row.id), row)

    for record in data.inspections:
        add(_row(m.Department, record.department))
        add(_row(m.ChecklistSnapshot, record.checklist, id=record.checklist.content_hash))
        add(_row(m.Inspection, record.inspection, batch_id=batch_id))
    for record in data.inspections:
        for deduction in record.deductions:
            add(_row(m.Deduction, deduction, exclude={"photos", "rectification"}))
            if deduction.rectification is not None:
                add(_row(m.Rectification, deduction.rectification))
            for photo in deduction.photos:
                add(_row(m.Photo, photo, file_path=_file(photo.member, members)))
        for signature in record.hand_signatures:
            add(_row(m.HandSignature, signature, file_path=_file(signature.member, members)))
        for document in record.documents:
            add(_row(m.Document, document, file_path=_file(document.member, members)))
    order = {table: n for n, table in enumerate(m.CONTENT_TABLES)}
    return sorted(rows.values(), key=lambda row: order[row.table])  # stable: bundle order within a table
