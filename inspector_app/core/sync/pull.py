"""The laptop takes what the office published: verified first, installed only when everything about it checks.

Order for every pull: the index must be signed by an office certificate in this laptop's trust store
(`<data>/trust/`, filled by enrolment) and must not be older than the publication already received (a copy
of an old share cannot roll the laptop back); then each item must match the index's SHA-256, carry a valid
office signature, and load with the app's own loaders (checklists with the quote check, the roster, PEM
certificates, the rectification status file). Only then is it installed. A refused item is reported with the
file and the reason and changes nothing; the old version stays. The version of every index whose signature
checks is remembered in `<data>/published/received.json` at once, even when some of its items are refused
(a partial pull), so no older index is ever installed from afterwards; the refused items are not marked as
taken and are tried again at the next pull, from the same index or a newer one.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from inspector_app.core.checklists import content_hash, load_checklist
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import load_model, validation_problems
from inspector_app.core.files import (
    read_limited,
    remove_file,
    replace_file,
    write_atomic,
)
from inspector_app.core.i18n import language, tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.trust import add_trusted, trusted_office_certs
from inspector_app.core.sync import published_format as fmt
from inspector_app.core.sync.share import Share
from inspector_app.core.sync.signing import signature_valid
from inspector_app.core.workspace import PUBLISHED_FORMS, Workspace

RECEIVED = Path("published") / "received.json"
STAGING = Path("published") / "staging"


@dataclass
class PullReport:
    nothing_published: bool = False
    version: int | None = None
    up_to_date: bool = False
    installed: list[str] = field(default_factory=list)  # plain lines: what changed on this laptop
    refused: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.nothing_published:
            return [tr("The office has published nothing yet.")]
        lines = list(self.installed)
        if self.up_to_date and not self.refused:
            lines.append(tr("Checklists, roster and rectification status are up to date (version {version}).",
                            version=self.version))
        lines += [tr("Refused, the old version stays: {problem}", problem=str(p)) for p in self.refused]
        return lines


class _Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def _refuse(path: Path, reason: str) -> _Refused:
    return _Refused([Problem(str(path), None, "", reason)])


def load_received(ws: Workspace) -> fmt.ReceivedState:
    try:
        return fmt.ReceivedState.model_validate_json((ws.data_dir / RECEIVED).read_bytes())
    except (OSError, ValueError):
        return fmt.ReceivedState()  # none yet (a damaged one only means everything is checked again)


def _save_received(ws: Workspace, state: fmt.ReceivedState) -> None:
    write_atomic(ws.data_dir / RECEIVED, state.model_dump_json(indent=1).encode("utf-8"))


def _read_index(path: Path, trusted: list[x509.Certificate]) -> tuple[fmt.PublishedIndex, x509.Certificate, bytes]:
    try:
        raw = read_limited(path, fmt.MAX_INDEX_BYTES)
        fields = json.loads(raw.decode("utf-8"))
    except InputError as exc:
        raise _Refused(exc.problems) from None
    except (UnicodeDecodeError, ValueError):
        raise _refuse(path, tr("not valid JSON (damaged or cut short)")) from None
    if not isinstance(fields, dict):
        raise _refuse(path, tr("not a publication index"))
    signature = fmt.decode_signature(fields.get("signature"))
    signed = fmt.signed_bytes(fields)
    office = next((c for c in trusted if signature is not None and signature_valid(c.public_key(), signature, signed)),
                  None)
    if office is None:
        known = fields.get("office_fingerprint") in {storage.fingerprint_hex(c) for c in trusted}
        raise _refuse(path, tr("the office signature does not match: the index was altered") if known else
                      tr("not signed by an office this laptop trusts (unknown signer)"))
    try:
        index = fmt.PublishedIndex.model_validate({k: v for k, v in fields.items() if k != "signature"})
    except ValidationError as exc:
        raise _Refused(validation_problems(exc, str(path), {})) from None
    return index, office, raw


def pull(ws: Workspace, share_path: Path | str) -> PullReport:
    """Take every new, verified item of the office's current publication; see the module docstring."""
    share = Share(share_path)
    index_path = share.published / fmt.INDEX
    report = PullReport()
    if not index_path.is_file():
        report.nothing_published = True
        return report
    state = load_received(ws)
    try:
        index, office, raw = _read_index(index_path, trusted_office_certs(ws))
    except _Refused as refusal:
        report.refused.extend(refusal.problems)
        return report
    report.version = index.version
    digest = hashlib.sha256(raw).hexdigest()
    if index.version < state.version or (index.version == state.version and digest != state.index_sha256):
        report.refused.append(Problem(str(index_path), None, "", tr(
            "this publication (version {version}) is older than the one already received (version {received}); "
            "an old copy of the share cannot replace it", version=index.version, received=state.version)))
        return report
    if index.version == state.version and state.complete:
        report.up_to_date = True
        _save_received(ws, state.model_copy(update={"received_at": datetime.now(timezone.utc)}))
        return report
    # the signature checks and the index is not older: remember its version before taking anything, so that
    # neither a refused item below nor a crash half-way lets an older index be installed from afterwards
    _save_received(ws, state.model_copy(update={"version": index.version, "index_sha256": digest,
                                                "complete": False}))
    received = dict(state.items)
    new_checklists = False
    for item in sorted(index.items, key=lambda i: fmt.KIND_ORDER[i.kind]):
        if received.get(f"{item.kind}:{item.key}") == item.sha256:
            continue
        path = share.published / index.folder / item.name
        try:
            line = _take(ws, path, item, office, index)
        except _Refused as refusal:
            report.refused.extend(refusal.problems)
            continue
        except InputError as exc:
            report.refused.extend(replace(p, file=str(path)) if p.file.startswith(str(ws.data_dir)) else p
                                  for p in exc.problems)
            continue
        received[f"{item.kind}:{item.key}"] = item.sha256
        if line:
            report.installed.append(line)
            new_checklists = new_checklists or item.kind == "checklist"
    if new_checklists:
        ws.reload_library()  # once for the whole pull: each reload re-checks every form
    complete = not report.refused
    _save_received(ws, fmt.ReceivedState(version=index.version, index_sha256=digest, complete=complete,
                                         received_at=datetime.now(timezone.utc), items=received))
    report.up_to_date = complete and not report.installed
    return report


