"""`inspector-app report sheet|notice|bulletin` and `inspector-app verify FILE.pdf`."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from inspector_app.cli.common import open_workspace
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help=tr("signed inspection sheets, rectification notices, bulletins"))
    sub = report.add_subparsers(dest="report_command", metavar="DOCUMENT", required=True)
    sheet = sub.add_parser("sheet", help=tr("the signed inspection sheet of a finished inspection"))
    sheet.add_argument("inspection_id")
    sheet.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    sheet.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    sheet.set_defaults(handler=report_sheet)
    notice = sub.add_parser("notice", help=tr("rectification notice(s) of a finished inspection"))
    notice.add_argument("inspection_id")
    notice.add_argument("--department", help=tr("only this department (code or name)"))
    notice.add_argument("-o", "--output", required=True, metavar="FILE.pdf",
                        help=tr("with several departments, one file each: FILE-<department>.pdf"))
    notice.add_argument("--copies", type=int, default=1, help=tr("copies printed, kept in the register"))
    notice.set_defaults(handler=report_notice)
    bulletin = sub.add_parser("bulletin", help=tr("the monthly bulletin (PDF or XLSX)"))
    bulletin.add_argument("--month", required=True, metavar="YYYY-MM")
    bulletin.add_argument("-o", "--output", metavar="FILE.pdf|FILE.xlsx")
    bulletin.add_argument("--draft", metavar="FILE.json",
                          help=tr("write the drafted narrative (基本情况…下一步要求) to edit, instead of the bulletin"))
    bulletin.add_argument("--narrative", metavar="FILE.json",
                          help=tr("print this edited narrative instead of the drafted one"))
    bulletin.set_defaults(handler=report_bulletin)

    countersign = sub.add_parser("countersign", help=tr("countersign a signed sheet with your key (e.g. the "
                                                         "inspected department head's acknowledgement)"))
    countersign.add_argument("file", metavar="FILE.pdf")
    countersign.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    countersign.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    countersign.set_defaults(handler=report_countersign)

    verify = commands.add_parser("verify", help=tr("check a signed inspection sheet (exit 0 only when trusted)"))
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument("--trust", action="append", default=[], metavar="CERT.pem",
                        help=tr("also trust this office certificate (repeatable)"))
    verify.add_argument("--crl", action="append", default=[], metavar="CRL.pem",
                        help=tr("also read this office revocation list (repeatable; <data>/trust/*.crl.pem and "
                                "the office folder's are read anyway)"))
    verify.set_defaults(handler=verify_cmd)


def _copy_out(source: Path, target: str) -> None:
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def report_sheet(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.issue import issue_sheet
    from inspector_app.core.identity import resolve_passphrase

    with open_workspace(args, write=True) as ws:
        passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Passphrase of your signing key: "))
        issued = issue_sheet(ws, args.inspection_id, passphrase)
        _copy_out(issued.path, args.output)
    print(tr("Inspection sheet {number} signed by {signer}: {path}", number=issued.number,
             signer=issued.signed_by or "?", path=args.output))
    if issued.self_signed:
        print(tr("Note: your certificate is self-signed; ask the office to enrol you (profile request)."),
              file=sys.stderr)
    return 0


def report_countersign(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.countersign import countersign_file
    from inspector_app.core.files import write_atomic
    from inspector_app.core.identity import resolve_passphrase

    with open_workspace(args, write=False) as ws:
        passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Passphrase of your signing key: "))
        signed = countersign_file(ws, Path(args.file), passphrase)
    write_atomic(Path(args.output), signed)
    print(tr("Countersigned: {path}", path=args.output))
    return 0


def report_notice(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.issue import issue_notices

    with open_workspace(args, write=True) as ws:
        issued = issue_notices(ws, args.inspection_id, args.department, copies=args.copies)
        output = Path(args.output)
        for item in issued:
            stem = item.path.stem  # an ASCII name (notice-2026-3012), not the number with its 〔〕
            target = output if len(issued) == 1 else output.with_name(f"{output.stem}-{stem}{output.suffix}")
            _copy_out(item.path, str(target))
            print(tr("Rectification notice {number}: {path}", number=item.number, path=target))
    return 0


def report_bulletin(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.bulletin_data import workspace_content
    from inspector_app.core.documents.bulletin_narrative import (
        draft_narrative,
        load_narrative,
        write_narrative,
    )
    from inspector_app.core.documents.issue import bulletin_xlsx, issue_bulletin
    from inspector_app.core.i18n import language
    from inspector_app.core.summary import parse_month

    month = parse_month(args.month)
    if args.draft:
        with open_workspace(args, write=False) as ws:
            path = write_narrative(draft_narrative(workspace_content(ws, month, lang=language()), language()),
                                   Path(args.draft))
        print(tr("Narrative of the {month} bulletin drafted: {path}. Edit it, then issue the bulletin with "
                 "--narrative {path}.", month=month, path=path))
        return 0
    if not args.output:
        raise InputError([Problem("--output", None, "", tr("required here"))])
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise InputError([Problem("--output", None, "", tr("the bulletin is written as .pdf or .xlsx"))])
    narrative = load_narrative(Path(args.narrative), month) if args.narrative else None
    with open_workspace(args, write=suffix == ".pdf") as ws:
        if suffix == ".xlsx":
            bulletin_xlsx(ws, args.month, Path(args.output), lang=language())
            print(tr("Written: {path}", path=args.output))
        else:
            issued = issue_bulletin(ws, month, narrative=narrative, lang=language())
            _copy_out(issued.path, args.output)
            print(tr("Monthly bulletin {number}: {path}", number=issued.number, path=args.output))
    return 0


def verify_cmd(args: argparse.Namespace) -> int:
    from cryptography import x509

    from inspector_app.core.documents.signing import verify_pdf
    from inspector_app.core.identity import trusted_office_certs
    from inspector_app.core.identity.trust import local_crls

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", tr("cannot read the file: {detail}",
                                                         detail=exc.strerror or str(exc)))]) from exc
    roots = []
    for extra in args.trust:
        try:
            roots.append(x509.load_pem_x509_certificate(Path(extra).read_bytes()))
        except (OSError, ValueError) as exc:
            raise InputError([Problem(extra, None, "", tr("not a PEM certificate"))]) from exc
    with open_workspace(args, write=False) as ws:
        roots += trusted_office_certs(ws)
        crls = local_crls(ws.data_dir, [Path(item) for item in args.crl])
    result = verify_pdf(data, roots, crls)
    print(tr("File: {path}", path=path))
    print(tr("Signer: {who}; issued by: {issuer}", who=_who(result.signer, result.signer_number),
             issuer=result.issuer or "-"))
    print(tr("Signing time: {when}", when=_when(result.signing_time)))
    print(tr("Document number: {number}", number=result.document_number or "-"))
    if result.content_sha256:
        print(tr("Content SHA-256 (printed on the sheet): {digest}", digest=result.content_sha256))
    for index, report in enumerate(result.signatures, start=1):
        print(_signature_line(index, report))
    if result.level:
        print(tr("Level: {level}", level=result.level))
    if result.ok:
        print(tr("Result: VALID — intact, covers the whole file, chains to a trusted office certificate."))
        return 0
    for problem in result.problems:
        print(tr("Problem: {problem}", problem=problem))
    print(tr("Result: NOT VALID"))
    return 1


def _who(name: str | None, number: str | None) -> str:
    return f"{name or '-'}" + (f" ({number})" if number else "")


def _when(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z") if moment else "-"


def _signature_line(index: int, report) -> str:
    kinds = {"certification": tr("certification signature"), "countersignature": tr("countersignature"),
             "timestamp": tr("document timestamp")}
    if not report.intact:
        state = tr("broken")
    elif report.long_term:
        state = tr("intact, trusted as of the office timestamp (revocation data in the file)")
    else:
        state = tr("intact, trusted") if report.trusted else tr("intact, not trusted")
    return tr("Signature {index}: {kind} by {who}, certificate {serial} issued by {issuer}, at {when}; {state}; "
              "revision {revision} of {revisions}", index=index, kind=kinds.get(report.kind, report.kind),
              who=_who(report.signer, report.signer_number), serial=report.certificate or "-",
              issuer=report.issuer or "-", when=_when(report.signing_time), state=state,
              revision=report.revision, revisions=report.revisions)
