"""`inspector-app profile …` (the inspector's signing identity) and `office …` (the office enrolling inspectors).

Every command that needs a passphrase takes it from --passphrase-file, $INSPECTOR_APP_PASSPHRASE or a hidden
prompt on a terminal; without any of these it fails at once (never waits for input that cannot come).
Checks that need no passphrase run first, so nobody types a passphrase only to learn the file was wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pydantic import ValidationError

from inspector_app.cli import commands_office, commands_publish
from inspector_app.cli.common import (
    add_format,
    central_option,
    emit,
    open_workspace,
    to_json,
)
from inspector_app.core.errors import AppError, InputError, Problem, StateError
from inspector_app.core.fileformat import validation_problems
from inspector_app.core.i18n import tr
from inspector_app.core.identity import (
    NEW_PASSPHRASE_ENV,
    IdentityStatus,
    change_passphrase,
    create_identity,
    default_office_dir,
    export_enrolment_request,
    identity_status,
    import_certificate,
    office_enrol,
    office_init,
    office_status,
    resolve_passphrase,
)
from inspector_app.core.identity.certs import Person
from inspector_app.core.identity.inspector import has_identity, unlock_key
from inspector_app.core.identity.office import check_request, load_office_certificate
from inspector_app.core.identity.passphrase import check_new
from inspector_app.core.identity.revocation import REASONS
from inspector_app.core.identity.storage import CRL_FILE, key_fingerprint, load_request
from inspector_app.core.paths import resolve_data_dir
from inspector_app.core.settings import Settings
from inspector_app.core.workspace import Workspace


def _passphrase_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=tr("read the passphrase from the first line of FILE (else $INSPECTOR_APP_PASSPHRASE, "
                                "else a prompt on a terminal)"))


def register(commands: argparse._SubParsersAction) -> None:
    profile = commands.add_parser("profile", help=tr("your signing identity: key, certificate, enrolment"))
    sub = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help=tr("create your signing key and a self-signed certificate"))
    init.add_argument("--name", help=tr("inspector's name (saved in the settings)"))
    init.add_argument("--staff-no", help=tr("staff number (saved in the settings)"))
    init.add_argument("--force", action="store_true", help=tr("replace an existing identity"))
    _passphrase_file(init)
    init.set_defaults(handler=profile_init)
    show = sub.add_parser("show", help=tr("show your identity: enrolled or self-signed, fingerprint, expiry"))
    add_format(show, "table", "json")
    show.set_defaults(handler=profile_show)
    request = sub.add_parser("request", help=tr("write an enrolment request for the office"))
    request.add_argument("-o", "--output", required=True, metavar="FILE.csr.pem")
    _passphrase_file(request)
    request.set_defaults(handler=profile_request)
    imp = sub.add_parser("import-cert", help=tr("import the certificate the office issued for you"))
    imp.add_argument("file")
    imp.set_defaults(handler=profile_import_cert)
    change = sub.add_parser("passphrase", help=tr("change the passphrase of your signing key"))
    _passphrase_file(change)
    change.add_argument("--new-passphrase-file", metavar="FILE",
                        help=tr("read the new passphrase from the first line of FILE"))
    change.set_defaults(handler=profile_passphrase)

    office = commands.add_parser("office", help=tr("the office: create it, enrol inspectors"))
    osub = office.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    oinit = osub.add_parser("init", help=tr("create the office key and certificate"))
    oinit.add_argument("--name", required=True, help=tr("office name, e.g. the hospital and the office"))
    _office_dir(oinit)
    _passphrase_file(oinit)
    oinit.set_defaults(handler=office_init_cmd)
    enrol = osub.add_parser("enrol", help=tr("issue a certificate for an inspector's enrolment request"))
    enrol.add_argument("request", metavar="REQUEST")
    enrol.add_argument("-o", "--output", required=True, metavar="CERT.pem")
    _office_dir(enrol)
    _passphrase_file(enrol)
    enrol.set_defaults(handler=office_enrol_cmd)
    oshow = osub.add_parser("show", help=tr("show the office certificate"))
    _office_dir(oshow)
    add_format(oshow, "table", "json")
    oshow.set_defaults(handler=office_show_cmd)
    seal = osub.add_parser("seal", help=tr("add the office's timestamp and revocation data to a signed document "
                                           "(PAdES B-LT: verifiable for years with only the office certificate)"))
    seal.add_argument("file", metavar="FILE.pdf", nargs="?")
    seal.add_argument("-o", "--output", metavar="OUT.pdf")
    seal.add_argument("--pending", action="store_true",
                      help=tr("instead of one file: seal every merged sheet not sealed yet (with --central)"))
    seal.add_argument("--central", metavar="URL", help=tr("with --pending: the central database"))
    seal.add_argument("--files", metavar="DIR",
                      help=tr("with --pending: the merge's files folder (default: files/ beside a SQLite central "
                              "database)"))
    _office_dir(seal)
    seal.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    seal.set_defaults(handler=office_seal_cmd)
    revoke = osub.add_parser("revoke", help=tr("revoke a certificate the office issued (a serial number, or a "
                                               "staff number for all of that person's): a fresh CRL"))
    revoke.add_argument("target", metavar="SERIAL|STAFF_NO")
    revoke.add_argument("--reason", required=True, choices=REASONS,
                        help=tr("key-compromise, left (the post), superseded, ceased or unspecified"))
    revoke.add_argument("--note", default="", help=tr("a note kept with the revocation"))
    revoke.add_argument("--at", metavar="YYYY-MM-DD[THH:MM]",
                        help=tr("when the revocation takes effect, local time (default: now; never later)"))
    _office_dir(revoke)
    _passphrase_file(revoke)
    central_option(revoke, required=False)  # default: the data folder's own central database, when there is one
    revoke.set_defaults(handler=office_revoke_cmd)
    commands_publish.register(osub)  # office publish: the sync area's command
    commands_office.register(osub)  # office pay-list …: the office's month (issue #14)


def _office_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", metavar="DIR", help=tr("office folder (default: the office folder in the data folder)"))


def _folder(args: argparse.Namespace) -> Path:
    return Path(args.dir).expanduser() if args.dir else default_office_dir(resolve_data_dir(args.data_dir))


def _date(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d") if value else ""


def _require_identity(ws: Workspace) -> None:
    if not has_identity(ws):
        raise StateError(tr("There is no signing identity yet: create one first (profile init)."))


# -- profile --------------------------------------------------------------------------------------------
def profile_init(args: argparse.Namespace) -> int:
    with open_workspace(args, write=True) as ws:
        inspector = ws.settings.inspector.model_dump()
        inspector.update({k: v for k, v in (("name", args.name), ("staff_no", args.staff_no)) if v})
        try:
            settings = Settings.model_validate({**ws.settings.model_dump(), "inspector": inspector})
        except ValidationError as exc:
            raise InputError(validation_problems(exc, "--name/--staff-no", {})) from None
        if not inspector["name"].strip() or not inspector["staff_no"].strip():
            raise AppError(tr("The inspector's name and staff number are needed: --name NAME --staff-no NUMBER."))
        if has_identity(ws) and not args.force:
            raise StateError(tr("You already have a signing identity; use --force to replace it (the office "
                                "must then enrol the new one)."))
        passphrase = resolve_passphrase(None, args.passphrase_file, confirm=True,
                                        prompt=tr("New passphrase for your signing key: "))
        check_new(passphrase)
        if settings != ws.settings:
            ws.update_settings(inspector=inspector)
        status = create_identity(ws, passphrase, overwrite=args.force)
    print(tr("Signing identity created for {name} ({staff_no}); key fingerprint {fingerprint}.",
             name=status.subject_name, staff_no=status.staff_no, fingerprint=status.key_fingerprint))
    print(tr("Next: give the office an enrolment request (profile request -o FILE.csr.pem)."))
    _warn_key_storage(ws.data_dir)
    return 0


def _warn_key_storage(folder: Path) -> None:
    from inspector_app.core.identity.storage import key_storage_warning

    warning = key_storage_warning(folder)
    if warning:
        print(warning, file=sys.stderr)


def status_lines(status: IdentityStatus) -> list[str]:
    if not status.exists:
        return [tr("No signing identity yet: create one with profile init.")]
    if status.problem:
        return [status.problem]
    if status.enrolled:
        state = tr("enrolled by {office}", office=status.issuer_name)
    elif status.self_signed:
        state = tr("self-signed (not yet enrolled by the office)")
    else:
        state = tr("issued by {issuer}, which this laptop does not trust", issuer=status.issuer_name)
    until = _date(status.not_after) + (" " + tr("(expired)") if status.expired else "")
    rows = [(tr("Inspector"), f"{status.subject_name} ({status.staff_no})"),
            (tr("Hospital / office"), f"{status.hospital} {status.office}".strip()),
            (tr("Status"), state), (tr("Valid until"), until),
            (tr("Certificate fingerprint"), status.fingerprint), (tr("Key fingerprint"), status.key_fingerprint),
            (tr("Key protection"), tr("passphrase, and sealed by Windows for this user on this computer")
             if status.key_sealed else tr("passphrase"))]
    if status.office_fingerprint:
        rows.append((tr("Office fingerprint"), status.office_fingerprint))
    return [f"{label}: {value}" for label, value in rows]


def profile_show(args: argparse.Namespace) -> int:
    with open_workspace(args, write=False) as ws:
        status = identity_status(ws)
    emit(to_json(status) if args.format == "json" else "\n".join(status_lines(status)) + "\n")
    if status.exists:
        _warn_key_storage(ws.data_dir)
    return 0


def profile_request(args: argparse.Namespace) -> int:
    with open_workspace(args, write=False) as ws:
        _require_identity(ws)
        passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Passphrase of your signing key: "))
        info = export_enrolment_request(ws, passphrase, args.output)
    print(tr("Enrolment request written: {path}", path=info.path))
    print(tr("Give it to the office and read them this key fingerprint to confirm it is yours: {fingerprint}",
             fingerprint=info.key_fingerprint))
    return 0


def profile_import_cert(args: argparse.Namespace) -> int:
    with open_workspace(args, write=True) as ws:
        status = import_certificate(ws, args.file)
    print(tr("Certificate imported: enrolled by {office}, valid until {date}.", office=status.issuer_name,
             date=_date(status.not_after)))
    print(tr("Office fingerprint (compare with the office): {fingerprint}", fingerprint=status.office_fingerprint))
    return 0


def profile_passphrase(args: argparse.Namespace) -> int:
    with open_workspace(args, write=True) as ws:
        _require_identity(ws)
        old = resolve_passphrase(None, args.passphrase_file, prompt=tr("Current passphrase: "))
        unlock_key(ws, old)  # a wrong old passphrase is reported before the new one is asked for
        new = resolve_passphrase(None, args.new_passphrase_file, prompt=tr("New passphrase: "), confirm=True,
                                 option="--new-passphrase-file", env_var=NEW_PASSPHRASE_ENV)
        change_passphrase(ws, old, new)
    print(tr("Passphrase changed."))
    return 0


# -- office ---------------------------------------------------------------------------------------------
def office_init_cmd(args: argparse.Namespace) -> int:
    folder = _folder(args)
    if office_status(folder).exists:
        raise StateError(tr("An office already exists in {path}; it was kept.", path=folder))
    passphrase = resolve_passphrase(None, args.passphrase_file, confirm=True,
                                    prompt=tr("New passphrase for the office key: "))
    status = office_init(folder, args.name, passphrase)
    print(tr("Office created in {path}: {name}, valid until {date}.", path=status.folder, name=status.name,
             date=_date(status.not_after)))
    print(tr("Office fingerprint: {fingerprint}", fingerprint=status.fingerprint))
    print(tr("Keep office.key.pem and its passphrase safe; verify signed sheets against office.cert.pem."))
    _warn_key_storage(Path(status.folder))
    return 0


def office_enrol_cmd(args: argparse.Namespace) -> int:
    folder = _folder(args)
    load_office_certificate(folder)
    request_file = Path(args.request)
    csr = load_request(request_file)
    check_request(request_file, csr)
    person = Person.from_name(csr.subject)
    print(tr("Request from {name} ({staff_no}); key fingerprint {fingerprint}", name=person.name,
             staff_no=person.staff_no, fingerprint=key_fingerprint(csr.public_key())))
    passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
    done = office_enrol(folder, passphrase, request_file, args.output)
    print(tr("Certificate issued for {name} ({staff_no}), valid until {date}: {path}", name=done.subject_name,
             staff_no=done.staff_no, date=_date(done.not_after), path=done.path))
    return 0


def office_show_cmd(args: argparse.Namespace) -> int:
    status = office_status(_folder(args))
    if args.format == "json":
        emit(to_json({**status.__dict__, "folder": str(status.folder)}))
    elif not status.exists:
        emit(tr("No office in {path}: create it with office init.", path=status.folder) + "\n")
    else:
        emit("\n".join([f"{tr('Office name')}: {status.name}", f"{tr('Folder')}: {status.folder}",
                        f"{tr('Valid until')}: {_date(status.not_after)}",
                        f"{tr('Office fingerprint')}: {status.fingerprint}",
                        f"{tr('Certificates issued')}: {status.issued}"]) + "\n")
    return 0


__all__ = ["register", "status_lines"]


def _moment(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError([Problem("--at", None, "", tr("not a date and time: {value}", value=text))]) from None
    return value.astimezone() if value.tzinfo is None else value


def _revocation_central(args: argparse.Namespace) -> str | None:
    """--central, else the data folder's own SQLite central database when it exists, else None."""
    from inspector_app.core.merge.database import (
        check_central_url,
        default_central,
        default_url,
    )

    if args.central:
        check_central_url(args.central)
        return args.central
    own = default_central(resolve_data_dir(args.data_dir))
    return default_url(own.parent) if own is not None else None