def _take(ws: Workspace, path: Path, item: fmt.PublishedItem, office: x509.Certificate,
          index: fmt.PublishedIndex) -> str:
    """Verify one item and install it; a line saying what changed ("" when nothing needed to)."""
    try:
        data = read_limited(path, fmt.MAX_ITEM_BYTES)
        signature = read_limited(Path(str(path) + ".sig"), 64 * 1024)
    except InputError as exc:
        raise _Refused(exc.problems) from None
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise _refuse(path, tr("the file does not match the publication index (changed or damaged)"))
    if not signature_valid(office.public_key(), signature, data):
        raise _refuse(path, tr("the office signature over this file does not match (altered)"))
    staged = ws.data_dir / STAGING / f"{uuid.uuid4().hex}{Path(item.name).suffix}"
    write_atomic(staged, data)
    try:
        return INSTALLERS[item.kind](ws, staged, path, index)
    finally:
        remove_file(staged)


def _checklist(ws: Workspace, staged: Path, source: Path, index: fmt.PublishedIndex) -> str:
    checklist = load_checklist(staged)
    current = ws.library.checklists.get(checklist.id)
    if current is not None and current.version > checklist.version:
        raise _refuse(source, tr("checklist {id} version {version} is older than version {current} on this laptop",
                                 id=checklist.id, version=checklist.version, current=current.version))
    if current is not None and current.version == checklist.version:
        if ws.hash_of(current) == content_hash(checklist):
            return ""
        raise _refuse(source, tr("checklist {id} version {version} differs from the one on this laptop with the same "
                                 "version number; the office must raise the version", id=checklist.id,
                                 version=checklist.version))
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", checklist.id)
    target = ws.data_dir / PUBLISHED_FORMS / f"{safe}-v{checklist.version}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(staged, target.with_name(target.name + ".part"))
    replace_file(target.with_name(target.name + ".part"), target)  # the library is reloaded once, after the pull
    return tr("Checklist {title} version {version} received.", title=checklist.title.get(language()), version=checklist.version)


def _roster(ws: Workspace, staged: Path, source: Path, index: fmt.PublishedIndex) -> str:
    from inspector_app.core.roster import load_roster
    from inspector_app.core.roster_store import apply_roster

    roster = load_roster(staged)
    changes = apply_roster(ws, roster, replace=True, actor=tr("office: {name}", name=index.office))
    return tr("Roster received: {count} change(s).", count=changes.total) if changes.total else ""


def _certificates(ws: Workspace, staged: Path, source: Path, index: fmt.PublishedIndex) -> str:
    loaded = storage.load_certificates(staged)
    if not all(certs.is_ca(cert) for cert in loaded):
        raise _refuse(source, tr("only office certificates can be published for the laptops to trust"))
    trusted = {storage.fingerprint_hex(c) for c in trusted_office_certs(ws)}
    fresh = [cert for cert in loaded if storage.fingerprint_hex(cert) not in trusted]
    for cert in fresh:
        add_trusted(ws.data_dir, cert)
    return tr("{count} office certificate(s) now trusted.", count=len(fresh)) if fresh else ""


def _rectifications(ws: Workspace, staged: Path, source: Path, index: fmt.PublishedIndex) -> str:
    from inspector_app.core.rectification import RectificationService

    status = load_model(staged, fmt.RectificationStatusFile)
    changed = RectificationService(ws, tr("office: {name}", name=index.office)).apply_published(status.items)
    return tr("Rectification status received: {count} item(s) updated.", count=changed) if changed else ""


def _revocations(ws: Workspace, staged: Path, source: Path, index: fmt.PublishedIndex) -> str:
    """The office's CRL into the trust folder (`verify` reads `<data>/trust/*.crl.pem`): only one a trusted
    office signed, and never one older than the one held (an old list would take a revocation back)."""
    try:
        crl = x509.load_pem_x509_crl(staged.read_bytes())
    except ValueError:
        raise _refuse(source, tr("the revocation list is damaged")) from None
    issuer = next((cert for cert in trusted_office_certs(ws)
                   if cert.subject == crl.issuer and crl.is_signature_valid(cert.public_key())), None)
    if issuer is None:
        raise _refuse(source, tr("the revocation list is not signed by an office this laptop trusts"))
    target = storage.trust_dir(ws.data_dir) / f"{storage.fingerprint_hex(issuer)[:16]}.crl.pem"
    if target.is_file():
        try:
            held = x509.load_pem_x509_crl(target.read_bytes())
        except ValueError:
            held = None
        if held is not None and held.last_update_utc > crl.last_update_utc:
            raise _refuse(source, tr("the revocation list is older than the one on this laptop"))
        if held is not None and held.public_bytes(serialization.Encoding.PEM) == crl.public_bytes(
                serialization.Encoding.PEM):
            return ""
    write_atomic(target, crl.public_bytes(serialization.Encoding.PEM))
    return tr("Revocation list received: {count} certificate(s) revoked by the office.", count=len(crl))


INSTALLERS = {"checklist": _checklist, "roster": _roster, "certificate": _certificates,
              "rectifications": _rectifications, "revocations": _revocations}
