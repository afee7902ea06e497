"""Handwritten signatures drawn on the signature pad: checked, stored by content hash, registered and audited.

The inspection sheet prints the latest signature per role (the inspector's, and the inspected department's
acknowledgement). A re-drawn signature is simply a newer row; older ones stay, as everything else does.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from inspector_app.core.errors import InputError, NotFoundError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr
from inspector_app.core.store import audit
from inspector_app.core.store.models import HandSignature, Inspection, utcnow
from inspector_app.core.workspace import Workspace

ROLES = ("inspector", "department")
SIGNATURE_DIR = "signatures"
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
MAX_SIGNATURE_PIXELS = 16_000_000


class SignatureView(NamedTuple):
    name: str
    path: Path  # absolute
    signed_at: datetime  # aware (UTC)


def _bad(field: str, reason: str) -> InputError:
    return InputError.single(tr("signature"), reason, field=field)


def _check_png(png_bytes: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    if not png_bytes:
        raise _bad("image", tr("the signature image is empty"))
    if len(png_bytes) > MAX_SIGNATURE_BYTES:
        raise _bad("image", tr("the signature image is too large ({size} bytes, at most 2 MB)",
                               size=len(png_bytes)))
    try:
        with Image.open(io.BytesIO(png_bytes)) as image:
            if image.format != "PNG":
                raise _bad("image", tr("the signature must be a PNG image"))
            if image.width * image.height > MAX_SIGNATURE_PIXELS:
                raise _bad("image", tr("the signature image is too large ({size} bytes, at most 2 MB)",
                                       size=len(png_bytes)))
            image.load()  # decodes it all: a truncated file fails here, not when the sheet is printed
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise _bad("image", tr("the signature must be a PNG image")) from exc


def save_hand_signature(ws: Workspace, inspection_id: str, role: str, signer_name: str,
                        png_bytes: bytes) -> HandSignature:
    """Store the PNG under signatures/ (by hash) and register it with an audit event, in one transaction."""
    if role not in ROLES:
        raise _bad("role", tr("the signer must be the inspector or the department"))
    if not signer_name.strip():
        raise _bad("name", tr("the signer's name is required"))
    _check_png(png_bytes)
    digest = hashlib.sha256(png_bytes).hexdigest()
    relative = f"{SIGNATURE_DIR}/{digest}.png"
    target = ws.data_dir / relative
    if not target.exists():
        write_atomic(target, png_bytes)  # written before the row commits, as photos are
    with ws.db.write() as session:
        if session.get(Inspection, inspection_id) is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
        row = HandSignature(inspection_id=inspection_id, role=role, signer_name=signer_name.strip()[:64],
                            sha256=digest, path=relative, signed_at=utcnow(), voided_at=None)
        session.add(row)
        audit.record(session, ws.settings.inspector.name or "inspector", "sign", "hand_signature", row)
    return row


def hand_signatures(ws: Workspace, inspection_id: str) -> dict[str, SignatureView]:
    """The latest live signature per role: {"inspector": (name, path, signed_at), "department": ...}."""
    found: dict[str, SignatureView] = {}
    with ws.db.read() as session:
        rows = session.scalars(select(HandSignature).where(
            HandSignature.inspection_id == inspection_id, HandSignature.voided_at.is_(None))
            .order_by(HandSignature.signed_at, HandSignature.id))
        for row in rows:  # oldest first, so the latest overwrites
            found[row.role] = SignatureView(row.signer_name, ws.data_dir / row.path, row.signed_at)
    return found
