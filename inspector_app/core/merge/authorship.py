"""Who may send what (issue #13): an enrolled inspector's key vouches for that inspector's own work only.

- Each inspection in a bundle is the signer's: its `inspector_no` is the signer's 工号 (the certificate's
  serialNumber, checked by verify.py). An inspection transcribed from paper (origin `imported`) names the
  paper's inspector; the signer is then its transcriber, kept as the batch's staff_no.
- Every row hangs where it is nested: a deduction on its own inspection, a photo and a rectification on
  their own deduction, signatures and documents on their own inspection. A bundle cannot hang rows on an
  inspection it does not carry.
- At merge (service.py), a bundle may not add to or change an inspection that arrived in another signer's
  bundle: `first_authors` tells who brought each inspection first.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.verify import Quarantine

IMPORTED = "imported"


def not_yours(inspection_id: str, signer: str, author: str) -> Quarantine:
    return Quarantine("not_author", tr("Inspection {id} was sent by inspector {author}; {signer} may not add to it "
                                       "or change it.", id=inspection_id, author=author, signer=signer))


def check_record(record: fmt.InspectionRecord, signer: str) -> None:
    """Raise Quarantine unless the record is the signer's own work, every row nested where it belongs."""
    inspection = record.inspection
    if inspection.origin != IMPORTED and inspection.inspector_no not in (None, signer):
        raise not_yours(inspection.id, signer, inspection.inspector_no or "")
    if inspection.checklist_hash != record.checklist.content_hash or inspection.department_id != record.department.id:
        raise _misplaced(inspection.id)
    for deduction in record.deductions:
        if deduction.inspection_id != inspection.id:
            raise _misplaced(deduction.id)
        if deduction.rectification is not None and deduction.rectification.deduction_id != deduction.id:
            raise _misplaced(deduction.rectification.id)
        for photo in deduction.photos:  # a loop, not any() over a generator made for every entry
            if photo.deduction_id != deduction.id:
                raise _misplaced(deduction.id)
    for row in [*record.hand_signatures, *record.documents]:
        if row.inspection_id not in (None, inspection.id):
            raise _misplaced(row.id)


def _misplaced(row_id: str) -> Quarantine:
    return Quarantine("misplaced_row", tr("Row {id} of the batch refers to an inspection or entry the batch does "
                                          "not carry it under.", id=row_id))


def first_authors(connection: Connection, inspection_ids: Iterable[str]) -> dict[str, str]:
    """inspection id → 工号 of the signer whose bundle brought it first, for those the database holds."""
    ids = sorted(set(inspection_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        found.update((inspection_id, staff_no) for inspection_id, staff_no in connection.execute(
            select(m.Inspection.id, m.Batch.staff_no).join(m.Batch, m.Batch.batch_id == m.Inspection.batch_id)
            .where(m.Inspection.id.in_(ids[start:start + 500]))))
    return found
