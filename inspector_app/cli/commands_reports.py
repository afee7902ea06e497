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

    verify = commands.add_parser("verify", help=tr("check a signed inspection sheet (exit 0 only when trusted)"))
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument("--trust", action="append", default=[], metavar="CERT.pem",
                        help=tr("also trust this office certificate (repeatable)"))
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
            bulletin_xlsx(ws, args.month, Path(args.output))
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
    result = verify_pdf(data, roots)
    when = result.signing_time.astimezone().strftime("%Y-%m-%d %H:%M:%S %z") if result.signing_time else "-"
    who = f"{result.signer or '-'}" + (f" ({result.signer_number})" if result.signer_number else "")
    print(tr("File: {path}", path=path))
    print(tr("Signer: {who}; issued by: {issuer}", who=who, issuer=result.issuer or "-"))
    print(tr("Signing time: {when}", when=when))
    print(tr("Document number: {number}", number=result.document_number or "-"))
    if result.ok:
        print(tr("Result: VALID — intact, covers the whole file, chains to a trusted office certificate."))
        return 0
    for problem in result.problems:
        print(tr("Problem: {problem}", problem=problem))
    print(tr("Result: NOT VALID"))
    return 1
