"""The office's side of the anchored audit trail (sync/anchor.py has the laptop's).

Every batch of a current laptop carries `audit/anchor.json`: the (seq, hash) of its audit trail's head, and
of the head its previous batch carried. The office keeps each such point per inspector (工号) and laptop.
A later batch that gives another hash for a seq it has seen comes from a trail rewritten after it was sent:
quarantined as `history_rewritten`, whatever its signature, while the others merge. Points are keyed by the
signer's 工号 too, so one inspector's key cannot spoil another inspector's anchors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.sync.verify import Quarantine

if TYPE_CHECKING:
    from inspector_app.core.merge.service import Prepared

Key = tuple[str, str]  # (signer's 工号, device id)


def anchor_points(item: Prepared) -> list[tuple[Key, int, str]]:
    """The (key, seq, hash) points a bundle states; none for an older laptop's."""
    anchor = item.anchor
    if anchor is None:
        return []
    key = (item.manifest.inspector.staff_no, item.manifest.device_id)
    points = [(key, anchor.head_seq, anchor.head_hash)]
    if anchor.base_seq:
        points.append((key, anchor.base_seq, anchor.base_hash))
    return points


def anchors_held(connection: Connection, prepared: Sequence[Prepared]) -> dict[tuple[str, str, int], str]:
    """(工号, device, seq) → hash of every point the database holds for the group's laptops."""
    devices = sorted({item.manifest.device_id for item in prepared if item.anchor is not None})
    held: dict[tuple[str, str, int], str] = {}
    for start in range(0, len(devices), 500):
        for staff_no, device_id, seq, digest in connection.execute(
                select(m.AuditAnchor.staff_no, m.AuditAnchor.device_id, m.AuditAnchor.seq, m.AuditAnchor.hash)
                .where(m.AuditAnchor.device_id.in_(devices[start:start + 500]))):
            held[(staff_no, device_id, seq)] = digest
    return held


def history_rewritten(seq: int) -> Quarantine:
    return Quarantine("history_rewritten", tr(
        "The laptop's audit trail no longer matches what it sent before (event {seq}): its history was "
        "rewritten after it was sent.", seq=seq))
