"""A verified bundle's data as central rows: (table, id, canonical JSON, its SHA-256, column values).

The hash is taken over the laptop's own row (the bundle's JSON, children left out), so it changes exactly when
the content does and is the same whichever bundle brought the row.

Speed: the whole batch is dumped once by pydantic's Rust core (JSON mode) and the rows are cut out of that
tree, instead of two dumps per row; time and date columns keep the dump's ISO text (bulk.py writes it in the
database's own form without making datetime objects: 20,000 rows carry 27,000 of them). The
canonical JSON is kept (`payload_json`) so it is stored as written, not serialised a second time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from inspector_app.core.merge import models as m
from inspector_app.core.merge.authorship import check_record
from inspector_app.core.merge.recompute import recompute
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import bundle_format as fmt


class Row(NamedTuple):
    """A tuple, not a frozen dataclass: a merge builds 100,000 of them and a tuple is made in one step."""

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


_STORED_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def member_path(member: fmt.Member) -> str:
    """Where a member's file is kept under the files folder: by content hash, keeping its extension when that
    is 1–8 ASCII letters or digits (none otherwise), so the path is valid on Windows whatever the name held."""
    suffix = PurePosixPath(member.name).suffix.lower()
    return f"{member.sha256[:2]}/{member.sha256}{suffix if _STORED_EXTENSION.fullmatch(suffix) else ''}"


_COLUMNS: dict[type[m.Content], tuple[str, ...]] = {
    table: tuple(c.key for c in table.__table__.columns  # type: ignore[attr-defined]
                 if c.key not in ("content_hash", "payload")) for table in m.CONTENT_TABLES}
_MODELS: dict[type[m.Content], type[fmt.Model]] = {
    m.Department: fmt.DepartmentData, m.ChecklistSnapshot: fmt.ChecklistData, m.Inspection: fmt.InspectionData,
    m.Deduction: fmt.DeductionData, m.Rectification: fmt.RectificationData, m.Photo: fmt.PhotoData,
    m.HandSignature: fmt.HandSignatureData, m.Document: fmt.DocumentData, m.Measurement: fmt.MeasurementData}
_CHILDREN = ("photos", "rectification")  # a deduction's, hashed as rows of their own
_ORDINARY = (*_CHILDREN, "period")  # an ordinary entry is hashed as before monthly rules: same content, same hash


@dataclass(frozen=True)
class _Plan:
    """How one table's rows are cut from the dump, worked out once: which keys are columns (all of them fields
    of the model, so always present in its dump: one C-level `itemgetter`)."""

    keys: tuple[str, ...]
    take: Callable[[dict[str, Any]], tuple[Any, ...]]

    @staticmethod
    def of(table: type[m.Content]) -> _Plan:
        fields = _MODELS[table].model_fields
        keys = tuple(key for key in _COLUMNS[table] if key in fields)
        getter = itemgetter(*keys)
        take = getter if len(keys) > 1 else lambda payload: (getter(payload),)
        return _Plan(keys, take)


_PLANS = {table: _Plan.of(table) for table in m.CONTENT_TABLES}
_ORDER = {table: n for n, table in enumerate(m.CONTENT_TABLES)}


def _encoder() -> Callable[[Any], str]:
    """`canonical` (sorted keys, no spaces, UTF-8 kept) with the C encoder made once, not once per row."""
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - CPython always has it
        return canonical
    made = encoder.c_make_encoder(None, None, encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(made(value, 0))


_canonical = _encoder()
_sha256 = hashlib.sha256


def _row(table: type[m.Content], payload: dict[str, Any], exclude: tuple[str, ...] = (), **extra: Any) -> Row:
    """`payload`: one model's JSON-mode dump (children in `exclude` left out); columns typed from it."""
    plan = _PLANS[table]
    columns = dict(zip(plan.keys, plan.take(payload), strict=True))
    if extra:
        columns.update(extra)
    if exclude:
        payload = payload.copy()
        for key in exclude:
            del payload[key]
    text = _canonical(payload)
    return Row(table, str(columns["id"]), _sha256(text.encode()).hexdigest(), columns, text)


