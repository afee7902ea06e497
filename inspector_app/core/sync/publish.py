"""The office publishes checklists, the roster, certificates and rectification status for the laptops.

Everything is checked before anything is written (a checklist whose quotes are not in the standards, a roster
with a bad row: nothing is published). A publication carries forward the previous one's items that it does
not replace, so publishing only a roster keeps the checklists published before. Layout: published_format.py.

Rectification status: the central database holds each rectification as the laptop sent it with its
inspection (merging never overwrites a row), so it knows "open" or whatever the inspector had recorded by
then. Later decisions of the office (e.g. verified on re-inspection) come from a status file the office writes
(`--rectifications FILE`, RectificationStatusFile); both are combined by item, the later `updated_at` winning.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from inspector_app.core.checklists import load_checklist
from inspector_app.core.errors import AppError, InputError
from inspector_app.core.fileformat import load_model
from inspector_app.core.files import (
    fsync_folder,
    read_limited,
    rename_path,
    write_atomic,
)
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.office import load_office_certificate, office_paths
from inspector_app.core.identity.passphrase import encode
from inspector_app.core.sync import published_format as fmt
from inspector_app.core.sync.share import Share
from inspector_app.core.sync.signing import sign_bytes, signature_valid


@dataclass(frozen=True)
class Payload:
    kind: fmt.Kind
    key: str
    name: str
    data: bytes


@dataclass(frozen=True)
class PublishReport:
    version: int
    index: Path
    items: tuple[fmt.PublishedItem, ...]
    new: tuple[str, ...]  # "<kind>:<key>" of the items this publication added or replaced

    def message(self) -> str:
        return tr("Published version {version} in {path}: {count} item(s), {new} new or changed.",
                  version=self.version, path=self.index.parent, count=len(self.items), new=len(self.new))


def _office_key(folder: Path, passphrase: str) -> tuple[PrivateKeyTypes, x509.Certificate]:
    key_file, _ = office_paths(folder)
    cert = load_office_certificate(folder)
    if not certs.valid_now(cert):
        raise AppError(tr("The office certificate expired on {date}; create a new office.",
                          date=cert.not_valid_after_utc.date()))
    key = storage.load_private_key(key_file, encode(passphrase), tr("The office passphrase is wrong."))
    if not storage.same_key(key.public_key(), cert.public_key()):  # type: ignore[arg-type]
        raise AppError(tr("The office key and certificate in {path} do not belong together.", path=folder))
    return key, cert


def _checklist_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return files


def checklist_payloads(paths: Sequence[Path]) -> list[Payload]:
    """Each checklist fully checked (quotes included); every problem of every file is reported at once."""
    payloads, problems = [], []
    for path in _checklist_files(paths):
        try:
            checklist = load_checklist(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        data = read_limited(path, fmt.MAX_ITEM_BYTES)
        digest = hashlib.sha256(data).hexdigest()
        payloads.append(Payload("checklist", checklist.id, f"checklists/{digest[:16]}.yaml", data))
    if problems:
        raise InputError(problems)
    return payloads


def roster_payload(path: Path) -> Payload:
    """A roster file (YAML/JSON) as it is, or a CSV/XLSX staff table turned into roster YAML."""
    from inspector_app.core.roster import load_roster, read_roster_table

    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        load_roster(path)
        return Payload("roster", "roster", "roster" + path.suffix.lower(), read_limited(path, fmt.MAX_ITEM_BYTES))
    table = read_roster_table(path)
    table.raise_if_problems()
    text = yaml.safe_dump(table.roster.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    return Payload("roster", "roster", "roster.yaml", text.encode("utf-8"))


def certificate_payloads(office: x509.Certificate, extra: Sequence[Path]) -> list[Payload]:
    """The office's own certificate, plus office (CA) certificates the laptops should trust too."""
    found = [office]
    for path in extra:
        loaded = storage.load_certificates(path)
        if not all(certs.is_ca(cert) for cert in loaded):
            raise storage.problem(path, tr("only office certificates can be published for the laptops to trust"))
        found.extend(loaded)
    payloads: dict[str, Payload] = {}
    for cert in found:
        key = storage.fingerprint_hex(cert)
        payloads[key] = Payload("certificate", key, f"certificates/{key[:16]}.pem", storage.cert_pem(cert))
    return list(payloads.values())


def revocation_payload(office_dir: Path) -> Payload | None:
    """The office's CRL (identity/revocation.py), when it has revoked anything: laptops verify with it."""
    path = office_dir / storage.CRL_FILE
    if not path.is_file():
        return None
    data = read_limited(path, fmt.MAX_ITEM_BYTES)
    try:
        x509.load_pem_x509_crl(data)
    except ValueError:
        raise storage.problem(path, tr("the revocation list is damaged")) from None
    return Payload("revocations", "crl", "revocations/office.crl.pem", data)


