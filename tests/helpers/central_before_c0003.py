"""A central database as merges made it before migration c0003: one department row per laptop (its own id),
every row's department column holding that id, no counted points or scores. Built from the same verified
bundles by undoing what c0003 changed in their rows, so a test can migrate it and compare."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import Date, DateTime, MetaData, Table, insert, inspect

from inspector_app.core.merge import models as m
from inspector_app.core.merge.bulk import stored_utc
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.rows import bundle_rows
from inspector_app.core.store.models import utcnow
from inspector_app.core.sync import open_bundle

NEW_COLUMNS = {"scored", "score", "passed", "counted_points", "pay_percent", "period"}  # c0003, c0008


def _typed(table: Table, key: str, value: object) -> object:
    """A row's time or date text (as rows.py keeps it for bulk.py) as the object a SQLAlchemy insert takes."""
    if not isinstance(value, str) or key not in table.c:
        return value
    kind = table.c[key].type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(stored_utc(value))
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def merge_as_before_c0003(central: CentralDB, bundles: Sequence[Path], trusted: list[x509.Certificate]) -> None:
    """Insert every bundle's rows in the pre-c0003 layout into `central` (a database at revision c0002)."""
    metadata = MetaData()
    existing = set(inspect(central.engine).get_table_names())  # tables added later (c0008) are not there yet
    tables = {name: Table(name, metadata, autoload_with=central.engine)
              for name in ("batches", "departments", *(t.__tablename__ for t in m.CONTENT_TABLES))
              if name in existing}
    seen: set[tuple[str, str]] = set()
    with central.engine.begin() as connection:
        for path in bundles:
            verified = open_bundle(path, trusted)
            manifest = verified.manifest
            connection.execute(insert(tables["batches"]), [{
                "batch_id": str(manifest.batch_id), "device_id": manifest.device_id,
                "staff_no": manifest.inspector.staff_no, "inspector_name": manifest.inspector.name,
                "bundle_name": path.name, "bundle_sha256": "0" * 64, "created_at": manifest.created_at,
                "merged_at": utcnow(), "inspections": len(manifest.inspection_ids), "inserted": 0, "unchanged": 0,
                "conflicts": 0}])
            for record in verified.data.inspections:
                department = record.department
                if ("departments", department.id) not in seen:
                    seen.add(("departments", department.id))
                    payload = department.model_dump(mode="json")
                    connection.execute(insert(tables["departments"]), [{
                        **payload, "content_hash": department.id.replace("-", "") * 2, "payload": payload}])
            for row in bundle_rows(manifest, verified.data):
                if row.table is m.Department or (row.entity, row.id) in seen or row.entity not in tables:
                    continue
                seen.add((row.entity, row.id))
                columns = {k: _typed(tables[row.entity], k, v) for k, v in row.columns.items()
                           if k not in NEW_COLUMNS}
                if "department_id" in columns:  # the laptop's own id, as the row carries it
                    columns["department_id"] = row.payload.get("department_id")
                connection.execute(insert(tables[row.entity]),
                                   [{**columns, "content_hash": row.content_hash, "payload": row.payload}])
