"""The batch bundle a laptop pushes: a zip `batch-<device8>-<batch_id>.zip` (pydantic models, JSON Schema).

Members:
    manifest.json            Manifest: who, when, which inspections, and {name, sha256, size} of every
                             member except manifest.json and signature/manifest.sig
    data/inspections.json    BatchData, canonical JSON (sorted keys): each inspection with its checklist
                             snapshot, department, deductions (with 工号), rectifications, photo, hand
                             signature and document metadata
    photos/<sha256>.<ext>    photo files          signatures/<sha256>.png   hand signatures (PNG)
    documents/<number>.pdf   signed sheets (PAdES)
    signature/manifest.sig   detached signature over the exact manifest.json bytes with the inspector's key:
                             ECDSA-SHA256 (DER, as `cryptography` writes it), or RSA PKCS#1 v1.5 SHA-256
    signature/signer.pem     the inspector's certificate, then its chain (the issuing office certificate)
    audit/anchor.json        AuditAnchor: the laptop's audit-trail head now and at its previous batch, so the
                             office can tell a rewritten history (absent in bundles of older versions)

The manifest's hashes bind every other member to the signature, so one signature covers the whole bundle.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from inspector_app.core.periods import PERIOD_PATTERN

FORMAT = "inspector-app/batch"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data/inspections.json"
SIGNATURE = "signature/manifest.sig"
SIGNER = "signature/signer.pem"
AUDIT = "audit/anchor.json"
UNLISTED = frozenset({MANIFEST, SIGNATURE})  # the only members the manifest does not list
SHA256 = r"^[0-9a-f]{64}$"
NAME_RE = re.compile(r"^batch-([0-9a-f]{8})-([0-9a-f-]{36})\.zip$")


# -- bounds: every field fits the central columns it lands in, on SQLite and PostgreSQL (issue #13) ----------
# All checked by pydantic's core (no Python callback per field: a merge validates ~100 fields per entry).
# Lone surrogates never get this far: the JSON parser refuses them.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
NO_NUL = r"^[^\x00]*$"  # no database stores a NUL character in text

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
Short = Annotated[str, Field(max_length=32, pattern=NO_NUL)]
StaffNo = Annotated[str, Field(min_length=1, max_length=32, pattern=NO_NUL)]
Name = Annotated[str, Field(max_length=200, pattern=NO_NUL)]
Text = Annotated[str, Field(max_length=10_000, pattern=NO_NUL)]
PathText = Annotated[str, Field(max_length=255, pattern=NO_NUL)]
Month = Annotated[str, Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])$")]
Period = Annotated[str, Field(pattern=PERIOD_PATTERN)]  # 2026-03, 2026-Q1 or 2026-H1 (core/periods.py)
Day = Annotated[str, Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
Seq = Annotated[int, Field(ge=0, le=2**31 - 1)]
Version = Annotated[int, Field(ge=1, le=1_000_000)]
Offset = Annotated[int, Field(ge=-24 * 60, le=24 * 60)]
Size = Annotated[int, Field(ge=0, le=2**31 - 1)]
Moment = Annotated[AwareDatetime, Field(ge=EARLIEST, le=LATEST)]
SaneDate = Annotated[date, Field(ge=EARLIEST.date(), le=LATEST.date())]


def bundle_name(device_id: str, batch_id: str) -> str:
    return f"batch-{device_id.replace('-', '')[:8].lower()}-{batch_id}.zip"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inspector(Model):
    name: Name
    staff_no: str = Field(min_length=1, max_length=32, description="工号, equal to the certificate's serialNumber")


class Member(Model):
    name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=SHA256)
    size: Size


class Manifest(Model):
    format: Literal["inspector-app/batch"]
    version: Literal[1]
    batch_id: uuid.UUID
    device_id: str = Field(min_length=1, max_length=36)
    inspector: Inspector
    created_at: Moment
    app_version: str = Field(max_length=32)
    members: list[Member] = Field(max_length=100_000)
    inspection_ids: list[Id] = Field(max_length=100_000)


class AuditAnchor(Model):
    """Where the laptop's hash-chained audit trail stood: at the head its previous batch carried (`base`) and
    now (`head`). The office keeps every (seq, hash) it was sent per inspector and laptop; a batch whose trail
    disagrees with one of them was rewritten after it was sent (issue #13)."""

    format: Literal["inspector-app/audit-anchor"]
    base_seq: Seq = Field(description="the previous batch's head event; 0: the trail's start")
    base_hash: str = Field(pattern=SHA256)
    head_seq: Seq
    head_hash: str = Field(pattern=SHA256)


# -- data/inspections.json: the store's rows, column by column --------------------------------------------
class InspectionData(Model):
    id: Id
    checklist_id: Code
    checklist_version: Version
    checklist_hash: str = Field(pattern=SHA256)
    department_id: Id
    inspector_name: Name
    inspector_no: StaffNo | None
    co_inspector: Name | None
    mode: Literal["open", "covert"]
    location: Name | None
    status: Literal["finished"]
    origin: Short
    training: Literal[False]
    started_at: Moment
    utc_offset_min: Offset
    local_month: Month
    local_date: Day
    finished_at: Moment
    device_id: Id
    seq: Seq
    updated_at: Moment


class RectificationData(Model):
    id: Id
    deduction_id: Id
    department_id: Id
    requirement: Text
    deadline: SaneDate
    status: Literal["open", "rectified", "verified", "void"]
    rectified_at: Moment | None
    rectified_note: Text | None
    verified_at: Moment | None
    verified_by: Name | None
    updated_at: Moment


class PhotoData(Model):
    id: Id
    deduction_id: Id
    sha256: str = Field(pattern=SHA256)
    path: PathText
    media_type: Short
    size_bytes: Size
    added_at: Moment
    voided_at: Moment | None
    member: PathText | None = Field(description="bundle member holding the file; null when it was missing")


class DeductionData(Model):
    id: Id
    inspection_id: Id
    item_code: Code
    charged_to: Literal["person", "department"]
    staff_id: Id | None
    department_id: Id
    is_head: bool
    count: int = Field(ge=1, le=99)
    points_each: float = Field(ge=0, le=100, allow_inf_nan=False)
    multiplier: float = Field(ge=0, le=10, allow_inf_nan=False)
    points: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    note: Text
    recorded_at: Moment
    utc_offset_min: Offset
    local_month: Month
    device_id: Id
    seq: Seq
    voided_at: Moment | None
    void_reason: Text | None
    staff_no: StaffNo | None = Field(description="工号 of the person charged")
    staff_name: Name | None
    department_code: Code
    rectification: RectificationData | None
    photos: list[PhotoData]
    period: Period | None = Field(default=None, description=(
        "a period rule's month, quarter or half year (2026-03, 2026-Q1, 2026-H1; local_month is its last month): "
        "charged once per department and period; null otherwise (the office hashes an ordinary entry without "
        "it, as before monthly rules existed: merge/rows.py). Bundles before quarters carry months only"))


class MeasurementData(Model):
    """A measured value against an item's thresholds, passed or not (issue #15)."""

    id: Id
    inspection_id: Id
    item_code: Code
    department_id: Id
    period: Period
    values: dict[Annotated[str, Field(pattern=r"^[0-9]$")], Annotated[float, Field(ge=0, le=1_000_000,
                                                                                   allow_inf_nan=False)]] = \
        Field(min_length=1, max_length=10)
    passed: bool
    occurrences: int = Field(ge=0, le=99)
    note: Text
    recorded_at: Moment
    utc_offset_min: Offset
    device_id: Id
    seq: Seq
    deduction_id: Id | None
    voided_at: Moment | None
    void_reason: Text | None


class HandSignatureData(Model):
    id: Id
    inspection_id: Id
    role: Literal["inspector", "department"]
    signer_name: Name
    sha256: str = Field(pattern=SHA256)
    path: PathText
    signed_at: Moment
    voided_at: Moment | None
    member: PathText | None


class DocumentData(Model):
    id: Id
    number: Code
    kind: Literal["sheet", "notice", "bulletin"]
    inspection_id: Id
    department_id: Id
    month: Month | None
    device_id: Id
    seq: Seq
    sha256: str = Field(pattern=SHA256)
    path: PathText
    signed_by: Name | None
    created_at: Moment
    member: PathText | None


class DepartmentData(Model):
    id: Id
    code: Code
    name: Name
    kind: Short


class ChecklistData(Model):
    content_hash: str = Field(pattern=SHA256)
    checklist_id: Code
    version: Version
    body: dict[str, Any]


class InspectionRecord(Model):
    inspection: InspectionData
    checklist: ChecklistData
    department: DepartmentData
    deductions: list[DeductionData]
    hand_signatures: list[HandSignatureData]
    documents: list[DocumentData]
    measurements: list[MeasurementData] = Field(default_factory=list, max_length=10_000)

    def members(self) -> list[str]:
        """Every bundle member this inspection refers to."""
        found = [p.member for d in self.deductions for p in d.photos]
        found += [s.member for s in self.hand_signatures] + [d.member for d in self.documents]
        return [m for m in found if m]


class BatchData(Model):
    format: Literal["inspector-app/batch-data"]
    version: Literal[1]
    inspections: list[InspectionRecord]


def row_fields(model: type[BaseModel], payload: dict[str, Any]) -> dict[str, Any]:
    """The columns a model knows from a row snapshot (a column added later does not break old readers)."""
    return {key: payload[key] for key in model.model_fields if key in payload}


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the JSON members (for the office's tools and the documentation)."""
    return {MANIFEST: Manifest.model_json_schema(), DATA: BatchData.model_json_schema(),
            AUDIT: AuditAnchor.model_json_schema()}

