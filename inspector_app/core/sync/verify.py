"""The office side's reader: open a pushed bundle and check everything before a byte of it is trusted.

Anything wrong raises `Quarantine(reason_code, message)`; `quarantine()` then moves the bundle aside with a
reason file. Sizes are checked from the zip headers and again while streaming (headers can lie), so a zip
bomb stops at the limit. No exception but Quarantine escapes `open_bundle` for a bad file.
"""

from __future__ import annotations

import hashlib
import logging
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from cryptography import x509
from pydantic import ValidationError

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs
from inspector_app.core.identity.trust import issuing_office
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.signing import signature_valid

MB = 1024 * 1024
M = TypeVar("M", bound=fmt.Model)
SMALL_MEMBERS = {fmt.MANIFEST, fmt.SIGNATURE, fmt.SIGNER, fmt.DATA, fmt.AUDIT}  # read into memory during the checks
# what zipfile raises for damaged bytes inside a zip that opened; zlib.error is none of the others (a flipped
# bit in a deflate stream: "invalid distance too far back")
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
               KeyError)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_members: int = 10_000
    max_member_bytes: int = 50 * MB
    max_total_bytes: int = 2 * 1024 * MB
    max_ratio: int = 200  # uncompressed : compressed, for members over `ratio_from` bytes
    ratio_from: int = 1 * MB


class Quarantine(AppError):
    """A bundle the office must not merge; `reason_code` is stable for tools, `message` is for people."""

    def __init__(self, reason_code: str, message: str):
        self.reason_code = reason_code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    manifest: fmt.Manifest
    data: fmt.BatchData
    signer: x509.Certificate
    limits: Limits
    anchor: fmt.AuditAnchor | None = None  # audit/anchor.json (sync/anchor.py); None from older laptops

    @property
    def inspections(self) -> list[fmt.InspectionRecord]:
        return self.data.inspections

    def read(self, name: str) -> bytes:
        """A listed member's bytes, checked again against the signed manifest (the file may have changed)."""
        listed = {m.name: m for m in self.manifest.members}.get(name)
        if listed is None:
            raise Quarantine("unlisted_member", tr("The batch has no member {name}.", name=name))
        with _open_zip(self.path) as zf:
            try:
                data = _read_member(zf, zf.getinfo(name), self.limits)
            except KeyError:
                raise Quarantine("missing_member", tr("The batch has no member {name}.", name=name)) from None
            except DAMAGED_ZIP as exc:  # the file changed on the share since it was checked
                raise _damaged(exc) from None
        if len(data) != listed.size or hashlib.sha256(data).hexdigest() != listed.sha256:
            raise Quarantine("member_mismatch", tr("The member {name} of the batch was changed.", name=name))
        return data


def _damaged(exc: BaseException) -> Quarantine:
    """A damaged or cut-off zip, in words the office understands; the technical cause goes to the log."""
    log.info("damaged batch zip: %r", exc)
    return Quarantine("corrupt_zip", tr("The batch file is damaged or incomplete (it cannot be read as a zip "
                                        "file). Ask the inspector to send it again."))


def safe_name(name: str) -> bool:
    """A plain relative path: no absolute or drive paths, no backslashes, no `..`, no control characters.

    Only whether the path could escape its folder; `windows_name_problem` has the rest of the rules (both in
    `member_name_problem`)."""
    if not name or name.startswith("/") or "\\" in name or _DRIVE.match(name):
        return False
    if any(ord(c) < 32 for c in name):
        return False
    return all(part not in ("", ".", "..") for part in PurePosixPath(name).parts) and not name.endswith("/")


