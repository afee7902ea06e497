"""A verified bundle's data as central rows: (table, id, canonical JSON, its SHA-256, column values).

The hash is taken over the laptop's own row (the bundle's JSON, children left out), so it changes exactly when
the content does and is the same whichever bundle brought the row.

Speed: the whole batch is dumped once by pydantic's Rust core (JSON mode) and the rows are cut out of that
tree, instead of two dumps per row; time columns are cut from the dump's ISO text to the stored form
(`stored_utc`) without making datetime objects (20,000 rows carry 27,000 of them). A flat row's canonical
JSON is written by orjson (sorted keys) where its text is byte for byte Python's (`_flat_json`), and kept
(`payload_json`) so it is stored as written, not serialised a second time. Each row leaves here as the tuple
the insert takes (Row.params), so a worker process hands back plain tuples and the writer only passes them on.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import lru_cache
from operator import itemgetter
from pathlib import PurePosixPath
from types import UnionType
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

import orjson
from pydantic import AwareDatetime
from sqlalchemy import DateTime, Float

from inspector_app.core.merge import models as m
from inspector_app.core.merge.authorship import check_record
from inspector_app.core.merge.recompute import recompute
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import bundle_format as fmt


class Row(NamedTuple):
    """A tuple, not a frozen dataclass: a merge builds 100,000 of them and a tuple is made in one step.

    `params` is the row as the insert takes it (bulk.py): the table's columns in their order, times already
    in the stored form, then the hash and the payload. Worked out here, in the worker process that verified
    the bundle, so the process that writes only hands it to the driver, and no dict per row crosses over."""

    table: type[m.Content]
    id: str
    content_hash: str
    payload_json: str  # the canonical JSON the hash is over, stored as is
    params: tuple[Any, ...]

    @property
    def payload(self) -> dict[str, Any]:
        """The row as the laptop sent it (read back from the JSON: only a conflict needs it as a dict)."""
        return json.loads(self.payload_json)  # type: ignore[no-any-return]

    @property
    def entity(self) -> str:
        return self.table.__tablename__  # type: ignore[attr-defined,no-any-return]

    @property
    def columns(self) -> dict[str, Any]:
        """Column → value, as the insert writes them."""
        return dict(zip(_COLUMNS[self.table], self.params))  # the hash and payload at the end are left out

    def column(self, key: str) -> Any:
        return self.params[_POSITION[self.table][key]]


def stored_utc(iso: str) -> str:
    """An aware ISO time (pydantic's JSON form: `…T03:04:05.500000Z`, `…T03:04:05Z` or with an offset) as the
    naive UTC text the columns keep; a `Z` time is cut without parsing, one in that form already kept as is."""
    if len(iso) in (20, 27) and iso[-1] == "Z" and iso[10] == "T":
        return f"{iso[:10]} {iso[11:19]}.{iso[20:26] or '000000'}"
    if len(iso) == 26 and iso[10] == " ":
        return iso
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


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
_CHILDREN = ("photos", "rectification")  # a deduction's, hashed as rows of their own
_ORDINARY = (*_CHILDREN, "period")  # an ordinary entry is hashed as before monthly rules: same content, same hash


def _of_type(table: type[m.Content], kind: type) -> tuple[int, ...]:
    """Positions of the table's columns (of _COLUMNS) whose type is `kind`."""
    columns = {c.key: c.type for c in table.__table__.columns}  # type: ignore[attr-defined]
    return tuple(n for n, key in enumerate(_COLUMNS[table])
                 if isinstance(getattr(columns[key], "impl", columns[key]), kind))


_TIMES = {table: _of_type(table, DateTime) for table in m.CONTENT_TABLES}
_FLOATS = {table: _of_type(table, Float) for table in m.CONTENT_TABLES}
def column_names(table: type[m.Content]) -> tuple[str, ...]:
    """The table's column names in Row.params' order (the hash and the payload follow them)."""
    return tuple(table.__table__.columns[key].name for key in _COLUMNS[table])  # type: ignore[attr-defined]


_POSITION = {table: {key: n for n, key in enumerate(keys)} for table, keys in _COLUMNS.items()}
_TAKE = {table: itemgetter(*keys) for table, keys in _COLUMNS.items()}  # every table has several columns
_ORDER = {table: n for n, table in enumerate(m.CONTENT_TABLES)}


def _params(table: type[m.Content], columns: dict[str, Any], digest: str, text: str) -> tuple[Any, ...]:
    """The insert's values (see Row): times cut to the stored form (bulk.stored_utc), floats as floats."""
    values = _TAKE[table](columns)
    if _TIMES[table] or _FLOATS[table]:
        values = list(values)
        for n in _TIMES[table]:
            if values[n] is not None:
                values[n] = stored_utc(values[n])
        for n in _FLOATS[table]:
            if values[n] is not None:
                values[n] = float(values[n])
    return (*values, digest, text)


def _encoder() -> Callable[[Any], str]:
    """`canonical` (sorted keys, no spaces, UTF-8 kept) with the C encoder made once, not once per row."""
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - CPython always has it
        return canonical
    made = encoder.c_make_encoder(None, None, encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(made(value, 0))


_canonical = _encoder()
_sha256 = hashlib.sha256


_FLAT: dict[type[m.Content], type[fmt.Model]] = {  # models whose dump is flat: text, numbers, booleans, null
    m.Inspection: fmt.InspectionData, m.Deduction: fmt.DeductionData, m.Rectification: fmt.RectificationData,
    m.Photo: fmt.PhotoData, m.HandSignature: fmt.HandSignatureData, m.Document: fmt.DocumentData}
_PLAIN_FLOATS = (1e-4, 1e16)  # where orjson's float text is Python's repr (below: 0.00001, Python 1e-05)
_orjson_dumps, _SORTED = orjson.dumps, orjson.OPT_SORT_KEYS


_SCALARS = (str, int, float, bool, type(None), date, datetime, uuid.UUID, AwareDatetime)


def _kinds(annotation: Any) -> set[Any]:
    """The plain types a field's annotation allows (through Optional, unions, Annotated and Literal)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin is Literal:
        return {type(value) for value in get_args(annotation)}
    if origin is Union or origin is UnionType:
        return set().union(*(_kinds(arg) for arg in get_args(annotation)))
    return {annotation}


@lru_cache(maxsize=32)
def _flat_plan(table: type[m.Content], exclude: tuple[str, ...]) -> tuple[str, ...] | None:
    """The float fields of a flat model's dump with `exclude` left out (whose text is checked before orjson
    writes it); None when a field left in may hold a list, a mapping or a model (Python's `canonical` then)."""
    fields = _FLAT[table].model_fields
    keys = tuple(sorted(key for key in fields if key not in exclude))
    kinds = {key: _kinds(fields[key].annotation) for key in keys}
    if not all(kind in _SCALARS for key in keys for kind in kinds[key]):
        return None
    return tuple(key for key in keys if float in kinds[key])


def _flat_json(table: type[m.Content], payload: dict[str, Any], exclude: tuple[str, ...]) -> bytes | None:
    """The canonical JSON of a flat row by orjson (sorted keys, compact, UTF-8 kept: 3× the encoder before it);
    None when a float is outside the range where orjson and Python write the same text (Python's `canonical`
    then, as for anything orjson refuses). Same bytes as `canonical` otherwise (tests/core/test_merge.py
    compares them over every table, any text and floats)."""
    floats = _flat_plan(table, exclude)
    if floats is None:
        return None
    low, high = _PLAIN_FLOATS
    for key in floats:
        value = payload[key]
        if value and not low <= abs(value) < high:
            return None
    if exclude:
        payload = payload.copy()
        for key in exclude:
            del payload[key]
    try:
        return _orjson_dumps(payload, option=_SORTED)
    except orjson.JSONEncodeError:  # an integer past 64 bits, say: not from a validated row, but never wrong
        return None


def _row(table: type[m.Content], payload: dict[str, Any], exclude: tuple[str, ...] = (), **extra: Any) -> Row:
    """`payload`: one model's JSON-mode dump (children in `exclude` left out); its columns, then `extra`'s
    (which win: the department's roster code over the laptop's id)."""
    columns = {**payload, **extra} if extra else payload
    data = _flat_json(table, payload, exclude) if table in _FLAT else None
    if data is not None:
        text = data.decode()
    else:
        if exclude:
            payload = payload.copy()
            for key in exclude:
                del payload[key]
        text = _canonical(payload)
        data = text.encode()
    digest = _sha256(data).hexdigest()
    return Row(table, str(columns["id"]), digest, text, _params(table, columns, digest, text))


_NO_BODY = {"inspections": {"__all__": {"checklist": {"body"}}}}  # dumped once: recompute has its text (10 KB)


def _snapshot_row(checklist: dict[str, Any], body_text: str) -> Row:
    """A checklist snapshot's row, its canonical JSON put together from the body's, which recompute encoded
    and checked against the hash already ("body" sorts first of its keys); `checklist`: dumped without it."""
    rest = _canonical(checklist)
    text = f'{{"body":{body_text},{rest[1:]}'
    digest = _sha256(text.encode()).hexdigest()
    key = checklist["content_hash"]
    return Row(m.ChecklistSnapshot, key, digest, text,
               _params(m.ChecklistSnapshot, {**checklist, "id": key}, digest, text))


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
        if held is None or (row.table is m.Department and held.column("name") == held.id):
            rows[key] = row  # a department's name beats the placeholder one of its people brought

    codes = department_codes(data)
    inspections = data.model_dump(mode="json", exclude=_NO_BODY)["inspections"]
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
    digest = _sha256(text.encode()).hexdigest()
    return Row(m.Department, code, digest, text,
               _params(m.Department, {"id": code, "code": code, "name": name, "kind": kind}, digest, text))