def central_statuses(url: str) -> list[fmt.RectificationStatus]:
    """Rectification items as merged into the central database (the laptops' status when they sent them), and
    the office's decisions on them (`decided_statuses`)."""
    from sqlalchemy import select

    from inspector_app.core.merge import models as m
    from inspector_app.core.merge import open_central

    central = open_central(url)
    try:
        with central.read() as session:
            payloads = list(session.scalars(select(m.Rectification.payload)))
            decided = decided_statuses(session)
    finally:
        central.close()
    keep = set(fmt.RectificationStatus.model_fields) - set(fmt.DECISION_FIELDS)
    return [*(fmt.RectificationStatus.model_validate({k: v for k, v in p.items() if k in keep})
              for p in payloads if p.get("status") in ("open", "rectified", "verified")), *decided]


def decided_statuses(session: Any) -> list[fmt.RectificationStatus]:
    """Each item the office decided on (office/ledger.py, `rectification_decisions`, oldest first), as the
    laptops take it: the newest decision with who, when and why; the deadline the newest decision that set one
    gave; verified or back to open as the decisions left it (the ledger's rule), else as the laptop sent it.
    `updated_at` is when it was last decided (or the laptop's, if later), so a laptop applies it over an older
    state of its own only."""
    from sqlalchemy import select

    from inspector_app.core.merge import models as m

    RD, R = m.RectificationDecision, m.Rectification
    found: dict[str, list[Any]] = {}
    stored: dict[str, dict[str, Any]] = {}
    for decision, payload in session.execute(select(RD, R.payload).join(R, R.id == RD.rectification_id)
                                             .order_by(RD.decided_at, RD.id)):
        found.setdefault(decision.rectification_id, []).append(decision)
        stored[decision.rectification_id] = payload or {}
    statuses = []
    for item, decisions in sorted(found.items()):
        sent = fmt.RectificationStatus.model_validate(
            {k: v for k, v in stored[item].items() if k in ("id", "status", "rectified_at", "rectified_note",
                                                            "verified_at", "verified_by", "updated_at")}
            | {"id": item, "status": stored[item].get("status") if stored[item].get("status") in
               ("open", "rectified", "verified") else "open"}
            | ({} if stored[item].get("updated_at") else {"updated_at": decisions[-1].decided_at}))
        status, verified_at, verified_by, deadline = sent.status, sent.verified_at, sent.verified_by, None
        for d in decisions:
            deadline = d.deadline or deadline
            if d.decision == "verified":
                status, verified_at, verified_by = "verified", d.decided_at, d.decided_by
            elif d.decision == "reopened":
                status, verified_at, verified_by = "open", None, None
        last = decisions[-1]
        statuses.append(sent.model_copy(update={
            "status": status, "verified_at": verified_at, "verified_by": verified_by,
            "updated_at": max(sent.updated_at, last.decided_at), "decision": last.decision, "deadline": deadline,
            "decided_by": last.decided_by, "decided_at": last.decided_at,
            "decision_note": (last.note or "").strip()[:2000] or None}))
    return statuses


def rectification_payload(statuses: Sequence[fmt.RectificationStatus]) -> Payload:
    """One status per item: the newest (`updated_at`), carrying the newest decision any of them has."""
    newest: dict[str, fmt.RectificationStatus] = {}
    decided: dict[str, fmt.RectificationStatus] = {}
    for status in statuses:
        if status.id not in newest or status.updated_at > newest[status.id].updated_at:
            newest[status.id] = status
        if status.decided_at is not None and (status.id not in decided
                                              or status.decided_at > decided[status.id].decided_at):
            decided[status.id] = status
    for item, status in decided.items():
        newest[item] = newest[item].model_copy(update={name: getattr(status, name) for name in fmt.DECISION_FIELDS})
    body = fmt.RectificationStatusFile(format=fmt.STATUS_FORMAT, version=fmt.STATUS_VERSION,
                                       items=sorted(newest.values(), key=lambda s: s.id))
    return Payload("rectifications", "rectifications", "rectifications.json",
                   (json.dumps(body.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1)
                    + "\n").encode("utf-8"))