def _snapshot_row(checklist: dict[str, Any], body_text: str) -> Row:
    """A checklist snapshot's row, its canonical JSON put together from the body's, which recompute encoded
    and checked against the hash already ("body" sorts first of its keys)."""
    rest = _canonical({key: value for key, value in checklist.items() if key != "body"})
    text = f'{{"body":{body_text},{rest[1:]}'
    plan = _PLANS[m.ChecklistSnapshot]
    columns = dict(zip(plan.keys, plan.take(checklist), strict=True), id=checklist["content_hash"])
    return Row(m.ChecklistSnapshot, checklist["content_hash"], _sha256(text.encode()).hexdigest(), columns, text)


def _file(member: str | None, members: dict[str, fmt.Member]) -> str | None:
    return member_path(members[member]) if member else None


def bundle_rows(manifest: fmt.Manifest, data: fmt.BatchData) -> list[Row]:
    """Every row of the batch, parents before children, each (table, id) once.

    Departments are keyed by their roster code (the laptops' own ids differ), and every row's department
    column holds that code. Each deduction's points are checked against the checklist snapshot
    (recompute.py) and its counted points and pay share, and the inspection's score, are worked out here by
    the one scoring module: the office trusts none of them from the laptop.
    """
    members = {member.name: member for member in manifest.members}
    batch_id = str(manifest.batch_id)
    rows: dict[tuple[type[m.Content], str], Row] = {}

    def add(row: Row) -> None:
        key = (row.table, row.id)
        held = rows.get(key)
        if held is None or (row.table is m.Department and held.columns["name"] == held.id):
            rows[key] = row  # a department's name beats the placeholder one of its people brought

    codes = department_codes(data)
    inspections = data.model_dump(mode="json")["inspections"]
    signer = manifest.inspector.staff_no
    for record, model in zip(inspections, data.inspections, strict=True):
        check_record(model, signer)  # authorship.py: the signer's own work, every row where it belongs
        department = record["department"]
        add(department_row(department["code"], department["name"], department["kind"]))
        result = recompute(model)
        add(_snapshot_row(record["checklist"], result.snapshot_text))
        add(_row(m.Inspection, record["inspection"], batch_id=batch_id, department_id=department["code"],
                 scored=result.scored, score=result.score, passed=result.passed))
        for deduction in record["deductions"]:
            code = deduction["department_code"]
            if code != department["code"]:
                add(department_row(code, code, ""))  # a person of another department: named when it is visited
            counted, pay = result.counted.get(deduction["id"], (0.0, 0.0))
            person = deduction["staff_no"] if deduction["charged_to"] == "person" else None
            add(_row(m.Deduction, deduction, exclude=_CHILDREN if deduction["period"] else _ORDINARY,
                     department_id=code, counted_points=counted, pay_percent=pay,
                     staff_no=person))  # NULL: the department's own
            if deduction["rectification"] is not None:
                add(_row(m.Rectification, deduction["rectification"], department_id=code))
            for photo in deduction["photos"]:
                add(_row(m.Photo, photo, file_path=_file(photo["member"], members)))
        for measurement in record["measurements"]:
            add(_row(m.Measurement, measurement, department_id=department["code"],
                     monthly=measurement["item_code"] in result.monthly, values=_canonical(measurement["values"])))
        for signature in record["hand_signatures"]:
            add(_row(m.HandSignature, signature, file_path=_file(signature["member"], members)))
        for document in record["documents"]:
            add(_row(m.Document, document, file_path=_file(document["member"], members),
                     department_id=codes.get(document["department_id"]) if document["department_id"] else None))
    return sorted(rows.values(), key=lambda row: _ORDER[row.table])  # stable: bundle order within a table


def department_codes(data: fmt.BatchData) -> dict[str, str]:
    """The laptop's department ids → roster codes, from the batch itself."""
    codes = {record.department.id: record.department.code for record in data.inspections}
    for record in data.inspections:
        for deduction in record.deductions:
            codes.setdefault(deduction.department_id, deduction.department_code)
    return codes


def department_row(code: str, name: str, kind: str) -> Row:
    """A department as the central database keeps it: by code; its hash over code, name and kind only."""
    payload = {"code": code, "name": name, "kind": kind}
    text = _canonical(payload)
    return Row(m.Department, code, _sha256(text.encode()).hexdigest(),
               {"id": code, "code": code, "name": name, "kind": kind}, text)
