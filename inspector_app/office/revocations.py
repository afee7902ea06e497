"""The office's revocations in the central database (c0009), beside revocations.json in the office folder.

`office revoke` writes revocations.json and the CRL first (that is what makes a revocation effective, and it
needs no database); the central database then gets the same entries, so its audit names every revoked
certificate with who recorded it and when. Entries the database lacks — a revocation recorded while it could not
be reached, or before c0009 — are copied in whenever the office works with both: `office revoke`, `merge`,
`office seal --pending` and the merge dialog call `record_revocations`. Rows are only ever added.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.identity.revocation import Revocation, load_revocations
from inspector_app.core.identity.storage import fingerprint_hex
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.store.models import utcnow


@dataclass(frozen=True)
class Recorded:
    added: list[m.Revocation]  # rows this call added
    total: int  # revocations of this office in the central database afterwards


def _row(entry: Revocation, issuer: str) -> m.Revocation:
    return m.Revocation(id=str(uuid.uuid4()), issuer_fingerprint=issuer, serial=entry.serial, name=entry.name,
                        staff_no=entry.staff_no, revoked_at=entry.revoked_at, reason=entry.reason, note=entry.note,
                        recorded_at=entry.recorded_at, recorded_by=entry.recorded_by, entered_at=utcnow())


def record_revocations(central: CentralDB, office_dir: Path | str) -> Recorded:
    """Copy the office folder's revocations the central database does not have yet; existing rows are left as
    they are (a revocation is never rewritten)."""
    issuer = fingerprint_hex(load_office_certificate(Path(office_dir)))
    entries = load_revocations(office_dir)

    def add(session) -> Recorded:
        known = set(session.scalars(select(m.Revocation.serial).where(m.Revocation.issuer_fingerprint == issuer)))
        rows = [_row(entry, issuer) for entry in entries if entry.serial not in known]
        session.add_all(rows)
        session.flush()
        return Recorded(rows, len(known) + len(rows))

    try:
        return central.transaction(add)
    except IntegrityError:  # another office machine added the same rows meanwhile: take what is there now
        return central.transaction(add)


def central_revocations(central: CentralDB, staff_no: str | None = None) -> list[m.Revocation]:
    """The revocations the central database holds, oldest recorded first (one person's with `staff_no`)."""
    with central.read() as session:
        query = select(m.Revocation).order_by(m.Revocation.recorded_at, m.Revocation.serial)
        if staff_no is not None:
            query = query.where(m.Revocation.staff_no == staff_no)
        return list(session.scalars(query))
