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

The manifest's hashes bind every other member to the signature, so one signature covers the whole bundle.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

FORMAT = "inspector-app/batch"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data/inspections.json"
SIGNATURE = "signature/manifest.sig"
SIGNER = "signature/signer.pem"
UNLISTED = frozenset({MANIFEST, SIGNATURE})  # the only members the manifest does not list
SHA256 = r"^[0-9a-f]{64}$"
NAME_RE = re.compile(r"^batch-([0-9a-f]{8})-([0-9a-f-]{36})\.zip$")


def bundle_name(device_id: str, batch_id: str) -> str:
    return f"batch-{device_id.replace('-', '')[:8].lower()}-{batch_id}.zip"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inspector(Model):
    name: str = Field(max_length=64)
    staff_no: str = Field(min_length=1, max_length=32, description="工号, equal to the certificate's serialNumber")


class Member(Model):
    name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=SHA256)
    size: int = Field(ge=0)


class Manifest(Model):
    format: Literal["inspector-app/batch"]
    version: Literal[1]
    batch_id: uuid.UUID
    device_id: str = Field(min_length=1, max_length=36)
    inspector: Inspector
    created_at: AwareDatetime
    app_version: str = Field(max_length=32)
    members: list[Member] = Field(max_length=100_000)
    inspection_ids: list[str] = Field(max_length=100_000)


# -- data/inspections.json: the store's rows, column by column --------------------------------------------
class InspectionData(Model):
    id: str
    checklist_id: str
    checklist_version: int
    checklist_hash: str = Field(pattern=SHA256)
    department_id: str
    inspector_name: str
    inspector_no: str | None
    co_inspector: str | None
    mode: Literal["open", "covert"]
    location: str | None
    status: Literal["finished"]
    origin: str
    training: Literal[False]
    started_at: AwareDatetime
    utc_offset_min: int
    local_month: str
    local_date: str
    finished_at: AwareDatetime
    device_id: str
    seq: int
    updated_at: AwareDatetime


class RectificationData(Model):
    id: str
    deduction_id: str
    department_id: str
    requirement: str
    deadline: date
    status: Literal["open", "rectified", "verified", "void"]
    rectified_at: AwareDatetime | None
    rectified_note: str | None
    verified_at: AwareDatetime | None
    verified_by: str | None
    updated_at: AwareDatetime


class PhotoData(Model):
    id: str
    deduction_id: str
    sha256: str = Field(pattern=SHA256)
    path: str
    media_type: str
    size_bytes: int
    added_at: AwareDatetime
    voided_at: AwareDatetime | None
    member: str | None = Field(description="bundle member holding the file; null when it was missing")


class DeductionData(Model):
    id: str
    inspection_id: str
    item_code: str
    charged_to: Literal["person", "department"]
    staff_id: str | None
    department_id: str
    is_head: bool
    count: int = Field(ge=1, le=99)
    points_each: float = Field(ge=0, le=100, allow_inf_nan=False)
    multiplier: float = Field(ge=0, le=10, allow_inf_nan=False)
    points: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    note: str
    recorded_at: AwareDatetime
    utc_offset_min: int
    local_month: str
    device_id: str
    seq: int
    voided_at: AwareDatetime | None
    void_reason: str | None
    staff_no: str | None = Field(description="工号 of the person charged")
    staff_name: str | None
    department_code: str
    rectification: RectificationData | None
    photos: list[PhotoData]


class HandSignatureData(Model):
    id: str
    inspection_id: str
    role: Literal["inspector", "department"]
    signer_name: str
    sha256: str = Field(pattern=SHA256)
    path: str
    signed_at: AwareDatetime
    voided_at: AwareDatetime | None
    member: str | None


class DocumentData(Model):
    id: str
    number: str
    kind: Literal["sheet", "notice", "bulletin"]
    inspection_id: str | None
    department_id: str | None
    month: str | None
    device_id: str
    seq: int
    sha256: str = Field(pattern=SHA256)
    path: str
    signed_by: str | None
    created_at: AwareDatetime
    member: str | None


class DepartmentData(Model):
    id: str
    code: str
    name: str
    kind: str


class ChecklistData(Model):
    content_hash: str = Field(pattern=SHA256)
    checklist_id: str
    version: int
    body: dict[str, Any]


class InspectionRecord(Model):
    inspection: InspectionData
    checklist: ChecklistData
    department: DepartmentData
    deductions: list[DeductionData]
    hand_signatures: list[HandSignatureData]
    documents: list[DocumentData]

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
    """JSON Schemas of the two JSON members (for the office's tools and the documentation)."""
    return {MANIFEST: Manifest.model_json_schema(), DATA: BatchData.model_json_schema()}

