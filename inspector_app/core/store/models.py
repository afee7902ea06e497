"""The local database schema (SQLAlchemy 2 typed models).

Rules this schema keeps: every row has a UUID; every time is stored in UTC (with the local offset beside it
where people will read it); nothing is deleted — deductions are voided with a reason; and every change is
also written to the append-only `audit_events` chain (see audit.py).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A random (version 4) UUID as text, as str(uuid.uuid4()) gives it, in a third of the time (two per
    recorded entry): the same 16 random bytes with the version and variant bits set, formatted directly."""
    hexed = os.urandom(16).hex()
    return (f"{hexed[:8]}-{hexed[8:12]}-4{hexed[13:16]}-{_VARIANT[int(hexed[16], 16) & 3]}{hexed[17:20]}-"
            f"{hexed[20:]}")


_VARIANT = "89ab"  # RFC 4122 variant: the two top bits of the clock-sequence byte are 10


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_last_texts: tuple[datetime | None, tuple[str, str]] = (None, ("", ""))


def utc_texts(moment: datetime) -> tuple[str, str]:
    """An aware time's two texts: as the store writes it (naive UTC with microseconds, SQLite's DATETIME text
    of a UTCDateTime column) and as its audit snapshot and event hash write it (UTC isoformat).

    The last time asked for is remembered by identity: one recorded entry writes the same `now` four times
    (its rectification's update, two audit events' times and hashes), and each text costs two microseconds.
    The pair is swapped in as one object, so a second thread never reads one time's texts for another."""
    global _last_texts
    last = _last_texts
    if last[0] is moment:
        return last[1]
    utc = moment.astimezone(timezone.utc)
    stored = utc.isoformat(" ", "microseconds")[:26]  # without its "+00:00"
    # utc.isoformat(), from the same digits (isoformat leaves out a fraction of zero microseconds)
    texts = (stored, f"{stored[:10]}T{stored[11:] if utc.microsecond else stored[11:19]}+00:00")
    _last_texts = (moment, texts)
    return texts


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC so SQL comparisons sort correctly."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must carry a time zone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON}


class DeviceState(Base):
    """This data folder's identity and its per-device sequence (orders entries even if the clock jumps)."""

    __tablename__ = "device_state"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[list[Staff]] = relationship(back_populates="department")


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)  # 工号
    name: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"), index=True)
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship(back_populates="staff")


class ChecklistSnapshot(Base):
    """The exact checklist an inspection was scored with, kept even after the form changes."""

    __tablename__ = "checklist_snapshots"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'finished')", name="status"),
        CheckConstraint("mode IN ('open', 'covert')", name="mode"),
        Index("ix_inspections_status_started", "status", "started_at"),
        Index("ix_inspections_month", "local_month"),
        Index("ix_inspections_date", "local_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    checklist_id: Mapped[str] = mapped_column(String(64))
    checklist_version: Mapped[int] = mapped_column(Integer)
    checklist_hash: Mapped[str] = mapped_column(ForeignKey("checklist_snapshots.content_hash"))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"), index=True)
    inspector_name: Mapped[str] = mapped_column(String(64))
    inspector_no: Mapped[str | None] = mapped_column(String(32))
    co_inspector: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8), default="open")  # 明查 open / 暗访 covert
    location: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    origin: Mapped[str] = mapped_column(String(12), default="local")  # local / imported / demo
    training: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime]
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    local_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the start, in the inspector's local time
    local_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD of the start, local time (history filters)
    finished_at: Mapped[datetime | None]
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # a draft started by mistake is discarded with a reason (never deleted): it stays a draft, locked and
    # out of the lists; its entries are voided with the same reason
    discarded_at: Mapped[datetime | None]
    discard_reason: Mapped[str | None] = mapped_column(Text)

    department: Mapped[Department] = relationship()
    deductions: Mapped[list[Deduction]] = relationship(back_populates="inspection", order_by="Deduction.seq")