def office_revoke_cmd(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from inspector_app.core.identity.revocation import (
        REVOCATIONS_FILE,
        reason_label,
        revoke,
    )
    from inspector_app.core.merge import open_central
    from inspector_app.office.revocations import record_revocations

    folder = _folder(args)
    load_office_certificate(folder)
    at = _moment(args.at)
    url = _revocation_central(args)
    central = open_central(url) if url else None  # one that cannot be opened is said before anything is revoked
    try:
        passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
        for entry in revoke(folder, passphrase, args.target, args.reason, note=args.note, at=at):
            print(tr("Revoked certificate {serial} of {name} ({staff_no}) from {when}: {reason}.",
                     serial=entry.serial, name=entry.name or "-", staff_no=entry.staff_no or "-",
                     when=entry.revoked_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                     reason=reason_label(entry.reason)))
        print(tr("The office revocation list is updated: {path}. Signatures made after the revocation no longer "
                 "verify here; elsewhere, copy it into the data folder's trust/ folder or give it to verify --crl.",
                 path=folder / CRL_FILE))
        if central is None:
            print(tr("No central database (--central URL): the revocation is kept in {path}; the next merge with "
                     "--office-dir records it in the central database.", path=folder / REVOCATIONS_FILE))
            return 0
        try:
            recorded = record_revocations(central, folder)
        except SQLAlchemyError as exc:
            print(tr("The revocation is in force, but the central database could not record it ({detail}); the "
                     "next merge with --office-dir records it.", detail=type(exc).__name__), file=sys.stderr)
            return 1
        print(tr("Recorded in the central database: {added} new, {total} revocation(s) of this office in all.",
                 added=len(recorded.added), total=recorded.total))
        return 0
    finally:
        if central is not None:
            central.close()


def office_seal_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.countersign import seal_file
    from inspector_app.core.files import write_atomic

    folder = _folder(args)
    if args.pending:
        return _seal_pending(args, folder)
    if not args.file or not args.output or args.central:
        raise AppError(tr("Give FILE.pdf -o OUT.pdf, or --pending --central URL."))
    passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
    sealed = seal_file(Path(args.file), folder, passphrase)
    write_atomic(Path(args.output), sealed)
    print(tr("Sealed with the office timestamp and revocation data: {path}", path=args.output))
    return 0


def _seal_pending(args: argparse.Namespace, folder: Path) -> int:
    from inspector_app.cli.commands_merge import (
        _files_dir,
        print_recorded_revocations,
        seal_and_print,
    )
    from inspector_app.core.identity.timestamping import load_office_seal
    from inspector_app.core.merge import open_central
    from inspector_app.core.merge.database import check_central_url
    from inspector_app.office.sealing import pending_sheets

    if args.file or args.output or not args.central:
        raise AppError(tr("Give FILE.pdf -o OUT.pdf, or --pending --central URL."))
    check_central_url(args.central)
    files = _files_dir(args)
    load_office_certificate(folder)
    passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
    seal = load_office_seal(folder, passphrase)
    central = open_central(args.central)
    try:
        print_recorded_revocations(central, folder)
        return 0 if seal_and_print(central, files, seal, pending_sheets(central)) else 1
    finally:
        central.close()
