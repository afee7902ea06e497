"""The central database's schema: what the office keeps of every merged batch (its own metadata, not the laptop's).

Content tables are keyed by the laptops' UUIDs and hold, beside the columns people query, the row's canonical
JSON (`payload`) and its SHA-256 (`content_hash`): "same UUID, different content" is then one comparison, and
the incoming version of such a row is kept aside in `conflicts`, never written over the first one.
Portable types only (SQLite now, PostgreSQL later): times are stored as naive UTC (UTCDateTime, as locally).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inspector_app.core.store.models import NAMING, UTCDateTime

ID = String(64)
HASH = String(64)


class CentralBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, str: Text}  # noqa: RUF012


class Batch(CentralBase):
    """One merged batch: who sent it from which laptop, the bundle it came in, and what the merge found."""

    __tablename__ = "batches"

    batch_id: Mapped[str] = mapped_column(ID, primary_key=True)
    device_id: Mapped[str] = mapped_column(ID)
    staff_no: Mapped[str] = mapped_column(String(32), index=True)
    inspector_name: Mapped[str]
    bundle_name: Mapped[str] = mapped_column(String(255))
    bundle_sha256: Mapped[str] = mapped_column(HASH, index=True)  # "these bytes were merged before"
    created_at: Mapped[datetime]
    merged_at: Mapped[datetime]
    inspections: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    conflicts: Mapped[int] = mapped_column(Integer)


class Content:
    """Columns every merged row has: its canonical JSON and that JSON's SHA-256."""

    content_hash: Mapped[str] = mapped_column(HASH)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Department(Content, CentralBase):
    """A department by its roster code, the same whichever laptop sent it (`id` is the code, migration c0003)."""

    __tablename__ = "departments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str]
    kind: Mapped[str] = mapped_column(String(32))


class ChecklistSnapshot(Content, CentralBase):
    __tablename__ = "checklist_snapshots"

    id: Mapped[str] = mapped_column(HASH, primary_key=True)  # the snapshot's own content hash, as on the laptop
    checklist_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)


class Inspection(Content, CentralBase):
    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_month_department", "local_month", "department_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    checklist_hash: Mapped[str] = mapped_column(ForeignKey("checklist_snapshots.id"))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"), index=True)
    inspector_name: Mapped[str]
    inspector_no: Mapped[str | None] = mapped_column(String(32), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    local_month: Mapped[str] = mapped_column(String(7))  # indexed with department_id (c0002)
    device_id: Mapped[str] = mapped_column(ID)
    seq: Mapped[int] = mapped_column(Integer)
    # worked out by the office at merge from the checklist snapshot (scoring.inspection_result), never sent
    scored: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)


class Deduction(Content, CentralBase):
    __tablename__ = "deductions"
    # the central monthly summary (summary.py) reads these indexes alone, never the wide rows (migration c0002)
    __table_args__ = (
        Index("ix_deductions_month_department", "local_month", "department_id", "voided_at", "charged_to",
              "count", "counted_points", "pay_percent"),
        Index("ix_deductions_month_staff", "local_month", "staff_no", "voided_at", "count", "counted_points",
              "pay_percent", "staff_name", "department_code"),
        # repeat problems across visits (office/repeats.py) group the live entries from this one (c0010)
        Index("ix_deductions_repeat_key", "local_month", "department_id", "item_code", "staff_no", "inspection_id",
              "count", "staff_name", "id", postgresql_where=text("voided_at IS NULL"),
              sqlite_where=text("voided_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    charged_to: Mapped[str] = mapped_column(String(16))
    staff_no: Mapped[str | None] = mapped_column(String(32), index=True)
    staff_name: Mapped[str | None]
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"), index=True)
    department_code: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float)  # as recorded, checked at merge against the snapshot
    # after caps, worked out by the office at merge (scoring.inspection_result): what the month adds up
    counted_points: Mapped[float] = mapped_column(Float, default=0.0)
    pay_percent: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str]
    recorded_at: Mapped[datetime]
    local_month: Mapped[str] = mapped_column(String(7))  # leads both c0002 indexes
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None]
    # a monthly rule's month (c0008): the month's figures count only the latest record per department, rule
    # and month (scoring/measured.py), read through this index; NULL for an ordinary entry
    period: Mapped[str | None] = mapped_column(String(7), index=True)
    # the laptop's UTC offset when it was recorded (c0012): its local day without parsing the payload
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Rectification(Content, CentralBase):
    __tablename__ = "rectifications"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    deduction_id: Mapped[str] = mapped_column(ForeignKey("deductions.id"), index=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))


class Photo(Content, CentralBase):
    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    deduction_id: Mapped[str] = mapped_column(ForeignKey("deductions.id"), index=True)
    sha256: Mapped[str] = mapped_column(HASH)
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]
    file_path: Mapped[str | None] = mapped_column(String(255))  # under the files folder; None: not sent