class Deduction(Base):
    """One recorded violation. `points` is computed by the checklist's rules at the time of recording."""

    __tablename__ = "deductions"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("charged_to IN ('person', 'department')", name="charged_to"),
        Index("ix_deductions_month", "local_month", "voided_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(32))
    charged_to: Mapped[str] = mapped_column(String(12))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)  # the person was a head when recorded
    count: Mapped[int] = mapped_column(Integer)
    points_each: Mapped[float] = mapped_column(Float)
    multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    points: Mapped[float] = mapped_column(Float)  # points_each * count * multiplier, before caps
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    local_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM in the inspector's local time
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    # a monthly rule's month (YYYY-MM, = local_month): the department is charged once for it however many
    # records there are (scoring/measured.py); NULL for an ordinary entry
    period: Mapped[str | None] = mapped_column(String(7))

    inspection: Mapped[Inspection] = relationship(back_populates="deductions")
    staff: Mapped[Staff | None] = relationship()
    photos: Mapped[list[Photo]] = relationship(back_populates="deduction")
    rectification: Mapped[Rectification | None] = relationship(back_populates="deduction")


class Measurement(Base):
    """A measured value against an item's thresholds (满意度 87% against ≥ 90%): kept whether it passed or not,
    per department and month, for the month's figures and the quarterly selection. A failed one also records a
    deduction (`deduction_id`) through the same rules as any entry."""

    __tablename__ = "measurements"
    __table_args__ = (Index("ix_measurements_period", "period", "department_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM the value is about
    values: Mapped[dict] = mapped_column(JSON)  # threshold position (as text) → measured value
    passed: Mapped[bool] = mapped_column(Boolean)
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    deduction_id: Mapped[str | None] = mapped_column(ForeignKey("deductions.id"))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    deduction_id: Mapped[str] = mapped_column(ForeignKey("deductions.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(256))  # relative to the data folder
    media_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]

    deduction: Mapped[Deduction] = relationship(back_populates="photos")


class Rectification(Base):
    """What a department must put right for one deduction: open → rectified → verified (overdue is derived)."""

    __tablename__ = "rectifications"
    __table_args__ = (CheckConstraint("status IN ('open', 'rectified', 'verified', 'void')", name="status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    deduction_id: Mapped[str] = mapped_column(ForeignKey("deductions.id"), unique=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    requirement: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    rectified_at: Mapped[datetime | None]
    rectified_note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the office's newest decision as last published (migration 0008): "extended" (office_deadline replaces the
    # deadline) or "waived" (nothing more to do), "verified" / "reopened"; who, when and why
    office_decision: Mapped[str | None] = mapped_column(String(12))
    office_deadline: Mapped[date | None] = mapped_column(Date)
    office_decided_by: Mapped[str | None] = mapped_column(String(64))
    office_decided_at: Mapped[datetime | None]
    office_note: Mapped[str | None] = mapped_column(Text)

    deduction: Mapped[Deduction] = relationship(back_populates="rectification")


class Document(Base):
    """A document the app issued (inspection sheet, rectification notice, bulletin): its number and hash.

    Numbers are unique without a network: the inspector's prefix plus this device's own sequence.
    """

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint("kind IN ('sheet', 'notice', 'bulletin')", name="kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    inspection_id: Mapped[str | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"))
    month: Mapped[str | None] = mapped_column(String(7))
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the final (signed) file
    path: Mapped[str] = mapped_column(String(256))  # relative to the data folder
    signed_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]


class DocumentPrint(Base):
    """Each time an issued document was printed: the first issue and every 补打 (reprint), with the copies.

    The register of issued documents the office asks for (number, kind, department, time, SHA-256, copies)
    is documents joined with these rows; both stay in the data folder, so they move with it to a new laptop.
    """

    __tablename__ = "document_prints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    printed_at: Mapped[datetime]
    copies: Mapped[int] = mapped_column(Integer)
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    printed_by: Mapped[str | None] = mapped_column(String(128))


class HandSignature(Base):
    """A handwritten signature drawn on the signature pad for one inspection (inspector or department)."""

    __tablename__ = "hand_signatures"
    __table_args__ = (CheckConstraint("role IN ('inspector', 'department')", name="role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    signer_name: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(256))  # PNG, relative to the data folder
    signed_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only: each event carries the hash of the one before (triggers forbid UPDATE and DELETE).

    Deliberately no index beyond the sequence: every index is paid for on each recorded entry, and the
    trail is read as a whole (verify) or per entity rarely enough for a scan.
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON snapshot of the entity after the change
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