def _previous(share: Share, office: x509.Certificate) -> tuple[int, list[Payload]]:
    """The highest version used so far, and the payloads of the current publication if it is ours and intact."""
    numbers = [int(match.group(1)) for p in (share.published.iterdir() if share.published.is_dir() else [])
               if (match := fmt.FOLDER_RE.match(p.name))]
    highest = max(numbers, default=0)
    try:
        fields = json.loads(read_limited(share.published / fmt.INDEX, fmt.MAX_INDEX_BYTES))
        signature = fmt.decode_signature(fields.get("signature"))
        if signature is None or not signature_valid(office.public_key(), signature, fmt.signed_bytes(fields)):
            return highest, []
        index = fmt.PublishedIndex.model_validate({k: v for k, v in fields.items() if k != "signature"})
    except (InputError, ValueError, AttributeError):
        return highest, []
    kept = []
    for item in index.items:
        try:
            data = read_limited(share.published / index.folder / item.name, fmt.MAX_ITEM_BYTES)
        except InputError:
            continue
        if hashlib.sha256(data).hexdigest() == item.sha256:
            kept.append(Payload(item.kind, item.key, item.name, data))
    return max(highest, index.version), kept


def publish(office_dir: Path | str, share_path: Path | str, passphrase: str | Callable[[], str], *,
            checklists: Sequence[Path] = (), roster: Path | None = None, certificates: Sequence[Path] = (),
            rectifications: Path | None = None, central_url: str | None = None) -> PublishReport:
    """Check every input, then write a new signed publication into `<share>/published/`.

    `passphrase` may be a function, asked only once every input checked (nobody types it for a bad file)."""
    share = Share(share_path)
    if not share.reachable():
        raise AppError(tr("The shared folder {path} cannot be reached (not connected, missing or read-only). "
                          "Nothing was published.", path=share.path))
    office_cert = load_office_certificate(Path(office_dir))
    new = checklist_payloads([Path(p) for p in checklists])
    if roster is not None:
        new.append(roster_payload(Path(roster)))
    statuses = load_model(Path(rectifications), fmt.RectificationStatusFile).items if rectifications else []
    if central_url:
        statuses = [*central_statuses(central_url), *statuses]
    if rectifications or central_url:
        new.append(rectification_payload(statuses))
    new.extend(certificate_payloads(office_cert, [Path(p) for p in certificates]))
    crl = revocation_payload(Path(office_dir))
    if crl is not None:
        new.append(crl)
    key, office_cert = _office_key(Path(office_dir), passphrase() if callable(passphrase) else passphrase)
    share.ensure_layout()
    highest, previous = _previous(share, office_cert)
    payloads = {(p.kind, p.key): p for p in previous}
    changed = [f"{p.kind}:{p.key}" for p in new
               if (p.kind, p.key) not in payloads or payloads[(p.kind, p.key)].data != p.data]
    payloads.update({(p.kind, p.key): p for p in new})
    ordered = sorted(payloads.values(), key=lambda p: (fmt.KIND_ORDER[p.kind], p.key))
    version = highest + 1
    folder = _write_folder(share, version, key, ordered)
    items = [fmt.PublishedItem(kind=p.kind, key=p.key, name=p.name, sha256=hashlib.sha256(p.data).hexdigest(),
                               size=len(p.data)) for p in ordered]
    index = fmt.PublishedIndex(format=fmt.INDEX_FORMAT, version=version,
                               published_at=datetime.now(timezone.utc).replace(microsecond=0),
                               office=certs.name_part(office_cert.subject, x509.NameOID.COMMON_NAME),
                               office_fingerprint=storage.fingerprint_hex(office_cert), folder=folder.name,
                               items=items)
    fields = index.model_dump(mode="json")
    fields["signature"] = fmt.encode_signature(sign_bytes(key, fmt.signed_bytes(fields)))
    index_path = share.published / fmt.INDEX
    write_atomic(index_path, (json.dumps(fields, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    _prune(share, keep={folder.name, fmt.folder_name(highest)})
    return PublishReport(version, index_path, tuple(items), tuple(changed))


def _write_folder(share: Share, version: int, key: PrivateKeyTypes, payloads: Sequence[Payload]) -> Path:
    """All payloads and their signatures in a hidden folder, renamed to v<NNNNNN> once complete."""
    final = share.published / fmt.folder_name(version)
    if final.exists():
        raise AppError(tr("Another publication is being written to {path}; try again.", path=final))
    staging = share.published / f".{final.name}.{uuid.uuid4().hex}.part"
    try:
        for payload in payloads:
            write_atomic(staging / payload.name, payload.data)
            write_atomic(staging / (payload.name + ".sig"), sign_bytes(key, payload.data))
        rename_path(staging, final)  # retried while the antivirus still scans a file in it (Windows)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_folder(share.published)
    return final


def _prune(share: Share, keep: set[str]) -> None:
    """Drop version folders older than the previous one (a laptop may still be reading the previous one)."""
    for path in share.published.iterdir():
        if fmt.FOLDER_RE.match(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
