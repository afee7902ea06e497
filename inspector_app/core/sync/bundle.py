"""Building a batch bundle from the store: rows as canonical JSON, files by hash, a signed manifest.

The zip is written under a hidden .part name and renamed, with fixed member times, so what a batch holds
depends only on the store; the signature (ECDSA uses a random nonce) is the only part that differs on a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import inspector_app
from inspector_app.core.files import replace_file
from inspector_app.core.identity import SigningIdentity
from inspector_app.core.identity.certs import Person
from inspector_app.core.identity.storage import cert_pem
from inspector_app.core.store.audit import canonical, snapshot_payload
from inspector_app.core.store.models import (
    ChecklistSnapshot,
    Deduction,
    Department,
    Document,
    HandSignature,
    Inspection,
    Measurement,
)
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.anchor import anchor_bytes, anchor_for, keep_signed
from inspector_app.core.sync.share import fsync_dir
from inspector_app.core.sync.signing import sign_bytes
from inspector_app.core.workspace import Workspace

log = logging.getLogger(__name__)
SAFE_NUMBER = re.compile(r"[A-Za-z0-9._-]{1,64}")
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
CHUNK = 1 << 20


def _payload(model: type[fmt.Model], row: Any) -> dict[str, Any]:
    return fmt.row_fields(model, json.loads(snapshot_payload(row)))


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class _Files:
    """Files to copy into the bundle: member name -> file in the data folder (a missing file is logged)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.sources: dict[str, Path] = {}

    def add(self, member: str, relative: str) -> str | None:
        source = self.data_dir / relative
        if not source.is_file():
            log.warning("sync: %s is missing from the data folder; sent without it", relative)
            return None
        self.sources.setdefault(member, source)
        return member


def _record(session: Session, inspection: Inspection, files: _Files) -> fmt.InspectionRecord:
    snapshot = session.get(ChecklistSnapshot, inspection.checklist_hash)
    assert snapshot is not None  # a foreign key
    deductions = []
    for deduction in session.scalars(select(Deduction).where(Deduction.inspection_id == inspection.id)
                                     .order_by(Deduction.seq)):
        photos = []
        for photo in sorted(deduction.photos, key=lambda p: (p.added_at, p.id)):
            suffix = Path(photo.path).suffix.lower()
            member = f"photos/{photo.sha256}{suffix if suffix in PHOTO_EXTENSIONS else '.bin'}"
            photos.append({**_payload(fmt.PhotoData, photo), "member": files.add(member, photo.path)})
        department = session.get(Department, deduction.department_id)
        rect = deduction.rectification
        deductions.append({
            **_payload(fmt.DeductionData, deduction), "photos": photos,
            "staff_no": deduction.staff.staff_no if deduction.staff else None,
            "staff_name": deduction.staff.name if deduction.staff else None,
            "department_code": department.code if department else "",
            "rectification": _payload(fmt.RectificationData, rect) if rect is not None else None})
    signatures = [{**_payload(fmt.HandSignatureData, s), "member": files.add(f"signatures/{s.sha256}.png", s.path)}
                  for s in session.scalars(select(HandSignature).where(HandSignature.inspection_id == inspection.id)
                                           .order_by(HandSignature.signed_at, HandSignature.id))]
    documents = []
    for doc in session.scalars(select(Document).where(Document.inspection_id == inspection.id).order_by(Document.seq)):
        stem = doc.number if SAFE_NUMBER.fullmatch(doc.number) else doc.sha256
        documents.append({**_payload(fmt.DocumentData, doc), "member": files.add(f"documents/{stem}.pdf", doc.path)})
    return fmt.InspectionRecord.model_validate({
        "inspection": _payload(fmt.InspectionData, inspection),
        "checklist": {"content_hash": snapshot.content_hash, "checklist_id": snapshot.checklist_id,
                      "version": snapshot.version, "body": snapshot.body},
        "department": _payload(fmt.DepartmentData, inspection.department),
        "deductions": deductions, "hand_signatures": signatures, "documents": documents,
        "measurements": [_payload(fmt.MeasurementData, measurement) for measurement in session.scalars(
            select(Measurement).where(Measurement.inspection_id == inspection.id).order_by(Measurement.seq))]})


