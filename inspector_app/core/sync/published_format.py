"""What the office publishes in `<share>/published/` for the laptops (pydantic models, JSON Schema).

    published/index.json          PublishedIndex: version counter, time, the office, and per item its kind,
                                  key, file name, SHA-256 and size; `signature` is the office's signature
                                  (base64) over the canonical JSON of every other field (sorted keys, no spaces)
    published/v<NNNNNN>/<name>    the item's payload, byte for byte as the laptop will load it
    published/v<NNNNNN>/<name>.sig  detached signature over the payload's exact bytes with the office key:
                                  ECDSA-SHA256 (DER) or RSA PKCS#1 v1.5 SHA-256, as batch manifests are signed

A new publication is written into a fresh version folder first and the index replaced last (atomically), so a
laptop reads either the old publication or the new one, never half of one. Kinds: `checklist` (a checklist
YAML file), `roster` (roster YAML/JSON), `certificate` (PEM office certificates the laptop should also trust,
e.g. a renewed office certificate), `rectifications` (RectificationStatusFile JSON: version 2 carries the
office's decisions, extended deadlines and waivers; version 1 is still read), `revocations` (the office's
CRL, PEM: certificates the office revoked, so a laptop's `verify` refuses what they signed afterwards).
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from inspector_app.core.store.audit import canonical

INDEX = "index.json"
INDEX_FORMAT = "inspector-app/published"
STATUS_FORMAT = "inspector-app/rectification-status"
STATUS_VERSION = 2  # what the office writes; 1 is still read
SHA256 = r"^[0-9a-f]{64}$"
ITEM_NAME = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}(/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100})?$"
FOLDER_RE = re.compile(r"^v(\d{6})$")
MAX_INDEX_BYTES = 4 * 1024 * 1024
MAX_ITEM_BYTES = 20 * 1024 * 1024

Kind = Literal["certificate", "checklist", "roster", "rectifications", "revocations"]
KIND_ORDER: dict[str, int] = {"certificate": 0, "checklist": 1, "roster": 2, "rectifications": 3, "revocations": 4}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublishedItem(Model):
    kind: Kind
    key: str = Field(min_length=1, max_length=128,
                     description="what the item replaces: checklist id, 'roster', 'rectifications', or the "
                                 "certificate's SHA-256")
    name: str = Field(pattern=ITEM_NAME, description="file name inside the version folder")
    sha256: str = Field(pattern=SHA256)
    size: int = Field(ge=0, le=MAX_ITEM_BYTES)


class PublishedIndex(Model):
    format: Literal["inspector-app/published"]
    version: int = Field(ge=1, description="raised by one with every publication; laptops refuse an older one")
    published_at: AwareDatetime
    office: str = Field(max_length=128)
    office_fingerprint: str = Field(pattern=SHA256, description="SHA-256 of the signing office certificate")
    folder: str = Field(pattern=r"^v\d{6}$")
    items: list[PublishedItem]


Decision = Literal["verified", "reopened", "extended", "waived"]
DECISION_FIELDS = ("decision", "deadline", "decided_by", "decided_at", "decision_note")


class RectificationStatus(Model):
    """One rectification item's state as the office knows it (laptops apply it only when it is newer).

    Version 2 adds the office's newest decision on the item (office/ledger.py): who decided, when and why, and
    for `extended` (or `reopened` with one) the deadline that replaces the laptop's; `waived` leaves nothing to
    do. Version 1 carries none of these."""

    id: str = Field(min_length=1, max_length=64)
    status: Literal["open", "rectified", "verified"]
    rectified_at: AwareDatetime | None = None
    rectified_note: str | None = Field(default=None, max_length=2000)
    verified_at: AwareDatetime | None = None
    verified_by: str | None = Field(default=None, max_length=64)
    updated_at: AwareDatetime
    decision: Decision | None = Field(default=None, description="the office's newest decision (version 2)")
    deadline: date | None = Field(default=None, description="the deadline the office set (extended, reopened)")
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: AwareDatetime | None = None
    decision_note: str | None = Field(default=None, max_length=2000, description="the reason given")

    @model_validator(mode="after")
    def _decided(self) -> RectificationStatus:
        if self.decision is None:
            if any(getattr(self, name) is not None for name in DECISION_FIELDS):
                raise ValueError("decision fields without a decision")
            return self
        if self.decided_by is None or self.decided_at is None:
            raise ValueError("a decision needs decided_by and decided_at")
        if self.decision == "extended" and self.deadline is None:
            raise ValueError("an extended deadline needs the new deadline")
        if self.decision == "waived" and not (self.decision_note or "").strip():
            raise ValueError("a waiver needs its reason (decision_note)")
        return self


class RectificationStatusFile(Model):
    """The `rectifications` item, and the file the office writes for `office publish --rectifications`.
    Version 1 (open / rectified / verified) is still read; version 2 adds the office's decisions."""

    format: Literal["inspector-app/rectification-status"]
    version: Literal[1, 2]
    items: list[RectificationStatus]

    @model_validator(mode="after")
    def _fits_version(self) -> RectificationStatusFile:
        if self.version == 1 and any(item.decision is not None for item in self.items):
            raise ValueError("version 1 carries no decisions: write version 2")
        return self


class ReceivedState(Model):
    """The laptop's memory of what it took from the share (`<data>/published/received.json`).

    `version` is the highest publication whose index carried a valid office signature, remembered even when
    some of its items were refused (`complete` False): an index older than it is never installed from, and the
    refused items are tried again from the same or a newer version."""

    version: int = 0
    index_sha256: str = ""
    complete: bool = True  # every item of `version` was taken (files written before this field: they were)
    received_at: datetime | None = None
    items: dict[str, str] = Field(default_factory=dict)  # "<kind>:<key>" -> installed payload SHA-256


def folder_name(version: int) -> str:
    return f"v{version:06d}"


def signed_bytes(fields: dict[str, Any]) -> bytes:
    """The exact bytes the index signature covers: canonical JSON of the index without `signature`."""
    return canonical({k: v for k, v in fields.items() if k != "signature"}).encode("utf-8")


def encode_signature(signature: bytes) -> str:
    return base64.b64encode(signature).decode("ascii")


def decode_signature(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the index and of the rectification status file (for the office's tools)."""
    index = PublishedIndex.model_json_schema()
    index["properties"]["signature"] = {"type": "string", "description": "base64 office signature"}
    index["required"].append("signature")
    return {INDEX: index, "rectification-status.json": RectificationStatusFile.model_json_schema()}