class HandSignature(Content, CentralBase):
    __tablename__ = "hand_signatures"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    signer_name: Mapped[str]
    sha256: Mapped[str] = mapped_column(HASH)
    signed_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]
    file_path: Mapped[str | None] = mapped_column(String(255))


class Document(Content, CentralBase):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    inspection_id: Mapped[str | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"))
    month: Mapped[str | None] = mapped_column(String(7))
    sha256: Mapped[str] = mapped_column(HASH)
    signed_by: Mapped[str | None]
    created_at: Mapped[datetime]
    file_path: Mapped[str | None] = mapped_column(String(255))


class AuditAnchor(CentralBase):
    """Where a laptop's audit trail stood, as its batches said (sync/anchor.py): one row per (inspector, laptop,
    event). A later batch whose trail gives another hash for one of these events was rewritten (c0004)."""

    __tablename__ = "audit_anchors"

    staff_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(HASH)  # no batch column: which batch brought a point first depends on
    # the order batches arrive in, and the central content must not (merging is order-free)


class Conflict(CentralBase):
    """An incoming row whose UUID the office already holds with other content; kept for a person to decide."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("entity", "entity_id", "incoming_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(ID)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    existing_hash: Mapped[str] = mapped_column(HASH)
    incoming_hash: Mapped[str] = mapped_column(HASH)
    incoming: Mapped[dict[str, Any]] = mapped_column(JSON)
    found_at: Mapped[datetime]


# -- the office's own records (migration c0005): never sent by a laptop, never changed by a merge ---------------
class MonthClose(CentralBase):
    """A month the office closed (月度结算): the summary as it was handed to the 审计科, frozen. Entries of the
    month that reach the central database later are Adjustments, carried by the next open month."""

    __tablename__ = "month_closes"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # scoring.MonthlySummary as closed (office/month.py)
    entries: Mapped[int] = mapped_column(Integer)  # live entries the closed pay list lists
    figures_sha256: Mapped[str] = mapped_column(HASH)  # over the closed pay list's figures, to prove them unchanged
    # the bulletin's groupings as closed (office/bulletin_kept.py, c0013): repeat problems, problems, cases
    bulletin: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MonthCloseLines(CentralBase):
    """The closed pay list's lines as the close read them (office/pay_lines.py's texts, its figures' JSON and
    checklist snapshot, one per line), zlib-compressed in parts (c0013): the closed month's pay list is read
    back from here, as it was hashed into figures_sha256, without sorting and writing out every entry again
    (778,000 at a year's synthetic scale), and whatever is renamed or voided later."""

    __tablename__ = "month_close_lines"

    month: Mapped[str] = mapped_column(ForeignKey("month_closes.month"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    lines: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MonthCloseFile(CentralBase):
    """A document of a closed month written once by its close (c0014): the pay list's workbook in the office's
    language, as the 审计科 is given it. Every later export of that month and language is these very bytes
    (office/kept_workbook.py): nothing in a closed month changes, and a resent copy has the same SHA-256."""

    __tablename__ = "month_close_files"

    month: Mapped[str] = mapped_column(ForeignKey("month_closes.month"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # "pay_list_xlsx"
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(HASH)  # of `data`, checked before it is handed out
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Adjustment(CentralBase):
    """An entry of a closed month that reached the central database after the close (更正, written by the merge
    in the same transaction as the entry): the closed month's figures leave it out and the first open month
    after it carries it; `carried_by` is set when that month is closed in turn."""

    __tablename__ = "adjustments"

    deduction_id: Mapped[str] = mapped_column(ForeignKey("deductions.id"), primary_key=True)
    entry_month: Mapped[str] = mapped_column(String(7), index=True)  # the closed month the entry belongs to
    kind: Mapped[str] = mapped_column(String(16))  # "added": merged after the close
    found_at: Mapped[datetime]
    carried_by: Mapped[str | None] = mapped_column(String(7), index=True)  # NULL: not yet in a closed month


class LateMeasurement(CentralBase):
    """A period rule's record (measured value) that reached the central database after the month its period
    lands in was closed (c0011, written by the merge like an Adjustment): a later passing value can withdraw a
    charge the closed month counted, so the month that carries the corrections needs to know what arrived when
    (office/period_corrections.py). Rows only added."""

    __tablename__ = "late_measurements"

    measurement_id: Mapped[str] = mapped_column(ForeignKey("measurements.id"), primary_key=True)
    entry_month: Mapped[str] = mapped_column(String(7), index=True)  # the closed month the period lands in
    found_at: Mapped[datetime]


class RectificationDecision(CentralBase):
    """The office's decision on one rectification item (整改台账): verified, reopened, deadline extended or
    waived, with who decided and why. Appended, never changed: the newest decision is the item's status."""

    __tablename__ = "rectification_decisions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    rectification_id: Mapped[str] = mapped_column(ForeignKey("rectifications.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[date | None] = mapped_column(Date)  # the new deadline when extended
    note: Mapped[str]
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]


class AwardPick(CentralBase):
    """The office's pick in a quarter's selection (季度评选, 000): a window (优质服务窗口, by roster code) or a
    person (服务标兵, by 工号). A withdrawn pick keeps its row with `withdrawn_at` set."""

    __tablename__ = "award_picks"
    __table_args__ = (UniqueConstraint("quarter", "kind", "subject"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-Qn
    kind: Mapped[str] = mapped_column(String(16))  # "window" / "person"
    subject: Mapped[str] = mapped_column(String(64))  # roster code or 工号
    name: Mapped[str]
    note: Mapped[str]
    picked_by: Mapped[str] = mapped_column(String(64))
    picked_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class Complaint(CentralBase):
    """A complaint in the office's register (投诉登记, 001 §四 第7条): received → investigating → verified (查实)
    or unfounded (不属实). Only a verified one charges 第7条, once, in the month of its verification
    (`local_month`), with the points the one scoring module gives from the checklist `checklist_hash` and the
    roster (a head ×2); an unfounded one stays on record with none. Changes are in the office's trail."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_month_status", "local_month", "status"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # TS-YYYY-nnnn, by the year received
    received_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(32))  # 12345, 卫健委, 院办, 科室, 患者及家属, 其他
    complainant: Mapped[str]
    department_code: Mapped[str] = mapped_column(String(64), index=True)
    department_name: Mapped[str]
    staff_no: Mapped[str | None] = mapped_column(String(32), index=True)  # None: against the department
    staff_name: Mapped[str | None]
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str]
    evidence: Mapped[str]
    status: Mapped[str] = mapped_column(String(16))  # received / investigating / verified / unfounded / void
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_note: Mapped[str]
    local_month: Mapped[str | None] = mapped_column(String(7))  # the verification's month: when it counts
    checklist_hash: Mapped[str | None] = mapped_column(String(64))
    item_code: Mapped[str | None] = mapped_column(String(64))
    charged_to: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[float] = mapped_column(Float, default=0.0)
    pay_percent: Mapped[float] = mapped_column(Float, default=0.0)
    referral_to: Mapped[str | None] = mapped_column(String(128))  # 移交: to whom (001 §四 第8条)
    referral_state: Mapped[str | None] = mapped_column(String(16))  # referred / handled
    referral_note: Mapped[str]
    received_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class OfficeEvent(CentralBase):
    """The office's append-only trail: every close, decision and pick, with who and when."""

    __tablename__ = "office_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class Measurement(Content, CentralBase):
    """A measured value a laptop sent (c0008), its pass and occurrences worked out again at merge."""

    __tablename__ = "measurements"
    __table_args__ = (Index("ix_measurements_period_department", "period", "department_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))  # the roster code
    period: Mapped[str] = mapped_column(String(7))
    values: Mapped[str] = mapped_column(Text)  # canonical JSON, threshold position → value (as sent)
    passed: Mapped[bool] = mapped_column(Boolean)
    occurrences: Mapped[int] = mapped_column(Integer)
    monthly: Mapped[bool] = mapped_column(Boolean)  # the snapshot's item is a monthly rule (worked out at merge)
    recorded_at: Mapped[datetime]
    deduction_id: Mapped[str | None] = mapped_column(ID)
    voided_at: Mapped[datetime | None]


CONTENT_TABLES: tuple[type[Content], ...] = (Department, ChecklistSnapshot, Inspection, Deduction, Rectification,
                                             Photo, HandSignature, Document, Measurement)


class Revocation(CentralBase):
    """A certificate the office revoked (`office revoke`, c0009): the central copy of revocations.json, so the
    audit of who was revoked, from when, why, by whom and when it was recorded stays with the office's other
    records. Append-only: one row per certificate (its issuing office root and serial), never changed."""

    __tablename__ = "revocations"
    __table_args__ = (UniqueConstraint("issuer_fingerprint", "serial"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    issuer_fingerprint: Mapped[str] = mapped_column(HASH)  # the office root that issued the certificate
    serial: Mapped[str] = mapped_column(String(40))  # lowercase hex, as on the CRL
    name: Mapped[str] = mapped_column(String(64))
    staff_no: Mapped[str] = mapped_column(String(32), index=True)
    revoked_at: Mapped[datetime]  # when the revocation takes effect
    reason: Mapped[str] = mapped_column(String(16))  # key-compromise / left / superseded / ceased / unspecified
    note: Mapped[str]
    recorded_at: Mapped[datetime]  # when and by whom the office recorded it (revocations.json)
    recorded_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime]  # when the central database received it