def collect(ws: Workspace, inspection_ids: list[str]) -> tuple[bytes, dict[str, Path]]:
    """data/inspections.json (canonical JSON) and the files the inspections refer to."""
    files = _Files(ws.data_dir)
    records: dict[str, fmt.InspectionRecord] = {}
    with ws.db.read() as session:
        for chunk in _chunks(inspection_ids):
            for inspection in session.scalars(select(Inspection).where(Inspection.id.in_(chunk))):
                records[inspection.id] = _record(session, inspection, files)
    data = fmt.BatchData(format="inspector-app/batch-data", version=1,
                         inspections=[records[i] for i in inspection_ids if i in records])
    return canonical(data.model_dump(mode="json")).encode("utf-8"), files.sources


def _info(name: str, when: datetime, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.astimezone(timezone.utc).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def _write(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes | Path) -> fmt.Member:
    digest, size = hashlib.sha256(), 0
    with zf.open(info, "w") as out:
        if isinstance(data, bytes):
            out.write(data)
            digest.update(data)
            size = len(data)
        else:
            with data.open("rb") as source:
                while block := source.read(CHUNK):
                    out.write(block)
                    digest.update(block)
                    size += len(block)
    return fmt.Member(name=info.filename, sha256=digest.hexdigest(), size=size)


def build_bundle(ws: Workspace, identity: SigningIdentity, batch_id: str, created_at: datetime,
                 inspection_ids: list[str], target: Path) -> str:
    """Write the signed bundle to `target` (atomically); returns the zip's SHA-256."""
    data, sources = collect(ws, inspection_ids)
    with ws.db.read() as session:
        anchor = anchor_for(session, batch_id)
    part = target.with_name(f".{target.name}.part")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write_zip(ws, identity, batch_id, created_at, inspection_ids, part, data, sources, anchor)
    except BaseException:
        part.unlink(missing_ok=True)  # a full disk must not leave a half bundle behind in the outbox
        raise
    replace_file(part, target)  # retried while the antivirus scans the new zip (Windows)
    fsync_dir(target.parent)
    if anchor is not None:
        with ws.db.write() as session:
            keep_signed(session, batch_id, anchor, identity.private_key)
    return file_sha256(target)


def _write_zip(ws: Workspace, identity: SigningIdentity, batch_id: str, created_at: datetime,
               inspection_ids: list[str], part: Path, data: bytes, sources: dict[str, Path],
               anchor: fmt.AuditAnchor | None) -> None:
    person = Person.from_name(identity.certificate.subject)
    with zipfile.ZipFile(part, "w") as zf:
        members = [_write(zf, _info(fmt.DATA, created_at, True), data)]
        if anchor is not None:
            members.append(_write(zf, _info(fmt.AUDIT, created_at, True), anchor_bytes(anchor)))
        members += [_write(zf, _info(name, created_at, False), sources[name]) for name in sorted(sources)]
        signer = cert_pem(identity.certificate, *identity.chain)
        members.append(_write(zf, _info(fmt.SIGNER, created_at, True), signer))
        manifest = fmt.Manifest(
            format="inspector-app/batch", version=1, batch_id=batch_id, device_id=ws.device_id,
            inspector=fmt.Inspector(name=person.name, staff_no=person.staff_no), created_at=created_at,
            app_version=inspector_app.__version__, members=members, inspection_ids=inspection_ids)
        manifest_bytes = canonical(manifest.model_dump(mode="json")).encode("utf-8")
        _write(zf, _info(fmt.MANIFEST, created_at, True), manifest_bytes)
        _write(zf, _info(fmt.SIGNATURE, created_at, False), sign_bytes(identity.private_key, manifest_bytes))
    with part.open("rb+") as handle:
        os.fsync(handle.fileno())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()