# Windows' rules for file names (the office may run on Windows, and must be able to store every member there)
_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f]')
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                               *(f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3")})
_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
WINDOWS_MAX_NAME = 255  # UTF-16 code units, for each path component and for the whole member name


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def windows_name_problem(name: str) -> str | None:
    """Why Windows could not store the member `name` (a plain relative path, see `safe_name`), or None.

    Forbidden characters `< > : " | ? *` and control characters, reserved device names (CON, PRN, AUX, NUL,
    COM0–9, LPT0–9, COM¹²³, LPT¹²³, with or without an extension), a trailing dot or space, a component or
    the whole name over 255 characters, and an extension that is not 1–8 ASCII letters or digits (the office
    keeps the extension for its stored copy)."""
    if _WINDOWS_FORBIDDEN.search(name):
        return tr("a character Windows does not allow in file names")
    if _utf16_length(name) > WINDOWS_MAX_NAME:
        return tr("longer than Windows allows")
    for part in name.split("/"):
        if _utf16_length(part) > WINDOWS_MAX_NAME:
            return tr("longer than Windows allows")
        if part.endswith((".", " ")):
            return tr("ends with a dot or a space")
        if part.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
            return tr("a name Windows reserves for devices (CON, PRN, AUX, NUL, COM0–9, LPT0–9)")
    last = name.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    if dot > 0 and not _EXTENSION.fullmatch(last[dot:]):
        return tr("an extension that is not 1 to 8 plain letters or digits")
    return None


def _shown(name: str) -> str:
    """A member name as a message can show it: control characters escaped, cut at 120 characters."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name[:120])


def member_name_problem(name: str) -> Quarantine | None:
    """The one check of a member's name: a path that could escape its folder (`unsafe_name`), then a name
    Windows cannot store (`bad_member_name`); None for a good name. Run on every zip entry before anything
    of the bundle is read or written."""
    if not safe_name(name):
        return Quarantine("unsafe_name", tr("The batch holds a member with an unsafe name: {name}",
                                            name=_shown(name)))
    why = windows_name_problem(name)
    if why is not None:
        return Quarantine("bad_member_name", tr("The batch holds a member whose name Windows cannot store: {name} "
                                                "— {why}. The batch was not merged.", why=why, name=_shown(name)))
    return None


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise _damaged(exc) from None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, sink: hashlib._Hash | None = None
                 ) -> bytes:
    """Stream a member, stopping past its declared size or the limit; keeps the bytes unless `sink` is given."""
    cap = min(info.file_size, limits.max_member_bytes)
    chunks, size = [], 0
    with zf.open(info) as stream:
        while block := stream.read(min(MB, cap + 1 - size)):
            size += len(block)
            if size > cap:
                raise Quarantine("too_large", tr("The member {name} is larger than it claims or allowed.",
                                                 name=info.filename))
            if sink is not None:
                sink.update(block)
            else:
                chunks.append(block)
    return b"".join(chunks)


def _check_entries(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Quarantine("too_many_members", tr("The batch has {count} members; at most {limit} are allowed.",
                                                count=len(infos), limit=limits.max_members))
    names: set[str] = set()
    total = 0
    for info in infos:
        mode = info.external_attr >> 16
        problem = member_name_problem(info.filename)
        if problem is not None and problem.reason_code == "unsafe_name":
            raise problem
        if info.filename in names or info.is_dir() or stat.S_ISLNK(mode):
            raise Quarantine("unsafe_name", tr("The batch holds a member with an unsafe name: {name}",
                                               name=_shown(info.filename)))
        if problem is not None:
            raise problem
        names.add(info.filename)
        total += info.file_size
        if info.file_size > limits.max_member_bytes or total > limits.max_total_bytes:
            raise Quarantine("too_large", tr("The member {name} is larger than it claims or allowed.",
                                             name=info.filename))
        if info.file_size > limits.ratio_from and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise Quarantine("zip_bomb", tr("The member {name} is compressed suspiciously well (zip bomb?).",
                                            name=info.filename))
    return infos


def _check_members(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], manifest: fmt.Manifest,
                   small: dict[str, bytes], limits: Limits) -> None:
    listed = {m.name: m for m in manifest.members}
    present = {i.filename for i in infos}
    for name in sorted(present - listed.keys() - fmt.UNLISTED):
        raise Quarantine("unlisted_member", tr("The batch holds a member the manifest does not list: {name}",
                                               name=name))
    for name in sorted(listed.keys() - present):
        raise Quarantine("missing_member", tr("The batch has no member {name}.", name=name))
    for info in infos:
        member = listed.get(info.filename)
        if member is None:
            continue
        if info.filename in small:
            data = small[info.filename]
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        else:
            sink = hashlib.sha256()
            _read_member(zf, info, limits, sink)
            digest, size = sink.hexdigest(), info.file_size
        if digest != member.sha256 or size != member.size:
            raise Quarantine("member_mismatch", tr("The member {name} of the batch was changed.", name=info.filename))


class SignerCache:
    """What a run learnt about each distinct signer certificate: its parsed leaf and the trusted office that
    issued it (or None). A merge of 1,000 bundles from 50 inspectors then checks 50 chains, not 1,000; the
    signature over each manifest and the validity dates are still checked for every bundle."""

    def __init__(self) -> None:
        self._known: dict[tuple[bytes, tuple[int, ...]], tuple[x509.Certificate, x509.Certificate | None]] = {}

    def signer(self, pem: bytes, trusted: list[x509.Certificate]) -> tuple[x509.Certificate, x509.Certificate | None]:
        key = (pem, tuple(id(cert) for cert in trusted))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = _load_signer(pem, trusted)
        return found


def _load_signer(pem: bytes, trusted: list[x509.Certificate]) -> tuple[x509.Certificate, x509.Certificate | None]:
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise Quarantine("bad_signature", tr("The signer's certificate in the batch cannot be read.")) from None
    leaf = chain[0]
    office = None if certs.is_self_signed(leaf) or certs.is_ca(leaf) else issuing_office(leaf, trusted)
    return leaf, office if office is not None and certs.can_sign_documents(leaf) else None


def _check_signer(pem: bytes, signature: bytes, manifest_bytes: bytes, trusted: list[x509.Certificate],
                  signers: SignerCache | None = None) -> x509.Certificate:
    leaf, office = (signers or SignerCache()).signer(pem, trusted)
    if not signature_valid(leaf.public_key(), signature, manifest_bytes):
        raise Quarantine("bad_signature", tr("The batch's signature does not match its manifest (changed or damaged)."))
    if office is None:
        raise Quarantine("unknown_signer", tr("The batch was signed by an inspector the office did not enrol."))
    if not (certs.valid_now(leaf) and certs.valid_now(office)):
        raise Quarantine("expired_signer", tr("The certificate that signed the batch is not valid today."))
    return leaf


def _parse(model: type[M], data: bytes, code: str, what: str) -> M:
    try:
        return model.model_validate_json(data)  # pydantic's own parser: no Python dict in between
    except (ValueError, ValidationError, RecursionError) as exc:
        raise Quarantine(code, tr("The batch's {what} is not valid: {detail}", what=what,
                                  detail=str(exc).splitlines()[0][:200])) from None


def open_bundle(path: Path | str, trusted_office_certs: list[x509.Certificate], *,
                limits: Limits = Limits(), signers: SignerCache | None = None) -> VerifiedBundle:
    """Check a bundle completely (see the module docstring) and return its manifest and inspections.

    `signers`: a cache shared by the bundles of one run, so each signer's chain is checked once."""
    bundle = Path(path)
    try:
        with _open_zip(bundle) as zf:
            return _verify(bundle, zf, trusted_office_certs, limits, signers)
    except Quarantine:
        raise
    except DAMAGED_ZIP as exc:
        # damaged data inside a zip that opened (bad CRC, broken deflate stream, unsupported method …)
        raise _damaged(exc) from None


def _verify(bundle: Path, zf: zipfile.ZipFile, trusted: list[x509.Certificate], limits: Limits,
            signers: SignerCache | None = None) -> VerifiedBundle:
    infos = _check_entries(zf, limits)
    by_name = {info.filename: info for info in infos}
    if fmt.MANIFEST not in by_name:
        raise Quarantine("bad_manifest", tr("The batch has no manifest."))
    if fmt.SIGNATURE not in by_name or fmt.SIGNER not in by_name:
        raise Quarantine("missing_signature", tr("The batch is not signed."))
    small = {name: _read_member(zf, by_name[name], limits) for name in SMALL_MEMBERS if name in by_name}
    signer = _check_signer(small[fmt.SIGNER], small[fmt.SIGNATURE], small[fmt.MANIFEST], trusted,
                           signers)
    manifest = _parse(fmt.Manifest, small[fmt.MANIFEST], "bad_manifest", tr("manifest"))
    if manifest.inspector.staff_no != certs.Person.from_name(signer.subject).staff_no:
        raise Quarantine("staff_no_mismatch", tr("The batch names staff number {staff_no}, but was signed by {signer}.",
                                                 staff_no=manifest.inspector.staff_no,
                                                 signer=certs.Person.from_name(signer.subject).staff_no or "?"))
    _check_members(zf, infos, manifest, small, limits)
    if fmt.DATA not in small:
        raise Quarantine("bad_data", tr("The batch has no inspection data."))
    data = _parse(fmt.BatchData, small[fmt.DATA], "bad_data", tr("inspection data"))
    _check_data(manifest, data)
    anchor = _parse(fmt.AuditAnchor, small[fmt.AUDIT], "bad_data", tr("audit anchor")) if fmt.AUDIT in small else None
    if anchor is not None and anchor.head_seq < anchor.base_seq:
        raise Quarantine("bad_data", tr("The batch's audit anchor cannot be read."))
    return VerifiedBundle(bundle, manifest, data, signer, limits, anchor)


def _check_data(manifest: fmt.Manifest, data: fmt.BatchData) -> None:
    """The data must hold exactly the manifest's inspections and refer only to members it lists."""
    listed = {m.name for m in manifest.members}
    ids = [record.inspection.id for record in data.inspections]
    if ids != manifest.inspection_ids:
        raise Quarantine("bad_data", tr("The batch's inspections do not match its manifest."))
    for record in data.inspections:
        missing = [m for m in record.members() if m not in listed]
        if missing:
            raise Quarantine("bad_data", tr("The batch's data refers to a missing member {name}.", name=missing[0]))
